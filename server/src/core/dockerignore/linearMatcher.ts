/**
 * Matching in time linear in the path for the regexps Docker builds from ignore patterns, used
 * for the patterns with many wildcards, on which JavaScript's backtracking engine can run for
 * minutes (pattern.ts). Before, the RE2JS library (151 KB, 44 KB of the 478 KB .vsix) did this;
 * the family of regexps is small enough that a matcher of our own is cheaper to ship.
 *
 * How: the translated regexp's tokens (goRegexp.ts: one-code-point matchers, the assertions `^`
 * `$` `\b` `\B`, groups and `*` `+` `?`) become a Thompson automaton, whose set of live states is
 * advanced one code point at a time, never trying alternatives one after another. Each set of
 * states met is kept, with the set each code point leads to, so that a path mostly follows
 * transitions already worked out (a lazily built DFA, as RE2 does). The answer is Go's
 * `regexp.MatchString`: whether the regexp matches anywhere in the path (the regexps Docker
 * builds are anchored by `^...$`, except when a pattern's trailing `\` swallows the `$`).
 */
import type { GoToken } from './goRegexp';

const CHAR = 0;
const SPLIT = 1;
const JUMP = 2;
const ASSERT = 3;
const MATCH = 4;
/** The program's first instruction. */
const START = 0;

type Assertion = '^' | '$' | '\\b' | '\\B';

interface Program {
  op: number[];
  /** CHAR: unused; SPLIT: the second branch; JUMP: the target. The first branch of SPLIT and what follows CHAR and ASSERT is the next instruction. */
  arg: number[];
  /** CHAR: whether the code point matches. */
  test: Array<((ch: string) => boolean) | undefined>;
  /** ASSERT: which. */
  assertion: Array<Assertion | undefined>;
}

/** A set of live states (instructions CHAR, MATCH and the ASSERTs that wait for the next code point) at a position. */
interface State {
  pcs: number[];
  /** Whether the position is the start of the path, and whether the code point before it is a word character (for `\b`). */
  atStart: boolean;
  afterWord: boolean;
  /** Where each code point leads; `true` once the regexp matched, whatever follows. */
  next: Map<number, State | true>;
  /** Whether the regexp matches when the path ends here; worked out on first use. */
  atEnd?: boolean;
}

/**
 * How many live instructions the states kept per pattern may hold together before the cache
 * starts again (about 0.5 MB), so that a hostile pattern and set of paths cannot grow it without
 * bound; the work per code point stays linear in the program either way.
 */
const MAX_CACHED = 60_000;

const isWord = (cp: number | undefined) => cp !== undefined && ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95);

export class LinearMatcher {
  private states = new Map<string, State>();
  /** Live instructions held by `states`, counted against MAX_CACHED. */
  private cached = 0;
  private first: State | true | undefined;
  private readonly mark: Int32Array;
  private generation = 0;

  private constructor(private readonly prog: Program) {
    this.mark = new Int32Array(prog.op.length);
  }

  /** The matcher for a translated regexp, or the reason it cannot build one (a repetition of nothing or of a repetition, an unbalanced group). */
  static compile(tokens: readonly GoToken[]): LinearMatcher | string {
    const prog: Program = { op: [], arg: [], test: [], assertion: [] };
    const error = new Compiler(tokens, prog).program();
    return error ?? new LinearMatcher(prog);
  }

  /** Whether the regexp matches anywhere in `path`. */
  matches(path: string): boolean {
    let state = (this.first ??= this.closure([START], true, false));
    for (let i = 0; i < path.length; ) {
      if (state === true) return true;
      const cp = path.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      let next = state.next.get(cp);
      if (next === undefined) {
        next = this.step(state, cp);
        state.next.set(cp, next);
      }
      state = next;
    }
    if (state === true) return true;
    return (state.atEnd ??= this.resolve(state, undefined) === true);
  }

  /**
   * The instructions reached from `pcs` without reading: SPLITs and JUMPs followed, each ASSERT
   * passed, dropped or kept live as `decide` says (undefined: kept, to be decided with the next
   * code point); `true` when MATCH is reached.
   */
  private follow(pcs: readonly number[], decide: (a: Assertion) => boolean | undefined): number[] | true {
    const { op, arg, assertion } = this.prog;
    const gen = ++this.generation;
    const live: number[] = [];
    const stack = pcs.slice().reverse();
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (this.mark[pc] === gen) continue;
      this.mark[pc] = gen;
      switch (op[pc]) {
        case MATCH:
          return true;
        case CHAR:
          live.push(pc);
          break;
        case SPLIT:
          stack.push(arg[pc], pc + 1);
          break;
        case JUMP:
          stack.push(arg[pc]);
          break;
        case ASSERT: {
          const passes = decide(assertion[pc]!);
          if (passes === undefined) live.push(pc);
          else if (passes) stack.push(pc + 1);
          break;
        }
      }
    }
    return live;
  }

  /** The live CHARs of `state` once its ASSERTs are decided with the next code point (`undefined`: the path ends), or `true` when MATCH is reached. */
  private resolve(state: State, nextCp: number | undefined): number[] | true {
    const boundary = state.afterWord !== isWord(nextCp);
    return this.follow(state.pcs, (a) => (a === '^' ? state.atStart : a === '$' ? nextCp === undefined : (a === '\\b') === boundary));
  }

  /** The state after `cp` (or `true` once the regexp matched). */
  private step(state: State, cp: number): State | true {
    const chars = this.resolve(state, cp);
    if (chars === true) return true;
    const ch = String.fromCodePoint(cp);
    const targets = [START];
    for (const pc of chars) if (this.prog.test[pc]!(ch)) targets.push(pc + 1);
    return this.closure(targets, false, isWord(cp));
  }

  /**
   * The state of the instructions live after following `pcs` (`^` decided at once, the other
   * ASSERTs kept for the next code point), or `true` when MATCH is reached. States are shared
   * through `states`.
   */
  private closure(pcs: number[], atStart: boolean, afterWord: boolean): State | true {
    const live = this.follow(pcs, (a) => (a === '^' ? atStart : undefined));
    if (live === true) return true;
    live.sort((a, b) => a - b);
    const key = `${atStart ? 1 : 0}${afterWord ? 1 : 0}${live.join(',')}`;
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.cached > MAX_CACHED) {
        // The states of the path being matched stay reachable from it until it is decided.
        this.states = new Map();
        this.cached = 0;
        this.first = undefined;
      }
      state = { pcs: live, atStart, afterWord, next: new Map() };
      this.states.set(key, state);
      this.cached += live.length + 4;
    }
    return state;
  }
}

/** Builds the program of a token list: `seq := item*`, `item := (char | assert | '(' seq ')') repeat?`. */
class Compiler {
  private i = 0;
  /** One test per distinct one-code-point matcher (`[^/]`, `a`...), shared by its instructions. */
  private readonly tests = new Map<string, (ch: string) => boolean>();
  constructor(
    private readonly tokens: readonly GoToken[],
    private readonly prog: Program,
  ) {}

  program(): string | undefined {
    const error = this.seq();
    if (error) return error;
    if (this.i < this.tokens.length) return 'unbalanced )';
    this.emit(MATCH);
    return undefined;
  }

  private emit(op: number, arg = -1, test?: (ch: string) => boolean, assertion?: Assertion): number {
    const p = this.prog;
    p.op.push(op);
    p.arg.push(arg);
    p.test.push(test);
    p.assertion.push(assertion);
    return p.op.length - 1;
  }

  private seq(): string | undefined {
    while (this.i < this.tokens.length && this.tokens[this.i].kind !== 'close') {
      const error = this.item();
      if (error) return error;
    }
    return undefined;
  }

  private item(): string | undefined {
    const t = this.tokens[this.i];
    if (t.kind === 'repeat') return `missing argument to repetition operator ${t.op}`;
    // Where the item starts; a repetition puts a SPLIT before it, so the item is built first and moved.
    const begin = this.prog.op.length;
    this.i++;
    if (t.kind === 'char') {
      let test = this.tests.get(t.js);
      if (test === undefined) {
        const re = new RegExp(`^(?:${t.js})$`, 'u');
        test = (ch) => re.test(ch);
        this.tests.set(t.js, test);
      }
      this.emit(CHAR, -1, test);
    } else if (t.kind === 'assert') {
      this.emit(ASSERT, -1, undefined, t.js);
    } else if (t.kind === 'open') {
      const error = this.seq();
      if (error) return error;
      if (this.tokens[this.i]?.kind !== 'close') return 'missing )';
      this.i++;
    } else return 'unbalanced )';
    const r = this.tokens[this.i];
    if (r?.kind !== 'repeat') return undefined;
    this.i++;
    // `x*?`, `x+?`, `x??` are lazy in Go: the same set of matches.
    if (this.tokens[this.i]?.kind === 'repeat') {
      if ((this.tokens[this.i] as { op: string }).op !== '?') return 'invalid nested repetition operator';
      this.i++;
      if (this.tokens[this.i]?.kind === 'repeat') return 'invalid nested repetition operator';
    }
    if (t.kind === 'assert') return `the repetition of an assertion is not evaluated by this extension`;
    this.repeat(begin, r.op);
    return undefined;
  }

  /** Wraps the instructions from `begin` to the end in the repetition `op`. */
  private repeat(begin: number, op: '*' | '+' | '?'): void {
    const p = this.prog;
    const body = { op: p.op.splice(begin), arg: p.arg.splice(begin), test: p.test.splice(begin), assertion: p.assertion.splice(begin) };
    const shift = op === '+' ? 0 : 1;
    const place = () => {
      for (let k = 0; k < body.op.length; k++) {
        const target = body.op[k] === SPLIT || body.op[k] === JUMP ? body.arg[k] + shift : body.arg[k];
        this.emit(body.op[k], target, body.test[k], body.assertion[k]);
      }
    };
    if (op === '+') {
      place();
      this.emit(SPLIT, begin);
      return;
    }
    const split = this.emit(SPLIT);
    place();
    if (op === '*') this.emit(JUMP, split);
    p.arg[split] = p.op.length;
  }
}
