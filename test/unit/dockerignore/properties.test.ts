/**
 * Property tests: for patterns without `**`, classes or escapes, Docker's regexp construction
 * must agree with plain glob semantics (Go's filepath.Match plus "a matching parent excludes
 * the children"); and a few invariants of cleaning and exceptions.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDockerignoreMatcher, goClean } from '../../../server/src/core/dockerignore';
import { PROPERTY_SEED } from '../../support/propertySeed';

/** Reference glob: `*` any run without `/`, `?` one character but `/`. */
function glob(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') {
    for (let k = 0; k <= s.length; k++) {
      if (glob(p.slice(1), s.slice(k))) return true;
      if (s[k] === '/') break;
    }
    return false;
  }
  if (s === '') return false;
  if (p[0] === '?') return s[0] !== '/' && glob(p.slice(1), s.slice(1));
  return p[0] === s[0] && glob(p.slice(1), s.slice(1));
}

const segment = fc.stringMatching(/^[ab]{1,3}$/);
const relPath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const pattern = fc
  .array(fc.constantFrom('a', 'b', '/', '*', '?'), { minLength: 1, maxLength: 7 })
  .map((cs) => cs.join(''))
  .filter((p) => !p.includes('**'));

describe('dockerignore: properties', () => {
  it('simple patterns behave like globs with the parent rule', () => {
    fc.assert(
      fc.property(pattern, relPath, (p, path) => {
        const cleaned = goClean(p).replace(/^\//, '');
        const parts = path.split('/');
        const expected = parts.some((_, i) => glob(cleaned, parts.slice(0, i + 1).join('/')));
        assert.equal(createDockerignoreMatcher(p).isExcluded(path), expected, `${p} vs ${path}`);
      }),
      { numRuns: 3000, seed: PROPERTY_SEED },
    );
  });

  it('without exceptions, an excluded directory excludes all below it', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 3 }), relPath, segment, (ps, dir, child) => {
        const m = createDockerignoreMatcher(ps.join('\n'));
        if (m.isExcluded(dir)) assert.equal(m.isExcluded(`${dir}/${child}`), true);
      }),
      { numRuns: 1000, seed: PROPERTY_SEED },
    );
  });

  it('an exception equal to the only pattern re-includes everything', () => {
    fc.assert(
      fc.property(pattern, relPath, (p, path) => {
        assert.equal(createDockerignoreMatcher(`${p}\n!${p}`).isExcluded(path), false);
      }),
      { numRuns: 1000, seed: PROPERTY_SEED },
    );
  });

  it('cleaning is idempotent', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a./]{0,12}$/), (p) => goClean(goClean(p)) === goClean(p)));
  });
});
