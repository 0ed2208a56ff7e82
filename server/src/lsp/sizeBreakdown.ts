/**
 * The `dockerfileSizeHints/sizeBreakdown` request: the final image's estimate as plain data,
 * now and after "Apply all size fixes" (the preferred fixes), for the client's status bar item
 * and breakdown view.
 */
import { afterFixesLabel, describeEstimate, describePart, estimateImage, nothingSized, type StageEstimate } from '../core/imageEstimate';
import { formatBytes } from '../sizes';
import type { DocumentAnalysis } from './analysisCache';
import type { AfterFixesEstimates } from './afterFixes';

export const IMAGE_SIZE_REQUEST = 'dockerfileSizeHints/sizeBreakdown';
/**
 * Sent to a client that declares it (client capability `experimental.sizeChanged: true`) when what this
 * request answers for `uri` changed without a new version: the estimate after the fixes, finished
 * off the request path (afterFixes.ts).
 */
export const SIZE_CHANGED_NOTIFICATION = 'dockerfileSizeHints/sizeChanged';

export interface Bar {
  label: string;
  /** Zero-based line of the instruction (undefined for the base). */
  line?: number;
  /** Undefined when not sized. */
  bytes?: number;
  /** The figure as shown to people ("about 120 MB", "not sized"). */
  size: string;
  detail: string;
}

export interface Breakdown {
  uri: string;
  /** Short text for the status bar, e.g. "≈1.1 GB", "≥81 MB" or "not sized". */
  short: string;
  summary: string;
  bytes: number;
  complete: boolean;
  bars: Bar[];
  /** `title`: "After 1 fix", "After 4 fixes". */
  after?: { summary: string; bytes: number; fixes: number; title: string; bars: Bar[] };
  /** With the fixes to review too (`--fix --unsafe-fixes`), when the file has some for the final image. */
  reviewed?: { summary: string; bytes: number; bars: Bar[] };
  /** Without `after`: why there is no figure after the fixes yet, or none at all (undefined: nothing to fix). */
  afterNote?: string;
}

function bars(e: StageEstimate): Bar[] {
  const size = (b: number | undefined) => (b === undefined ? 'not sized' : `about ${formatBytes(b)}`);
  // A figure with parts not sized is a lower bound (an earlier stage as the base, too).
  const bound = (b: number | undefined, complete: boolean) => (complete ? size(b) : b ? `at least ${size(b)}` : 'not sized');
  const out: Bar[] = [{ label: `base ${e.base?.reference ?? ''}`.trim(), bytes: e.base?.bytes, size: bound(e.base?.bytes, e.base?.complete !== false), detail: e.base?.basis ?? '' }];
  for (const l of e.layers) {
    out.push({
      label: `${l.instr.keyword} (line ${l.instr.range.start.line + 1})`,
      line: l.instr.range.start.line,
      bytes: l.bytes,
      size: bound(l.bytes, l.complete),
      detail: l.parts.map((p) => `${p.label}: ${describePart(p)}`).join('; ') || 'no content',
    });
  }
  return out;
}

export function sizeBreakdown(doc: DocumentAnalysis, estimates: AfterFixesEstimates): Breakdown | null {
  const model = doc.analysis?.model;
  const now = model && estimateImage(model, doc.env);
  if (!model || !now) return null;
  const result: Breakdown = {
    uri: doc.uri,
    short: nothingSized(now) ? 'not sized' : `${now.complete ? '≈' : '≥'}${formatBytes(now.knownBytes)}`,
    summary: describeEstimate(now),
    bytes: now.knownBytes,
    complete: now.complete,
    bars: bars(now),
  };
  const afterFixes = estimates.get(doc);
  if (afterFixes.state === 'working') result.afterNote = 'The size after the fixes is being worked out.';
  else if (afterFixes.state === 'given up') result.afterNote = `The size after the fixes was not worked out: ${afterFixes.why}. Apply all size fixes still applies them.`;
  else {
    const fixed = afterFixes.after;
    if (fixed) result.after = { summary: describeEstimate(fixed.estimate), bytes: fixed.estimate.knownBytes, fixes: fixed.fixes, title: `A${afterFixesLabel(fixed.fixes).slice(1)}`, bars: bars(fixed.estimate) };
    const all = afterFixes.reviewed;
    if (all) result.reviewed = { summary: describeEstimate(all), bytes: all.knownBytes, bars: bars(all) };
  }
  return result;
}
