/**
 * Edits as VS Code sends them with incremental sync: one range change per `didChange`, made the
 * way people edit a Dockerfile; for the LSP soak test and the incremental-analysis unit test. Deterministic (seeded), so a failing run can
 * be replayed. The document is kept here as an array of lines and changed by our own code, not by
 * the text-document library the server uses, so the text the fresh server receives is
 * independent of the server's copy.
 *
 * Each episode is a short burst of edits (typing a word, Enter and a new line, a paste, removing a
 * FROM, breaking a heredoc, ...). Most episodes undo themselves in the end, as people do, so the
 * file stays a realistic Dockerfile over 10,000 edits; some keep their change, within bounds on
 * the number of lines (so memory can be compared over the run), and the final text is not the
 * starting one.
 */
import { prng } from '../bench/lsp/generate';

export interface Position {
  line: number;
  character: number;
}

export interface RangeChange {
  range: { start: Position; end: Position };
  text: string;
}

/** What a burst of edits was about: for the log and for replaying a failure. */
export interface Episode {
  kind: string;
  changes: RangeChange[];
  /** Wait for diagnostics after every edit of the episode (someone typing slowly). */
  slow: boolean;
}

const WORDS = ['curl', 'wget', 'jq', 'nginx', 'tini', 'git', 'less', 'procps', 'unzip', 'vim'];

export class SoakDocument {
  /** No episode has more changes than this (the longest is Enter and a new line typed). */
  static readonly LONGEST_EPISODE = 40;
  lines: string[];
  private readonly rnd: () => number;
  private pasted = 0;

  constructor(
    text: string,
    seed: number,
    /** Episodes keep their change only while the file stays within these line counts. */
    private readonly bounds: { min: number; max: number },
  ) {
    this.lines = text.split('\n');
    this.rnd = prng(seed);
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Applies one change to the lines (our own splice, independent of the server's library). */
  apply(change: RangeChange): void {
    const { start, end } = change.range;
    const before = this.lines[start.line].slice(0, start.character);
    const after = this.lines[end.line].slice(end.character);
    this.lines.splice(start.line, end.line - start.line + 1, ...(before + change.text + after).split('\n'));
  }

  /** The next episode; its changes are already applied here, in order, when it is returned. */
  next(): Episode {
    const episodes: Array<[number, () => Omit<Episode, 'slow'>]> = [
      [30, () => this.typeWord()],
      [14, () => this.enterLine()],
      [10, () => this.paste()],
      [8, () => this.removeFrom()],
      [6, () => this.breakHeredoc()],
      [6, () => this.breakContinuation()],
      [8, () => this.retag()],
      [8, () => this.cutLines()],
    ];
    const total = episodes.reduce((n, [w]) => n + w, 0);
    let roll = this.rnd() * total;
    const slow = this.rnd() < 0.15;
    for (const [weight, make] of episodes) {
      roll -= weight;
      if (roll < 0) return { ...make(), slow };
    }
    return { ...episodes[0][1](), slow };
  }

  /** Exactly `count` letters typed at the end of the file as a comment (the last burst of the soak). */
  typeComment(count: number): Episode {
    const out: RangeChange[] = [];
    this.edit(out, { line: this.lineCount, character: 0 }, { line: this.lineCount, character: 0 }, '#');
    this.type(out, { line: this.lineCount, character: 1 }, 'x'.repeat(count - 1));
    return { kind: `type a comment of ${count} letters at the end`, changes: out, slow: false };
  }

  // --- what a line is ----------------------------------------------------------------------

  private get lineCount(): number {
    // The text ends with a line break: the last element is the empty line after it.
    return this.lines.length - 1;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  /** Per line: inside a heredoc body (or its terminator), or continuing the previous line. */
  private kinds(): Array<'heredoc' | 'continued' | 'instruction' | 'comment' | 'blank'> {
    const out: Array<'heredoc' | 'continued' | 'instruction' | 'comment' | 'blank'> = [];
    let heredoc: string | undefined;
    let continued = false;
    for (let i = 0; i < this.lineCount; i++) {
      const t = this.lines[i];
      if (heredoc !== undefined) {
        out.push('heredoc');
        if (t === heredoc) heredoc = undefined;
        continue;
      }
      out.push(continued ? 'continued' : t.startsWith('#') ? 'comment' : t.trim() === '' ? 'blank' : 'instruction');
      const marker = /<<-?"?(\w+)"?/.exec(t);
      if (marker && !t.trimEnd().endsWith('\\')) heredoc = marker[1];
      continued = t.trimEnd().endsWith('\\') && !t.startsWith('#');
    }
    return out;
  }

  /** Lines of one kind (all lines when there is none). */
  private linesOf(wanted: (kind: string, text: string) => boolean): number[] {
    const kinds = this.kinds();
    const found = kinds.map((k, i) => (wanted(k, this.lines[i]) ? i : -1)).filter((i) => i >= 0);
    return found.length > 0 ? found : kinds.map((_, i) => i);
  }

  private edit(out: RangeChange[], start: Position, end: Position, text: string): void {
    const change = { range: { start, end }, text };
    this.apply(change);
    out.push(change);
  }

  private type(out: RangeChange[], at: Position, text: string): void {
    for (let i = 0; i < text.length; i++) this.edit(out, { line: at.line, character: at.character + i }, { line: at.line, character: at.character + i }, text[i]);
  }

  /** Backspace `count` times with the cursor after `end`. */
  private backspace(out: RangeChange[], end: Position, count: number): void {
    for (let i = 0; i < count; i++) {
      const c = end.character - i;
      this.edit(out, { line: end.line, character: c - 1 }, { line: end.line, character: c }, '');
    }
  }

  /** The end of a line's content, before a continuation backslash. */
  private contentEnd(line: number): number {
    return this.lines[line].replace(/\s*\\$/, '').length;
  }

  private roomToKeep(extra: number): boolean {
    return this.lineCount + extra <= this.bounds.max;
  }

  // --- episodes ----------------------------------------------------------------------------

  /** Letters typed into a RUN continuation, a heredoc body, a FROM or another instruction, then deleted (or kept). */
  private typeWord(): Omit<Episode, 'slow'> {
    const target = this.pick(['continued', 'heredoc', 'from', 'instruction'] as const);
    const line = this.pick(this.linesOf((k, t) => (target === 'from' ? /^FROM /i.test(t) : k === target) && t.trim().length > 1));
    const character = this.int(0, this.contentEnd(line));
    const word = (this.rnd() < 0.5 ? ' ' : '') + this.pick(WORDS);
    const out: RangeChange[] = [];
    this.type(out, { line, character }, word);
    const keep = target === 'continued' && this.rnd() < 0.3;
    if (!keep) {
      // Backspace letter by letter, or the word at once (Ctrl+Backspace).
      if (this.rnd() < 0.6) this.backspace(out, { line, character: character + word.length }, word.length);
      else this.edit(out, { line, character }, { line, character: character + word.length }, '');
    }
    return { kind: `type '${word.trim()}' in a ${target} line${keep ? ' (kept)' : ''}`, changes: out };
  }

  /** Enter at the end of a line, a new line typed (fitting where it is), then the line deleted or kept. */
  private enterLine(): Omit<Episode, 'slow'> {
    const kinds = this.kinds();
    const line = this.int(0, this.lineCount - 1);
    const t = this.lines[line];
    const continues = t.trimEnd().endsWith('\\') && !t.startsWith('#');
    const inHeredoc = kinds[line] === 'heredoc' && kinds[line + 1] === 'heredoc';
    const indent = /^\s*/.exec(t)![0];
    const n = this.pasted++;
    const typed = continues ? `&& touch s${n} \\` : inHeredoc ? `echo s${n}` : this.pick([`ENV S${n}=1`, `RUN echo ${n}`, `# ${n}`]);
    const out: RangeChange[] = [];
    this.edit(out, { line, character: t.length }, { line, character: t.length }, '\n' + (continues ? indent : ''));
    this.type(out, { line: line + 1, character: continues ? indent.length : 0 }, typed);
    const keep = this.roomToKeep(1) && this.rnd() < 0.3;
    // Ctrl+Shift+K: the whole line with its line break.
    if (!keep) this.edit(out, { line: line + 1, character: 0 }, { line: line + 2, character: 0 }, '');
    return { kind: `Enter after line ${line + 1} and type '${typed}'${keep ? ' (kept)' : ''}`, changes: out };
  }

  /** A multi-line block pasted at an instruction boundary (a new stage, a heredoc RUN, or lines copied from the file), then cut again or kept. */
  private paste(): Omit<Episode, 'slow'> {
    const kinds = this.kinds();
    const boundaries = kinds.map((k, i) => (k === 'instruction' || k === 'comment' ? i : -1)).filter((i) => i > 0);
    const at = this.pick(boundaries);
    const n = this.pasted++;
    const what = this.pick(['stage', 'heredoc', 'copy'] as const);
    let block: string[];
    if (what === 'stage') {
      block = [`FROM debian:bookworm AS pasted-${n}`, 'RUN apt-get update \\', `    && apt-get install -y ${this.pick(WORDS)} \\`, '    && rm -rf /var/lib/apt/lists/*', `COPY --from=pasted-${n} /etc/os-release /tmp/`];
    } else if (what === 'heredoc') {
      block = ['RUN <<EOT', 'set -eux', `apt-get update && apt-get install -y ${this.pick(WORDS)}`, 'EOT'];
    } else {
      const from = this.pick(boundaries);
      let to = from + this.int(2, 10);
      while (to < this.lineCount && kinds[to] !== 'instruction' && kinds[to] !== 'comment') to++;
      block = this.lines.slice(from, Math.min(to, this.lineCount));
    }
    const out: RangeChange[] = [];
    this.edit(out, { line: at, character: 0 }, { line: at, character: 0 }, block.join('\n') + '\n');
    // A letter typed in the pasted block before it goes again.
    const inside = at + this.int(0, block.length - 1);
    this.type(out, { line: inside, character: this.contentEnd(inside) }, 'x');
    this.backspace(out, { line: inside, character: this.contentEnd(inside) }, 1);
    const keep = this.roomToKeep(block.length) && this.rnd() < 0.25;
    if (!keep) this.edit(out, { line: at, character: 0 }, { line: at + block.length, character: 0 }, '');
    return { kind: `paste ${block.length} lines (${what}) at line ${at + 1}${keep ? ' (kept)' : ''}`, changes: out };
  }

  /** A FROM line deleted (its stage merges into the previous one), an edit elsewhere, then the line put back (undo). */
  private removeFrom(): Omit<Episode, 'slow'> {
    const line = this.pick(this.linesOf((_, t) => /^FROM /i.test(t)));
    const removed = this.lines[line];
    const out: RangeChange[] = [];
    this.edit(out, { line, character: 0 }, { line: line + 1, character: 0 }, '');
    const other = this.int(0, this.lineCount - 1);
    this.type(out, { line: other, character: this.contentEnd(other) }, 'y');
    this.backspace(out, { line: other, character: this.contentEnd(other) }, 1);
    this.edit(out, { line, character: 0 }, { line, character: 0 }, removed + '\n');
    return { kind: `remove FROM at line ${line + 1}, edit line ${other + 1}, undo`, changes: out };
  }

  /** A heredoc terminator deleted (the heredoc runs on to the end), then typed again letter by letter. */
  private breakHeredoc(): Omit<Episode, 'slow'> {
    const kinds = this.kinds();
    const ends = kinds.map((k, i) => (k === 'heredoc' && kinds[i + 1] !== 'heredoc' && /^\w+$/.test(this.lines[i]) ? i : -1)).filter((i) => i >= 0);
    if (ends.length === 0) return this.typeWord();
    const line = this.pick(ends);
    const word = this.lines[line];
    const out: RangeChange[] = [];
    this.backspace(out, { line, character: word.length }, word.length);
    this.type(out, { line, character: 0 }, word);
    return { kind: `delete and retype heredoc terminator at line ${line + 1}`, changes: out };
  }

  /** A continuation backslash deleted (the RUN ends early), then typed again. */
  private breakContinuation(): Omit<Episode, 'slow'> {
    const line = this.pick(this.linesOf((_, t) => t.endsWith(' \\') && !t.startsWith('#')));
    const t = this.lines[line];
    if (!t.endsWith('\\')) return this.typeWord();
    const out: RangeChange[] = [];
    this.backspace(out, { line, character: t.length }, 1);
    this.type(out, { line, character: t.length - 1 }, '\\');
    return { kind: `delete and retype the continuation at line ${line + 1}`, changes: out };
  }

  /** A FROM's image tag selected and replaced (as a double-click and typing does), then replaced back. */
  private retag(): Omit<Episode, 'slow'> {
    const line = this.pick(this.linesOf((_, t) => /^FROM \S+:\S+/i.test(t)));
    const m = /^FROM (\S+?):(\S+)/i.exec(this.lines[line]);
    if (!m) return this.typeWord();
    const start = 'FROM '.length + m[1].length + 1;
    const old = m[2];
    const tag = this.pick(['3.11', '22', 'bookworm-slim', 'latest', '1.23', 'alpine']);
    const out: RangeChange[] = [];
    this.edit(out, { line, character: start }, { line, character: start + old.length }, tag);
    const keep = this.rnd() < 0.2;
    if (!keep) this.edit(out, { line, character: start }, { line, character: start + tag.length }, old);
    return { kind: `retag ${m[1]}:${old} -> ${tag}${keep ? ' (kept)' : ''}`, changes: out };
  }

  /** A few lines selected across instruction boundaries and cut, then pasted back (undo), or left cut while the file is large. */
  private cutLines(): Omit<Episode, 'slow'> {
    const line = this.int(1, this.lineCount - 8);
    const count = this.int(2, 6);
    const removed = this.lines.slice(line, line + count).join('\n') + '\n';
    const out: RangeChange[] = [];
    this.edit(out, { line, character: 0 }, { line: line + count, character: 0 }, '');
    const keep = this.lineCount - count >= this.bounds.min && this.rnd() < 0.3;
    if (!keep) this.edit(out, { line, character: 0 }, { line, character: 0 }, removed);
    return { kind: `cut lines ${line + 1}-${line + count}${keep ? ' (kept)' : ' and paste them back'}`, changes: out };
  }
}
