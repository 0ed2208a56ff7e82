/**
 * fixFor remembers each finding's fix (VS Code asks for the same code actions many times while the
 * text stays the same): the remembered fix must be the one the rule gives, and a different
 * environment or a new analysis must ask the rule again.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { ruleById } from '../../../server/src/rules';
import type { Rule } from '../../../server/src/rules/rule';

const TEXT = ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y curl', 'RUN pip install flask', ''].join('\n');

/** Runs `body` with the rule's fix counting its calls (and throwing when `throws`). */
function counting<T>(ruleId: string, body: (calls: () => number) => T, throws = false): T {
  const rule = ruleById(ruleId) as Rule;
  const original = rule.fix!;
  let calls = 0;
  rule.fix = (finding, ctx) => {
    calls++;
    if (throws) throw new Error('planted');
    return original(finding, ctx);
  };
  try {
    return body(() => calls);
  } finally {
    rule.fix = original;
  }
}

describe('fixFor', () => {
  it('gives every finding the fix its rule gives, and asks the rule once per finding and environment', () => {
    const env = { context: {} };
    const analysis = analyze(TEXT, env);
    const findings = analysis.findings.filter((f) => ruleById(f.ruleId)?.fix);
    assert.ok(findings.length >= 3, 'the text has findings with fixes');
    for (const finding of findings) {
      const direct = ruleById(finding.ruleId)!.fix!(finding, { model: analysis.model, env, settings: analysis.settings });
      counting(finding.ruleId, (calls) => {
        const first = fixFor(analysis, finding, env);
        assert.deepEqual(first, direct);
        assert.equal(fixFor(analysis, finding, env), first);
        assert.ok(calls() <= 1);
        // Another environment (a context scan finished, a file created by a fix) is asked anew.
        const other = { context: {} };
        const before = calls();
        assert.deepEqual(fixFor(analysis, finding, other), direct);
        assert.equal(calls(), before + 1);
      });
    }
  });

  it('asks again for the findings of a new analysis of the same text', () => {
    const env = { context: {} };
    const finding = analyze(TEXT, env).findings.find((f) => f.ruleId === 'pip-cache-kept')!;
    const again = analyze(TEXT, env);
    const same = again.findings.find((f) => f.ruleId === 'pip-cache-kept')!;
    counting('pip-cache-kept', (calls) => {
      fixFor(again, same, env);
      assert.equal(calls(), 1);
      assert.notEqual(same, finding);
    });
  });

  it('remembers that a rule threw as no fix', () => {
    const env = { context: {} };
    const analysis = analyze(TEXT, env);
    const finding = analysis.findings.find((f) => f.ruleId === 'pip-cache-kept')!;
    counting(
      'pip-cache-kept',
      (calls) => {
        assert.equal(fixFor(analysis, finding, env), undefined);
        assert.equal(fixFor(analysis, finding, env), undefined);
        assert.equal(calls(), 1);
      },
      true,
    );
  });
});
