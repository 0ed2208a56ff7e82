/**
 * The apt lists stay when the RUN removes them before its last `apt-get update`:
 * `rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install` keeps what the update fetched.
 * apt-lists-kept and the image estimate count only a removal after that update.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const ENV = { context: {} };
const INSTALL = 'apt-get install -y --no-install-recommends curl';

describe('apt lists: only a removal after the last apt-get update counts', () => {
  for (const [run, kept] of [
    [`rm -rf /var/lib/apt/lists/* && apt-get update && ${INSTALL}`, true],
    [`apt-get update && rm -rf /var/lib/apt/lists/* && apt-get update && ${INSTALL}`, true],
    [`rm -rf /var/lib/apt/* && apt-get update && ${INSTALL}`, true],
    [`apt-get update && ${INSTALL} && rm -rf /var/lib/apt/lists/*`, false],
    [`rm -rf /var/lib/apt/lists/* && apt-get update && ${INSTALL} && rm -rf /var/lib/apt/lists/*`, false],
  ] as const) {
    it(`${run}: ${kept ? 'kept' : 'removed'}`, () => {
      const text = `FROM debian:bookworm\nRUN ${run}\n`;
      const findings = analyze(text, ENV).findings.filter((f) => f.ruleId === 'apt-lists-kept');
      assert.equal(findings.length, kept ? 1 : 0);
      const parts = estimateImage(buildModel(text), ENV)!.layers[0].parts.map((p) => p.label);
      assert.equal(parts.includes('apt lists left in the layer'), kept);
      if (kept) assert.match(findings[0].message, /Add `rm -rf \/var\/lib\/apt\/lists\/\*` to the same RUN/);
    });
  }

  it('the finding is on the update whose lists stay: the one after the removal', () => {
    const run = `apt-get update && rm -rf /var/lib/apt/lists/* && apt-get update && ${INSTALL}`;
    const [finding] = analyze(`FROM debian:bookworm\nRUN ${run}\n`, ENV).findings.filter((f) => f.ruleId === 'apt-lists-kept');
    const second = 'RUN '.length + run.lastIndexOf('apt-get update');
    assert.deepEqual([finding.range.start, finding.range.end], [{ line: 1, character: second }, { line: 1, character: second + 'apt-get update'.length }]);
  });
});
