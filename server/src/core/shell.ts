/**
 * A small POSIX-shell reader for RUN scripts: it splits a script into simple commands and words,
 * keeping for every word where it stands in the Dockerfile, so rules can say "this `apt-get
 * install`" and fixes can insert text right after it.
 *
 * It is deliberately not a full shell parser: the rules only need command names, flags and
 * operands of simple commands joined by `&&`, `||`, `;`, `|` and newlines. Quotes and escapes are
 * honoured so that `"a && b"` stays one word; `$(...)` and backquotes stay inside their word.
 * A reserved word that opens a body or a condition (`then`, `do`, `{`, `if`, `!`...) where a
 * command starts is no word of the command after it: that command's program is what follows it
 * (`then apt-get install ...` is an `apt-get install`). Words that close a compound command (`fi`,
 * `done`, `esac`, `}`) stay commands of their own, with no program, so a RUN's last command is its
 * real end (a cleanup appended goes after `fi`).
 * Redirections (`>/dev/null`, `2>&1`, `> log` with its file word, `<<<str`, also before the
 * program: `>log apt-get install x`) are no words of the command: the program never receives
 * them, so they are kept apart in {@link ShellCommand.redirects}, and the command's offsets still
 * span them (a fix that takes the command out takes them too, one that appends goes after them).
 */
import { SWITCH_WRAPPERS, switchWrapper, type UserSwitch } from './userSwitch';

export interface ShellWord {
  /** The word with quotes and escapes removed (what the program receives). */
  value: string;
  /** Offsets in the script text given to {@link parseShell}. */
  start: number;
  end: number;
  /** Set when the value holds a `$` the shell keeps as text (single-quoted, escaped): see {@link expansionText}. */
  literal?: string;
  /** Set when the value holds a `*`, `?`, `[`, `]` or `\\` the shell keeps as text: see {@link patternText}. */
  glob?: string;
}

export interface ShellCommand {
  /** The words the shell hands the program: assignments, the program and its arguments (no redirections). */
  words: ShellWord[];
  /**
   * The command's redirections in order. Set by the scanner only (an exec-form RUN has none). The
   * last command of a `( )` subshell also holds those written after its `)` (`( a ) >log`: its
   * output goes there too), which lie outside its offsets.
   */
  redirects?: readonly ShellRedirect[];
  /**
   * The operator that joins this command to the previous one ('' for the first), or the reserved
   * word it follows (`then`, `else`, `elif`, `do`, `if`, `while`, `until`, `!`, `{`), or `)` after a
   * `case` pattern: such a command opens a body or is a condition, and taking it out could leave
   * `then fi` or `if then`.
   */
  before: string;
  /** The operator after this command ('' for the last). */
  after: string;
  /**
   * True inside an `if`, `while`, `until`, `for`, `case` or `select` (their conditions included)
   * or a function's body: whether and how often it runs depends on the script, so a fix must not
   * move its effect out of there. Whether a command after `a &&` or `a ||` ran in a build that
   * succeeded is {@link runsWheneverScriptSucceeds}'s question (which asks this one too).
   */
  conditional: boolean;
  /**
   * The control operator after this command, looking past the `)` of a subshell (`( a ) && b`
   * gives `a` the `&&`): `&&`, `||`, `|`, `;`, `;;`, `&`, a line break, or '' at the end of the
   * script (a trailing `;` or `&` stays). With {@link group}, it tells the AND-OR lists apart
   * (see {@link runsWheneverScriptSucceeds}). Set by the scanner only.
   */
  ends?: string;
  /** The innermost `{ }` group or `( )` subshell the command stands in (a `}` belongs to the group it closes). */
  group?: ShellGroup;
  /** Where the command starts and ends in the script, its redirections included. */
  start: number;
  end: number;
  /**
   * On the last command of a line that opens here-documents (`cat <<EOF >/etc/x`): where their
   * bodies end, after the last delimiter. The bodies are no commands; a line added after the
   * command goes after them.
   */
  bodiesEnd?: number;
}

/**
 * A redirection: `>/dev/null`, `2>&1`, `> log` (the operator written alone takes the next word),
 * `<<<"$x"`. Its `value` is what the operator applies to (a file, a descriptor, `-`, a
 * here-document's delimiter or a here-string; '' when nothing follows), with quotes removed, and
 * its offsets span the operator and that word.
 */
export interface ShellRedirect extends ShellWord {
  /** The operator with its descriptor number or bash's `{name}`, if any: `>`, `2>>`, `2>&`, `&>`, `<`, `<<<`, `{fd}>`. */
  op: string;
}

/** A `{ ... }` group or `( ... )` subshell of a script (not a function's body: that is {@link ShellCommand.conditional}). */
export interface ShellGroup {
  kind: '{' | '(';
  /** The group or subshell it stands in, if any. */
  parent: ShellGroup | undefined;
  /** Preceded by `!`: its status is inverted. */
  negated: boolean;
  /** A shell's `-c` script read in place that runs as another user (`su app -c '...'`; see core/userSwitch.ts). */
  user?: UserSwitch;
}

const NO_WORDS: readonly never[] = Object.freeze([]);

/** The characters that end an unquoted word (a blank, or one that starts an operator or a redirection), by code. */
const ENDS_WORD = new Uint8Array(128);
for (const c of ' \t\n\r;&|)<>') ENDS_WORD[c.charCodeAt(0)] = 1;

const OPERATORS = ['&&', '||', ';;&', ';;', ';&', ';', '|', '&', '\n', '(', ')'];
/** What ends a `case` item: `;;`, and bash's `;&` and `;;&` (which go on to the next item or pattern). */
const ITEM_ENDS: ReadonlySet<string> = new Set([';;', ';&', ';;&']);

/**
 * Reserved words after which a command starts (POSIX 2.4; `elif`, `if`, `while` and `until` are
 * followed by a condition, which is a command too). Recognised only unquoted and where a command
 * starts. `for`, `case` and `select` are followed by a name, not a command: they stay programs.
 */
export const OPENING_WORDS: ReadonlySet<string> = new Set(['then', 'else', 'elif', 'do', 'if', 'while', 'until', '!', '{']);

/** Reserved words that close a compound command; each stays a command of its own, with no program. */
const CLOSING_WORDS: ReadonlySet<string> = new Set(['fi', 'done', 'esac', '}']);

/** What each closing word (or `)`) ends, and the compound commands that run their contents conditionally. */
const CLOSES: Readonly<Record<string, readonly string[]>> = { fi: ['if'], done: ['while', 'until', 'for', 'select'], esac: ['case'], '}': ['{', 'function{'], ')': ['(', 'function('] };
/** A function's body (`name() { ...; }`) runs when, and as often as, the function is called. */
const CONDITIONAL = new Set(['if', 'while', 'until', 'for', 'case', 'select', 'function{', 'function(']);
/** The program words that open a compound command (with a name or a word after them, not a command). */
const OPENING_PROGRAMS = ['for', 'case', 'select'];
/** Every reserved word above and what it does where a command starts, looked up once per command. */
const RESERVED = new Map<string, 'opens' | 'closes' | 'program'>([
  ...[...OPENING_WORDS].map((w) => [w, 'opens'] as const),
  ...[...CLOSING_WORDS].map((w) => [w, 'closes'] as const),
  ...OPENING_PROGRAMS.map((w) => [w, 'program'] as const),
]);

/** Whether `word` is `text` unquoted and unescaped (as a reserved word must be written). */
function isWord(word: ShellWord, text: string): boolean {
  return word.value === text && word.end - word.start === text.length;
}

/** `function name` (bash), with no `(` after the name: its body (`{ ...; }`, `( ... )`) follows. */
function functionHeader(words: readonly ShellWord[]): boolean {
  return words.length === 2 && isWord(words[0], 'function') && !words[1].value.endsWith('(');
}

/** True for `fi`, `done`, `esac` and `}` (unquoted) where a command starts: they end a compound command and run no program. */
export function closesCompound(cmd: ShellCommand): boolean {
  const first = cmd.words[0];
  return first !== undefined && CLOSING_WORDS.has(first.value) && first.end - first.start === first.value.length;
}

/** What a word's value has for a `$` the shell keeps as text, in {@link expansionText}: a NUL, which no argument holds, names no variable. */
export const LITERAL_DOLLAR = '\0';

/** Text made with {@link expansionText}, as a message shows it: each `$` kept as text is a `$` again. */
export const shownText = (text: string): string => text.replaceAll(LITERAL_DOLLAR, '$');

/** `text` without NUL bytes, which dash drops from a script (and no argument can hold): one is no {@link LITERAL_DOLLAR}. */
const withoutNul = (text: string): string => (text.includes('\0') ? text.replaceAll('\0', '') : text);

/**
 * The word as its variables are read ({@link ShellWord.literal}): its value, with each `$` that
 * single quotes or a backslash keep as text (`rm -rf '$CACHE'` removes a folder named so) written
 * {@link LITERAL_DOLLAR}, which names no variable and no folder a rule asks about.
 */
export function expansionText(word: Pick<ShellWord, 'value' | 'literal'>): string {
  return word.literal ?? word.value;
}

/** The word as a pattern: its {@link expansionText} with a `\\` before each `*`, `?`, `[`, `]` and `\\` that quotes or a backslash keep as text (`rm -rf '/opt/*'` removes a file named `*`). */
export function patternText(word: Pick<ShellWord, 'value' | 'literal' | 'glob'>): string {
  return word.glob ?? expansionText(word);
}

/** Where `text`, appended to a word's value of `at` characters, has characters a pattern reads ({@link patternText}), added to `kept`. */
function keptAsText(text: string, at: number, kept: Set<number> | undefined): Set<number> | undefined {
  // A loop, not a replace: this runs for each quoted character of every word.
  for (let k = 0; k < text.length; k++) if (PATTERN_CHAR_LIST.includes(text[k])) (kept ??= new Set()).add(at + k);
  return kept;
}

const PATTERN_CHAR_LIST = '*?[]\\';

const PATTERN_CHARS = /[*?[\]\\]/g;

/**
 * The length of the line continuation at `i` (the backslash before a line break), or 0. A CR LF
 * counts as a line break: the builder hands a here-document's lines to the shell without their
 * CRs, so a CR LF file's `\` at the end of a body line continues it.
 */
function continuationAt(script: string, i: number): number {
  if (script[i] !== '\\') return 0;
  if (script[i + 1] === '\n') return 2;
  return script[i + 1] === '\r' && script[i + 2] === '\n' ? 3 : 0;
}

/** bash's named descriptor before a redirection operator: `{fd}` in `exec {fd}>/tmp/lock`. */
const NAMED_DESCRIPTOR = /\{[A-Za-z_][A-Za-z0-9_]*\}(?=[<>])/y;

/**
 * The length of the redirection operator that starts at `i` with its file descriptor number
 * (`>`, `2>>`, `>|`, `2>&`, `<`, `<>`, `<&`, `<<`, `<<-`, `<<<`, and bash's `&>` and `&>>`), or 0.
 * The digits count only right before the operator (`2>x`; in `a2>x` the word is `a2`). `<(` and
 * `>(` are bash's process substitutions, words of their own. bash's `{name}` (a variable that
 * gets the descriptor: `exec {fd}>/tmp/lock`) counts as the number does; in dash and busybox
 * ash it is a word, which `exec` then runs (failing the RUN), so a build that succeeded read it
 * as bash does, and the program never receives it.
 */
function redirectionAt(script: string, i: number): number {
  let j = i;
  if (script[j] === '&') return script[j + 1] === '>' ? (script[j + 2] === '>' ? 3 : 2) : 0;
  if (script[j] === '{') {
    NAMED_DESCRIPTOR.lastIndex = j;
    if (!NAMED_DESCRIPTOR.test(script)) return 0;
    j = NAMED_DESCRIPTOR.lastIndex;
  }
  while (script[j] >= '0' && script[j] <= '9') j++;
  const c = script[j];
  if ((c !== '<' && c !== '>') || script[j + 1] === '(') return 0;
  const next = script[j + 1];
  if (c === '>') return j - i + (next === '>' || next === '|' || next === '&' ? 2 : 1);
  if (next === '<') return j - i + (script[j + 2] === '<' || script[j + 2] === '-' ? 3 : 2);
  return j - i + (next === '>' || next === '&' ? 2 : 1);
}

/** Whether a redirection opens a here-document (`<<EOF`, `<<-EOF`; not the here-string `<<<`). */
export function opensHereDocument(redirect: ShellRedirect): boolean {
  return /^(?:\d*|\{\w+\})<<-?$/.test(redirect.op);
}

/**
 * Where the bodies of `opened` here-documents that start at `from` (after the line that opened
 * them) end: after the line holding the last one's delimiter (with its tabs dropped for `<<-`),
 * before its line break. Undefined when one is not closed.
 */
function bodiesEnd(script: string, from: number, opened: readonly ShellRedirect[]): number | undefined {
  let i = from;
  let end = from;
  for (const doc of opened) {
    for (;;) {
      if (i >= script.length) return undefined;
      const lineEnd = script.indexOf('\n', i) < 0 ? script.length : script.indexOf('\n', i);
      let line = script.slice(i, lineEnd).replace(/\r$/, '');
      if (doc.op.endsWith('-')) line = line.replace(/^\t+/, '');
      end = lineEnd;
      i = lineEnd + 1;
      if (line === doc.value) break;
    }
  }
  return end;
}

/** Splits a shell script into simple commands. Never throws; unterminated quotes end at EOF. */
export function parseShell(script: string): ShellCommand[] {
  return scanShell(script).commands;
}

/**
 * Like {@link parseShell}, and also says whether every quote, backquote and `$(` was closed:
 * text appended to an unbalanced script would land inside the open construct, so fixes that
 * append refuse such scripts.
 */
export function scanShell(script: string): { commands: ShellCommand[]; balanced: boolean } {
  let balanced = true;
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let redirects: ShellRedirect[] | undefined;
  let lastRedirect: ShellRedirect | undefined;
  // The last word was a redirection operator written alone (`>`): the next word is what it applies to.
  let target = false;
  let before = '';
  let i = 0;
  const n = script.length;
  // The compound commands open where the scan is, and how many of them are conditional.
  const open: string[] = [];
  let conditional = 0;
  let commandConditional = false;
  let commandGroup: ShellGroup | undefined;
  // The groups and subshells open where the scan is (function bodies aside).
  const groups: ShellGroup[] = [];
  // A command whose `ends` is the operator after the `)` that followed it, until one comes.
  let pending: ShellCommand | undefined;
  // Commands when the last `(` opened, and whether the last token was a `)` closing an empty
  // `()` or ending a word in `(`: a `{` or `(` then opens a function's body (`f() { ...; }`).
  let commandsAtParen = -1;
  let functionNext = false;
  // Reading a `case` pattern (after `in` or `;;`, up to its `)`): its words, the `|` between them
  // and a `(` before them are no command's. 'start' before its first word and before a `(`: only
  // there is an unquoted `esac` the end of the case (`a|esac)` and `(esac)` are patterns).
  let pattern: false | 'start' | 'rest' = false;
  // The here-documents opened on the current line: their bodies follow its end.
  const hereDocuments: ShellRedirect[] = [];
  // After a line break: past the bodies of the line's here-documents, if any.
  const skipBodies = () => {
    if (hereDocuments.length === 0) return;
    const end = bodiesEnd(script, i, hereDocuments);
    hereDocuments.length = 0;
    if (end === undefined) {
      // Not closed: the body takes the rest of the script, and text appended would land in it.
      balanced = false;
      i = n;
      return;
    }
    const last = commands[commands.length - 1];
    if (last) last.bodiesEnd = end;
    i = end;
  };
  const enter = (kind: string, negated: boolean) => {
    if (functionNext && (kind === '{' || kind === '(')) kind = `function${kind}`;
    functionNext = false;
    open.push(kind);
    if (CONDITIONAL.has(kind)) conditional++;
    if (kind === '{' || kind === '(') groups.push({ kind, parent: groups[groups.length - 1], negated });
  };
  const leave = (closer: string) => {
    const kinds = CLOSES[closer];
    let k = open.length - 1;
    while (k >= 0 && !kinds.includes(open[k])) k--;
    if (k < 0) return; // nothing of its kind is open: a script the shell rejects anyway
    while (open.length > k) {
      const kind = open.pop()!;
      if (CONDITIONAL.has(kind)) conditional--;
      if (kind === '{' || kind === '(') groups.pop();
    }
  };
  // Where a command starts: the group it stands in (a `}` belongs to the group it closes, taken
  // before leaving it) and whether it runs conditionally.
  const startCommand = (closer: string | undefined) => {
    commandGroup = groups[groups.length - 1];
    if (closer) leave(closer);
    commandConditional = conditional > 0;
    functionNext = false;
  };

  // The `)` just read closes a function's `f(`, which opened no subshell.
  let glued = false;
  const flush = (op: string) => {
    target = false;
    glued = false;
    if (words.length > 0 || redirects) {
      const last = words[words.length - 1];
      glued = op === ')' && last !== undefined && last.value.endsWith('(') && last.end - last.start === last.value.length;
      functionNext = glued || functionHeader(words);
      let start = last === undefined ? redirects![0].start : words[0].start;
      let end = last === undefined ? 0 : last.end;
      if (redirects) {
        if (redirects[0].start < start) start = redirects[0].start;
        if (redirects[redirects.length - 1].end > end) end = redirects[redirects.length - 1].end;
      }
      const cmd: ShellCommand = { words, redirects: redirects ?? NO_WORDS, before, after: op, conditional: commandConditional, ends: op, group: commandGroup, start, end };
      commands.push(cmd);
      pending = op === ')' ? cmd : undefined;
      words = [];
      redirects = undefined;
      before = op;
      return;
    }
    if (op === ')') {
      functionNext = commands.length === commandsAtParen;
      // `( a; ) && b`: what follows the subshell is what the list it stands in goes on with.
      const last = commands[commands.length - 1];
      if (last && last.ends !== '&' && commandsAtParen >= 0) pending = last;
    } else if (op !== '(' && !(op === '\n' && pending === undefined)) {
      if (pending) pending.ends = op;
      pending = undefined;
    }
    if (op !== ')' && op !== '(' && op !== '\n') functionNext = false;
    if (op !== '\n' && op !== '(' && op !== ')') before = op;
  };

  while (i < n) {
    const c = script[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const continuation = continuationAt(script, i);
    if (continuation) {
      i += continuation;
      continue;
    }
    if (c === '#' ) {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    // `|&` (bash: a pipe that takes standard error too) is a pipe; `&>` and `&>>` (bash: both
    // outputs to a file) start a redirection word, not a background `&`.
    if (script.startsWith('|&', i)) {
      flush('|');
      i += 2;
      continue;
    }
    const opLength = c === '<' || c === '>' || c === '&' || c === '{' || (c >= '0' && c <= '9') ? redirectionAt(script, i) : 0;
    const op = opLength > 0 ? undefined : OPERATORS.find((o) => script.startsWith(o, i));
    if (op && pattern) {
      if (op === ')') {
        // The pattern's end; in `case x in a)` also the end of the case's own words.
        if (words.length > 0 || redirects) flush(')');
        before = ')';
        pending = undefined;
        pattern = false;
      } else if (op === '\n') {
        if (words.length > 0 || redirects) flush('\n');
      } else pattern = 'rest';
      i += op.length;
      if (op === '\n') skipBodies();
      continue;
    }
    if (op === '\n' && words.length === 2 && !redirects && isWord(words[0], 'case') && open[open.length - 1] === 'case') {
      // `case word` and a line break before its `in` (POSIX allows line breaks there).
      i++;
      continue;
    }
    if (op) {
      flush(op);
      if (ITEM_ENDS.has(op) && open[open.length - 1] === 'case') pattern = 'start';
      // A subshell (or a function's `()`); a case pattern's `)` was taken above.
      if (op === '(') {
        enter('(', before === '!');
        commandsAtParen = commands.length;
      } else if (op === ')' && !glued && open[open.length - 1] !== 'case') leave(')');
      i += op.length;
      if (op === '\n') skipBodies();
      continue;
    }
    // A word: read until unquoted blank or operator. A redirection's operator is part of its word
    // (the `&` of `2>&1` and the `|` of `>|` included), and an unquoted `<` or `>` after it starts
    // another word (`echo a>b` is `echo a` with `>b`).
    const start = i;
    const opEnd = i + opLength;
    let value = '';
    // A `$` the shell keeps as text (single quotes, a backslash before it) is read as LITERAL_DOLLAR until the word ends.
    let literal: string | undefined;
    // Where the value has a character of a pattern the shell keeps as text (quoted, escaped).
    let kept: Set<number> | undefined;
    let depth = 0; // $( ... ) nesting
    // Where the word's last character ends: a line continuation after it is not part of it (a
    // heredoc script keeps its continuations, and text inserted after the word goes before them).
    let end = i;
    let continued = false;
    while (i < n) {
      if (!continued) end = i;
      continued = false;
      const ch = script[i];
      if (depth === 0 && i >= opEnd && (ENDS_WORD[script.charCodeAt(i)] === 1 || (ch === '(' && value === ''))) {
        if ((ch !== '<' && ch !== '>') || script[i + 1] !== '(') break;
        // bash's process substitution `<(cmd)`: read like `$(`.
        depth++;
        value += ch + '(';
        i += 2;
        continue;
      }
      if (ch === '\\') {
        const skip = continuationAt(script, i);
        if (skip) {
          i += skip;
          continued = true;
          continue;
        }
        if (i + 1 < n) kept = keptAsText(script[i + 1], value.length, kept), (value += script[i + 1] === '$' ? LITERAL_DOLLAR : withoutNul(script[i + 1]));
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = script.indexOf("'", i + 1);
        if (close < 0) balanced = false;
        const stop = close < 0 ? n : close;
        const text = withoutNul(script.slice(i + 1, stop));
        kept = keptAsText(text, value.length, kept);
        value += text.replaceAll('$', LITERAL_DOLLAR);
        i = stop + 1;
        continue;
      }
      if (ch === '"') {
        i++;
        if (script.indexOf('"', i) < 0) balanced = false;
        while (i < n && script[i] !== '"') {
          if (script[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(script[i + 1])) {
            if (script[i + 1] === '\\') kept = keptAsText('\\', value.length, kept);
            if (script[i + 1] !== '\n') value += script[i + 1] === '$' ? LITERAL_DOLLAR : script[i + 1];
            i += 2;
          } else {
            kept = keptAsText(script[i], value.length, kept);
            if (script[i] !== '\0') value += script[i];
            i++;
          }
        }
        i++;
        continue;
      }
      if (ch === '$' && script[i + 1] === '(') {
        depth++;
        value += '$(';
        i += 2;
        continue;
      }
      if (depth > 0 && ch === '(') depth++;
      if (depth > 0 && ch === ')') depth--;
      if (ch === '`') {
        const close = script.indexOf('`', i + 1);
        if (close < 0) balanced = false;
        const stop = close < 0 ? n : close + 1;
        value += withoutNul(script.slice(i, stop));
        i = stop;
        continue;
      }
      if (ch !== '\0') value += ch;
      i++;
    }
    if (depth > 0) balanced = false;
    const glob = kept && value.replace(PATTERN_CHARS, (c, k) => (kept.has(k) ? `\\${c}` : c));
    if (value.includes(LITERAL_DOLLAR)) [literal, value] = [value, shownText(value)];
    // Out of text (not at a blank or operator): the last step read a character or a continuation.
    if (i >= n && !continued) end = n;
    if (pattern) {
      // A pattern's word, unless `esac` ends the case where a pattern would start (`case x in esac`,
      // `a) b;; esac`; not after `|` or `(`, where it is a pattern as the shells read it).
      const first = pattern === 'start';
      pattern = 'rest';
      if (value !== 'esac' || end - start !== 4 || !first) continue;
      if (words.length > 0 || redirects) flush('');
      pattern = false;
    }
    // `function f { ...; }` (bash): the body's `{` starts a command.
    if (functionHeader(words)) flush('');
    if (target) {
      // What an operator written alone applies to (`> /dev/null`).
      lastRedirect!.value = value;
      lastRedirect!.end = end;
      target = false;
      continue;
    }
    if (opLength > 0) {
      target = end - start === opLength;
      const redirect = (lastRedirect = { op: script.slice(start, start + opLength), value: value.slice(opLength), start, end });
      // Right after a subshell's `)`, the subshell's (bash, dash and busybox ash agree; a word after
      // it is a syntax error): kept with its last command, no command of its own.
      if (words.length === 0 && !redirects && pending) pending.redirects = [...pending.redirects!, redirect];
      else {
        // Where the command starts, a word after a redirection is no reserved word (`>log if` runs a program named if).
        if (words.length === 0 && !redirects) startCommand(undefined);
        (redirects ??= []).push(redirect);
      }
      if (opensHereDocument(redirect)) hereDocuments.push(redirect);
      continue;
    }
    if (words.length === 0 && !redirects) {
      // Unquoted and unescaped (its text, up to a continuation after it, is its value), where a
      // command starts: a reserved word.
      const reserved = end - start === value.length ? RESERVED.get(value) : undefined;
      if (reserved === 'opens') {
        // Not the command's program: the command follows it.
        const negated = before === '!';
        before = value;
        if (value === 'if' || value === 'while' || value === 'until' || value === '{') enter(value, negated);
        continue;
      }
      startCommand(reserved === 'closes' ? value : undefined);
      if (reserved === 'program') enter(value, false);
    }
    // `glob` only where there is one: a field more on every word was 4 bytes each.
    words.push(glob ? { value, start, end, literal, glob } : { value, start, end, literal });
    // `case word in`: the patterns follow.
    if (words.length === 3 && isWord(words[2], 'in') && isWord(words[0], 'case')) pattern = 'start';
  }
  flush('');
  if (commands.length > 0) commands[commands.length - 1].after = '';
  return { commands, balanced };
}

/**
 * Leading words that only wrap the real command (`sudo`, `VAR=x`, `env`, `nice`...). `busybox`
 * runs the applet named next (`busybox wget -O x URL` is a wget), as Alpine images without the
 * applets' links do. `gosu` and `runuser -u` run the program after their user (core/userSwitch.ts).
 */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'exec', 'command', 'xargs', 'busybox']);

/** yarn or pnpm as npx runs them (`npx yarn@1 install`, `npx -y pnpm install`): the package manager's word, the version dropped from its name. */
const NPX_RUNS = /^(yarn|pnpm)(@[^/]*)?$/;

/** The index of the yarn or pnpm that the npx at `i` runs (after npx's options), else -1. */
function npxRuns(words: readonly ShellWord[], i: number): number {
  if (words[i].value !== 'npx') return -1;
  let j = i + 1;
  while (words[j]?.value.startsWith('-')) j++;
  return words[j] && NPX_RUNS.test(words[j].value) ? j : -1;
}

/**
 * What every rule asks of every command, worked out once and kept on the command: the program's
 * word, its name, the words after it and the operands among them. Commands stay with their RUN
 * from one version of the file to the next and never change after the scan. (A WeakMap would
 * hold one entry per command, which costs the garbage collector more on each edit; the lists are
 * frozen because every caller shares them.)
 */
interface CommandFacts {
  index: number;
  name: string;
  args: readonly ShellWord[];
  operands: readonly ShellWord[] | undefined;
  /** See {@link inlineAssignments}. */
  inline: ReadonlyMap<string, string> | undefined;
  /** See {@link operandsWithoutValues}. */
  optionFree: readonly ShellWord[] | undefined;
}

const FACTS = Symbol('commandFacts');

function facts(cmd: ShellCommand): CommandFacts {
  let known = (cmd as { [FACTS]?: CommandFacts })[FACTS];
  if (known === undefined) {
    const index = findProgram(cmd);
    const word = index < 0 ? '' : cmd.words[index].value;
    known = { index, name: word.slice(word.lastIndexOf('/') + 1).replace(NPX_RUNS, '$1'), args: index < 0 ? NO_WORDS : Object.freeze(cmd.words.slice(index + 1)), operands: undefined, inline: undefined, optionFree: undefined };
    (cmd as { [FACTS]?: CommandFacts })[FACTS] = known;
  }
  return known;
}

/**
 * The index of the word that names the program, skipping `VAR=value` assignments and wrappers
 * such as `sudo`. Returns -1 when the command is only assignments, or a word that closes a
 * compound command (`fi`, `done`, `esac`, `}`, with what follows it: `done < list`).
 */
export function programIndex(cmd: ShellCommand): number {
  return facts(cmd).index;
}

function findProgram(cmd: ShellCommand): number {
  if (closesCompound(cmd)) return -1;
  for (let i = 0; i < cmd.words.length; i++) {
    const w = cmd.words[i].value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    // `gosu app npm ci`, `runuser -u app -- npm ci`, `sudo -u app npm ci`: the program after the user.
    const switched = SWITCH_WRAPPERS.has(w) ? switchWrapper(cmd.words, i) : undefined;
    if (switched) {
      i = switched.next - 1;
      continue;
    }
    if (WRAPPERS.has(w)) continue;
    if (w.startsWith('-') && i > 0 && WRAPPERS.has(cmd.words[i - 1].value)) continue;
    const run = npxRuns(cmd.words, i);
    if (run > 0) return run;
    return i;
  }
  return -1;
}

/**
 * How npx runs the program, from `npx` to it (`npx --yes yarn@1`), when it does: a bare `yarn` may
 * not be on the image's PATH (npx fetched it), and `npx yarn cache clean` runs the same yarn.
 */
export function npxCall(cmd: ShellCommand): string | undefined {
  const words = cmd.words.slice(0, programIndex(cmd) + 1).map((w) => w.value);
  const at = words.lastIndexOf('npx');
  return at < 0 ? undefined : words.slice(at).join(' ');
}

/** The program name without a leading path (`/usr/bin/apt-get` -> `apt-get`). */
export function programName(cmd: ShellCommand): string {
  return facts(cmd).name;
}

/** Words after the program name. */
export function programArgs(cmd: ShellCommand): readonly ShellWord[] {
  return facts(cmd).args;
}

/** The words after the program name that are not options (`-y`, `--no-cache`), in order. */
export function programOperands(cmd: ShellCommand): readonly ShellWord[] {
  const known = facts(cmd);
  return (known.operands ??= Object.freeze(known.args.filter((w) => !w.value.startsWith('-'))));
}

/**
 * The operands without the values of the options in `valued` (the word after each): for a program
 * whose options with a value are known (optionFreeOperands in commands.ts). Kept on the command:
 * `valued` follows from its program, and rules ask this of every apt command several times.
 */
export function operandsWithoutValues(cmd: ShellCommand, valued: ReadonlySet<string>): readonly ShellWord[] {
  const known = facts(cmd);
  if (known.optionFree === undefined) {
    const args = known.args;
    const out: ShellWord[] = [];
    for (let i = 0; i < args.length; i++) if (!args[i].value.startsWith('-') && !(i > 0 && valued.has(args[i - 1].value))) out.push(args[i]);
    known.optionFree = Object.freeze(out);
  }
  return known.optionFree;
}

/**
 * The command's words and then what its redirections apply to: what the command names, for
 * questions such as "does it use this path" (`echo 'gem: --no-document' > /etc/gemrc` names the
 * gemrc only in a redirection), not what the program receives.
 */
export function wordsAndRedirects(cmd: ShellCommand): readonly ShellWord[] {
  return cmd.redirects?.length ? [...cmd.words, ...cmd.redirects] : cmd.words;
}

/**
 * True when no redirection of the command opens a file: each one goes to `/dev/null`, duplicates
 * or closes a descriptor (`2>&1`, `>&2`, `<&-`) or reads a here-string or here-document. Taken out
 * of a RUN, such a command takes nothing else with it; `>log` would no longer create `log`, and
 * `<file` would no longer fail when the file is missing.
 */
export function redirectsOnlyStreams(cmd: ShellCommand): boolean {
  return (cmd.redirects ?? NO_WORDS).every((r) => r.value === '/dev/null' || r.op.startsWith('<<') || (r.op.endsWith('&') && /^(\d+|-)$/.test(r.value)));
}

/**
 * True when the command has a redirection of both outputs, bash's `&>file` or `&>>file`. bash and
 * busybox ash (Alpine's /bin/sh) read it so, but dash (Debian's and Ubuntu's /bin/sh, the RUN
 * default there) reads `a && b &>log && c` as `a && b &` (run in the background: the RUN may end
 * before it does) and then `>log && c`. Which shell runs a RUN is not known here, so fixes take
 * both readings: such a command and those before it in its list may not have run to their end
 * ({@link runsWheneverScriptSucceeds}), and no text is joined to them (see commands.ts).
 */
export function redirectsBothOutputs(cmd: ShellCommand): boolean {
  return (cmd.redirects ?? NO_WORDS).some((r) => r.op.startsWith('&>'));
}

/** True when the command ends a list run in the background (`&`), or may as dash reads it ({@link redirectsBothOutputs}). */
export function mayRunInBackground(cmd: ShellCommand): boolean {
  return (cmd.ends ?? cmd.after) === '&' || redirectsBothOutputs(cmd);
}

/** Where the text that goes with the command ends: at its end, or after its subshell's redirections (`( a ) >log`, see {@link ShellCommand.redirects}). */
export function textEnd(cmd: ShellCommand): number {
  return Math.max(cmd.end, cmd.redirects?.at(-1)?.end ?? 0);
}

/** Environment assignments written before the program on the same command (`A=1 B=2 prog`), and those handed to a wrapper (`env A=1 prog`); a `$` kept as text as {@link expansionText} writes it. */
export function inlineAssignments(cmd: ShellCommand): ReadonlyMap<string, string> {
  // Kept on the command: envFor asks for every variable a rule reads of every command.
  const known = facts(cmd);
  if (known.inline === undefined) {
    let out: Map<string, string> | undefined;
    const end = known.index;
    const last = end < 0 ? cmd.words.length : end;
    for (let i = 0; i < last; i++) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(expansionText(cmd.words[i]));
      if (m) (out ??= new Map()).set(m[1], m[2]);
      else if (end < 0) break;
    }
    known.inline = out ?? NO_ASSIGNMENTS;
  }
  return known.inline;
}

const NO_ASSIGNMENTS: ReadonlyMap<string, string> = new Map();

/** How many waits of a script {@link runInBackground} asks {@link runsWheneverScriptSucceeds} about. */
const ASKED_WAITS = 20;

/** Operators that end an AND-OR list (`&` runs it in the background). */
const LIST_ENDS: ReadonlySet<string> = new Set(['', ';', '\n', '&', ...ITEM_ENDS]);

/**
 * The commands of `commands` (a RUN's script) that run in the background: in an AND-OR list run
 * with `&` (or holding an `&>` at or after them, which dash reads as one: {@link redirectsBothOutputs}),
 * or in a group or subshell that stands in one. The script may exit before they finish, and the
 * layer is committed with what they had done by then. As {@link runsWheneverScriptSucceeds} reads
 * it (a group as one element, which its last command's operator ends), in one walk: per level, its
 * elements from the last to the first.
 */
export function runInBackground(commands: readonly ShellCommand[]): ReadonlySet<ShellCommand> {
  type Element = { key: ShellGroup | ShellCommand; last: ShellCommand };
  const levels = new Map<ShellGroup | undefined, Element[]>();
  const groups: ShellGroup[] = []; // in the order they open: a parent before its groups
  const elementOf = new Map<ShellGroup, Element>();
  const add = (level: ShellGroup | undefined, e: Element) => {
    const list = levels.get(level);
    if (list) list.push(e);
    else levels.set(level, [e]);
    return e;
  };
  for (const c of commands) {
    const opened: ShellGroup[] = [];
    for (let g = c.group; g && !elementOf.has(g); g = g.parent) opened.unshift(g);
    for (const g of opened) {
      groups.push(g);
      elementOf.set(g, add(g.parent, { key: g, last: c }));
    }
    if (c.group) elementOf.get(c.group)!.last = c;
    add(c.group, { key: c, last: c });
  }
  // A group's last command is its inner groups' last one when that comes later.
  const order = new Map(commands.map((c, i) => [c, i]));
  for (let i = groups.length - 1; i >= 0; i--) {
    const [inner, outer] = [elementOf.get(groups[i])!, groups[i].parent && elementOf.get(groups[i].parent!)];
    if (outer && order.get(inner.last)! > order.get(outer.last)!) outer.last = inner.last;
  }
  // A `wait` later in the same shell (no operand: every job; `$!`: the last one started), run
  // whenever the script succeeds, has the script wait for the jobs it started: they have ended
  // when it goes on. A `{ }` group runs in its shell, a subshell or -c script in a shell of its own.
  const shellOf = (level: ShellGroup | undefined) => {
    let g = level;
    while (g && g.kind !== '(') g = g.parent;
    return g;
  };
  const waits = new Map<ShellGroup | undefined, { at: number; last: boolean }[]>();
  // Only a wait that runs in every run of the script that succeeds counts: not one in an `if`,
  // after `false &&` (dash: `(sleep 1; rm -rf d) & false && wait; ls -d d` lists d) or after an
  // `exit`. A wait at the top level after `;`, `&` or a line break runs whenever it is reached; the
  // others are asked of runsWheneverScriptSucceeds, a walk over the script each, so at most
  // ASKED_WAITS of them (past that, a wait is taken as skipped: the finding stays).
  const ends = commands.findIndex(mayEndScript);
  let asked = 0;
  const runs = (c: ShellCommand): boolean => {
    // In a pipeline it runs in a subshell, which started no jobs (dash and bash: `(sleep 1; rm -rf d) & wait | cat; ls -d d` lists d).
    if (c.conditional || c.before === '|' || (c.ends ?? c.after) === '|' || (ends >= 0 && order.get(c)! > ends)) return false;
    if (!c.group && (c.before === '' || c.before === ';' || c.before === '&' || c.before === '\n')) return true;
    return ++asked <= ASKED_WAITS && runsWheneverScriptSucceeds(commands, c);
  };
  for (const c of commands) {
    if (programName(c) !== 'wait' || mayRunInBackground(c) || !runs(c)) continue;
    const args = programArgs(c).map((w) => w.value);
    if (args.length > 1 || (args.length === 1 && !/^("?)\$(!|\{!\})\1$/.test(args[0]))) continue;
    const list = waits.get(shellOf(c.group));
    const w = { at: order.get(c)!, last: args.length === 1 };
    if (list) list.push(w);
    else waits.set(shellOf(c.group), [w]);
  }
  const marked = new Set<ShellGroup | ShellCommand>();
  // Per shell, each job (an AND-OR list run with `&`) by where it ends, to find what `wait $!` waits for.
  const jobs = new Map<ShellGroup | undefined, { end: number; keys: (ShellGroup | ShellCommand)[] }[]>();
  for (const [level, list] of levels) {
    let job: { end: number; keys: (ShellGroup | ShellCommand)[] } | undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const last = list[i].last;
      if (i < list.length - 1 && LIST_ENDS.has(last.ends ?? last.after)) job = undefined;
      // The `&` after a subshell's `)` is read on its last command (`ends`): there it starts the
      // subshell as a job of the shell around it (the level above), not a job of the subshell's own.
      const inside = level?.kind === '(' && i === list.length - 1 ? last.after === '&' || redirectsBothOutputs(last) : mayRunInBackground(last);
      if (inside) {
        job = { end: order.get(last)!, keys: [] };
        const shell = shellOf(level);
        const all = jobs.get(shell);
        if (all) all.push(job);
        else jobs.set(shell, [job]);
      }
      if (job) job.keys.push(list[i].key);
    }
  }
  for (const [shell, all] of jobs) {
    const after = waits.get(shell) ?? [];
    // The last wait with no operand in the shell: every job that ends before it is waited for.
    let everyJob = -1;
    for (const x of after) if (!x.last) everyJob = x.at;
    all.sort((a, b) => a.end - b.end);
    // Or a `wait $!` after the job and before the next job ends (the jobs' spans do not overlap,
    // so the waits are looked at once in all).
    let w = 0;
    for (let j = 0; j < all.length; j++) {
      const { end, keys } = all[j];
      const next = all[j + 1]?.end ?? Infinity;
      while (w < after.length && after[w].at < end) w++;
      let waited = everyJob > end;
      for (; w < after.length && after[w].at < next; w++) waited ||= after[w].last;
      if (!waited) for (const k of keys) marked.add(k);
    }
  }
  for (const g of groups) if (g.parent && marked.has(g.parent)) marked.add(g);
  const out = new Set<ShellCommand>();
  for (const c of commands) if (marked.has(c) || (c.group && marked.has(c.group))) out.add(c);
  return out;
}

/**
 * True when `cmd` (one of `commands`, a RUN's script) ran, once, in every run of the script that
 * exited 0, which is every run of a build that succeeded: `/bin/sh -c` fails the RUN on a
 * non-zero status. A fix that moves the command's effect elsewhere (into a COPY flag, or into
 * another RUN) makes it unconditional, so it may only take commands for which this holds.
 *
 * The script's status is that of its last AND-OR list, and `set -e` (off unless the script sets
 * it) never stops at a command that is not the last of its list, so a failure anywhere else is
 * tolerated. Within the last list, a pipeline runs in every successful run when it is the first,
 * or when it and everything after it are joined by `&&` (`a && b`, `a || b && c`: a failure there
 * leaves the list failing); not after an `||` (`a || b`, `a && b || true`), nor in any list but
 * the last (`a && b; c`). A `{ }` group or `( )` subshell is read the same way inside, its status
 * counting only when it is itself a pipeline whose success the script needs (last of its pipeline,
 * not negated, followed only by `&&` in the last list). Also false: inside an `if`, a loop, a
 * `case` or a function's body ({@link ShellCommand.conditional}); in a list run in the background
 * (`&`: it may not finish before the script exits; also before an `&>` in its list, which dash
 * reads as one: {@link redirectsBothOutputs}); and after an `exit`, `return` or `exec` of a
 * program anywhere before it (`a || exit 0; b`), which can end the script before it.
 *
 * Also false in a pipeline negated by `!`, or in a group or subshell in one (`! tar -xzf a.tgz`,
 * `! { chmod 755 x && b; }`): it ran, but the build may have succeeded because it failed, so its
 * effect cannot be taken for granted (every caller moves or repeats that effect).
 */
export function runsWheneverScriptSucceeds(commands: readonly ShellCommand[], cmd: ShellCommand): boolean {
  if (cmd.conditional) return false;
  const k = commands.indexOf(cmd);
  if (k < 0) return false;
  for (let i = 0; i < k; i++) if (mayEndScript(commands[i])) return false;
  // From the script down to the command: each group around it, then the command itself.
  const chain: (ShellGroup | ShellCommand)[] = [cmd];
  for (let g = cmd.group; g; g = g.parent) chain.unshift(g);
  let level: ShellGroup | undefined;
  let required = true; // the level's status must be 0
  for (const element of chain) {
    const place = placeIn(commands, level, element, required);
    if (!place.runs || place.negated) return false;
    required = place.required;
    level = element as ShellGroup;
  }
  return true;
}

/** `exit`, `return`, or `exec` with a program (not `exec >log`, which only redirects). */
function mayEndScript(cmd: ShellCommand): boolean {
  const first = cmd.words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value));
  const name = cmd.words[first]?.value;
  if (name === 'exit' || name === 'return') return true;
  return name === 'exec' && cmd.words.length > first + 1;
}

/**
 * Whether `element` (a command or group directly in `level`) runs in every run of `level` whose
 * status is 0 (when `required`; in every run of it otherwise), whether its own status must
 * then be 0, and whether a `!` inverts the status of the pipeline it stands in.
 */
function placeIn(commands: readonly ShellCommand[], level: ShellGroup | undefined, element: ShellGroup | ShellCommand, required: boolean): { runs: boolean; required: boolean; negated: boolean } {
  // The level's elements in order: its own commands, and its groups each as one, ending at its last command.
  const elements: { key: ShellGroup | ShellCommand; last: ShellCommand; negated: boolean }[] = [];
  for (const c of commands) {
    let key: ShellGroup | ShellCommand | undefined = c.group === level ? c : undefined;
    for (let g = c.group; g && key === undefined; g = g.parent) if (g.parent === level) key = g;
    if (key === undefined) continue;
    const prev = elements[elements.length - 1];
    if (prev && prev.key === key) prev.last = c;
    else elements.push({ key, last: c, negated: key === c ? c.before === '!' : (key as ShellGroup).negated });
  }
  // A group's closing `}` is no element of it; the operator before it ends its last list.
  const closer = elements[elements.length - 1];
  if (level?.kind === '{' && closer && closer.key === closer.last && closesCompound(closer.last)) elements.pop();
  const at = elements.findIndex((e) => e.key === element);
  if (at < 0) return { runs: false, required: false, negated: false };
  const op = (i: number) => (i === elements.length - 1 ? undefined : elements[i].last.ends ?? elements[i].last.after);
  // The AND-OR list around it: [from, to]; none of it from the element on may run in the background.
  let from = at;
  while (from > 0 && !LIST_ENDS.has(op(from - 1)!)) from--;
  let to = at;
  while (to < elements.length - 1 && !LIST_ENDS.has(op(to)!)) to++;
  for (let i = at; i <= to; i++) if (mayRunInBackground(elements[i].last)) return { runs: false, required: false, negated: false };
  const last = to === elements.length - 1;
  // The pipeline around it: [start, stop].
  let start = at;
  while (start > from && op(start - 1) === '|') start--;
  let stop = at;
  while (stop < to && op(stop) === '|') stop++;
  // Every AND-OR operator from index i on to the end of the list is `&&`.
  const andsFrom = (i: number) => {
    for (let j = i; j < to; j++) if (op(j) !== '&&' && op(j) !== '|') return false;
    return true;
  };
  const vouched = required && last;
  // The body of an if, a loop, a case or a function is read as commands of this level: a list
  // that starts at its `fi`, `done`, `esac` or `}` may go on one that started before it.
  const head = elements[from];
  const first = start === from && !(head.key === head.last && closesCompound(head.last));
  const runs = first || (start > 0 && vouched && op(start - 1) === '&&' && andsFrom(start));
  const negated = elements[start].negated;
  return { runs, required: runs && vouched && stop === at && !negated && andsFrom(stop) && !elements[at].negated, negated };
}
