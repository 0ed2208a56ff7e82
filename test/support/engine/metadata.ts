/**
 * A Dockerfile of metadata instructions (every one the builders record, FROM scratch so nothing
 * runs) and the checks its image's history must pass: an exact build as far as the history tells,
 * and no longer one after any single edit. test/unit/engine/mapping.test.ts runs them on the
 * CreatedBy texts dockerd 20.10.24 wrote; test/integration/engine/engine.test.ts on a real build.
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { isExactBuild, mapHistory, type HistoryEntry } from '../../../server/src/sources/engine';

/** Built with `--build-arg V=9`. */
export const METADATA_DOCKERFILE = [
  'FROM scratch',
  'ARG V=1',
  'ENV A=1 B="x y" C=$V',
  'ENV D 2',
  "ENV E=a\\ b F='q r' \\",
  '    G=3',
  'LABEL a=1 "b c"="d e"',
  'EXPOSE 80 443/udp',
  'USER 1000:1000',
  'WORKDIR /opt/app/',
  'WORKDIR sub',
  'VOLUME /v1 /v2',
  'VOLUME ["/x"]',
  'STOPSIGNAL SIGTERM',
  'HEALTHCHECK --interval=5s CMD true',
  'SHELL ["/bin/sh", "-c"]',
  'ONBUILD RUN echo hi',
  'MAINTAINER me <me@x>',
  'ENTRYPOINT cat /x',
  'CMD echo a\\b "q" $HOME',
  '',
].join('\n');

/** One edit per instruction the history shows: each must be marked as changed. */
const EDITS: [string, string][] = [
  ['CMD echo a\\b "q"', 'CMD echo a\\c "q"'], ['ENV D 2', 'ENV D 3'], ['B="x y"', 'B="x z"'], ['    G=3', '    G=4'], ['"d e"', '"d f"'], ['443/udp', '444/udp'],
  ['USER 1000:1000', 'USER 1001'], ['WORKDIR sub', 'WORKDIR sub2'], ['/v2', '/v3'], ['SIGTERM', 'SIGKILL'], ['["/bin/sh", "-c"]', '["/bin/bash", "-c"]'],
  ['MAINTAINER me', 'MAINTAINER you'], ['cat /x', 'cat /y'], ['ARG V=1', 'ARG V=2'],
  // A variable's literal text around it is still compared.
  ['C=$V', 'D=$V'],
];

/** Checks the mapping of `history` (oldest first) of METADATA_DOCKERFILE's image built by `builder`. */
export function checkMetadataHistory(history: readonly HistoryEntry[], builder: 'classic' | 'buildkit'): void {
  const m = mapHistory(buildModel(METADATA_DOCKERFILE), history);
  assert.deepEqual(m.unmatched, []);
  assert.ok(isExactBuild(m));
  // Lines the history cannot confirm: an ENV with a variable (expanded in the history), the
  // HEALTHCHECK, and under BuildKit the ONBUILD it does not record.
  const unsure = m.layers.filter((l) => l.sameText === undefined).map((l) => l.instr.range.start.line);
  assert.deepEqual(unsure, builder === 'buildkit' ? [2, 14, 16] : [2, 14]);
  for (const [from, to] of EDITS) {
    const edited = mapHistory(buildModel(METADATA_DOCKERFILE.replace(from, to)), history);
    assert.equal(isExactBuild(edited), false, `${from} -> ${to}`);
    assert.equal(edited.layers.filter((l) => l.sameText === false).length, 1, `${from} -> ${to}`);
  }
}
