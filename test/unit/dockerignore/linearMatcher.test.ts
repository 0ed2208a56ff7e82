/**
 * Our linear-time matcher (server/src/core/dockerignore/linearMatcher.ts) against RE2JS, a port
 * of RE2, the engine Go's regexp package follows, kept as a devDependency for this oracle: random
 * ignore patterns and paths, the wildcard-heavy and hostile shapes among them, must get the same
 * answer from both as Go's regexp.MatchString gives (a match anywhere in the path; RE2JS's
 * `test`). Patterns of every kind are compared, not only those pattern.ts sends to the matcher.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { goClean } from '../../../server/src/core/dockerignore';
import { translateGoRegexp } from '../../../server/src/core/dockerignore/goRegexp';
import { LinearMatcher } from '../../../server/src/core/dockerignore/linearMatcher';
import { compilePattern } from '../../../server/src/core/dockerignore/pattern';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261203);

/** The Go regexp Docker builds for an ignore pattern, or undefined for a shortcut (exact, prefix, suffix). */
function goSourceOf(pattern: string): string | undefined {
  const c = compilePattern(goClean(pattern));
  return c.kind === 'regexp' || c.kind === 'linear' || c.kind === 'broken' ? c.goSource : undefined;
}

function compile(goSource: string): LinearMatcher {
  const t = translateGoRegexp(goSource);
  assert.ok(t.ok, `${goSource}: ${JSON.stringify(t)}`);
  const m = LinearMatcher.compile(t.tokens);
  assert.ok(typeof m !== 'string', `${goSource}: ${String(m)}`);
  return m;
}

describe('dockerignore: the linear-time matcher against RE2JS', () => {
  const fragments = ['*', '*', '**/', '**', '?', 'a', 'b', 'ab', '/', '.', '[a-c]', '[^a]', '[[:alpha:]]', '[]a]', '[*]', '[**/]', '\\*', '\\.', '\\d', '\\s', '\\b', '\\B', '\\A', '\\z', '^', '$', '\\x41', '-', 'é', ' ', '\\'];
  const pathChars = ['a', 'b', 'c', 'A', '/', '.', ']', '-', '5', ' ', 'é', '*', '\n', 'ab', 'aa', '$', '^'];
  const pattern = fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 16 }).map((fs) => fs.join(''));
  const path = fc.array(fc.constantFrom(...pathChars), { minLength: 0, maxLength: 16 }).map((cs) => cs.join(''));

  it('answers as RE2JS does (random patterns and paths)', () => {
    let compared = 0;
    let matched = 0;
    fc.assert(
      fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (p, paths) => {
        const goSource = goSourceOf(p);
        if (goSource === undefined) return;
        const t = translateGoRegexp(goSource);
        if (!t.ok) return; // invalid or unsupported: pattern.ts matches nothing then
        const ours = LinearMatcher.compile(t.tokens);
        assert.ok(typeof ours !== 'string', `${JSON.stringify(p)} (${goSource}): ${String(ours)}`);
        const oracle = RE2JS.compile(goSource);
        for (const s of paths) {
          const expected = oracle.test(s);
          assert.equal(ours.matches(s), expected, `${JSON.stringify(p)} (${goSource}) on ${JSON.stringify(s)}`);
          compared++;
          if (expected) matched++;
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
    // The generator must reach both answers often enough for the comparison to mean something.
    assert.ok(compared > 5000 && matched > 100, `${compared} comparisons, ${matched} matches`);
  });

  it('answers as RE2JS does on hostile patterns and paths that almost match', () => {
    const hostile = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.constantFrom('b', '*b', '/b', '**'));
    const almost = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 60 }), fc.constantFrom('', 'b', 'c', '/b', 'ab'));
    fc.assert(
      fc.property(hostile, fc.array(almost, { minLength: 1, maxLength: 6 }), ([dirs, stars, end], shapes) => {
        const p = '**/'.repeat(dirs) + '*a'.repeat(stars) + end;
        const goSource = goSourceOf(p)!;
        const ours = compile(goSource);
        const oracle = RE2JS.compile(goSource);
        for (const [depth, as, tail] of shapes) {
          const s = 'x/'.repeat(depth) + 'a'.repeat(as) + tail;
          assert.equal(ours.matches(s), oracle.test(s), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('gives the same answers once its cache of states has started again', () => {
    const ours = compile(goSourceOf('**/'.repeat(30) + '*a'.repeat(30) + 'b')!);
    const oracle = RE2JS.compile(goSourceOf('**/'.repeat(30) + '*a'.repeat(30) + 'b')!);
    // Many distinct paths make many distinct sets of states: past the cache's budget several times.
    for (let i = 0; i < 3000; i++) {
      const s = `${'d/'.repeat(i % 13)}${'a'.repeat(i % 71)}${i % 3 === 0 ? 'b' : 'c'}${i % 5 === 0 ? '/b' : ''}`;
      assert.equal(ours.matches(s), oracle.test(s), s);
    }
  });

  it('refuses what it cannot build rather than guessing', () => {
    const t = (go: string) => {
      const r = translateGoRegexp(go);
      assert.ok(r.ok);
      return LinearMatcher.compile(r.tokens);
    };
    assert.equal(typeof t('^*a$'), 'string');
    assert.equal(typeof t('^a**$'), 'string');
    assert.equal(typeof t('^(a$'), 'string');
    assert.equal(typeof t('^a)$'), 'string');
    assert.equal(typeof t('^a*?b$'), 'object');
  });
});
