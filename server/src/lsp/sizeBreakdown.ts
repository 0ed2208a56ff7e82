/**
 * The `dockerfileSizeHints/sizeBreakdown` request: the final image's estimate as plain data,
 * now and after "Apply all size fixes" (the preferred fixes), for the client's status bar item
 * and breakdown view.
 */
import { describeEstimate, estimateImage, type StageEstimate } from '../core/imageEstimate';
import { formatBytes } from '../sizes';
import type { DocumentAnalysis } from './analysisCache';
import { afterFixes } from './afterFixes';

export const IMAGE_SIZE_REQUEST = 'dockerfileSizeHints/sizeBreakdown';

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
  /** Short text for the status bar, e.g. "≈1.1 GB". */
  short: string;
  summary: string;
  bytes: number;
  complete: boolean;
  bars: Bar[];
  after?: { summary: string; bytes: number; fixes: number; bars: Bar[] };
}

function bars(e: StageEstimate): Bar[] {
  const size = (b: number | undefined) => (b === undefined ? 'not sized' : `about ${formatBytes(b)}`);
  const out: Bar[] = [{ label: `base ${e.base?.reference ?? ''}`.trim(), bytes: e.base?.bytes, size: size(e.base?.bytes), detail: e.base?.basis ?? '' }];
  for (const l of e.layers) {
    out.push({
      label: `${l.instr.keyword} (line ${l.instr.range.start.line + 1})`,
      line: l.instr.range.start.line,
      bytes: l.bytes,
      size: l.complete ? size(l.bytes) : l.bytes ? `at least ${size(l.bytes)}` : 'not sized',
      detail: l.parts.map((p) => `${p.label}: ${p.bytes !== undefined ? formatBytes(p.bytes) : 'not sized'}`).join('; ') || 'no content',
    });
  }
  return out;
}

export function sizeBreakdown(doc: DocumentAnalysis): Breakdown | null {
  const model = doc.analysis?.model;
  const now = model && estimateImage(model, doc.env);
  if (!model || !now) return null;
  const result: Breakdown = {
    uri: doc.uri,
    short: `${now.complete ? '≈' : '≥'}${formatBytes(now.knownBytes)}`,
    summary: describeEstimate(now),
    bytes: now.knownBytes,
    complete: now.complete,
    bars: bars(now),
  };
  const fixed = afterFixes(doc);
  if (fixed) result.after = { summary: describeEstimate(fixed.estimate), bytes: fixed.estimate.knownBytes, fixes: fixed.fixes, bars: bars(fixed.estimate) };
  return result;
}
