/**
 * Hostile ignore patterns: a pattern with many wildcards is matched in linear time (RE2JS) and
 * gives the same answers as the backtracking translation gives for it; a pattern that made the
 * backtracking engine run for minutes on one path now decides thousands of paths at once.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDockerignoreMatcher, goClean } from '../../../server/src/core/dockerignore';
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
});
