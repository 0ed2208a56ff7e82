/**
 * Byte counts for people, in decimal units like `docker images` (1 MB = 1,000,000 bytes), with
 * the precision an "about" deserves: one decimal below 10 of a unit ("1.1 GB", "7.8 MB"),
 * whole numbers from 10 up ("18 MB", "119 MB", "850 KB"); and plain counts with thousands
 * separators ("66,503 files").
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Formats a byte count: `formatBytes(1_110_000_000)` is "1.1 GB", `formatBytes(119_200_000)`
 * "119 MB", `formatBytes(850_000)` "850 KB". Negative counts keep their sign; non-finite ones
 * give "unknown".
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'unknown';
  if (n < 0) return `-${formatBytes(-n)}`;
  if (n < 1000) return `${Math.round(n)} B`;
  let unit = 0;
  let value = n;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Round first, then move up a unit if rounding reached 1000 ("999.7 KB" is "1.0 MB").
  let text = value < 10 ? value.toFixed(1) : String(Math.round(value));
  if (text === '10.0') text = '10';
  if (Number(text) >= 1000 && unit < UNITS.length - 1) {
    unit++;
    text = (Number(text) / 1000).toFixed(1);
  }
  return `${text} ${UNITS[unit]}`;
}

/**
 * A whole count with thousands separators: `formatCount(66503)` is "66,503". Written out instead
 * of `toLocaleString('en-US')`: the first locale-aware call loads ICU's number formatting into the
 * server, about 6 MB of resident memory for a comma (measured on the startup of the LSP bench).
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A count and its noun, plural unless the count is 1: `countOf(1, 'file')` is "1 file", `countOf(1200, 'file')` "1,200 files". */
export function countOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}
