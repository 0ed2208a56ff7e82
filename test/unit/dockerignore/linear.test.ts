/**
 * Hostile ignore patterns: a pattern with many wildcards is matched in linear time
 * (linearMatcher.ts; linearMatcher.test.ts compares it with RE2JS) and gives the same answers as
 * the backtracking translation gives for it; a pattern that made the backtracking engine run for
 * minutes on one path now decides thousands of paths at once. The
 * literal-start shortcut gives the regexp's answers, and large ignore files are checked in time
 * that grows linearly with their lines.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDockerignore, createDockerignoreMatcher, goClean } from '../../../server/src/core/dockerignore';
import { translateGoRegexp } from '../../../server/src/core/dockerignore/goRegexp';
import { compilePattern, testPattern } from '../../../server/src/core/dockerignore/pattern';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261203);

describe('dockerignore: patterns with many wildcards', () => {
  it('keeps common patterns on the backtracking engine and sends wildcard-heavy ones to the linear one', () => {
    for (const p of ['node_modules', '*.pyc', '**/__pycache__', 'src/**/*.test.js', '**/tmp/*/cache']) assert.notEqual(compilePattern(goClean(p)).kind, 'linear', p);
    assert.equal(compilePattern(goClean('**/a/**/b/**/c/*.d')).kind, 'linear');
  });

  it('decides 3,000 hostile paths against a pattern that used to hang, within 2 s', () => {
    // 200 `**/` and 200 `*a`: JavaScript's backtracking ran for minutes on one path that almost matches.
    const pattern = '**/'.repeat(200) + '*a'.repeat(200) + 'b';
    const matcher = createDockerignoreMatcher(`${pattern}\n!${'*a'.repeat(40)}\nnode_modules`);
    const paths = Array.from({ length: 1000 }, (_, i) => ['a'.repeat(10 + (i % 50)), `${'a/'.repeat(i % 40)}${'a'.repeat(i % 60)}c`, `src/${'ab'.repeat(i % 30)}/x.js`]).flat();
    const started = process.hrtime.bigint();
    const excluded = paths.filter((p) => matcher.isExcluded(p)).length;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
    // None of them ends in b after 200 a's, and node_modules is not among them.
    assert.equal(excluded, 0);
    assert.equal(matcher.isExcluded(`${'a'.repeat(200)}b`), true);
    assert.equal(matcher.isExcluded('node_modules/x'), true);
  });

  it('gives the answers of the backtracking translation (random patterns and paths)', () => {
    const fragment = fc.constantFrom('*', '*', '**/', '**', '?', 'a', 'b', 'ab', '/', '.', '[a-c]', '[^a]', '[[:alpha:]]', '[]a]', '\\*', '\\.', '\\d', '\\s', '-', 'é', ' ');
    const pattern = fc.array(fragment, { minLength: 4, maxLength: 14 }).map((fs) => fs.join(''));
    const path = fc.array(fc.constantFrom('a', 'b', 'c', '/', '.', ']', '-', '5', ' ', 'é', '*', 'ab', 'aa'), { minLength: 0, maxLength: 14 }).map((cs) => cs.join(''));
    let compared = 0;
    fc.assert(
      fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (p, paths) => {
        const c = compilePattern(goClean(p));
        if (c.kind !== 'linear') return;
        const t = translateGoRegexp(c.goSource);
        assert.ok(t.ok);
        const backtracking = new RegExp(t.source, 'u');
        for (const s of paths) {
          assert.equal(testPattern(c, s), backtracking.test(s), `${JSON.stringify(p)} (${c.goSource}) on ${JSON.stringify(s)}`);
          compared++;
        }
      }),
      { numRuns: 1500, seed: SEED },
    );
    assert.ok(compared > 500, `only ${compared} comparisons: the generator rarely makes wildcard-heavy patterns`);
  });

  it('the literal-start shortcut gives the regexp\'s answers (random patterns and paths)', () => {
    const fragment = fc.constantFrom('*', '?', 'a', 'b', 'a/', '/', '.', '^', '$', '+', '\uFEFF', '[a-c]', '\\*', '\\a', 'é', '(', '|');
    const pattern = fc.array(fragment, { minLength: 1, maxLength: 8 }).map((fs) => fs.join(''));
    const path = fc.array(fc.constantFrom('a', 'b', '/', '.', '^', '$', '+', '*', 'é', '(', '|', 'ab'), { maxLength: 8 }).map((cs) => cs.join(''));
    let compared = 0;
    fc.assert(
      fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (p, paths) => {
        const c = compilePattern(goClean(p));
        if (c.kind !== 'regexp') return;
        for (const s of paths) {
          assert.equal(testPattern(c, s), c.fast().test(s), `${JSON.stringify(p)} (${c.goSource}, literal start ${JSON.stringify(c.literalPrefix)}) on ${JSON.stringify(s)}`);
          compared++;
        }
      }),
      { numRuns: 2000, seed: SEED },
    );
    assert.ok(compared > 1000, `only ${compared} comparisons`);
  });

  it('checks an ignore file of 40,000 lines in time linear in its lines (it was quadratic: 2 s for 20,000)', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `dir${i}/**/*.tmp`).join('\n');
    const cpu = (n: number) => {
      const text = lines(n);
      const t0 = process.cpuUsage();
      checkDockerignore(text, { context: { files: ['a', 'b/c', 'dir1/x.tmp'] } });
      const t = process.cpuUsage(t0);
      return (t.user + t.system) / 1000;
    };
    cpu(2_000); // warm-up
    const small = cpu(10_000);
    const large = cpu(40_000);
    // Four times the lines: about four times the time; quadratic work would be about sixteen.
    assert.ok(large < 8 * small + 200, `10,000 lines: ${small.toFixed(0)} ms CPU, 40,000 lines: ${large.toFixed(0)} ms CPU`);
  });
});
