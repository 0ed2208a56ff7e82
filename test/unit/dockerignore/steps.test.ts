/**
 * checkDockerignoreInSteps: the language server runs the check against a large listing a few
 * steps at a time, so no single step may do work proportional to the whole listing.
 */
import * as assert from 'node:assert/strict';
import { checkDockerignore, checkDockerignoreInSteps, type ContextListing } from '../../../server/src/core/dockerignore';

/** CPU milliseconds `f` took. */
function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('checkDockerignoreInSteps', () => {
  // 10,000 files in folders of 100, a quarter under node_modules; 100 patterns that match nothing
  // (each is tested against every path), exceptions, and one that reaches into a skipped folder.
  const files: string[] = [];
  for (let d = 0; d < 100; d++) for (let f = 0; f < 100; f++) files.push(d % 4 === 0 ? `node_modules/dep${d}/f${f}.js` : `src/m${d}/f${f}.js`);
  const listing: ContextListing = { files };
  const text = ['node_modules', '!node_modules/dep4/f1.js', 'src/m1', '!src/m1/f2.js', ...Array.from({ length: 100 }, (_, i) => `**/*.nothing${i}`), '!nothing/here'].join('\n') + '\n';

  it('gives the same findings as checkDockerignore, in steps of bounded work', function () {
    this.timeout(30_000);
    const steps = checkDockerignoreInSteps(text, { context: listing });
    let count = 0;
    let longest = 0;
    let total = 0;
    let findings;
    for (;;) {
      let step!: IteratorResult<void, ReturnType<typeof checkDockerignore>>;
      const ms = cpuMs(() => (step = steps.next()));
      total += ms;
      longest = Math.max(longest, ms);
      count++;
      if (step.done) {
        findings = step.value;
        break;
      }
    }
    assert.deepEqual(findings, checkDockerignore(text, { context: listing }));
    assert.equal(findings.filter((f) => f.ruleId === 'dockerignore-matches-nothing').length, 101); // the 100 patterns and `!nothing/here`
    // About 10,000 x 100 pattern tests in all: hundreds of steps, each a small share of the whole.
    assert.ok(count > 200, `${count} steps`);
    assert.ok(longest < Math.max(50, total / 20), `the longest step took ${longest.toFixed(1)} ms of CPU, of ${total.toFixed(0)} ms in all`);
  });

  it('does not yield without a listing', () => {
    const steps = checkDockerignoreInSteps(text);
    assert.equal(steps.next().done, true);
  });
});
