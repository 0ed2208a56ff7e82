/**
 * dockerfile-ast's parse, with instructions ending where BuildKit ends them.
 *
 * BuildKit joins lines by a plain rule: a line whose last characters, spaces and tabs aside, are
 * the escape character E goes on on the next one (comment lines and blank lines in between are
 * dropped). dockerfile-ast's parser decides instead while reading the arguments character by
 * character, and after an E followed by spaces or tabs it passes over the next character whatever
 * it is: when that character is the E that ends the line (`install \ \`, `a\<tab>\`, `` ` ` `` with
 * the backtick escape), the line break ends the instruction and the next line is read as an
 * instruction of its own. BuildKit goes on (checked with Debian's dockerd 20.10, BuildKit and the
 * classic builder alike: `RUN echo a \ \` then `    b && echo c` printed `a   b` and `c`).
 *
 * Where the parser ended an instruction that way, the file is parsed again with the E characters
 * before the last one on that line (after the instruction's keyword) read as blanks, until no
 * instruction ends so. Only the parser's reading character by character (its `charAt`) sees them
 * as blanks: that text keeps the length and the line breaks of the real one, so every position is
 * the document's own, and the document, hence every keyword, argument, value, comment and
 * here-document, is the real text. (The parser is reached through the library's entry point only:
 * the shipped bundle holds the library once, in a file of its own, and the model's changes to its
 * classes apply to the instructions of every parse.)
 */
import { DockerfileParser, Keyword, type Dockerfile } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileModel, Instr } from './model';
import { LineIndex } from './text';
import type { TextEdit } from './types';

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * Parses `text` (whose lines `lines` indexes) so that its instructions end where BuildKit's do;
 * see the module comment. `hidden`, when given, receives the offsets of the escape characters read
 * as blanks, in order: where the first of an instruction stands, dockerfile-ast's own reading (and
 * so the tools built on it) ends that instruction.
 */
export function parseAsBuildKit(text: string, lines: LineIndex, hidden?: number[]): Dockerfile {
  let ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter().charCodeAt(0);
  let read = text;
  for (;;) {
    const blanks = hiddenContinuations(ast, read, lines, escape);
    if (blanks.length === 0) break;
    hidden?.push(...blanks);
    const chars = read.split('');
    for (const at of blanks) chars[at] = ' ';
    read = chars.join('');
    ast = DockerfileParser.parse(readingAs(text, read));
  }
  if (read !== text) {
    // The document holds the text the parser was given; from now on, the plain string.
    const document = (ast as unknown as { document: TextDocument }).document;
    TextDocument.update(document, [{ text }], document.version);
  }
  hidden?.sort((a, b) => a - b);
  return ast;
}

/**
 * `text`, for the parser: a string object whose characters, as `charAt` gives them one at a time,
 * are those of `read` (of the same length and line breaks); everything else (`substring`,
 * `charCodeAt`, `length`, which the document and the instructions read) is `text`'s.
 */
function readingAs(text: string, read: string): string {
  const parsed = new String(text) as unknown as { charAt(i: number): string };
  parsed.charAt = (i: number) => read.charAt(i);
  return parsed as unknown as string;
}

/**
 * The offsets of the E characters to read as blanks so that the parser goes on after each
 * instruction it ended at a line break where BuildKit goes on.
 */
function hiddenContinuations(ast: Dockerfile, text: string, lines: LineIndex, escape: number): number[] {
  const out: number[] = [];
  for (const node of ast.getInstructions()) {
    const end = node.getRange().end;
    const lineEnd = lines.lineEndOffset(end.line);
    if (lines.offsetAt(end) !== lineEnd) continue;
    out.push(...hiddenContinuation(text, lines.lineStart(end.line), lines.offsetAt(node.getInstructionRange().end), lineEnd, escape));
  }
  return out;
}

/**
 * Where the line `text[lineStart, lineEnd)` goes on for BuildKit but not for dockerfile-ast's
 * parser, which reads the instruction's arguments from `argsFrom` on (the end of its keyword): the
 * offsets of the E characters to read as blanks so that the parser goes on too; none otherwise.
 * A line break BuildKit reads (LF or CR LF; a lone CR is none, it splits lines at LF) must follow.
 */
export function hiddenContinuation(text: string, lineStart: number, argsFrom: number, lineEnd: number, escape: number): number[] {
  if (!endsWithBreak(text, lineEnd)) return [];
  let last = lineEnd - 1;
  while (last >= lineStart && isBlank(text.charCodeAt(last))) last--;
  if (last < lineStart || text.charCodeAt(last) !== escape) return [];
  // The parser reads the arguments from the first character after the keyword that is no blank
  // (an E in the keyword followed by blanks ends the keyword there). The run of E characters and
  // blanks before the last E is read afresh: the character before it is neither.
  let run = last;
  while (run > lineStart && (isBlank(text.charCodeAt(run - 1)) || text.charCodeAt(run - 1) === escape)) run--;
  let from = Math.max(run, argsFrom);
  while (from < last && isBlank(text.charCodeAt(from))) from++;
  if (!skipsLast(text, from, last, escape)) return [];
  const out: number[] = [];
  for (let i = from; i < last; i++) if (text.charCodeAt(i) === escape) out.push(i);
  return out;
}

/**
 * Whether the parser's argument reader, reading E characters and blanks from `from`, passes over
 * the E at `last` (the line's last character that is no blank): an E followed by blanks makes it
 * pass over the next character that is none; an E followed by another E goes on with that one.
 */
function skipsLast(text: string, from: number, last: number, escape: number): boolean {
  let i = from;
  while (i < last) {
    if (text.charCodeAt(i) !== escape || !isBlank(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    let j = i + 2;
    while (isBlank(text.charCodeAt(j))) j++;
    if (j === last) return true;
    i = j + 1;
  }
  return false;
}

/** Whether a line break BuildKit reads as one (LF or CR LF) starts at `at`. */
function endsWithBreak(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c === LF || (c === CR && text.charCodeAt(at + 1) === LF);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** The keywords dockerfile-ast knows: an instruction with another is reported as unknown. */
const KEYWORDS = new Set<string>(Object.values(Keyword));

/** Of each model, whether its text has a CR that no LF follows. */
const loneCR = new WeakMap<DockerfileModel, boolean>();

/** Of each model, the instructions dockerfile-ast reads otherwise than BuildKit. */
const readOtherwise = new WeakMap<DockerfileModel, Instr[]>();

/**
 * Whether `edits` (of a fix to `model`'s text) leave dockerfile-ast's own reading, and so that of
 * the tools built on it such as the Docker extension's language server, as sound as it was, where
 * that reading differs from BuildKit's ({@link Instr.hiddenFrom}). Past such a hidden continuation
 * it reads the lines BuildKit continues as instructions of their own: an edit there must fall
 * inside one whose keyword it does not know (reported as unknown already; BuildKit reads a command
 * there, such as `&& apt-get install ...`, and only the arguments change), not in the instruction
 * the continuation ends nor in one it knows (appending a cleanup after a `COPY` line that BuildKit
 * reads as arguments of the RUN gave that COPY more sources), and the edits of the instruction
 * must leave it the same instructions (a line added after the hidden continuation would be one
 * more). An edit from outside the instruction that reaches its hidden continuation is refused, and
 * so is one that makes a line end so (a cleanup appended after a last word that ends in an escaped
 * blank, `upgrade \ `, as ` \` and a line of its own).
 */
export function keepsOtherReading(model: DockerfileModel, edits: readonly TextEdit[]): boolean {
  const { lines, text } = model;
  // A CR no LF follows ends a line for dockerfile-ast, not for BuildKit (it splits at LF): the two
  // read other instructions from there on, and no fix edits such a file. Known once per model: a
  // search of the whole text for each fix took a quarter of Apply all's CPU on 10,000 lines.
  let lone = loneCR.get(model);
  if (lone === undefined) loneCR.set(model, (lone = /\r(?!\n)/.test(text)));
  if (edits.length > 0 && lone) return false;
  const spans = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
  const escape = model.escapeChar.charCodeAt(0);
  if (spans.some((e) => makesHidden(text, lines, e, escape))) return false;
  let otherwise = readOtherwise.get(model);
  if (!otherwise) readOtherwise.set(model, (otherwise = model.instructions.filter((i) => i.hiddenFrom !== undefined)));
  if (otherwise.length === 0) return true;
  for (const instr of otherwise) {
    const hidden = instr.hiddenFrom!;
    const from = lines.lineStart(instr.range.start.line);
    const to = lines.offsetAt(instr.range.end);
    const touching = spans.filter((e) => e.end >= from && e.start <= to);
    if (touching.some((e) => (e.start < from || e.end > to) && e.end >= hidden)) return false;
    const own = touching.filter((e) => e.start >= from && e.end <= to).sort((a, b) => a.start - b.start);
    if (own.length === 0) continue;
    const before = plainInstructions(text.slice(from, to), model.escapeChar);
    const unknownAround = (e: { start: number; end: number }) => before.some((p, k) => k > 0 && !KEYWORDS.has(p.keyword) && p.start <= e.start - from && e.end - from <= p.end);
    if (own.some((e) => e.end >= hidden && !unknownAround(e))) return false;
    let edited = '';
    let done = from;
    for (const e of own) {
      edited += text.slice(done, Math.max(done, e.start)) + e.newText;
      done = Math.max(done, e.end);
    }
    const after = plainInstructions(edited + text.slice(done, to), model.escapeChar);
    if (after.length !== before.length || after.some((p, k) => p.keyword !== before[k].keyword)) return false;
  }
  return true;
}

/**
 * Whether the edit `e` of `text` makes more of the lines it touches end in a hidden continuation
 * (see {@link hiddenContinuation}) than ended so before.
 */
function makesHidden(text: string, lines: LineIndex, e: { start: number; end: number; newText: string }, escape: number): boolean {
  const first = lines.positionAt(e.start).line;
  const last = lines.positionAt(e.end).line;
  const from = lines.lineStart(first);
  const to = lines.lineEndOffset(last);
  // A line's reading depends only on its end, back to the first character that is neither a blank
  // nor an E: the rest of the edit's first and last lines is left out, else each fix of a long
  // line scanned all of it (--fix of one RUN line of 8,000 commands: half its time). A CR is kept
  // (an edit between CR and LF ends a line there).
  const runChar = (at: number) => {
    const c = text.charCodeAt(at);
    return isBlank(c) || c === escape || c === CR;
  };
  let head = e.start;
  while (head > from && runChar(head - 1)) head--;
  let tail = to;
  while (tail > e.end && runChar(tail - 1)) tail--;
  const edited = text.slice(Math.max(from, head - 1), e.start) + e.newText + text.slice(Math.max(e.end, tail - 1), to);
  // With the line break after them, which a continuation needs.
  const composed = edited + text.slice(to, to + 2);
  const own = new LineIndex(composed);
  const hiddenAt = (t: string, at: LineIndex, line: number) => hiddenContinuation(t, at.lineStart(line), at.lineStart(line), at.lineEndOffset(line), escape).length > 0;
  let count = 0;
  for (let line = first; line <= last; line++) if (hiddenAt(text, lines, line)) count--;
  for (let line = 0; line < own.lineCount && own.lineStart(line) <= edited.length; line++) if (hiddenAt(composed, own, line)) count++;
  return count > 0;
}

/** The instructions dockerfile-ast's own parser reads in `text`: keyword (upper case) and offsets. */
function plainInstructions(text: string, escapeChar: string): { keyword: string; start: number; end: number }[] {
  const head = escapeChar === '\\' ? '' : `# escape=${escapeChar}\n`;
  const parsed = head + text;
  const lines = new LineIndex(parsed);
  return DockerfileParser.parse(parsed)
    .getInstructions()
    .map((node) => {
      const range = node.getRange();
      return { keyword: node.getKeyword().toUpperCase(), start: lines.offsetAt(range.start) - head.length, end: lines.offsetAt(range.end) - head.length };
    });
}
