/**
 * A CodeLens on each FROM line whose stage's layers make up the final image: the estimated size
 * so far, and on the final stage what it would be after "Apply all size fixes" (preferred fixes)
 * and with the fixes to review too, once that is known (while it is worked out off the request
 * path the lens leaves it out, and the server asks the client for a refresh; see afterFixes.ts).
 */
import type { CodeLens } from 'vscode-languageserver/node';
import { finalStage } from '../core/model';
import { describeEstimate, estimateImage, estimateStage, type StageEstimate } from '../core/imageEstimate';
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
    const known = afterFixes.state === 'known' ? afterFixes : undefined;
    // The image now only when there is a figure to compare with it (the loop below sizes it again).
    const now = (known?.after ?? known?.reviewed) && estimateImage(model, doc.env);
    // Layers the model cannot size make the figure a lower bound, after the fixes as before them;
    // without the base's size after the fixes there is no figure, only what they take off (when the
    // base now is not sized either: a fix may put the stage on a base the table has, or has not).
    const figure = (what: string, e: StageEstimate | undefined, than = now!.knownBytes) =>
      e && e.knownBytes < than && (!e.baseUnsized || now!.baseUnsized) ? [`${what}: ${e.baseUnsized ? `about ${formatBytes(now!.knownBytes - e.knownBytes)} less` : `${e.complete ? 'about' : 'at least about'} ${formatBytes(e.knownBytes)}`}`] : [];
    const fixed = known?.after;
    if (now) after = [...figure(`after ${fixed?.fixes} fix${fixed?.fixes === 1 ? '' : 'es'}`, fixed?.estimate), ...figure('with the fixes to review', known?.reviewed, fixed?.estimate.knownBytes)].join(' · ') || undefined;
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
