/**
 * Inputs on which a quick fix once did not take (its edit left its finding in place) or was not
 * idempotent, found by the property tests in test/unit/hostile/properties.test.ts. On each, every
 * fix the rule offers must remove its finding, add no parse error, and a second fix must not
 * find the first one's work undone; and where the rule should still fix, it must offer one.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { addedErrors } from '../../support/peerErrors';

const ENV = { context: {} };

/** Applies each fix `ruleId` offers on `text` alone; returns how many were offered. */
function eachFixTakes(text: string, ruleId: string): number {
  const analysis = analyze(text, ENV);
  const count = (t: string) => analyze(t, ENV).findings.filter((f) => f.ruleId === ruleId).length;
  let offered = 0;
  for (const finding of analysis.findings.filter((f) => f.ruleId === ruleId)) {
    const fix = fixFor(analysis, finding, ENV);
    if (!fix) continue;
    offered++;
    const fixed = applyEdits(text, fix.edits);
    assert.ok(count(fixed) < count(text), `the ${ruleId} fix "${fix.title}" did not remove its finding:\n${fixed}`);
    assert.deepEqual(addedErrors(text, fixed), [], `the ${ruleId} fix added parse errors:\n${fixed}`);
  }
  return offered;
}

describe('quick fixes take on inputs where they once did not', () => {
  describe('apt-lists-kept', () => {
    it('an escaped blank before a continuation: the fix is withheld (its cleanup glued onto the next line)', () => {
      for (const sub of ['install', 'dist-upgrade']) {
        const text = ['FROM debian:bookworm-slim', 'RUN apt-get update \\', `    && apt-get -y ${sub} \\ \\`, '        python3 \\', '        make && rm -rf /var/lib/apt/lists/*', ''].join('\n');
        assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === 'apt-lists-kept'), `no finding on ${sub}: the case proves nothing`);
        assert.equal(eachFixTakes(text, 'apt-lists-kept'), 0);
      }
    });

    it('the same RUN without the escaped blank is still fixed', () => {
      const text = ['FROM debian:bookworm-slim', 'RUN apt-get update \\', '    && apt-get -y install \\', '        python3 \\', '        make', ''].join('\n');
      assert.equal(eachFixTakes(text, 'apt-lists-kept'), 1);
    });
  });

  describe('apk-virtual-not-deleted', () => {
    it('a group named like an option (`--virtual --no-cache`): no fix, since `apk del --no-cache` deletes nothing', () => {
      const text = 'FROM alpine:3.21\nRUN apk add --virtual  --no-cache git\n';
      assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === 'apk-virtual-not-deleted'), 'no finding: the case proves nothing');
      assert.equal(eachFixTakes(text, 'apk-virtual-not-deleted'), 0);
    });

    it('a plain group name is still fixed', () => {
      assert.equal(eachFixTakes('FROM alpine:3.21\nRUN apk add --virtual .build-deps --no-cache gcc\n', 'apk-virtual-not-deleted'), 1);
    });
  });

  describe('files-changed-in-later-layer', () => {
    const writer = (sub: string) => ['FROM debian:bookworm', 'RUN apt-get update \\', `    && apt-get -y install ${sub}`, '        python3 \\', '        make', 'RUN rm -rf /var/lib/apt/lists/*', ''].join('\n');

    it('an escaped blank before a continuation in the RUN that wrote the files: the rm is not moved there (it was glued onto the next line)', () => {
      const text = writer('\\ \\');
      assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === 'files-changed-in-later-layer'), 'no finding: the case proves nothing');
      assert.equal(eachFixTakes(text, 'files-changed-in-later-layer'), 0);
    });

    it('the same RUN without the escaped blank still gets the rm', () => {
      assert.equal(eachFixTakes(writer('\\'), 'files-changed-in-later-layer'), 1);
    });
  });
});
