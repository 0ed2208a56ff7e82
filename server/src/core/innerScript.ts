/**
 * RUNs that hand their whole script to a shell's `-c`: `RUN bash -c "apt-get update && apt-get
 * install -y curl"`, `RUN sh -ec '...'`, `RUN ["/bin/bash", "-c", "..."]`. The commands that run
 * are the ones inside the quotes, so the RUN's commands are read from there, each word where it
 * stands in the file; the RUN's text stays as it is (what the engine's history shows).
 *
 * Read only where every character inside the quotes stands for itself, so that a word's place in
 * the script is its place in the file: a single-quoted script; a double-quoted one without `\`;
 * an exec-form JSON string without `\` escapes or continued lines. A shell that is the whole RUN
 * and runs whenever it succeeds gives the RUN's commands; one among other commands (`RUN set -e;
 * sh -c '...' && echo ok`, also in a here-document), after `!` or in the background, is read as a
 * `( )` subshell standing where it stands. Anything else is read as before (one command, the
 * shell's), and its script, as the shell receives it, gives the RUN's `hidden` commands: what it
 * runs, for questions about other RUNs, placed nowhere (so does one inside a script read in place:
 * `RUN sh -c "bash -c '...'"`).
 *
 * A fix may then edit the shell's command (the whole RUN when it is one) inside the quotes only,
 * with text that means the same there (see {@link keepsInnerScripts}): no quote of the same kind,
 * no `\`, no line break, and inside double quotes no `$` or backquote, which the outer shell
 * would expand.
 */
import { programArgs, programName, runsWheneverScriptSucceeds, scanShell, type ShellCommand, type ShellGroup, type ShellWord } from './shell';
import type { TextEdit } from './types';
import { SWITCH_WRAPPERS, switchScript, switchWrapper, type UserSwitch } from './userSwitch';
import type { LineIndex } from './text';

/** The shells whose scripts the shell reader reads (POSIX shells and the ones that accept their scripts). */
export const SHELL_NAMES = '(?:sh|bash|ash|dash|zsh)';
/** A program path whose last part names one of those shells. */
export const SHELL_PATH = new RegExp(`(?:^|/)${SHELL_NAMES}$`);

/**
 * A shell's options from `words[from]` on, as dash 0.5.12 and bash 5.2 read them (measured on
 * Debian bookworm): whether `-c` or `-s` is among them, and the index of the first word that is
 * none (with `-c`, the script; else the script file), `words.length` when there is none. `-c` may
 * stand anywhere among the options (`sh -c -e '...'`, `sh -ec '...'`); `-o`/`+o` and bash's
 * `-O`/`+O` take the next word, also in a cluster (`-eo pipefail`), as `--rcfile` and
 * `--init-file` do; other long options (`--norc`, `--posix`) none; `--` and `-` end them.
 */
export function shellOptions(words: readonly ShellWord[], from: number): { command: boolean; stdin: boolean; operand: number } {
  let command = false;
  let stdin = false;
  let k = from;
  for (; k < words.length; k++) {
    const w = words[k].value;
    if (w === '--' || w === '-') {
      k++;
      break;
    }
    if (w.startsWith('--')) {
      if (w === '--rcfile' || w === '--init-file') k++;
      continue;
    }
    if (!/^[-+]./.test(w)) break;
    for (const letter of w.slice(1)) {
      if (letter === 'c') command = true;
      else if (letter === 's') stdin = true;
      else if (letter === 'o' || letter === 'O') k++;
    }
  }
  return { command, stdin, operand: Math.min(k, words.length) };
}

/** The script file a shell runs (`sh ./gradlew build`: `./gradlew`); undefined for another program, or a shell given `-c` or `-s`. */
export function shellScriptWord(cmd: ShellCommand): ShellWord | undefined {
  if (!SHELL_PATH.test(programName(cmd))) return undefined;
  const args = programArgs(cmd);
  const read = shellOptions(args, 0);
  return read.command || read.stdin ? undefined : args[read.operand];
}

/** The words the program of {@link runProgram} receives: after a shell's script file, else after the program. */
export function runArgs(cmd: ShellCommand): readonly ShellWord[] {
  const script = shellScriptWord(cmd);
  const args = programArgs(cmd);
  return script ? args.slice(args.indexOf(script) + 1) : args;
}

/** The program `cmd` runs, or the script a shell runs from a file (`bash mvnw package`: `mvnw`), without its path. */
export function runProgram(cmd: ShellCommand): string {
  const script = shellScriptWord(cmd);
  return script ? script.value.replace(/^.*\//, '') : programName(cmd);
}

/** Where a RUN's commands were read from: the quoted `-c` script, from `start` to `end` (the closing quote) of the RUN's text. */
export interface InnerScript {
  start: number;
  end: number;
  /** A single-quoted, double-quoted or JSON string. */
  quote: "'" | '"' | 'json';
}

/** The index of the word that holds the script `cmd` hands to a shell's `-c`, or -1. */
function scriptWord(cmd: ShellCommand): number {
  return scriptOf(cmd)?.index ?? -1;
}

/**
 * Where the script `cmd` hands to a shell's `-c` is: its word's index, whether that word stands
 * alone (no words after it, which would be the script's `$0` and arguments), and the user it runs
 * as when a wrapper or `su` switches (`gosu app sh -c '...'`, `su app -c '...'`; core/userSwitch.ts).
 */
function scriptOf(cmd: ShellCommand): { index: number; alone: boolean; to?: UserSwitch } | undefined {
  const words = cmd.words;
  // Asked of every command of every RUN read: the regular expression only for names ending in sh.
  if (words.length < 3) return undefined;
  // An assignment of HOME in front of a switch does not survive it (unless it keeps the caller's
  // environment); other assignments would reach the script's commands, which are read without them.
  let from = 0;
  while (from < words.length - 1 && words[from].value.startsWith('HOME=')) from++;
  let to: UserSwitch | undefined;
  const first = words[from].value;
  if (first === 'su' || first === 'runuser' || SWITCH_WRAPPERS.has(first)) {
    const su = switchScript(words, from);
    if (su) return su.to.keepsHome && from > 0 ? undefined : { index: su.script, alone: su.alone, to: su.to };
    const wrapped = switchWrapper(words, from);
    if (!wrapped || (wrapped.to.keepsHome && from > 0)) return undefined;
    ({ next: from, to } = wrapped);
  } else if (from > 0) return undefined;
  const shell = words[from].value;
  if (!shell.endsWith('sh') || !SHELL_PATH.test(shell)) return undefined;
  const read = shellOptions(words, from + 1);
  const k = read.operand;
  return read.command && k < words.length ? { index: k, alone: k + 1 === words.length, ...(to && { to }) } : undefined;
}

/**
 * The commands of the script that `commands` (a RUN's, read from `text`) hand to a shell's `-c`,
 * with offsets in `text`, or undefined when no command of the RUN is a shell with such a script.
 * One shell's script that is the whole RUN gives `inner`; scripts among other commands are read in
 * place where they can be ({@link spliceScripts}: `quoted`). A script not read in place (see the
 * module comment) gives `hidden`: the RUN's commands with each such shell's replaced by its
 * script's, read from the word the shell receives (offsets in that word). `exec`: the words are an
 * exec form's JSON strings.
 */
export function innerScript(commands: readonly ShellCommand[], text: string, exec: boolean): ReadScripts | undefined {
  if (!commands.some((c) => scriptWord(c) >= 0)) return undefined;
  const hidden = () => ({ hidden: ranInside(commands) });
  const cmd = commands[0];
  const at = scriptOf(cmd);
  // Negated (`! bash -c "..."`) or run in the background (`bash -c "..." &`), the shell's commands
  // may not have run, or not to their end, in a build that succeeded: they stay the group they are
  // ({@link spliceScripts}), whose `!` and `&` are the outer command's; so does a script run as
  // another user, whose group says who.
  // The script's word must stand alone: words after it would be its $0 and arguments.
  if (commands.length !== 1 || !runsWheneverScriptSucceeds(commands, cmd) || !at?.alone || at.to) return exec ? hidden() : spliceScripts(commands, text) ?? hidden();
  const read = readInPlace(cmd.words[at.index], text, exec);
  if (!read) return hidden();
  const { scanned, inner } = read;
  // A shell's -c script inside (`sh -c "bash -c '...'"`) is read no further in place: hidden.
  const nested = scanned.commands.some((c) => scriptWord(c) >= 0) ? { hidden: ranInside(scanned.commands) } : undefined;
  return { commands: scanned.commands, balanced: scanned.balanced, inner, ...nested };
}

/** What {@link innerScript} reads: the commands, with where their scripts lie, or only what the RUN runs. */
export type ReadScripts = { commands: ShellCommand[]; balanced: boolean; inner: InnerScript; hidden?: ShellCommand[] } | { commands: ShellCommand[]; balanced: boolean; quoted: QuotedScript[]; hidden?: ShellCommand[] } | { hidden: ShellCommand[] };

/** A `-c` script read in place among other commands: also where its shell's command lies (`from`, `to`), text a fix may not touch but inside the quotes. */
export interface QuotedScript extends InnerScript {
  from: number;
  to: number;
}

/** The script in `word` read in place (offsets those of `text`), or undefined when a character inside its quotes does not stand for itself. */
function readInPlace(word: ShellWord, text: string, exec: boolean): { scanned: { commands: ShellCommand[]; balanced: boolean }; inner: InnerScript } | undefined {
  const raw = text.slice(word.start, word.end);
  const quote = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== quote || (quote !== '"' && quote !== "'") || (exec && quote !== '"')) return undefined;
  const body = raw.slice(1, -1);
  if (quote === "'" ? body.includes("'") : /["\\]/.test(body)) return undefined;
  // A line break in an exec form's string (JSON has none) is a continuation the builder removes
  // before reading the array (with the backtick escape, the string holds no backslash).
  if (exec && /[\u0000-\u001f]/.test(body)) return undefined;
  const start = word.start + 1;
  return { scanned: scanAt(body, start), inner: { start, end: start + body.length, quote: exec ? 'json' : quote } };
}

/**
 * `body` scanned as if it stood at `start` of the RUN's text, so every offset is that text's.
 * Shifted after the scan, not scanned behind `start` blanks: with thousands of scripts in one
 * RUN, the blanks made reading it quadratic.
 */
function scanAt(body: string, start: number): { commands: ShellCommand[]; balanced: boolean } {
  const scanned = scanShell(body);
  const moved = new Set<ShellWord>();
  const move = (w: ShellWord) => {
    if (moved.has(w)) return;
    moved.add(w);
    w.start += start;
    w.end += start;
  };
  for (const c of scanned.commands) {
    c.start += start;
    c.end += start;
    if (c.bodiesEnd !== undefined) c.bodiesEnd += start;
    c.words.forEach(move);
    c.redirects?.forEach(move);
  }
  return scanned;
}

/**
 * `commands` (a shell-form script read from `text`) with each shell's `-c` script that can be read
 * in place replaced by its commands: `RUN sh -c "apt-get update && apt-get install -y x" && echo
 * ok`. The script runs as a `( )` subshell would where the shell stands: its commands are put in a
 * group of their own, negated by a `!` before the shell, and its last command ends as the shell
 * does, so {@link runsWheneverScriptSucceeds} reads them as it reads a subshell. Not read in place:
 * a shell with redirections (`&>` is read as `&` by dash), or with words after its script. A
 * script with a `-c` script inside, or a shell not read in place, also gives `hidden`.
 */
function spliceScripts(commands: readonly ShellCommand[], text: string): ReadScripts | undefined {
  const out: ShellCommand[] = [];
  const quoted: QuotedScript[] = [];
  let balanced = true;
  let whole = true;
  for (const cmd of commands) {
    const at = scriptOf(cmd);
    const read = at?.alone && !cmd.redirects?.length ? readInPlace(cmd.words[at.index], text, false) : undefined;
    if (!at || !read || read.scanned.commands.length === 0) {
      if (at) whole = false;
      out.push(cmd);
      continue;
    }
    const inside = read.scanned.commands;
    if (inside.some((c) => scriptWord(c) >= 0)) whole = false;
    const group: ShellGroup = { kind: '(', parent: cmd.group, negated: cmd.before === '!', ...(at.to && { user: at.to }) };
    for (const c of inside) {
      // Fresh from the scan: each command's outermost group is put inside the shell's.
      let top = c.group;
      while (top?.parent && top.parent !== group) top = top.parent;
      if (top) top.parent = group;
      else c.group = group;
      c.conditional ||= cmd.conditional;
    }
    // Its last command ends as the shell does, unless the script runs it in the background
    // (`sh -c 'a &' && b`), which the `&` must keep saying, as for `( a & ) && b`.
    const last = inside[inside.length - 1];
    if (last.ends !== '&') last.ends = cmd.ends ?? cmd.after;
    balanced &&= read.scanned.balanced;
    out.push(...inside);
    quoted.push({ ...read.inner, from: cmd.start, to: cmd.end });
  }
  if (quoted.length === 0) return undefined;
  return { commands: out, balanced, quoted, ...(!whole && { hidden: ranInside(commands) }) };
}

/** `commands` with each shell's `-c` script replaced by the commands it runs, at any depth (read from the word the shell receives). */
function ranInside(commands: readonly ShellCommand[]): ShellCommand[] {
  return commands.flatMap((c) => (scriptWord(c) < 0 ? [c] : ranInside(scanShell(c.words[scriptWord(c)].value).commands)));
}

/** The commands `script` runs, a shell's `-c` script read through at any depth. */
export function scriptCommands(script: string): ShellCommand[] {
  return ranInside(scanShell(script).commands);
}

/** Characters a fix may not write inside each kind of quoted script. */
const UNSAFE: Record<InnerScript['quote'], RegExp> = {
  "'": /['\\\n\r]/,
  '"': /["\\$`\n\r]/,
  json: /["\\\u0000-\u001f]/,
};

/** A RUN whose commands come from a quoted script: where the RUN and its script lie in the document. */
export interface InnerScriptPlace {
  /** Document offsets of the instruction. */
  from: number;
  to: number;
  /** Document offsets of the script inside its quotes (`end` at the closing quote). */
  start: number;
  end: number;
  quote: InnerScript['quote'];
}

/**
 * Whether `edits` keep every RUN of `places` runnable as it was written: an edit that touches such
 * a RUN must lie inside its quoted script and write nothing that means otherwise there.
 */
export function keepsInnerScripts(places: readonly InnerScriptPlace[], lines: LineIndex, edits: readonly TextEdit[]): boolean {
  if (places.length === 0) return true;
  for (const edit of edits) {
    const start = lines.offsetAt(edit.range.start);
    const end = lines.offsetAt(edit.range.end);
    for (const p of places) {
      const touches = start === end ? start > p.from && start < p.to : start < p.to && end > p.from;
      if (!touches) continue;
      if (start < p.start || end > p.end || UNSAFE[p.quote].test(edit.newText)) return false;
    }
  }
  return true;
}
