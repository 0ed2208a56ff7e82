/**
 * Questions rules ask about RUN scripts ("is this an `apt-get install`?", "does this RUN remove
 * the apt lists?", "is there a cache mount on pip's cache?"), and the edits their fixes make to
 * a RUN, written once so every rule answers them the same way.
 */
import type { DockerfileModel, Instr, RunScript } from './model';
import { programArgs, programName, type ShellCommand, type ShellWord } from './shell';
import type { Range, TextEdit } from './types';

/** Arguments that are not options (`-y`, `--no-cache`), in order. */
export function operands(cmd: ShellCommand): ShellWord[] {
  return programArgs(cmd).filter((w) => !w.value.startsWith('-'));
}

/** The first operand, i.e. the subcommand of tools like `apt-get`, `apk`, `pip`. */
export function subcommand(cmd: ShellCommand): ShellWord | undefined {
  return operands(cmd)[0];
}

/** True when any argument equals one of `flags` (or starts with `flag=` for long options). */
export function hasFlag(cmd: ShellCommand, ...flags: string[]): boolean {
  return programArgs(cmd).some((w) => flags.some((f) => w.value === f || (f.startsWith('--') && w.value.startsWith(f + '='))));
}

export const APT_PROGRAMS = new Set(['apt-get', 'apt', 'aptitude']);

/** `apt-get install ...` / `apt install ...` (also `-y install` orders). */
export function isAptInstall(cmd: ShellCommand): boolean {
  return APT_PROGRAMS.has(programName(cmd)) && subcommand(cmd)?.value === 'install';
}

export function isAptUpdate(cmd: ShellCommand): boolean {
  return APT_PROGRAMS.has(programName(cmd)) && subcommand(cmd)?.value === 'update';
}

/** Python's pip in any of its spellings: `pip`, `pip3`, `pip3.12`, `python -m pip`. */
export function isPipInstall(cmd: ShellCommand): { installWord: ShellWord } | undefined {
  const name = programName(cmd);
  const args = programArgs(cmd);
  let rest: ShellWord[] | undefined;
  if (/^pip(\d+(\.\d+)?)?$/.test(name)) rest = args;
  else if (/^python(\d+(\.\d+)?)?$/.test(name)) {
    const m = args.findIndex((w) => w.value === '-m');
    if (m >= 0 && /^pip(\d+(\.\d+)?)?$/.test(args[m + 1]?.value ?? '')) rest = args.slice(m + 2);
  }
  const installWord = rest?.find((w) => !w.value.startsWith('-'));
  return installWord?.value === 'install' ? { installWord } : undefined;
}

/** True when a command in the script runs `rm` on a path that starts with one of `prefixes`. */
export function removesPath(run: RunScript, ...prefixes: string[]): boolean {
  return run.commands.some(
    (c) => programName(c) === 'rm' && operands(c).some((w) => prefixes.some((p) => w.value === p || w.value.startsWith(p))),
  );
}

/** True when the RUN has a `--mount=type=cache` (or tmpfs) whose target is one of `targets` or below/above it. */
export function hasCacheMount(run: RunScript, ...targets: string[]): boolean {
  return run.mounts.some((m) => {
    const type = /(?:^|,)type=([^,]+)/.exec(m)?.[1];
    if (type !== 'cache' && type !== 'tmpfs') return false;
    const target = /(?:^|,)(?:target|dst|destination)=([^,]+)/.exec(m)?.[1]?.replace(/\/+$/, '');
    return target !== undefined && targets.some((t) => t === target || t.startsWith(target + '/') || target.startsWith(t + '/'));
  });
}

/** Document range of a shell command inside a RUN. */
export function commandRange(model: DockerfileModel, run: RunScript, cmd: ShellCommand): Range {
  return model.lines.range(run.docOffset(cmd.start), run.docOffset(cmd.end - 1) + 1);
}

/** Document range of a word inside a RUN. */
export function wordRange(model: DockerfileModel, run: RunScript, word: ShellWord): Range {
  return model.lines.range(run.docOffset(word.start), run.docOffset(word.end - 1) + 1);
}

/** An edit that inserts `text` right after `word` (e.g. a flag after `install`). */
export function insertAfterWord(model: DockerfileModel, run: RunScript, word: ShellWord, text: string): TextEdit {
  const at = model.lines.positionAt(run.docOffset(word.end - 1) + 1);
  return { range: { start: at, end: at }, newText: text };
}

/**
 * An edit that appends `command` to the end of a RUN so it runs last in the same layer,
 * keeping the file's continuation and indentation style:
 * - one-line RUN: ` && command`;
 * - continued RUN: a new continued line indented like the last one (with `&&` leading or
 *   trailing, as the RUN already does);
 * - heredoc RUN: a new line before the closing delimiter.
 * Returns undefined for exec-form RUNs, where appending is not possible safely.
 */
export function appendToRun(model: DockerfileModel, instr: Instr, command: string): TextEdit | undefined {
  const run = instr.run;
  if (!run || run.form === 'exec' || run.commands.length === 0) return undefined;
  const lines = model.lines;
  const eol = lines.eol;
  if (run.form === 'heredoc') {
    const last = run.commands[run.commands.length - 1];
    const endOffset = run.docOffset(last.end - 1) + 1;
    const endLine = lines.positionAt(endOffset).line;
    const indent = /^\s*/.exec(lines.lineText(endLine))?.[0] ?? '';
    const at = { line: endLine, character: lines.lineText(endLine).length };
    // A heredoc script runs line by line; `set -e` decides failure handling, so keep it a plain line.
    return { range: { start: at, end: at }, newText: `${eol}${indent}${command}` };
  }
  const last = run.commands[run.commands.length - 1];
  const endOffset = run.docOffset(last.end - 1) + 1;
  const end = lines.positionAt(endOffset);
  const startLine = instr.range.start.line;
  if (end.line === startLine) return { range: { start: end, end }, newText: ` && ${command}` };
  const lastLine = lines.lineText(end.line);
  const indent = /^\s*/.exec(lastLine)?.[0] ?? '    ';
  const leadingAnd = /^\s*&&/.test(lastLine);
  const esc = model.escapeChar;
  const newText = leadingAnd ? ` ${esc}${eol}${indent}&& ${command}` : ` && ${esc}${eol}${indent}${command}`;
  return { range: { start: end, end }, newText };
}

/** All RUN instructions of the stages whose layers form an image built FROM `instr`'s stage, after `instr`. */
export function laterRunsInImage(model: DockerfileModel, instr: Instr): Instr[] {
  const stage = instr.stage;
  if (!stage) return [];
  const out: Instr[] = [];
  for (const s of model.stages) {
    let inherits = false;
    for (let p: typeof s | undefined = s; p; p = p.from.stage) if (p === stage) inherits = true;
    if (!inherits) continue;
    for (const i of s.instructions) if (i.run && i.index > instr.index) out.push(i);
  }
  return out;
}
