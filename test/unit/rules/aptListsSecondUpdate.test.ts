/**
 * A second `apt-get update` in a later RUN of the image, an earlier RUN having kept its lists:
 * apt rewrites the InRelease files and only the lists the mirror changed since, so its layer holds
 * about APT_LISTS_SECOND_UPDATE (measured: 241,248 bytes) while the mirror has not changed, up to
 * the whole lists when it has. apt-lists-kept says both and gives the first as its saving, and the
 * image estimate counts the first (a real build of the two RUNs: layers of 21.1 and 9.77 MB).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { APT_LISTS, APT_LISTS_SECOND_UPDATE } from '../../../server/src/sizes/constants';

const ENV = { context: {} };
const RUN = (pkg: string, rest = '') => `RUN apt-get update && apt-get install -y --no-install-recommends ${pkg}${rest}`;
const RM = ' && rm -rf /var/lib/apt/lists/*';

/** The saving of each apt-lists-kept finding and the estimate's lists part of each layer that has one, in file order. */
function figures(text: string): { findings: number[]; estimate: number[] } {
  const findings = analyze(text, ENV).findings.filter((f) => f.ruleId === 'apt-lists-kept').map((f) => f.saving?.bytes ?? -1);
  const estimate = estimateImage(buildModel(text), ENV)!.layers.flatMap((l) => l.parts.filter((p) => p.label === 'apt lists left in the layer').map((p) => p.bytes ?? -1));
  return { findings, estimate };
}

describe('apt lists of a second apt-get update after an earlier RUN kept them', () => {
  const FULL = APT_LISTS.bytes;
  const SECOND = APT_LISTS_SECOND_UPDATE.bytes;
  for (const [name, text, expected] of [
    ['two RUNs of update + install', `FROM debian:bookworm\n${RUN('less')}\n${RUN('file')}\n`, [FULL, SECOND]],
    ['three', `FROM debian:bookworm\n${RUN('less')}\n${RUN('file')}\n${RUN('curl')}\n`, [FULL, SECOND, SECOND]],
    ['the first removes its lists', `FROM debian:bookworm\n${RUN('less', RM)}\n${RUN('file')}\n`, [FULL]],
    ['a RUN between removes them', `FROM debian:bookworm\n${RUN('less')}\nRUN rm -rf /var/lib/apt/lists/*\n${RUN('file')}\n`, [FULL, FULL]],
    ['a stage built on the stage that kept them', `FROM debian:bookworm AS base\n${RUN('less')}\nFROM base\n${RUN('file')}\n`, [FULL, SECOND]],
    ['a stage from the registry image, not built on it', `FROM debian:bookworm AS one\n${RUN('less')}\nFROM debian:bookworm\n${RUN('file')}\n`, [FULL, FULL]],
    ['the earlier update runs only in an if', `FROM debian:bookworm\nARG DEV=0\nRUN if [ "$DEV" = 1 ]; then apt-get update && apt-get install -y less; fi\n${RUN('file')}\n`, [FULL, FULL]],
    ['the earlier update may not run (after an ||)', `FROM debian:bookworm\nRUN test -f /x || apt-get update\n${RUN('file')}\n`, [FULL, FULL]],
    ['the earlier RUN keeps them in a cache mount', `FROM debian:bookworm\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y less\n${RUN('file')}\n`, [FULL]],
  ] as const) {
    it(`${name}: ${expected.map((b) => (b === SECOND ? 'second update' : 'whole lists')).join(', ')}`, () => {
      const got = figures(text);
      assert.deepEqual(got.findings, expected);
      // The estimate lists the final stage's layers (a stage it is built on is its base).
      assert.deepEqual(got.estimate, name.includes('stage') ? expected.slice(-1) : expected);
    });
  }

  it('says the figure holds while the mirror has not changed since the earlier RUN, and up to the whole lists when it has', () => {
    const text = `FROM debian:bookworm\n${RUN('less')}\n${RUN('file')}\n`;
    const second = analyze(text, ENV).findings.filter((f) => f.ruleId === 'apt-lists-kept')[1];
    assert.match(second.message, /^apt lists stay in this layer: about 241 KB when the mirror has not changed since line 2's RUN kept the lists, up to about 20 MB when it has\. Add/);
    assert.match(second.saving!.basis!, /InRelease/);
    assert.match(second.saving!.basis!, /up to the whole lists if the mirror changed/);
  });
});
