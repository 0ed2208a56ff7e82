/**
 * A CodeLens on each FROM line whose stage's layers make up the final image: the estimated size
 * so far, and on the final stage what it would be after "Apply all size fixes" (preferred fixes),
 * once that is known (while it is worked out off the request path the lens leaves it out, and the
 * server asks the client for a refresh when it is there; see afterFixes.ts).
 */
import type { CodeLens } from 'vscode-languageserver/node';
import { finalStage } from '../core/model';
import { describeEstimate, estimateImage, estimateStage } from '../core/imageEstimate';
import { formatBytes } from '../sizes';
import type { DocumentAnalysis } from './analysisCache';
import type { AfterFixesEstimates } from './afterFixes';

export const SHOW_BREAKDOWN_COMMAND = 'dockerfileSizeHints.showSizeBreakdown';

export function codeLenses(doc: DocumentAnalysis, estimates: AfterFixesEstimates): CodeLens[] {
  const analysis = doc.analysis;
  if (!analysis) return [];
  const { model } = analysis;
  const lenses: CodeLens[] = [];
  let after: string | undefined;
  const final = finalStage(model);
  if (final) {
    const afterFixes = estimates.get(doc);
    const fixed = afterFixes.state === 'known' ? afterFixes.after : undefined;
    if (fixed) {
      const e = fixed.estimate;
      const now = estimateImage(model, doc.env);
      // Layers the model cannot size make the figure a lower bound, after the fixes as before them.
      const fixes = `after ${fixed.fixes} fix${fixed.fixes === 1 ? '' : 'es'}`;
      // Without the base's size there is no figure after the fixes either, only what they take off.
      if (now && e.knownBytes < now.knownBytes) after = now.baseUnsized ? `${fixes}: about ${formatBytes(now.knownBytes - e.knownBytes)} less` : `${fixes}: ${e.complete ? 'about' : 'at least about'} ${formatBytes(e.knownBytes)}`;
    }
  }
  for (const stage of model.stages) {
    if (!stage.layersInFinal) continue;
    const e = estimateStage(model, stage, doc.env);
    const label = stage.isFinal ? 'Image' : `Stage ${stage.name ?? stage.index}`;
    const title = `${label}: ${describeEstimate(e)}${stage.isFinal && after ? ` · ${after}` : ''}`;
    lenses.push({ range: stage.fromInstr.range, command: { title, command: SHOW_BREAKDOWN_COMMAND, arguments: [doc.uri] } });
  }
  return lenses;
}
