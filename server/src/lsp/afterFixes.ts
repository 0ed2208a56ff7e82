/**
 * The text after "Apply all size fixes", for the estimates that show it (CodeLens, status bar,
 * size breakdown). Computed once per analysis and shared, from the fixes that can change the final
 * image only (a fix in a stage the final image does not contain leaves its estimate as it is,
 * unless it writes the ignore file),
 * and within a time budget: the editor asks for CodeLens after every pause in typing, and on a
 * large file applying every fix one analysis at a time takes seconds (at 10,000 lines the whole
 * loop took 8 to 10 s of the server's time per request). When the budget runs out the estimates
 * say nothing about "after".
 */
import { fixAll } from '../core/edits';
import { estimateImage, type StageEstimate } from '../core/imageEstimate';
import type { Analysis } from '../core/analyze';
import type { Finding, Fix } from '../core/types';
import type { DocumentAnalysis } from './analysisCache';

/** Milliseconds one "after the fixes" estimate may take. */
export const AFTER_FIXES_BUDGET_MS = 300;

/** The image after the fixes: how many were applied and the final image's estimate then. */
export interface AfterFixes {
  fixes: number;
  estimate: StageEstimate;
}

const results = new WeakMap<Analysis, AfterFixes | null>();

/**
 * A fix that can change the final image: one on a finding in it, or one that creates or edits the
 * ignore file, whatever stage its finding is in (the file applies to the final stage's COPYs too).
 */
function changesFinalImage(finding: Finding, fix: Fix): boolean {
  return finding.inFinalImage || (fix.createFiles?.length ?? 0) > 0 || (fix.editFiles?.length ?? 0) > 0;
}

/**
 * The final image after the fixes (in the environment after them: an ignore file a fix writes
 * counts), or undefined when there is nothing to fix, no time to finish or no estimate.
 */
export function afterFixes(doc: DocumentAnalysis): AfterFixes | undefined {
  const analysis = doc.analysis;
  if (!analysis) return undefined;
  let result = results.get(analysis);
  if (result === undefined) {
    const fixed = fixAll(analysis.model.text, doc.env, doc.settings, { only: changesFinalImage, budgetMs: AFTER_FIXES_BUDGET_MS, analysis });
    const estimate = fixed.complete && fixed.applied.length > 0 ? estimateImage(fixed.analysis.model, fixed.env) : undefined;
    result = estimate ? { fixes: fixed.applied.length, estimate } : null;
    results.set(analysis, result);
  }
  return result ?? undefined;
}
