/**
 * Differential test against Docker's own matcher: test/fixtures/dockerignore/oracle-expected.json
 * was produced by running Docker's Go code (patternmatcher and BuildKit's ignore-file reader, as
 * Debian packages them) over oracle-cases.json; see oracle/main.go for how to regenerate it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDockerignoreMatcher, parseDockerignore } from '../../../server/src/core/dockerignore';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/dockerignore');

interface OracleCase {
  name: string;
  ignore: string;
  paths: string[];
}
interface OracleResult {
  name: string;
  patterns: string[];
  error?: string;
  excluded?: Record<string, boolean>;
  matchError?: string;
}

const cases = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'oracle-cases.json'), 'utf8')) as OracleCase[];
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'oracle-expected.json'), 'utf8')) as OracleResult[];

describe('dockerignore: agreement with Docker (oracle fixtures)', () => {
  it('has one expected result per case', () => {
    assert.deepEqual(
      expected.map((e) => e.name),
      cases.map((c) => c.name),
    );
  });

  cases.forEach((c, i) => {
    const want = expected[i];
    it(c.name, () => {
      const parsed = parseDockerignore(c.ignore);
      const rejecting = parsed.errors.filter((e) => e.code !== 'regexp-error');
      if (want.error) {
        assert.ok(rejecting.length > 0, `Docker rejects the file (${want.error}) but we found no error`);
        return;
      }
      assert.deepEqual(rejecting, [], 'Docker accepts the file');
      assert.deepEqual(
        parsed.patterns.map((p) => (p.exclusion ? '!' : '') + p.pattern),
        want.patterns,
      );
      if (want.matchError) {
        assert.ok(
          parsed.errors.some((e) => e.code === 'regexp-error'),
          `Docker fails while matching (${want.matchError}); we should report it`,
        );
        return;
      }
      const matcher = createDockerignoreMatcher(parsed);
      const got: Record<string, boolean> = {};
      for (const p of Object.keys(want.excluded ?? {})) got[p] = matcher.isExcluded(p);
      assert.deepEqual(got, want.excluded);
    });
  });
});
