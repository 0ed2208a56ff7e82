/** Unit-test helper: what a rule's fixes do to a Dockerfile, one finding at a time. */
import { analyze, fixFor } from '../../server/src/core/analyze';
import { applyEdits } from '../../server/src/core/edits';
import type { AnalysisEnvironment } from '../../server/src/core/environment';

const ENV = { context: {} };

/** `rule`'s findings on `text`, each as the file after its fix alone (undefined: no fix offered); `env` gives build-context facts. */
export function ruleFixes(text: string, rule: string, env: AnalysisEnvironment = ENV): (string | undefined)[] {
  const analysis = analyze(text, env);
  return analysis.findings
    .filter((f) => f.ruleId === rule)
    .map((f) => {
      const fix = fixFor(analysis, f, env);
      return fix && applyEdits(text, fix.edits);
    });
}
