/**
 * Our reader of an instruction's arguments, installed by `model.ts` as the implementation behind
 * dockerfile-ast's `Instruction.getRawArguments` (every other argument method of the library, and
 * our rules, build on it). The library's reader gives the results we must keep; it builds each
 * value one character at a time and looks up two positions per argument through the document (a
 * binary search over the line starts each), the largest allocation site of an analysis. This one
 * reads the same text in one pass, takes each run of plain characters as one slice of the
 * document, and works out positions by counting line breaks as it goes.
 *
 * The results must equal the library's for every text, quirks included, because the library's
 * other methods (flags, JSON arguments, variables, here-documents) and our rules read them;
 * `test/unit/core/arguments.test.ts` holds the two equal on real and random Dockerfiles. The rules
 * the library follows, in our words (E is the escape character, `\` or `` ` ``):
 *
 * 1. Spaces, tabs, CR and LF separate arguments (outside a gap, rule 2). An argument ends where
 *    the separator is, or, when an E was met inside it (rules 3 and 4), at that E (its "cut").
 * 2. After a line continuation comes a "gap": blanks and line breaks are skipped there and end
 *    nothing. A space or tab in the gap is remembered, a line break forgets it. The gap ends at
 *    the next character that is read (rules 5 and 6).
 * 3. A continuation is E followed by a line break, with or without spaces or tabs between them.
 *    A CR there counts as a line break and also swallows the character after it, whatever it is
 *    (a lone CR eats the next line's first character). A continuation opens a gap, ends a
 *    comment line and starts a new line (see rule 6). An argument open at a bare `E<break>` is cut
 *    there unless it was cut already; at `E<blanks><break>` it is cut there in any case.
 * 4. E followed by spaces or tabs and then something else is no continuation: the argument, open
 *    or not, gets its cut at E. When no argument is open the blanks are passed over as if they
 *    were not there; when one is open they are read as separators (rule 1, or skipped in a gap).
 *    E followed by blanks up to the end of the text is ignored.
 * 5. E followed by any other character reads that character into the argument, E dropped, except
 *    `$`, which keeps its E (`\$HOME` stays escaped for the variable reader). E as the very last
 *    character stops the reading. This does not change whether we are at a line's start.
 * 6. Any other character, unless it is in a comment line, is read into the argument; at the start
 *    of a continued line (after a continuation, before anything was read) a `#` instead begins a
 *    comment line, whose characters are not read (E in one still is, rules 3 to 5). A comment
 *    line ends only at a continuation or at a line break inside a gap, which starts a new line.
 * 7. When a character is read (rules 5 and 6) after a gap that held a blank, and the open
 *    argument has a cut, that argument ends at its cut and the character begins a new one: an
 *    escaped space or a continuation followed by indentation separates arguments. Otherwise the
 *    character joins the open argument (`a\<break>b` is one argument `ab`), whose cut is dropped.
 *    In the odd case that no argument is open but a cut is pending (rule 4 outside an argument),
 *    an empty argument is produced, starting one character before the arguments.
 */
import { Argument, type Instruction } from 'dockerfile-ast';
import type { Position } from './types';

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35;
const DOLLAR = 36;
const NONE = -1;

/** What the reader needs of the library's text document. */
interface Document {
  getText(): string;
  offsetAt(position: Position): number;
  positionAt(offset: number): Position;
}

/** The fields dockerfile-ast keeps on an instruction (private or protected in its types). */
interface InstructionFields {
  document: Document;
  range: { start: Position; end: Position };
  instructionRange: { start: Position; end: Position };
  escapeChar: string;
}

/** The arguments of `node` exactly as dockerfile-ast's `getRawArguments` gives them. */
export function readRawArguments(node: Instruction): Argument[] {
  const { document, range, instructionRange, escapeChar } = node as unknown as InstructionFields;
  // The library reads the instruction's text after as many characters as its keyword's range
  // spans, and reports offsets in it as counted from the keyword's end; here that text is kept as
  // bounds in the document, and `shift` turns an index into a reported offset (0 whenever the
  // ranges are in order and the keyword starts the instruction, as the parser builds them).
  const lineFrom = document.offsetAt(range.start);
  const lineTo = document.offsetAt(range.end);
  const keywordTo = document.offsetAt(instructionRange.end);
  const keyword = keywordTo - document.offsetAt(instructionRange.start);
  const textFrom = Math.min(lineFrom, lineTo);
  const textTo = Math.max(lineFrom, lineTo);
  const begin = textFrom + Math.min(Math.max(keyword, 0), textTo - textFrom);
  if (begin >= textTo) return [];
  const shift = keywordTo - begin;
  const escape = escapeChar.length === 1 ? escapeChar.charCodeAt(0) : NONE;
  return new ArgumentReader(document, begin, textTo, shift, escape).read();
}

class ArgumentReader {
  private readonly text: string;
  private readonly args: Argument[] = [];
  /** Where the open argument starts, or NONE. */
  private open = NONE;
  /** The open argument's cut (rule 1), or NONE. */
  private cut = NONE;
  /** The open argument's value: `done` followed by text[runFrom, runTo). */
  private done = '';
  private runFrom = NONE;
  private runTo = NONE;
  /** Rule 2: in a gap, and whether a space or tab was seen there. */
  private gap = false;
  private blankInGap = false;
  /** Rule 6: at the start of a continued line; in a comment line. */
  private lineStart = false;
  private comment = false;
  /** Line breaks counted up to `counted` (NONE: not yet started): `line` begins at `lineBegin`. */
  private counted = NONE;
  private line = 0;
  private lineBegin = 0;

  constructor(
    private readonly document: Document,
    private readonly begin: number,
    private readonly end: number,
    private readonly shift: number,
    private readonly escape: number,
  ) {
    this.text = document.getText();
  }

  read(): Argument[] {
    const { text, end, escape } = this;
    let i = this.begin;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === LF || c === CR) {
        if (this.gap) {
          if (c === LF || c === CR) {
            this.blankInGap = false;
            if (this.comment) {
              this.comment = false;
              this.lineStart = true;
            }
          } else this.blankInGap = true;
        } else if (this.open !== NONE) this.finish(this.cut === NONE ? i : this.cut);
        i++;
      } else if (c === escape) {
        i = this.escaped(i);
        if (i === NONE) break;
      } else if (this.comment) {
        i = this.plainEnd(i + 1);
      } else if (this.lineStart && c === HASH) {
        this.comment = true;
        this.lineStart = false;
        i++;
      } else {
        // Rule 6, for the whole run of plain characters: after its first, nothing in the run
        // can change the state (no gap, no cut, not at a line's start).
        const stop = this.plainEnd(i + 1);
        this.take(i, i, stop);
        this.lineStart = false;
        i = stop;
      }
    }
    if (this.open !== NONE) this.finish(this.cut === NONE ? end : this.cut);
    return this.args;
  }

  /** Rules 3 to 5 for the E at `i`; returns where to go on, or NONE to stop. */
  private escaped(i: number): number {
    const { text, end } = this;
    const next = i + 1 < end ? text.charCodeAt(i + 1) : NONE;
    if (next === LF || next === CR) {
      this.continuation();
      if (this.open !== NONE && this.cut === NONE) this.cut = i;
      return next === CR ? i + 3 : i + 2;
    }
    if (next === SPACE || next === TAB) {
      let j = i + 2;
      while (j < end && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
      if (j === end) return i + 1;
      const after = text.charCodeAt(j);
      if (after === LF || after === CR) {
        this.continuation();
        if (this.open !== NONE) this.cut = i;
        return after === CR ? j + 2 : j + 1;
      }
      this.cut = i;
      return this.open === NONE ? j : i + 1;
    }
    if (next === NONE) {
      this.take(i, NONE, NONE);
      return NONE;
    }
    this.take(i, next === DOLLAR ? i : i + 1, i + 2);
    return i + 2;
  }

  private continuation(): void {
    this.comment = false;
    this.gap = true;
    this.lineStart = true;
  }

  /** Rule 7: reads text[from, to) (nothing when `from` is NONE) into the argument, which starts at `at` if none is open. */
  private take(at: number, from: number, to: number): void {
    if (this.blankInGap && this.cut !== NONE) this.finish(this.cut);
    this.blankInGap = false;
    this.gap = false;
    this.cut = NONE;
    if (from === NONE) return;
    if (from === this.runTo) this.runTo = to;
    else {
      if (this.runTo > this.runFrom) this.done += this.text.slice(this.runFrom, this.runTo);
      this.runFrom = from;
      this.runTo = to;
    }
    if (this.open === NONE) this.open = at;
  }

  /** The end of the run of characters from `i` that are neither separators nor E. */
  private plainEnd(i: number): number {
    const { text, end, escape } = this;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB || c === LF || c === CR || c === escape) break;
    }
    return i;
  }

  /** Ends the open argument (or the empty one of rule 7's odd case) at `to`. */
  private finish(to: number): void {
    let value = this.done;
    if (this.runTo > this.runFrom) {
      const run = this.text.slice(this.runFrom, this.runTo);
      value = value === '' ? run : value + run;
    }
    const from = this.open === NONE ? this.begin - 1 : this.open;
    const start = this.position(from + this.shift);
    this.args.push(new Argument(value, { start, end: this.position(to + this.shift) }));
    this.open = NONE;
    this.cut = NONE;
    this.done = '';
    this.runFrom = NONE;
    this.runTo = NONE;
  }

  /**
   * The document position of `offset`, as the document's `positionAt` gives it (a CR LF counts as
   * one line break, a lone CR as one; an offset between CR and LF is taken back to the CR). The
   * reader asks for offsets in increasing order but for rare quirks; those go to the document.
   */
  private position(offset: number): Position {
    const text = this.text;
    offset = Math.max(0, Math.min(offset, text.length));
    if (this.counted === NONE) {
      const found = this.document.positionAt(offset);
      this.line = found.line;
      this.lineBegin = this.document.offsetAt({ line: found.line, character: 0 });
      this.counted = this.lineBegin;
      return found;
    }
    if (offset < this.counted) return this.document.positionAt(offset);
    for (let k = this.counted; k < offset; k++) {
      const c = text.charCodeAt(k);
      if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) {
        this.line++;
        this.lineBegin = k + 1;
      }
    }
    this.counted = offset;
    const character = offset > this.lineBegin && text.charCodeAt(offset - 1) === CR && text.charCodeAt(offset) === LF ? offset - 1 - this.lineBegin : offset - this.lineBegin;
    return { line: this.line, character };
  }
}
