import * as assert from 'node:assert/strict';
import { checkDockerignore, createDockerignoreMatcher } from '../../../server/src/core/dockerignore';
import { translateGoRegexp } from '../../../server/src/core/dockerignore/goRegexp';

describe('dockerignore: Go regexp translation', () => {
  // [Go regexp, strings it must match, strings it must not]
  const table: Array<[string, string[], string[]]> = [
    ['^a\\.b$', ['a.b'], ['axb']],
    ['^[[:digit:]x]$', ['7', 'x'], ['a']],
    ['^[]a]$', [']', 'a'], ['b']],
    ['^[^/]*\\.go$', ['main.go'], ['a/main.go']],
    ['^(.*/)?b$', ['b', 'a/b', 'a/c/b'], ['ab']],
    ['^\\x41\\x{1F600}$', ['A\u{1F600}'], ['A']],
    ['^\\101$', ['A'], ['101']],
    ['^a\\sb$', ['a b', 'a\tb'], ['a\u00a0b']], // Go's \s is ASCII only
    ['^[\\d-]$', ['5', '-'], ['a']],
    ['^[a\\-z]$', ['a', '-', 'z'], ['b']],
    ['^.$', ['é', '\u{1F600}'], ['\n']],
  ];
  for (const [go, yes, no] of table) {
    it(go, () => {
      const t = translateGoRegexp(go);
      assert.ok(t.ok, JSON.stringify(t));
      const re = new RegExp(t.source, 'u');
      for (const s of yes) assert.ok(re.test(s), `${go} should match ${JSON.stringify(s)}`);
      for (const s of no) assert.ok(!re.test(s), `${go} should not match ${JSON.stringify(s)}`);
    });
  }

  const failures: Array<[string, 'invalid' | 'unsupported']> = [
    ['^[z-a]$', 'invalid'],
    ['^\\q$', 'invalid'],
    ['^\\1$', 'invalid'],
    ['^[[:nope:]]$', 'invalid'],
    ['^[a$', 'invalid'],
    ['^\\pL$', 'unsupported'],
    ['^\\Qa*\\E$', 'unsupported'],
    ['^[\\S]$', 'unsupported'],
    ['^[[:^alpha:]]$', 'unsupported'],
  ];
  for (const [go, kind] of failures) {
    it(`${go} is ${kind}`, () => {
      const t = translateGoRegexp(go);
      assert.equal(t.ok ? 'ok' : t.kind, kind);
    });
  }

  it('an unsupported pattern is reported and matches nothing', () => {
    assert.deepEqual(
      checkDockerignore('a\\pLb\n').map((f) => f.ruleId),
      ['dockerignore-unsupported-pattern'],
    );
    assert.equal(createDockerignoreMatcher('a\\pLb\n').isExcluded('aXb'), false);
  });
});
