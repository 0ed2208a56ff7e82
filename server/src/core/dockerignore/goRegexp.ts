/**
 * Translates the small family of Go (RE2) regular expressions that Docker builds from ignore
 * patterns into JavaScript regular expressions with the same meaning.
 *
 * Why not hand the text to `new RegExp`: Docker copies parts of a pattern verbatim into a Go
 * regexp (the insides of `[...]`, anything after a `\`), and RE2 reads them differently from
 * JavaScript: `[[:alpha:]]` is a POSIX class, `\s` is ASCII-only, `[]a]` is a class holding `]`,
 * `\q` is an error. So we parse the RE2 text ourselves and emit an unambiguous JS source for the
 * `u` flag. Constructs no ignore file needs in practice (`\p{Greek}`, `\Q...\E`, negated POSIX
 * or `\S` inside a class) are reported as `unsupported` rather than guessed.
 */

/**
 * One element of a translated regexp, in order: what matches one code point (a literal, a class,
 * `.`), a zero-width assertion, a group's bounds, or a repetition of what precedes it. The JS
 * source is these joined; the linear-time matcher (linearMatcher.ts) builds its program from them.
 */
export type GoToken =
  | { kind: 'char'; js: string }
  | { kind: 'assert'; js: '^' | '$' | '\\b' | '\\B' }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'repeat'; op: '*' | '+' | '?' };

export type GoRegexpTranslation =
  | { ok: true; source: string; tokens: GoToken[] }
  | { ok: false; kind: 'invalid' | 'unsupported'; message: string };

function jsOf(t: GoToken): string {
  switch (t.kind) {
    case 'char':
    case 'assert':
      return t.js;
    case 'open':
      return '(?:';
    case 'close':
      return ')';
    case 'repeat':
      return t.op;
  }
}

class Stop extends Error {
  constructor(readonly kind: 'invalid' | 'unsupported', message: string) {
    super(message);
  }
}

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const PERL_IN_CLASS: Record<string, string> = { d: '0-9', w: '0-9A-Za-z_', s: '\\t\\n\\f\\r ', D: '\\D', W: '\\W' };
const PERL_OUTSIDE: Record<string, string> = {
  d: '[0-9]',
  D: '[^0-9]',
  w: '[0-9A-Za-z_]',
  W: '[^0-9A-Za-z_]',
  s: '[\\t\\n\\f\\r ]',
  S: '[^\\t\\n\\f\\r ]',
};

/** One literal code point for a `u`-flag regexp; `-` needs escaping only inside a class. */
function lit(cp: number, inClass = false): string {
  const ch = String.fromCodePoint(cp);
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return '\\' + ch;
  if (cp < 0x20 || cp === 0x7f) return '\\u{' + cp.toString(16) + '}';
  return ch;
}

function isAlnum(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
}

function isOctal(cp: number | undefined): boolean {
  return cp !== undefined && cp >= 48 && cp <= 55;
}

function hexValue(cp: number | undefined): number {
  if (cp === undefined) return -1;
  if (cp >= 48 && cp <= 57) return cp - 48;
  if (cp >= 65 && cp <= 70) return cp - 55;
  if (cp >= 97 && cp <= 102) return cp - 87;
  return -1;
}

class Parser {
  private i = 0;
  constructor(private readonly cps: number[]) {}

  translate(): GoToken[] {
    const out: GoToken[] = [];
    const cps = this.cps;
    while (this.i < cps.length) {
      const c = cps[this.i];
      const ch = String.fromCodePoint(c);
      if (ch === '\\') out.push(this.escapeOutside());
      else if (ch === '[') out.push({ kind: 'char', js: this.charClass() });
      else {
        this.i++;
        switch (ch) {
          case '(':
            out.push({ kind: 'open' });
            break;
          case ')':
            out.push({ kind: 'close' });
            break;
          case '.':
            out.push({ kind: 'char', js: '[^\\n]' });
            break;
          case '^':
          case '$':
            out.push({ kind: 'assert', js: ch });
            break;
          case '*':
          case '+':
          case '?':
            out.push({ kind: 'repeat', op: ch });
            break;
          default:
            out.push({ kind: 'char', js: lit(c) });
        }
      }
    }
    return out;
  }

  /** After a `\` outside a class: assertions, Perl classes or one escaped character. */
  private escapeOutside(): GoToken {
    const d = this.cps[this.i + 1];
    if (d === undefined) throw new Stop('invalid', 'trailing backslash at end of expression');
    const ch = String.fromCodePoint(d);
    if (ch === 'A') return (this.i += 2), { kind: 'assert', js: '^' };
    if (ch === 'z') return (this.i += 2), { kind: 'assert', js: '$' };
    if (ch === 'b' || ch === 'B') return (this.i += 2), { kind: 'assert', js: ch === 'b' ? '\\b' : '\\B' };
    if (PERL_OUTSIDE[ch]) return (this.i += 2), { kind: 'char', js: PERL_OUTSIDE[ch] };
    if (ch === 'p' || ch === 'P' || ch === 'Q') {
      throw new Stop('unsupported', `the Go regexp construct \\${ch} is not evaluated by this extension`);
    }
    return { kind: 'char', js: lit(this.escapedChar()) };
  }

  /** Go's parseEscape: the code point of `\x` at the cursor, advancing past it. */
  private escapedChar(): number {
    const cps = this.cps;
    this.i++; // the backslash
    const c = cps[this.i];
    if (c === undefined) throw new Stop('invalid', 'trailing backslash at end of expression');
    this.i++;
    if (c < 0x80 && !isAlnum(c)) return c;
    const ch = String.fromCodePoint(c);
    if (ch >= '1' && ch <= '7' && !isOctal(cps[this.i])) {
      throw new Stop('invalid', `invalid escape sequence \\${ch} (Go regexps have no backreferences)`);
    }
    if (ch >= '0' && ch <= '7') {
      let v = c - 48;
      for (let k = 0; k < 2 && isOctal(cps[this.i]); k++) v = v * 8 + cps[this.i++] - 48;
      return v;
    }
    if (ch === 'x') {
      if (cps[this.i] === 123 /* { */) {
        this.i++;
        let v = 0;
        let digits = 0;
        while (hexValue(cps[this.i]) >= 0) {
          v = v * 16 + hexValue(cps[this.i++]);
          digits++;
          if (v > 0x10ffff) throw new Stop('invalid', 'invalid escape sequence \\x{...}');
        }
        if (digits === 0 || cps[this.i] !== 125 /* } */) throw new Stop('invalid', 'invalid escape sequence \\x{...}');
        this.i++;
        return v;
      }
      const h1 = hexValue(cps[this.i]);
      const h2 = hexValue(cps[this.i + 1]);
      if (h1 < 0 || h2 < 0) throw new Stop('invalid', 'invalid escape sequence \\x');
      this.i += 2;
      return h1 * 16 + h2;
    }
    const simple: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
    if (ch in simple) return simple[ch];
    throw new Stop('invalid', `invalid escape sequence \\${ch}`);
  }

  /** Go's parseClass, emitting a JS class. */
  private charClass(): string {
    const cps = this.cps;
    this.i++; // [
    let out = '[';
    if (cps[this.i] === 94 /* ^ */) {
      out += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = cps[this.i];
      if (c === undefined) throw new Stop('invalid', 'missing closing ]');
      if (c === 93 /* ] */ && !first) break;
      first = false;
      if (c === 91 /* [ */ && cps[this.i + 1] === 58 /* : */) {
        const named = this.posixClass();
        if (named !== undefined) {
          out += named;
          continue;
        }
      }
      if (c === 92 /* \ */) {
        const e = cps[this.i + 1] === undefined ? '' : String.fromCodePoint(cps[this.i + 1]);
        if (e === 'p' || e === 'P' || e === 'S') {
          throw new Stop('unsupported', `the Go regexp construct \\${e} inside [...] is not evaluated by this extension`);
        }
        if (PERL_IN_CLASS[e]) {
          out += PERL_IN_CLASS[e];
          this.i += 2;
          continue;
        }
      }
      const lo = this.classChar();
      let hi = lo;
      if (cps[this.i] === 45 /* - */ && cps[this.i + 1] !== undefined && cps[this.i + 1] !== 93) {
        this.i++;
        hi = this.classChar();
        if (hi < lo) throw new Stop('invalid', 'invalid character class range');
      }
      out += hi === lo ? lit(lo, true) : lit(lo, true) + '-' + lit(hi, true);
    }
    this.i++; // ]
    return out + ']';
  }

  private classChar(): number {
    const c = this.cps[this.i];
    if (c === undefined) throw new Stop('invalid', 'missing closing ]');
    if (c === 92) return this.escapedChar();
    this.i++;
    return c;
  }

  /** `[:name:]` at the cursor; undefined when it is not one (then `[` is a plain character). */
  private posixClass(): string | undefined {
    const rest = String.fromCodePoint(...this.cps.slice(this.i, this.i + 64));
    const end = rest.indexOf(':]', 2);
    if (end < 0) return undefined;
    let name = rest.slice(2, end);
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const body = POSIX[name];
    if (body === undefined) throw new Stop('invalid', 'invalid character class range');
    if (negated) throw new Stop('unsupported', 'a negated POSIX class inside [...] is not evaluated by this extension');
    this.i += Array.from(rest.slice(0, end + 2)).length;
    return body;
  }
}

/** Translates one Go regexp (as Docker builds it) into a JS source for `new RegExp(source, 'u')`. */
export function translateGoRegexp(goSource: string): GoRegexpTranslation {
  const cps = Array.from(goSource, (ch) => ch.codePointAt(0) as number);
  try {
    const tokens = new Parser(cps).translate();
    return { ok: true, source: tokens.map(jsOf).join(''), tokens };
  } catch (e) {
    if (e instanceof Stop) return { ok: false, kind: e.kind, message: e.message };
    throw e;
  }
}
