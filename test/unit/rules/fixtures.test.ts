/**
 * The data-driven rule runner: every fixture's findings must match its markers exactly, and its
 * fixes (preferred or not) must produce the `.fixed` output, be idempotent and leave nothing
 * fixable behind. "Apply all" as users get it (preferred fixes only) must be idempotent and leave
 * no preferred fix behind.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import type { Finding } from '../../../server/src/core/types';
import { FIXTURES_DIR, fixtureFiles, parseFixture } from '../../support/fixtures';

/** The `.fixed` outputs show every rule's fix, including those not marked preferred. */
const ALL = { includeUnpreferred: true };

describe('rule fixtures', () => {
  for (const file of fixtureFiles(path.join(FIXTURES_DIR, 'rules'))) {
    const fx = parseFixture(file);
    describe(fx.name, () => {
      it('reports exactly the marked findings', () => {
        const found = analyze(fx.text, fx.env, fx.settings).findings.map((f) => `${f.range.start.line + 1} ${f.ruleId} ${f.severity}`);
        const expected = fx.expected.map((e) => `${e.line + 1} ${e.ruleId} ${e.severity}`);
        assert.deepEqual(found.sort(), expected.sort());
      });
      if (fx.fixed !== undefined) {
        it('fixes to the .fixed output', () => {
          const result = fixAll(fx.text, fx.env, fx.settings, ALL);
          assert.equal(result.text, fx.fixed);
          // fixAll analyses each round from the previous one: its last analysis is a fresh one's.
          const seen = (findings: Finding[]) => findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character} ${f.ruleId} ${f.severity} ${f.message}`);
          assert.deepEqual(seen(result.analysis.findings), seen(analyze(result.text, result.env, fx.settings).findings));
          if (fx.fixedDockerignore !== undefined) {
            assert.equal(result.createFiles.find((f) => f.relativePath === '.dockerignore')?.content ?? result.env.context.ignoreFile?.text, fx.fixedDockerignore);
          }
        });
        it('fixes are idempotent and leave no fixable finding', () => {
          const once = fixAll(fx.text, fx.env, fx.settings, ALL);
          const twice = fixAll(once.text, once.env, fx.settings, ALL);
          assert.equal(twice.text, once.text);
          assert.deepEqual(twice.applied, []);
        });
        it('preferred fixes only: idempotent, and no preferred fix left', () => {
          const once = fixAll(fx.text, fx.env, fx.settings);
          assert.deepEqual(fixAll(once.text, once.env, fx.settings).applied, []);
          const left = once.analysis.findings.filter((f) => fixFor(once.analysis, f, once.env)?.preferred).map((f) => f.ruleId);
          assert.deepEqual(left, []);
        });
      }
    });
  }
});

describe('build-tools-in-final-image: the builder-stage rewrite on a stage that does not build', () => {
  const base = 'FROM python:3.12\nRUN apt-get update && apt-get install -y libpq-dev gcc && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\nCMD ["python", "app.py"]\n';
  const rewriteOf = (text: string) => {
    const analysis = analyze(text, { context: {} });
    const finding = analysis.findings.find((f) => f.ruleId === 'build-tools-in-final-image' && f.data?.kind === 'packages');
    return finding && fixFor(analysis, finding, { context: {} });
  };

  it('is offered on the plain file', () => {
    assert.ok(rewriteOf(base), 'no rewrite on the plain file');
  });

  it('is not offered when the stage holds an unknown instruction or one without its arguments (it would copy the error)', () => {
    for (const broken of [base.replace('WORKDIR /app\n', 'WORKDIR /app\n apt-get COPY requirements.txt .\n'), base.replace('COPY . /app\n', 'COPY\n'), base.replace('COPY . /app\n', 'COPY app\n')]) {
      assert.equal(rewriteOf(broken), undefined, broken);
    }
  });
});
