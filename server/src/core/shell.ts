/**
 * A small POSIX-shell reader for RUN scripts: it splits a script into simple commands and words,
 * keeping for every word where it stands in the Dockerfile, so rules can say "this `apt-get
 * install`" and fixes can insert text right after it.
 *
 * It is deliberately not a full shell parser: the rules only need command names, flags and
 * operands of simple commands joined by `&&`, `||`, `;`, `|` and newlines. Quotes and escapes are
 * honoured so that `"a && b"` stays one word; `$(...)` and backquotes stay inside their word.
 */

export interface ShellWord {
  /** The word with quotes and escapes removed (what the program receives). */
  value: string;
  /** Offsets in the script text given to {@link parseShell}. */
  start: number;
  end: number;
}

export interface ShellCommand {
  words: ShellWord[];
  /** The operator that joins this command to the previous one ('' for the first). */
  before: string;
  /** The operator after this command ('' for the last). */
  after: string;
  start: number;
  end: number;
}

const OPERATORS = ['&&', '||', ';;', ';', '|', '&', '\n', '(', ')'];

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
  let before = '';
  let i = 0;
  const n = script.length;

  const flush = (op: string) => {
    if (words.length > 0) {
      commands.push({ words, before, after: op, start: words[0].start, end: words[words.length - 1].end });
      words = [];
      before = op;
    } else if (op !== '\n' && op !== '(' && op !== ')') {
      before = op;
    }
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
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      flush(op);
      i += op.length;
      continue;
    }
    // A word: read until unquoted blank or operator.
    const start = i;
    let value = '';
    let depth = 0; // $( ... ) nesting
    // Where the word's last character ends: a line continuation after it is not part of it (a
    // heredoc script keeps its continuations, and text inserted after the word goes before them).
    let end = i;
    let continued = false;
    while (i < n) {
      if (!continued) end = i;
      continued = false;
      const ch = script[i];
      if (depth === 0 && (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '&' || ch === '|' || ch === ')' || (ch === '(' && value === ''))) break;
      if (ch === '\\') {
        const skip = continuationAt(script, i);
        if (skip) {
          i += skip;
          continued = true;
          continue;
        }
        if (i + 1 < n) value += script[i + 1];
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = script.indexOf("'", i + 1);
        if (close < 0) balanced = false;
        const stop = close < 0 ? n : close;
        value += script.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (ch === '"') {
        i++;
        if (script.indexOf('"', i) < 0) balanced = false;
        while (i < n && script[i] !== '"') {
          if (script[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(script[i + 1])) {
            if (script[i + 1] !== '\n') value += script[i + 1];
            i += 2;
          } else {
            value += script[i++];
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
        value += script.slice(i, stop);
        i = stop;
        continue;
      }
      value += ch;
      i++;
    }
    if (depth > 0) balanced = false;
    // Out of text (not at a blank or operator): the last step read a character or a continuation.
    if (i >= n && !continued) end = n;
    words.push({ value, start, end });
  }
  flush('');
  if (commands.length > 0) commands[commands.length - 1].after = '';
  return { commands, balanced };
}

/** Leading words that only wrap the real command (`sudo`, `VAR=x`, `env`, `nice`...). */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'exec', 'command', 'xargs']);

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
}

const FACTS = Symbol('commandFacts');
const NO_WORDS: readonly ShellWord[] = Object.freeze([]);

function facts(cmd: ShellCommand): CommandFacts {
  let known = (cmd as { [FACTS]?: CommandFacts })[FACTS];
  if (known === undefined) {
    const index = findProgram(cmd);
    const word = index < 0 ? '' : cmd.words[index].value;
    known = { index, name: word.slice(word.lastIndexOf('/') + 1), args: index < 0 ? NO_WORDS : Object.freeze(cmd.words.slice(index + 1)), operands: undefined };
    (cmd as { [FACTS]?: CommandFacts })[FACTS] = known;
  }
  return known;
}

/**
 * The index of the word that names the program, skipping `VAR=value` assignments and wrappers
 * such as `sudo`. Returns -1 when the command is only assignments.
 */
export function programIndex(cmd: ShellCommand): number {
  return facts(cmd).index;
}

function findProgram(cmd: ShellCommand): number {
  for (let i = 0; i < cmd.words.length; i++) {
    const w = cmd.words[i].value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    if (WRAPPERS.has(w)) continue;
    if (w.startsWith('-') && i > 0 && WRAPPERS.has(cmd.words[i - 1].value)) continue;
    return i;
  }
  return -1;
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

/** Environment assignments written before the program on the same command (`A=1 B=2 prog`). */
export function inlineAssignments(cmd: ShellCommand): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of cmd.words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.value);
    if (!m) break;
    out.set(m[1], m[2]);
  }
  return out;
}
