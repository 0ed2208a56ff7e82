/**
 * apk-update-cache-kept's removal of `apk update` (when every later apk command needs no stored
 * index) must leave a script the shell accepts, whatever operators stand around the update.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';

const ENV = { context: {} };
const RULE = 'apk-update-cache-kept';

function fixed(run: string): string | undefined {
  const text = `FROM alpine:3.21\n${run}\n`;
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === RULE);
  assert.ok(finding, `no ${RULE} on ${run}`);
  const fix = fixFor(analysis, finding, ENV);
  return fix && applyEdits(text, fix.edits).split('\n')[1];
}

describe('apk-update-cache-kept: dropping the update', () => {
  for (const [run, expected] of [
    // Found by a shell-syntax judge over random RUN scripts: the update and the `;` after it went,
    // leaving `then echo a && fi`.
    ['RUN if true; then echo a && apk update; fi; apk add --no-cache curl', 'RUN if true; then echo a; fi; apk add --no-cache curl'],
    ['RUN echo a && apk update; apk add --no-cache curl', 'RUN echo a; apk add --no-cache curl'],
    ['RUN apk update && apk add --no-cache curl', 'RUN apk add --no-cache curl'],
    ['RUN set -e; apk update; apk add --no-cache curl', 'RUN set -e; apk add --no-cache curl'],
    ['RUN echo a && apk update && apk add --no-cache curl', 'RUN echo a && apk add --no-cache curl'],
  ]) {
    it(`${run} -> ${expected}`, () => {
      const after = fixed(run);
      assert.equal(after, expected);
      const script = after!.slice('RUN '.length);
      const sh = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
      assert.equal(sh.status, 0, `sh -n rejects ${script}: ${sh.stderr}`);
    });
  }
});
