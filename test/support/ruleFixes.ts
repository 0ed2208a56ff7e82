/** Unit-test helper: what a rule's fixes do to a Dockerfile, one finding at a time. */
import { analyze, fixFor } from '../../server/src/core/analyze';
import { applyEdits } from '../../server/src/core/edits';

const ENV = { context: {} };

/** `rule`'s findings on `text`, each as the file after its fix alone (undefined: no fix offered). */
export function ruleFixes(text: string, rule: string): (string | undefined)[] {
  const analysis = analyze(text, ENV);
  return analysis.findings
    .filter((f) => f.ruleId === rule)
    .map((f) => {
      const fix = fixFor(analysis, f, ENV);
      return fix && applyEdits(text, fix.edits);
    });
}
