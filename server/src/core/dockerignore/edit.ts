/**
 * Edits to ignore files that other features need: adding paths to exclude (the fix for "COPY .
 * sends node_modules") and explaining a matcher decision in words.
 *
 * New lines go *before* the file's first pattern (and the comments right above it). Because the last
 * matching line wins, lines placed first cannot override what the file already decides: paths the
 * file re-includes with `!` stay included, and paths it excludes stay excluded. Appending at the
 * end would silently cancel earlier exceptions such as `!build/keep.txt`. Where a line of the file
 * re-includes the path itself (`!.env`, or `!*` once a line above excludes it), a line placed first
 * would change nothing: it goes right below the last line that matches the path instead, the
 * earliest place where it decides.
 */
import { LineIndex } from '../text';
import type { TextEdit } from '../types';
import { DockerignoreMatcher, type Decision } from './matcher';
import { parseDockerignore, type DockerignoreOptions, type IgnorePattern } from './parse';
import { testPattern } from './pattern';

export interface IgnoreEntriesEdit {
  /** Edits to an existing file (empty when the file is missing or nothing needs adding). */
  edits: TextEdit[];
  /** Full content for a new file, when `text` was undefined and something needs adding. */
  newFileContent?: string;
  /** The lines added, in order. */
  added: string[];
}

/** Writes a context-relative path as a pattern that matches exactly it. */
export function literalPattern(relPath: string): string | undefined {
  const p = relPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (p === '' || p !== p.trim()) return undefined; // Docker trims lines: surrounding spaces cannot be written
  return p.replace(/[\\*?[\]]/g, (c) => '\\' + c).replace(/^[#!]/, (c) => '\\' + c);
}

/**
 * Adds patterns excluding `relPaths` (context-relative, `/`-separated) to an ignore file, or
 * creates its content when `text` is undefined. Paths the file already excludes are skipped.
 */
export function addIgnoreEntries(text: string | undefined, relPaths: readonly string[], options: DockerignoreOptions = {}): IgnoreEntriesEdit {
  const parsed = text === undefined ? undefined : parseDockerignore(text, options);
  const matcher = parsed ? new DockerignoreMatcher(parsed.patterns, options) : undefined;
  const added: string[] = [];
  const paths: string[] = [];
  for (const rel of relPaths) {
    const line = literalPattern(rel);
    if (line === undefined || added.includes(line)) continue;
    if (matcher?.isExcluded(rel)) continue;
    added.push(line);
    paths.push(rel);
  }
  if (added.length === 0) return { edits: [], added };
  if (text === undefined || parsed === undefined) return { edits: [], newFileContent: added.join('\n') + '\n', added };
  const lines = parsed.lines;
  const eol = lines.eol;
  if (parsed.patterns.length === 0) {
    const end = lines.positionAt(text.length);
    const needsBreak = text.length > 0 && !text.endsWith('\n');
    return { edits: [{ range: { start: end, end }, newText: (needsBreak ? eol : '') + added.join(eol) + eol }], added };
  }
  // Above the first pattern, and above the comment lines directly on top of it (they describe it).
  let at = parsed.patterns[0].line;
  const comments = new Set(parsed.commentLines);
  while (at > 0 && comments.has(at - 1)) at--;
  const top = lines.offsetAt({ line: at, character: 0 });
  // Offset where each line goes -> the lines, in the order asked.
  const places = new Map<number, string[]>();
  added.forEach((line, i) => {
    const [own] = parseDockerignore(line, options).patterns;
    const decides = own !== undefined && new DockerignoreMatcher([own, ...parsed.patterns], options).isExcluded(paths[i]);
    const offset = decides ? top : afterLine(text, lines, lastMatching(parsed.patterns, paths[i]));
    places.set(offset, [...(places.get(offset) ?? []), line]);
  });
  const edits = [...places].sort(([a], [b]) => a - b).map(([offset, ls]) => {
    const pos = lines.positionAt(offset);
    const needsBreak = offset === text.length && text.length > 0 && !text.endsWith('\n');
    return { range: { start: pos, end: pos }, newText: (needsBreak ? eol : '') + ls.join(eol) + eol };
  });
  return { edits, added };
}

/**
 * The last pattern that matches `relPath` or a folder above it, in any state of the walk: no line
 * after it can change the path's verdict. (When none does, a line placed first decides.)
 */
function lastMatching(patterns: readonly IgnorePattern[], relPath: string): IgnorePattern {
  const path = relPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const candidates = [path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) candidates.push(path.slice(0, i));
  for (let k = patterns.length - 1; k >= 0; k--) if (candidates.some((c) => testPattern(patterns[k].compiled, c))) return patterns[k];
  return patterns[patterns.length - 1];
}

/** The offset where the line after `pattern`'s line starts (the end of the text after a last line). */
function afterLine(text: string, lines: LineIndex, pattern: IgnorePattern): number {
  const nl = text.indexOf('\n', lines.offsetAt(pattern.range.end));
  return nl < 0 ? text.length : nl + 1;
}

/** One phrase for a hover or a message: why the path is (not) sent to the builder. */
export function explainDecision(decision: Decision): string {
  const p = decision.pattern;
  if (!p) return 'no line of the ignore file matches it';
  const where = `line ${p.line + 1} (\`${p.text}\`)`;
  if (decision.skippedDirectory !== undefined) {
    return `the builder never looks inside \`${decision.skippedDirectory}\`, excluded by ${where}`;
  }
  return decision.excluded ? `excluded by ${where}` : `re-included by ${where}`;
}
