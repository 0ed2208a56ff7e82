/**
 * A CodeLens on each FROM line whose stage's layers make up the final image: the estimated size
 * so far, and on the final stage what it would be after "Apply all size fixes" (preferred fixes)
 * and with the fixes to review too, once that is known (while it is worked out off the request
 * path the lens leaves it out, and the server asks the client for a refresh; see afterFixes.ts).
 *
 * With those figures the lens would run to about 170 characters, which a 1,280-pixel window with
 * the explorer open cuts off. So its title gives the figures alone, in one sentence that compares
 * them ("Image: at least about 1.1 GB now and after 4 fixes, 130 MB with the fixes to review": a
 * figure without a qualifier has the one before it, as in English), and the command's tooltip,
 * which VS Code shows on hover, has the full wording, a line per figure.
 */
import type { CodeLens } from 'vscode-languageserver/node';
import { finalStage } from '../core/model';
import { aboutOrAtLeast, afterFixesLabel, describeEstimate, estimateImage, estimateStage, nothingSized, type StageEstimate } from '../core/imageEstimate';
import { formatBytes } from '../sizes';
import type { DocumentAnalysis } from './analysisCache';
import type { AfterFixesEstimates } from './afterFixes';

export const SHOW_BREAKDOWN_COMMAND = 'dockerfileSizeHints.showSizeBreakdown';

export function codeLenses(doc: DocumentAnalysis, estimates: AfterFixesEstimates): CodeLens[] {
  const analysis = doc.analysis;
  if (!analysis) return [];
  const { model } = analysis;
  const lenses: CodeLens[] = [];
  // [when, figure]: ["after 4 fixes", "at least about 1.1 GB"].
  let after: string[][] = [];
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
      e && e.knownBytes < than && (!e.baseUnsized || now!.baseUnsized) ? [[what, e.baseUnsized ? `about ${formatBytes(now!.knownBytes - e.knownBytes)} less` : `${aboutOrAtLeast(e)} ${formatBytes(e.knownBytes)}`]] : [];
    const fixed = known?.after;
    if (now) after = [...figure(afterFixesLabel(fixed?.fixes ?? 0), fixed?.estimate), ...figure('with the fixes to review', known?.reviewed, fixed?.estimate.knownBytes)];
  }
  for (const stage of model.stages) {
    if (!stage.layersInFinal) continue;
    const e = estimateStage(model, stage, doc.env);
    const label = stage.isFinal ? 'Image' : `Stage ${stage.name ?? stage.index}`;
    let title = `${label}: ${describeEstimate(e)}`;
    let tooltip: string | undefined;
    if (stage.isFinal && after.length > 0) {
      tooltip = [title, ...after.map(([what, size]) => `${what[0].toUpperCase()}${what.slice(1)}: ${size}`)].join('\n');
      const parts: string[] = [];
      let last = '';
      for (const [what, size] of [['now', nothingSized(e) ? 'not sized' : `${aboutOrAtLeast(e)} ${formatBytes(e.knownBytes)}`], ...after]) {
        // A figure that reads as the one before it joins it ("1.1 GB now and after 4 fixes"); one
        // that is as far to be trusted leaves its "about" to it.
        const about = /^(at least )?about /.exec(size)?.[0];
        if (size === last) parts.push(`${parts.pop()} and ${what}`);
        else parts.push(`${about && last.startsWith(about) ? size.slice(about.length) : size} ${what}`);
        last = size;
      }
      title = `${label}: ${parts.join(', ')}`;
    }
    lenses.push({ range: stage.fromInstr.range, command: { title, ...(tooltip && { tooltip }), command: SHOW_BREAKDOWN_COMMAND, arguments: [doc.uri] } });
  }
  return lenses;
}
