/**
 * Offset <-> position conversion over a document's text. Built once per analysed version and
 * shared by everything that maps shell words back to the editor.
 */
import type { Position, Range } from './types';

export class LineIndex {
  /** Offset of the first character of every line. */
  private readonly starts: Int32Array;

  constructor(readonly text: string) {
    this.starts = text.includes('\r') ? mixedLineStarts(text) : lfLineStarts(text);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineEnd = this.lineEndOffset(pos.line);
    return Math.min(this.starts[pos.line] + Math.max(0, pos.character), lineEnd);
  }

  /** Offset of the first character of `line`. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** Offset just before the line break of `line` (or the end of the text). */
  lineEndOffset(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > this.starts[line] && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEndOffset(line));
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  /** The line break the document uses most ("\r\n" or "\n"), so fixes keep the file's style. */
  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }
}

/**
 * Line starts of a text with "\n" breaks only: `indexOf` finds them several times faster than a
 * loop over every character, and counting them first sizes the array once (built for every
 * analysed version and for each parsed piece).
 */
function lfLineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

/** Line starts where "\r\n" is one line break and a lone "\r" is one too. */
function mixedLineStarts(text: string): Int32Array {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return Int32Array.from(starts);
}

/** The first index in [0, n) where `test` holds, or n: `test` must be false up to some index and true from it on (a binary search). */
export function firstIndex(n: number, test: (i: number) => boolean): number {
  let [lo, hi] = [0, n];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(range: Range, pos: Position): boolean {
  return comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0;
}

/**
 * A copy of `s` that holds none of the text it was cut from. V8 keeps a slice of a long string (13
 * characters or more) as a view of it, so a short string kept from a long text keeps the whole
 * text alive: a RUN script reused in later versions (model.ts, `ScriptMade`) would keep every
 * earlier version's text, and a documentation page's section headings (lsp/docs.ts) the page.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * Removes Dockerfile line continuations (escape char + newline) and the comment or empty lines
 * Docker drops inside a continued instruction. The script is runs of the document's text joined
 * with nothing between them, as BuildKit joins the lines (`a\` then `b` is `ab`, and `a \ \` then
 * `b` is `a \ b`: the escaped blank starts the word b); `starts` holds the script offset where each
 * run begins and `docs` its document offset.
 */
export function joinContinuations(text: string, start: number, end: number, escapeChar: string): { script: string; starts: number[]; docs: number[] } {
  let script = '';
  const starts = [0];
  const docs = [start];
  let from = start;
  let i = start;
  while (i < end) {
    if (text[i] === escapeChar) {
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j >= end || text[j] === '\n' || text[j] === '\r') {
        // Continuation: skip the line break, then any comment-only or blank lines Docker drops.
        if (text[j] === '\r') j++;
        if (text[j] === '\n') j++;
        for (;;) {
          let k = j;
          while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
          if (k < end && text[k] === '#') {
            while (k < end && text[k] !== '\n') k++;
            j = k + 1;
            continue;
          }
          if (k < end && (text[k] === '\n' || text[k] === '\r') && k > j - 1) {
            // A blank line inside a continuation is ignored by Docker (with a warning).
            j = text[k] === '\r' && text[k + 1] === '\n' ? k + 2 : k + 1;
            continue;
          }
          break;
        }
        script += text.slice(from, i);
        starts.push(script.length);
        docs.push(j);
        from = i = j;
        continue;
      }
    }
    i++;
  }
  script += text.slice(from, Math.max(from, end));
  return { script, starts, docs };
}

/** The document offset of script offset `i` (see {@link joinContinuations}); `past` from the script's end on. */
export function runOffset(starts: number[], docs: number[], scriptLength: number, past: number, i: number): number {
  if (i >= scriptLength) return past;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return docs[lo] + (i - starts[lo]);
}
