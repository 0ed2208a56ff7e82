/** Small statistics helpers for the benchmark (nearest-rank percentiles, no interpolation). */

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** ours/peer rounded to two decimals; NaN when either side is missing. */
export function ratio(ours: number, peer: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(peer) || peer <= 0) return NaN;
  return Math.round((ours / peer) * 100) / 100;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
