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
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LineIndex } from './text';

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * Parses `text` (whose lines `lines` indexes) so that its instructions end where BuildKit's do;
 * see the module comment.
 */
export function parseAsBuildKit(text: string, lines: LineIndex): Dockerfile {
  let ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter().charCodeAt(0);
  let read = text;
  for (;;) {
    const blanks = hiddenContinuations(ast, read, lines, escape);
    if (blanks.length === 0) break;
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
