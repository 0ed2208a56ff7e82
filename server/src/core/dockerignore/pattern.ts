/**
 * One cleaned ignore pattern turned into a fast test, the way Docker's pattern matcher does it.
 *
 * Docker checks a pattern's syntax with Go's `filepath.Match` rules but matches with a regexp it
 * builds itself, taking shortcuts for the common shapes: a literal pattern is compared for
 * equality, `literal**` by prefix and `**rest` (with no other wildcard) by suffix. The shortcuts
 * are part of the observable behaviour (`**foo` matches `barfoo`, because it is a plain suffix
 * test), so we mirror the same decision procedure rather than one idealised glob semantics.
 */
import { translateGoRegexp } from './goRegexp';
import { LinearMatcher } from './linearMatcher';

export type CompiledPattern =
  | { kind: 'exact'; text: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'suffix'; suffix: string }
  /** `re()` follows Go exactly; `fast()` lets `.` match a line break, which is only equivalent
   *  (and several times faster, no backtracking over `[^\n]`) for paths without one. Both are
   *  built on first use: a large ignore file's lines are mostly never tested against a path. */
  | { kind: 'regexp'; re: () => RegExp; fast: () => RegExp; goSource: string; literalPrefix: string }
  /** A regexp with many wildcards, matched in linear time (linearMatcher.ts) instead of by
   *  JavaScript's backtracking engine, which a pattern such as `**\/**\/...*a*a*a...b` keeps busy
   *  for minutes on one path (a hostile ignore file would freeze the scan, and with it the
   *  language server). */
  | { kind: 'linear'; matcher: LinearMatcher; goSource: string; literalPrefix: string }
  /** Docker accepts the pattern but cannot build its regexp ('invalid': the build fails when the
   *  pattern is reached) or this extension does not evaluate it ('unsupported'). Never matches. */
  | { kind: 'broken'; reason: 'invalid' | 'unsupported'; message: string; goSource: string };

/** Characters Docker escapes because they mean something to regexps but nothing to globs. */
const REGEXP_ONLY = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * The syntax check Docker runs on every pattern (`filepath.Match(pattern, ".")` with a current
 * Go, which validates the whole pattern): returns a message when Docker would reject it.
 * Character classes need at least one member, `-` and `]` cannot start a member, ranges need both
 * ends, and `\` needs a character after it (on Unix, where it escapes).
 */
export function goMatchSyntaxError(pattern: string, windows = false): string | undefined {
  const cps = Array.from(pattern);
  const n = cps.length;
  let i = 0;
  // Go's getEsc: one possibly escaped class member; it also insists something follows it.
  const member = (): boolean => {
    if (i >= n || cps[i] === '-' || cps[i] === ']') return false;
    if (cps[i] === '\\' && !windows) {
      i++;
      if (i >= n) return false;
    }
    i++;
    return i < n;
  };
  while (i < n) {
    const c = cps[i];
    if (c === '\\' && !windows) {
      if (i + 1 >= n) return 'a trailing backslash escapes nothing';
      i += 2;
    } else if (c === '[') {
      const start = i;
      i++;
      if (cps[i] === '^') i++;
      let members = 0;
      for (;;) {
        if (cps[i] === ']' && members > 0) {
          i++;
          break;
        }
        if (!member()) return `the character class starting at "${cps.slice(start).join('')}" is malformed`;
        if (cps[i] === '-') {
          i++;
          if (!member()) return `the character class starting at "${cps.slice(start).join('')}" has a malformed range`;
        }
        members++;
      }
    } else i++;
  }
  return undefined;
}

/** Builds the matcher for one cleaned pattern (Unix separators, without the leading `!`). */
export function compilePattern(cleaned: string): CompiledPattern {
  const cps = Array.from(cleaned);
  let idx = cps[0] === '\uFEFF' ? 1 : 0; // Go's text/scanner drops a leading BOM
  let re = '^';
  let kind: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  for (let i = 0; idx < cps.length; i++) {
    const ch = cps[idx++];
    if (ch === '*') {
      if (cps[idx] === '*') {
        idx++;
        if (cps[idx] === '/') idx++;
        if (idx >= cps.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            re += '.*';
            kind = 'regexp';
          }
        } else {
          re += '(.*/)?';
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        re += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = 'regexp';
    } else if (REGEXP_ONLY.has(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      if (idx < cps.length) {
        re += '\\' + cps[idx++];
        kind = 'regexp';
      } else re += '\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = 'regexp';
    } else re += ch;
  }
  if (kind === 'exact') return { kind, text: cleaned };
  if (kind === 'prefix') return { kind, prefix: cleaned.slice(0, -2) };
  if (kind === 'suffix') return { kind, suffix: cleaned.slice(2) };
  const goSource = re + '$';
  // The characters before the first wildcard, escape, class or `^` (left unescaped, an anchor
  // for Go) are matched literally from the start: a path without them is decided without
  // running (or even building) the regexp.
  const literalPrefix = /^[^*?\\[\]^]*/.exec(cleaned.slice(cps[0] === '\uFEFF' ? 1 : 0))![0];
  const js = translateGoRegexp(goSource);
  if (!js.ok) return { kind: 'broken', reason: js.kind, message: js.message, goSource };
  if (unboundedRepeats(goSource) > MAX_BACKTRACKING_REPEATS) {
    const matcher = LinearMatcher.compile(js.tokens);
    if (typeof matcher === 'string') return { kind: 'broken', reason: 'unsupported', message: `the pattern's regexp ${goSource} could not be compiled for linear-time matching (${matcher})`, goSource };
    return { kind: 'linear', matcher, goSource, literalPrefix };
  }
  let exact: RegExp | undefined;
  let fast: RegExp | undefined;
  const exactRe = () => (exact ??= new RegExp(js.source, 'u'));
  return {
    kind: 'regexp',
    re: exactRe,
    fast: () => (fast ??= js.source.includes('[^\\n]') ? new RegExp(js.source.replace(/\[\^\\n\]/g, '.'), 'su') : exactRe()),
    goSource,
    literalPrefix,
  };
}

/**
 * Patterns whose regexp repeats without bound more often than this are matched in linear time.
 * The backtracking engine's worst case grows with the path length to the power of the number of
 * such repeats: up to three (`**\/node_modules/**\/*.js`) it stays far below a millisecond on
 * real paths, and it is several times faster than the linear-time matcher (100,000 paths against
 * `**\/a/**\/b/**\/c/*.d`, four repeats, three runs: 16-26 ms of CPU against 69-88 ms; RE2JS,
 * which matched these before, 140-160 ms), so common patterns keep it.
 */
const MAX_BACKTRACKING_REPEATS = 3;

// The `*` quantifiers in a regexp Docker built (from `*` and `**` in the pattern), counting
// escaped ones too: a safe overestimate.
function unboundedRepeats(goSource: string): number {
  let n = 0;
  for (let i = goSource.indexOf('*'); i >= 0; i = goSource.indexOf('*', i + 1)) n++;
  return n;
}

/** Whether the pattern matches exactly this path (no parent rule here). */
export function testPattern(c: CompiledPattern, path: string): boolean {
  switch (c.kind) {
    case 'exact':
      return path === c.text;
    case 'prefix':
      return path.startsWith(c.prefix);
    case 'suffix':
      return path.endsWith(c.suffix) || (c.suffix.charCodeAt(0) === 47 && path === c.suffix.slice(1));
    case 'regexp':
      return path.startsWith(c.literalPrefix) && (path.includes('\n') ? c.re() : c.fast()).test(path);
    case 'linear':
      return path.startsWith(c.literalPrefix) && c.matcher.matches(path);
    case 'broken':
      return false;
  }
}
