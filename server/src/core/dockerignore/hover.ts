/**
 * The hover on a line of an ignore file: what that line does to the build context right now,
 * from a scan of the context made with this very text (files and bytes it keeps out, or for an
 * exception what it brings back). Pure: the caller passes the scan's per-line figures.
 */
import { countOf, formatBytes } from '../../sizes/format';
import { LineIndex } from '../text';
import type { Range } from '../types';
import type { BuiltElsewhere } from './diagnostics';
import { ignoreNotEvaluatedMessage } from './limits';
import { parseDockerignore, type DockerignoreOptions } from './parse';

export interface IgnoreLineStats {
  /** False when a limit stopped the scan: the figures are lower bounds. */
  complete: boolean;
  /** The context folder, for the reader. */
  contextDir: string;
  /** What the builder receives with this ignore text. */
  includedFiles: number;
  includedBytes: number;
  excludedByLine: ReadonlyArray<{ line: number; files: number; bytes: number }>;
  reincludedByLine: ReadonlyArray<{ line: number; files: number; bytes: number }>;
}

export interface IgnoreHover {
  markdown: string;
  range: Range;
}

export interface IgnoreHoverOptions extends DockerignoreOptions {
  /** The scan with this text runs. */
  scanning?: boolean;
  /** Why there are no figures (the scan failed, or is off), as a phrase. */
  unmeasured?: string;
  /** Why the file is not evaluated (beyond the limits): every line says so, and nothing is parsed. */
  notEvaluated?: string;
  /**
   * The Dockerfiles beside the file, all built with another context (dockerignore-not-read): the
   * figures are then what the line would do as the ignore file of its own folder, and say so.
   */
  notReadBy?: readonly BuiltElsewhere[];
}

/**
 * Markdown for the pattern on `line`, or undefined on comments and blank lines. Without `stats`
 * it says why: the context is being measured, the scan failed or is off.
 */
export function dockerignoreHover(text: string, line: number, stats: IgnoreLineStats | undefined, options: IgnoreHoverOptions = {}): IgnoreHover | undefined {
  if (options.notEvaluated !== undefined) {
    const lines = new LineIndex(text);
    if (line < 0 || line >= lines.lineCount) return undefined;
    const start = { line, character: 0 };
    return { markdown: ignoreNotEvaluatedMessage(options.notEvaluated), range: { start, end: lines.positionAt(lines.lineEndOffset(line)) } };
  }
  const pattern = parseDockerignore(text, options).patterns.find((p) => p.line === line);
  if (!pattern) return undefined;
  const title = `**\`${pattern.text}\`**`;
  if (!stats) {
    const why = options.scanning ? 'measuring the build context…' : (options.unmeasured ?? 'the build context could not be measured');
    return { markdown: `${title}: ${why}`, range: pattern.range };
  }
  const lower = stats.complete ? '' : ' at least';
  const bound = stats.complete ? '' : '\n\nThe scan stopped at its limits, so these figures are lower bounds.';
  const figures = pattern.exclusion ? stats.reincludedByLine.find((l) => l.line === line) : stats.excludedByLine.find((l) => l.line === line);
  const amount = figures && `${lower} ${countOf(figures.files, 'file')} (${formatBytes(figures.bytes)})`;
  const notRead = options.notReadBy?.length ? options.notReadBy : undefined;
  if (notRead) {
    // No build reads the file: its folder's figures are what it would do if one did.
    const builds = notRead.map((b) => `\`${b.dockerfile}\` is built with the context \`${b.context}\``).join('; ');
    const would = pattern.exclusion ? (amount ? `would re-include${amount}` : 'would re-include nothing') : amount ? `would keep${amount} out` : 'would exclude nothing';
    return { markdown: `${title}: no build reads this file (${builds}), so it changes no build context now. As the ignore file of \`${stats.contextDir}\` it ${would}.${bound}`, range: pattern.range };
  }
  const body = pattern.exclusion
    ? amount ? `re-includes${amount} in the build context right now.` : 're-includes nothing in the build context right now.'
    : amount ? `keeps${amount} out of the build context right now.` : 'excludes nothing in the build context right now.';
  const sent = `With this file the builder receives${lower} ${countOf(stats.includedFiles, 'file')} (${formatBytes(stats.includedBytes)}) from \`${stats.contextDir}\`.`;
  return { markdown: `${title} ${body}\n\n${sent}${bound}`, range: pattern.range };
}
