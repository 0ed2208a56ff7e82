/**
 * Keeps the catalogue honest: every rule file is registered, documented, has fixtures that
 * exercise it, and a rule with a fix has an expected fixed output.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../server/src/rules';
import { FIXTURES_DIR, fixtureFiles, parseFixture } from '../../support/fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const RULES_DIR = path.join(ROOT, 'server', 'src', 'rules');

describe('rule registry', () => {
  it('registers every rule module, sorted by id', () => {
    const files = fs
      .readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'rule.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    assert.deepEqual(RULES.map((r) => r.id), files);
    assert.deepEqual(RULES.map((r) => r.id), [...RULES.map((r) => r.id)].sort());
  });

  it('has rule pages and a README table generated from the current rule modules', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'generate-docs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('has a kebab-case id and complete docs', () => {
        assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        for (const [k, v] of Object.entries(rule.docs)) assert.ok(typeof v === 'string' && v.trim().length > 0, `docs.${k} is empty`);
        assert.ok(fs.existsSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`)), 'doc page missing: run npm run docs');
      });
      const fixtures = fixtureFiles(path.join(FIXTURES_DIR, 'rules', rule.id)).map(parseFixture);
      it('has a fixture that expects it', () => {
        assert.ok(fixtures.some((f) => f.expected.some((e) => e.ruleId === rule.id)), `no fixture in test/fixtures/rules/${rule.id} marks a finding`);
      });
      if (rule.fix) {
        it('has an expected fixed output', () => {
          assert.ok(fixtures.some((f) => f.fixed !== undefined), `no .fixed.Dockerfile in test/fixtures/rules/${rule.id}`);
        });
      }
    });
  }
});
