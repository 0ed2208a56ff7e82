/**
 * Limits past which an ignore file is not evaluated, like the Dockerfile's (`analyze.ts`). Each
 * pattern with wildcards costs a regexp, built and run for every path of the build context, and
 * patterns with many wildcards go to the linear-time engine, which is slower and larger: 1 MB of
 * such patterns took the CLI 11 s and 1.1 GB on a context of 55 files, and checking the ignore
 * document itself took seconds per version. At these limits the worst shapes measured (2,000
 * lines, each a `*N*` segment between two `**` segments, or 50,000 characters of 100-character
 * lines of alternating `**` and `*x*` segments) take the CLI about 1.2 s of CPU and 145 MB, and
 * checking the document about 0.7 s. Real ignore files stay far below them (the largest common
 * templates have a few hundred lines), so hitting one means generated or hostile input, which gets
 * a clear answer instead of seconds of work.
 */
import { formatCount } from '../../sizes/format';

export const IGNORE_LIMITS = { chars: 50_000, lines: 2_000 };

/**
 * Why the ignore file `text` is beyond the limits, or undefined. Characters are counted without a
 * leading byte order mark; lines as Docker splits them (at `\n`, so `\r\n` ends one line and a
 * lone `\r` ends none), a last line without `\n` included. One pass, no parsing.
 */
export function ignoreBeyondLimits(text: string): string | undefined {
  const chars = text.length - (text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (chars > IGNORE_LIMITS.chars) return `the file has ${formatCount(chars)} characters (limit ${formatCount(IGNORE_LIMITS.chars)})`;
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (chars > 0 && !text.endsWith('\n')) lines++;
  if (lines > IGNORE_LIMITS.lines) return `the file has ${formatCount(lines)} lines (limit ${formatCount(IGNORE_LIMITS.lines)})`;
  return undefined;
}

/** The sentence shown on an ignore file beyond the limits (diagnostic and hover). */
export function ignoreNotEvaluatedMessage(reason: string): string {
  return `Not evaluated: ${reason}. Its patterns are not checked, and the build context of a Dockerfile that uses it is not measured.`;
}
