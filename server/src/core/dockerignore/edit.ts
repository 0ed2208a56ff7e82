/**
 * Edits to ignore files that other features need: adding paths to exclude (the fix for "COPY .
 * sends node_modules") and explaining a matcher decision in words.
 *
 * New lines go *before* the file's first pattern (and the comments right above it). Because the last
 * matching line wins, lines placed first cannot override what the file already decides: paths the
 * file re-includes with `!` stay included, and paths it excludes stay excluded. Appending at the
 * end would silently cancel earlier exceptions such as `!build/keep.txt`.
 */
import { LineIndex } from '../text';
import type { TextEdit } from '../types';
import { DockerignoreMatcher, type Decision } from './matcher';
import { parseDockerignore, type DockerignoreOptions } from './parse';

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
  for (const rel of relPaths) {
    const line = literalPattern(rel);
    if (line === undefined || added.includes(line)) continue;
    if (matcher?.isExcluded(rel)) continue;
    added.push(line);
  }
  if (added.length === 0) return { edits: [], added };
  if (text === undefined || parsed === undefined) return { edits: [], newFileContent: added.join('\n') + '\n', added };
  const lines = new LineIndex(text);
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
  const pos = { line: at, character: 0 };
  return { edits: [{ range: { start: pos, end: pos }, newText: added.join(eol) + eol }], added };
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
