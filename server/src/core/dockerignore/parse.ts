/**
 * Reads a `.dockerignore` text the way Docker does, keeping where each pattern came from.
 *
 * Docker's reading, step by step (and what it implies):
 * 1. Lines end at `\n`; one `\r` before it is dropped (CRLF files work). A UTF-8 BOM is dropped
 *    from the first line only.
 * 2. A line whose very first character is `#` is a comment. Only then: `  # note` (indented) and
 *    `foo # note` are patterns that contain `#`.
 * 3. Both ends are trimmed of white space (Go's notion of it); an empty line is skipped.
 * 4. A leading `!` marks an exception (it re-includes); white space after `!` is trimmed too.
 * 5. The rest is cleaned like a path: `./` and repeated `/` vanish, `a/../b` is `b`, a trailing
 *    `/` is dropped (so `dir/` also matches a file named `dir`), and one leading `/` is removed.
 * 6. Docker then trims and cleans once more, rejects a lone `!`, and rejects patterns that Go's
 *    `filepath.Match` would call malformed: any such pattern makes the whole build fail.
 * 7. A line of 64 KiB or more makes Go's line reader, and so the build, fail.
 */
import { LineIndex } from '../text';
import type { Range } from '../types';
import { goClean, goTrimBounds, goTrimSpace } from './goText';
import { compilePattern, goMatchSyntaxError, type CompiledPattern } from './pattern';

export interface DockerignoreOptions {
  /**
   * Read patterns as the Docker client on Windows does: `\` is a path separator, not an escape.
   * Default false (Linux and macOS clients, and the BuildKit daemon).
   */
  windowsPaths?: boolean;
}

export interface IgnorePattern {
  /** Position among the file's patterns (comments and blank lines do not count). */
  index: number;
  /** Zero-based line of the file. */
  line: number;
  /** The pattern's text on its line, without surrounding white space. */
  range: Range;
  /** The text as written (trimmed), including a leading `!`. */
  text: string;
  /** What Docker matches: cleaned, Unix separators, without `!`. */
  pattern: string;
  /** True for `!` lines: paths matched here are sent to the builder after all. */
  exclusion: boolean;
  compiled: CompiledPattern;
}

export type DockerignoreErrorCode = 'malformed-pattern' | 'lone-exclamation' | 'line-too-long' | 'regexp-error';

export interface DockerignoreError {
  code: DockerignoreErrorCode;
  line: number;
  range: Range;
  message: string;
}

export interface ParsedDockerignore {
  /**
   * Patterns in file order. A rejected line (any error but 'regexp-error') is absent; a
   * 'regexp-error' pattern stays, matching nothing, since Docker only fails when it reaches it.
   */
  patterns: IgnorePattern[];
  /** Problems that make Docker reject the file, or fail the build when the pattern is reached. */
  errors: DockerignoreError[];
  /** Zero-based lines that Docker treats as comments. */
  commentLines: number[];
  lines: LineIndex;
}

/** Go's bufio.Scanner gives up on lines this long (in UTF-8 bytes), failing the build. */
const MAX_LINE_BYTES = 64 * 1024;

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Parses a `.dockerignore` text; never throws. */
export function parseDockerignore(text: string, options: DockerignoreOptions = {}): ParsedDockerignore {
  const lines = new LineIndex(text);
  const patterns: IgnorePattern[] = [];
  const errors: DockerignoreError[] = [];
  const commentLines: number[] = [];
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const next = nl < 0 ? text.length : nl + 1;
    let start = lineStart;
    let end = nl < 0 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (lineNo === 0 && text.charCodeAt(0) === 0xfeff) start++;
    const here = lines.positionAt(lineStart).line;
    const fail = (code: DockerignoreErrorCode, from: number, to: number, message: string) =>
      errors.push({ code, line: here, range: lines.range(from, to), message });
    lineStart = next;
    lineNo++;

    if (utf8Length(text.slice(start, end)) >= MAX_LINE_BYTES) {
      fail('line-too-long', start, end, 'Docker cannot read lines of 64 KiB or more; the build fails.');
      continue;
    }
    if (text.charCodeAt(start) === 35 /* # */) {
      commentLines.push(here);
      continue;
    }
    const [s, e] = goTrimBounds(text, start, end);
    if (s === e) continue;
    const written = text.slice(s, e);

    // ReadAll: `!`, trim again, clean, drop one leading `/`.
    const invert = written.charCodeAt(0) === 33;
    let body = invert ? goTrimSpace(written.slice(1)) : written;
    if (body.length > 0) {
      if (options.windowsPaths) body = body.replace(/\\/g, '/');
      body = goClean(body);
      if (body.length > 1 && body.charCodeAt(0) === 47) body = body.slice(1);
    }
    // patternmatcher.New: trim, clean, split off `!`, check the glob syntax.
    let p = goClean(goTrimSpace(invert ? '!' + body : body));
    const exclusion = p.charCodeAt(0) === 33;
    if (exclusion) {
      if (p.length === 1) {
        fail('lone-exclamation', s, e, 'A `!` with no pattern after it is rejected by Docker ("illegal exclusion pattern"); the build fails.');
        continue;
      }
      p = p.slice(1);
    }
    const syntax = goMatchSyntaxError(p, options.windowsPaths);
    if (syntax) {
      fail('malformed-pattern', s, e, `Docker rejects this pattern (${syntax}); the build fails.`);
      continue;
    }
    const compiled = compilePattern(p);
    if (compiled.kind === 'broken' && compiled.reason === 'invalid') {
      fail('regexp-error', s, e, `Docker accepts this pattern but fails the build when it is first used: its regexp is invalid (${compiled.message}).`);
    }
    patterns.push({ index: patterns.length, line: here, range: lines.range(s, e), text: written, pattern: p, exclusion, compiled });
  }
  return { patterns, errors, commentLines, lines };
}
