/**
 * What the package-manager rules share: where a tool keeps its cache, whether a RUN empties it,
 * mounts it or turns it off, which user and shell a RUN has, and a factory for the many rules
 * shaped "this install leaves a cache in the layer unless the same RUN deals with it".
 *
 * Paths are compared after {@link normalizeCachePath}, with `~` and `$HOME` made the home of the
 * user each command runs as ({@link homeOf}): `rm -rf /root/.npm` empties root's cache, not the
 * one `npm ci` fills after `USER node` (/home/node/.npm). Where that home is not known, `~` stays
 * and only a removal written with `~` or `$HOME` counts.
 */
import { appendToRun, cacheMountTargets, lastAnswerBefore, commandRange, ranInBackground, hasFlag, INDEX_FILES, isPipCacheDir, lastCovering, laterInImage, normalizeCachePath, operands, optionFreeOperands, pathCovers, ranCommands, ranIndex, removedOperands, removesOneOf, removesPathAfter, RPM_PROGRAMS, runsOn } from './commands';
import { buildModel, envBefore, expandVars, instructionAt, rootStage, stageArgs, stageEnvs, substituteArgs, type DockerfileModel, type Instr, type RunScript, type Stage } from './model';
import { expansionText, inlineAssignments, LITERAL_DOLLAR, npxCall, programArgs, programIndex, programName, type ShellCommand, type ShellWord } from './shell';
import type { Finding, Severity, SizeEstimate, TextEdit } from './types';
import { runProgram, scriptCommands } from './innerScript';
import { pipConfigDisablesCache } from './pipConfig';
import { SWITCH_WRAPPERS, switchWrapper, type UserSwitch } from './userSwitch';
import { containerCommand, execForm } from './execForm';
import type { AnalysisEnvironment, BuildContextFacts } from './environment';
import { yarnConfiguredCacheFolder } from './yarn';
import { windowsTag } from '../sizes/tags';
import { formatBytes } from '../sizes/format';
import { SEED_WHEELS } from '../sizes/packageCaches';
import type { RawFinding, Rule, RuleContext, RuleDocs } from '../rules/rule';

export { expandVars };

/** An rm operand of `rm` as {@link pathCovers} reads it (its globs kept: `/root/*` leaves /root/.cache): variables expanded as the rm's shell has them ({@link shellValue}), `~` the home of the rm's user. */
export function removalPath(instr: Instr, rm: ShellCommand, path: string): string {
  return fixedRemovalPath(instr, rm, path) ?? normalizedRemoval(instr, rm, expandVars(path, shellVariables(instr, rm)));
}

/**
 * {@link removalPath} where it does not depend on the environment it is read with: an operand
 * without variables, or a command substitution {@link printedFolder} reads (with the rm's own
 * environment); undefined otherwise.
 */
function fixedRemovalPath(instr: Instr, rm: ShellCommand, path: string): string | undefined {
  const p = printedFolder(instr, rm, path) ?? (path.includes('$') ? undefined : path);
  return p === undefined ? undefined : normalizedRemoval(instr, rm, p);
}

const normalizedRemoval = (instr: Instr, rm: ShellCommand, p: string) => normalizeCachePath(p, inHome(p) ? homeOf(instr, rm) : undefined, true);

/**
 * The folder a command substitution that is the whole operand prints (`$(yarn cache dir)`,
 * `"$(pip cache dir)"/*`), as yarn 1.22, npm, pnpm 9 and pip print it for the RUN's user (measured);
 * undefined for any other operand, and where the rm has assignments in front or a user switch.
 */
function printedFolder(instr: Instr, rm: ShellCommand, path: string): string | undefined {
  const m = /^("?)\$\(\s*([a-z0-9 .-]+?)\s*\)\1(\/\*)?$/.exec(path);
  if (!m || inlineAssignments(rm).size > 0 || userSwitchOf(rm)) return undefined;
  const env = (name: string, ignoreCase = false) => envFor(instr, rm, name, ignoreCase);
  const dir = (() => {
    const printing = m[2].replace(/ +/g, ' ');
    switch (printing) {
      case 'npm config get cache':
        return env('npm_config_cache', true) ?? '~/.npm';
      // It prints <store>/v3 (v10 with pnpm 10), the one folder the store holds.
      case 'pnpm store path':
        return env('npm_config_store_dir') ?? (env('PNPM_HOME') && `${env('PNPM_HOME')}/store`) ?? `${env('XDG_DATA_HOME') ?? '~/.local/share'}/pnpm/store`;
      case 'yarn cache dir': {
        // As root (by uid, whatever HOME says) yarn 1 caches under /usr/local/share: not where HOME is not root's.
        // A variable, else `yarn config set cache-folder` (yarn 1.22.22 prints <it>/v6 then, measured), names another.
        const folder = yarnCacheFolderSet(env) ?? yarnConfiguredCacheFolder(instr, rm) ?? yarnCacheFolder(env, runsAsRoot(instr));
        return folder === YARN_ROOT_CACHE && homeOf(instr, rm) !== '/root' ? undefined : `${folder}/v6`;
      }
    }
    // `pip cache dir` in any of pip's spellings (`pip3`, `python3 -m pip`; pip 23.2 prints the same folder).
    const [printer, ...more] = m[2].includes('pip') ? scriptCommands(printing) : [];
    return printer && more.length === 0 && isPipCacheDir(printer) ? pipCacheDir(instr, rm) : undefined;
  })();
  return dir === undefined ? undefined : dir + (m[3] ?? '');
}

/**
 * The folder pip caches in for `cmd` (an install, a purge): `--cache-dir`, else PIP_CACHE_DIR as
 * it sees it, else its user cache folder ({@link userCacheDir}: pip 23.2 with XDG_CACHE_HOME=/cache
 * caches in /cache/pip; {@link defaultFolder} on Windows). As written, `~` and `$HOME` staying;
 * other variables as the shell has them where `cmd` runs ({@link shellValue}: `OWN=/c; pip install
 * --cache-dir $OWN`, an `export PIP_CACHE_DIR=$OWN` before).
 */
export function pipCacheDir(instr: Instr, cmd: ShellCommand): string {
  const env = (name: string) => envFor(instr, cmd, name);
  const written = flagValue(cmd, '--cache-dir') ?? setIn(env, 'PIP_CACHE_DIR') ?? defaultFolder(instr, 'pip', userCacheDir(env, 'pip'))!;
  return expandVars(written, shellVariables(instr, cmd));
}

/** A path in the home (`~/x`, `$HOME/x`) as relative to it (`x`). */
export function homeRelative(p: string): string {
  return normalizeCachePath(p, '~').slice(2);
}

/** Yarn classic's cache folder as root, whose home yarn takes to be /usr/local/share. */
export const YARN_ROOT_CACHE = '/usr/local/share/.cache/yarn';

/** An environment lookup that can ignore the case of the name, as {@link envFor}. */
export type EnvLookup = (name: string, ignoreCase?: boolean) => string | undefined;

/**
 * The folder yarn 1 keeps its cache in (in its `v6` folder, what `yarn cache dir` prints), as `env`
 * has it: {@link yarnCacheFolderSet}, else `$XDG_CACHE_HOME/yarn`, else /usr/local/share/.cache/yarn as
 * root and ~/.cache/yarn for other users (yarn 1.22.22, measured as root and as nobody).
 * An install's own --cache-folder is the caller's to read.
 */
export function yarnCacheFolder(env: EnvLookup, root: boolean): string {
  return yarnCacheFolderSet(env) ?? (root && !setIn(env, 'XDG_CACHE_HOME') ? YARN_ROOT_CACHE : userCacheDir(env, 'yarn'));
}

/**
 * The cache folder a variable gives yarn 1: YARN_CACHE_FOLDER, else npm_config_cache_folder, each
 * in any case. yarn 1.22.22 reads every variable that starts with `yarn_` or `npm_config_` whatever
 * its case, the yarn_ one first (measured: `yarn_cache_folder=/tmp/y yarn cache dir` prints /tmp/y/v6).
 */
export function yarnCacheFolderSet(env: EnvLookup): string | undefined {
  const anyCase = (name: string) => env(name, true);
  return setIn(anyCase, 'YARN_CACHE_FOLDER') ?? setIn(anyCase, 'npm_config_cache_folder');
}

/**
 * {@link removesPathAfter}, also taking an rm whose operand has variables, read as the rm sees them
 * ({@link removalPath}: `ENV LISTS=/var/lib/apt/lists` then `rm -rf $LISTS/*`); one left unknown stays as written.
 */
export function removesAfter(instr: Instr, cmd: ShellCommand, dir: string): boolean {
  const run = instr.run!;
  // A folder other than an index folder (whose files an rm may take one by one) is looked up by
  // path in what the RUN removes, read both ways: a walk per folder asked was quadratic.
  if (!(dir in INDEX_FILES)) return laterCovers(removalsIn(instr, 'both'), ranIndex(run, cmd), dir, {});
  return removesPathAfter(run, cmd, dir) || lastVariableRemoval(instr, dir) > ranIndex(run, cmd);
}

/**
 * Where the last rm with variables that removes `dir` ({@link removesHere}) is in what `instr`'s RUN
 * runs, -1 for none. Only these rms are read with the environment, which is not cached with the
 * RUN (an ENV above may change): worked out once per RUN of a model and folder, as a walk over the
 * later ones per command asked was quadratic (an `apt-get update` and an `rm -rf $D/<i>` 3,000 times).
 */
function lastVariableRemoval(instr: Instr, dir: string): number {
  const known = variableRemovals.get(instr) ?? variableRemovals.set(instr, new Map()).get(instr)!;
  let last = known.get(dir);
  if (last === undefined) {
    const ran = ranCommands(instr.run!);
    for (last = ran.length; --last >= 0 && !(variableRm(ran[last]) && removesHere(instr, ran[last], [dir])); );
    known.set(dir, last);
  }
  return last;
}

const variableRemovals = new WeakMap<Instr, Map<string, number>>();

const variableRm = (c: ShellCommand) => removedOperands(c).some((p) => p.includes('$'));

/** {@link removesOneOf}, the operands read as the command `c` of `instr` sees them ({@link removalPath}). */
export function removesHere(instr: Instr, c: ShellCommand, dirs: string[]): boolean {
  return removesOneOf(instr.run!, c, dirs, (p) => removalPath(instr, c, p));
}

/** True when `p` starts with the home (`~`, `$HOME`, `${HOME}`): its folder depends on the user. */
export function inHome(p: string): boolean {
  return /^["']?(~|\$HOME|\$\{HOME\})(?=\/|["']?$)/.test(p);
}

/** What the `rm` commands among `commands` remove, and the folders their `find` commands empty ({@link removedOperands}); with `instr`, cmd's and PowerShell's too ({@link windowsRemovals}). */
export function removedPaths(commands: ShellCommand[], instr?: Instr): string[] {
  return commands.flatMap((c) => [...removedOperands(c), ...(instr ? windowsRemovals(instr, c) : [])]);
}

/**
 * What the RUN of `instr` removes (not in the background: the layer may be committed before that
 * ends), in the order it runs (`at`, the command's index), read once per RUN of a model (an ENV
 * above may change a variable) and `reading`: `own`, its own commands (RunScript.commands, which
 * the cache rules read), each operand (cmd's and PowerShell's too: {@link removedPaths}) as the
 * rm's shell reads it ({@link removalPath}); `ran`, the commands it runs (ranCommands), an operand
 * with a `$` read so, the others as written; `both`, those, each operand as written and, in an rm
 * with variables, also as read.
 */
export function removalsIn(instr: Instr, reading: 'own' | 'ran' | 'both'): Removals {
  const run = instr.run!;
  const readings = removalsByInstr.get(instr) ?? removalsByInstr.set(instr, new Map()).get(instr)!;
  let removals = readings.get(reading);
  if (!removals) {
    const read = (path: string, rm: ShellCommand) =>
      reading === 'own' ? [removalPath(instr, rm, path)] : reading === 'ran' ? [path.includes('$') ? removalPath(instr, rm, path) : path] : [path, variableRm(rm) ? removalPath(instr, rm, path) : path];
    const rms = (reading === 'own' ? run.commands : ranCommands(run)).flatMap((c, at) => (ranInBackground(run).has(c) ? [] : removedPaths([c], reading === 'own' ? instr : undefined).flatMap((path) => read(path, c).map((p) => ({ at, path: p })))));
    readings.set(reading, (removals = { rms, known: new Map(), covering: new Map() }));
  }
  return removals;
}

const removalsByInstr = new WeakMap<Instr, Map<string, Removals>>();

/**
 * A RUN's removed paths as {@link removalsIn} reads them: `known`, {@link laterPasses}' answers per
 * question; `covering`, {@link laterCovers}' index per home `~` is in them.
 */
export interface Removals {
  rms: { at: number; path: string }[];
  known: Map<unknown, number>;
  covering: Map<string | undefined, (dir: string, home?: string) => number>;
}

/**
 * Whether a removal after the command at `after` passes `yes`, worked out once per RUN and `key`
 * (the question: a test): where the last that passes is. Asked for every install of a RUN, reading
 * every later removal each time was quadratic (one RUN of 2,000 and 6,000 mixed commands:
 * cargo-cache-kept 309 and 2,556 ms of CPU, go-build-cache-kept 169 and 1,075, most of it
 * normalizing paths).
 */
export function laterPasses({ rms, known }: Removals, after: number, key: unknown, yes: (path: string) => boolean): boolean {
  let last = known.get(key);
  if (last === undefined) {
    let j = rms.length - 1;
    while (j >= 0 && !yes(rms[j].path)) j--;
    known.set(key, (last = j < 0 ? -1 : rms[j].at));
  }
  return last > after;
}

/**
 * Whether a removal after the command at `after` covers `dir` ({@link pathCovers} with `homes`),
 * looked up in an index ({@link lastCovering}): a test of every removal per folder was quadratic in
 * a RUN whose installs each name a cache folder of their own.
 */
export function laterCovers({ rms, covering }: Removals, after: number, dir: string, homes: { handled?: string; dir?: string }): boolean {
  let index = covering.get(homes.handled);
  if (!index) covering.set(homes.handled, (index = lastCovering(rms, homes.handled)));
  return index(dir, homes.dir) > after;
}

/**
 * The variables as the shell has them where `cmd` of `instr`'s RUN runs ({@link shellValue}), for
 * {@link expandVars}: one a `for` loop or a `read` set before it is set, to a value not known (null).
 */
export function shellVariables(instr: Instr, cmd: ShellCommand): (name: string) => string | undefined | null {
  return (n) => shellValue(instr, cmd, n) ?? (instr.run && setUnknown(instr.run, n, cmd.start));
}

/** Boolean environment values: unset, empty, "0", "false", "no" and "off" are false. */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && !/^(|0|false|no|off)$/i.test(value.trim().replace(/^["']|["']$/g, ''));
}

/**
 * Whether PIP_NO_CACHE_DIR turns pip's cache off: any value but an empty one, "0", "false" and
 * "off" too (pip keeps that old reading; pip 23.2 with each of them: "cache is disabled").
 */
export function disablesPipCache(value: string | undefined): boolean {
  return value !== undefined && value.trim().replace(/^["']|["']$/g, '') !== '';
}

/** Whether the pip `command` (install, wheel, download) `cmd` keeps pip's cache: no --no-cache-dir, and neither PIP_NO_CACHE_DIR nor pip's configuration files turn it off ({@link pipCacheOff}). */
export function pipKeepsCache(model: DockerfileModel, instr: Instr, cmd: ShellCommand, command: string): boolean {
  return !hasFlag(cmd, '--no-cache-dir') && !pipCacheOff(model, instr, cmd, command);
}

/**
 * Whether pip, run by `cmd` (itself, or by pipenv) for `command` (`install`...), has its cache
 * turned off by PIP_NO_CACHE_DIR as `cmd` sees it ({@link envFor}) or by its configuration files as
 * the Dockerfile wrote them ({@link pipConfigDisablesCache}). Without a model, the variable alone.
 */
export function pipCacheOff(model: DockerfileModel | undefined, instr: Instr, cmd: ShellCommand, command: string): boolean {
  return disablesPipCache(envFor(instr, cmd, 'PIP_NO_CACHE_DIR')) || (model !== undefined && pipConfigDisablesCache(model, instr, cmd, command));
}

/**
 * The value `$name` has in the words of `cmd`, a command of `instr`'s RUN, as its shell expands
 * them: before the command's own assignments take effect (`CACHE=/x rm -rf $CACHE` removes the
 * folder CACHE named before), with what the RUN's earlier commands set, exported or not
 * (`OWN=/x; rm -rf $OWN`), else the ENV or ARG {@link envFor} reads. A `for` loop's variable
 * is unknown: undefined, as one nothing sets.
 */
export function shellValue(instr: Instr, cmd: ShellCommand, name: string): string | undefined {
  return envFor(instr, cmd, name, false, true);
}

/**
 * The value of an environment variable as `cmd` sees it: an assignment in front of the command,
 * else what the same RUN's earlier commands left exported (`export NAME=...`, `declare -x NAME=...`
 * where bash runs them ({@link runsBash}), undone by `export -n`; a bare `NAME=...`
 * only changes what the program sees when NAME is exported already, by an ENV, an ARG or an
 * `export NAME`, or after `set -a`), else an ENV along the FROM chain, else the default of an ARG
 * the stage declares above it. A bare assignment of a variable nothing exported stays in the
 * shell: `PIP_NO_CACHE_DIR=1; pip install x` keeps the cache.
 * `ignoreCase` serves npm, which reads `npm_config_*` in any case. `shell`: {@link shellValue}.
 */
export function envFor(instr: Instr, cmd: ShellCommand, name: string, ignoreCase = false, shell = false): string | undefined {
  // No closures here: this runs for every variable a rule reads of every command (1,502 times in
  // a fresh analysis of the generated 1,000-line file), and each call's three closures made it the
  // analysis's largest allocation site.
  const wanted = ignoreCase ? name.toLowerCase() : name;
  const assignments = inlineAssignments(cmd);
  if (!shell && assignments.size > 0) {
    let inline: string | undefined;
    for (const [k, v] of assignments) if (sameName(k, wanted, ignoreCase)) inline = v;
    if (inline !== undefined) return assigned(instr, cmd, inline);
  }
  const fromEnv = envInstructionValue(instr, wanted, ignoreCase);
  const run = instr.run;
  if (!run) return fromEnv;
  // Only the commands that name the variable or turn allexport on or off change it. When none of
  // them is in a ( ) group, which of them reach `cmd` does not depend on `cmd`: the answer after
  // each is worked out once per RUN and the count before `cmd` is found by a binary search.
  // Most RUNs set no variable: the ENV or ARG value is the answer.
  if (variableCommands(run).length === 0) return fromEnv;
  let byCase = variableStates.get(run);
  if (!byCase) variableStates.set(run, (byCase = [new Map(), new Map(), new Map()]));
  const byName = byCase[shell ? 2 : +ignoreCase];
  let states = byName.get(wanted);
  if (!states || states.fromEnv !== fromEnv) {
    const all = variableCommands(run);
    const named = namingCommands(run, wanted, ignoreCase);
    const direct = named.every((c) => !inParentheses(c)) && inOrder(all);
    const answers: (string | undefined)[] | undefined = direct ? [] : undefined;
    const setters: (ShellCommand | undefined)[] = [];
    if (answers) walkVariable(instr, named, undefined, fromEnv, wanted, ignoreCase, shell, answers, setters);
    states = { fromEnv, named, answers, setters };
    byName.set(wanted, states);
  }
  if (!states.answers) return assigned(instr, ...walkVariable(instr, variableCommands(run), cmd, fromEnv, wanted, ignoreCase, shell));
  let lo = 0;
  let hi = states.named.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (states.named[mid].start < cmd.start) lo = mid + 1;
    else hi = mid;
  }
  return assigned(instr, states.setters[lo], states.answers[lo]);
}

/**
 * `value` as the command `by` of `instr`'s RUN assigned it, its variables expanded as the shell
 * expanded them there (`export UV_CACHE_DIR=$BASE/uv`; {@link substituteArgs}), each read with
 * shellValue before `by`: set by an earlier command, so `A=$A/x` ends. As written where one is
 * unknown, or is itself such a value, or lies past 50 values read through others (a deeper chain
 * would overflow the stack); HOME stays, as in {@link expandVars}. Without `by` (an ENV, an ARG:
 * stageEnvs expanded it) as it is. Once per instruction, command and value: a chain is read once.
 */
function assigned(instr: Instr, by: ShellCommand | undefined, value: string | undefined): string | undefined {
  if (!by || !value?.includes('$')) return value;
  let known = assignedValues.get(instr);
  if (!known) assignedValues.set(instr, (known = new Map()));
  const key = `${by.start} ${value}`;
  if (!known.has(key) && depth < 50) {
    // try/finally: a rule that throws below would otherwise leave `depth` raised for the process.
    depth++;
    try {
      // A loop's variable after its `for`, one a `read` set (unset later or not), is set to a value not known: null.
      const run = instr.run!;
      known.set(key, substituteArgs(value, { get: (n) => (n === 'HOME' ? '$HOME' : ofBase(run, shellValue(instr, by, n)) ?? setUnknown(run, n, by.start)) }) ?? undefined);
    } finally {
      depth--;
    }
  }
  // Read through another value (depth > 0), an unknown one makes that one unknown too.
  return known.get(key) ?? (depth ? undefined : value);
}

const assignedValues = new WeakMap<Instr, Map<string, string | undefined>>();
/**
 * `value`, read in `run`, with each `$` of a variable that a command of `run` sets written
 * {@link LITERAL_DOLLAR}: such a `$` is left from an ENV or ARG naming a variable of the base image
 * (`ENV D=$PYTHONPATH/x`), whose value there a later `PYTHONPATH=/o` does not change. HOME stays.
 */
function ofBase(run: RunScript, value: string | undefined): string | undefined {
  if (!value?.includes('$')) return value;
  let names = setNames.get(run);
  if (!names) setNames.set(run, (names = new Set(variableCommands(run).flatMap((c) => c.words.map((w) => /^\w*/.exec(w.value)![0])))));
  return value.replace(/\$(?=\{?(\w+))/g, (m, name: string) => (name !== 'HOME' && names.has(name) ? LITERAL_DOLLAR : m));
}

/** Per RUN, the names its commands that set variables write ({@link variableCommands}). */
const setNames = new WeakMap<RunScript, Set<string>>();

/** Null where a `for` loop or a `read` of `run` before `at` sets `name` ({@link unknownSet}), else undefined. */
function setUnknown(run: RunScript, name: string, at: number): null | undefined {
  const loops = loopStarts.get(run) ?? loopStarts.set(run, new Map(variableCommands(run).filter((c) => !piped(c)).flatMap((c) => unknownSet(c).map((n): [string, number] => [n, c.start])).reverse())).get(run)!;
  // (undefined < at is false: no loop or read of that name.)
  return loops.get(name)! < at ? null : undefined;
}

/** Per RUN, each variable a `for` loop or a `read` sets and where the first of them starts. */
const loopStarts = new WeakMap<RunScript, Map<string, number>>();

/**
 * The variables `c` sets to a value the file does not tell: a `for` loop's, those a `read` names
 * (dash and busybox ash set them, empty at the end of the input: `read U </dev/null`). The words
 * after `read`'s options; bash's `-p`, `-d`, `-u`, `-t`, `-n`, `-N`, `-i` take the next word.
 */
function unknownSet(c: ShellCommand): string[] {
  const program = programName(c);
  if (program === 'for') return c.words[1] ? [c.words[1].value] : [];
  if (program !== 'read') return [];
  const names: string[] = [];
  const words = c.words;
  for (let k = programIndex(c) + 1; k < words.length; k++) {
    const w = words[k].value;
    if (w[0] === '-') {
      if (/[pdutnNi]$/.test(w)) k++;
    } else if (/^[A-Za-z_]\w*$/.test(w)) names.push(w);
  }
  return names;
}
let depth = 0;

/**
 * {@link shellValue} where text appended to the RUN would run: after its last command, in that
 * command's group (`(cd /x && export A=1)` then ` && y` lands inside the parentheses). A stand-in
 * command with no words, placed after every other, asks shellValue that.
 */
export function shellValueAtEnd(instr: Instr, name: string): string | undefined {
  const last = instr.run?.commands.at(-1);
  return shellValue(instr, (last ? { group: last.group, start: Infinity, words: [] } : { start: Infinity, words: [] }) as unknown as ShellCommand, name);
}

/** Whether the variable name `k` is `wanted` (lower-cased already when `ignoreCase`). */
function sameName(k: string, wanted: string, ignoreCase: boolean): boolean {
  return ignoreCase ? k.toLowerCase() === wanted : k === wanted;
}

/**
 * The variable `wanted` through a RUN's commands `cmds` (its value in the shell and whether it is
 * exported), starting from `fromEnv`, up to `upTo`: what `upTo` sees, exported (or, with `shell`,
 * in the shell), and the command that set it. Without `upTo`, those before each command and after
 * the last are pushed to `answers` and `setters`.
 */
function walkVariable(instr: Instr, cmds: readonly ShellCommand[], upTo: ShellCommand | undefined, fromEnv: string | undefined, wanted: string, ignoreCase: boolean, shell: boolean, answers?: (string | undefined)[], setters?: (ShellCommand | undefined)[]): [ShellCommand | undefined, string | undefined] {
  let value = fromEnv;
  let by: ShellCommand | undefined;
  let exported = fromEnv !== undefined;
  let allExport = false;
  for (const c of cmds) {
    answers?.push(exported || shell ? value : undefined);
    setters?.push(by);
    if (upTo && c.start >= upTo.start) break;
    if (upTo ? staysInSubshell(c, upTo) : piped(c)) continue;
    const program = programName(c);
    const declares = program === 'declare' || program === 'typeset';
    if (program === 'export' || (declares && runsBash(instr))) {
      // Options first: `export -n` un-exports (bash; dash stops at the unknown option and exports
      // nothing), `declare -x`/`typeset -x` (`-rx` too) export and `+x` un-exports; a declare
      // without either only sets the shell variable, as a bare assignment does.
      let exports: boolean | undefined = declares ? undefined : true;
      for (const w of c.words.slice(programIndex(c) + 1)) {
        const option = /^([-+])([A-Za-z]+)$/.exec(w.value);
        if (option) {
          if (program === 'export' && option[2].includes('n')) exports = false;
          else if (declares && option[2].includes('x')) exports = option[1] === '-';
          continue;
        }
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(expansionText(w));
        if (!m || !sameName(m[1], wanted, ignoreCase)) continue;
        if (exports !== undefined) exported = exports;
        else if (allExport) exported = true;
        if (m[2] !== undefined) [value, by] = [m[2], c];
      }
    } else if (program === 'set') {
      allExport = allExportAfter(c, allExport);
    } else if (program === 'unset') {
      if (c.words.slice(1).some((w) => sameName(w.value, wanted, ignoreCase))) [value, exported] = [undefined, false];
    } else if (program === 'for' || program === 'read') {
      // `for NAME in ...`, `read -r A B`: in the loop and after it, after the read, a value the file does not tell.
      if (unknownSet(c).some((n) => sameName(n, wanted, ignoreCase))) value = undefined;
    } else if (c.words.length > 0 && c.words.every((w) => ASSIGNMENT.test(w.value))) {
      for (const w of c.words) {
        const m = ASSIGNMENT.exec(expansionText(w))!;
        if (!sameName(m[1], wanted, ignoreCase)) continue;
        [value, by] = [m[2], c];
        if (allExport) exported = true;
      }
    }
  }
  answers?.push(exported || shell ? value : undefined);
  setters?.push(by);
  return [by, exported || shell ? value : undefined];
}

/** Per RUN, by reading (exported exactly, exported ignoring case, in the shell) and variable name: see envFor and shellValue. */
const variableStates = new WeakMap<RunScript, Map<string, { fromEnv: string | undefined; named: ShellCommand[]; answers: (string | undefined)[] | undefined; setters: (ShellCommand | undefined)[] }>[]>();

/** Whether `c` is a part of a pipeline or of a list run in the background: a subshell. */
function piped(c: ShellCommand): boolean {
  return c.ends === '|' || c.before === '|' || c.ends === '&';
}

/** Whether `c` runs inside a `( )` group. */
function inParentheses(c: ShellCommand): boolean {
  for (let g = c.group; g; g = g.parent) if (g.kind === '(') return true;
  return false;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

const variableCommandLists = new WeakMap<RunScript, ShellCommand[]>();

const ordered = new WeakMap<ShellCommand[], boolean>();
/** Whether a RUN's variable commands come in the order of their text (a -c script's may not): once per RUN, not per name. */
function inOrder(all: ShellCommand[]): boolean {
  let known = ordered.get(all);
  if (known === undefined) ordered.set(all, (known = all.every((c, k) => k === 0 || all[k - 1].start <= c.start)));
  return known;
}

/** Per RUN, with and without case: where in variableCommands each name is named; under '' (no name) the sets that turn allexport on or off. */
const namingIndexes = new WeakMap<RunScript, Map<string, number[]>[]>();

/**
 * The variable commands of `run` that may change `wanted`: those with a word that is the name or
 * starts with it (`A=1`, `export A`, `unset A`), and every `set` that turns allexport on or off,
 * in the RUN's order. Indexed once per RUN: a filter of every command per name asked was
 * quadratic in a RUN that sets a new name at each step.
 */
function namingCommands(run: RunScript, wanted: string, ignoreCase: boolean): ShellCommand[] {
  const all = variableCommands(run);
  const both = namingIndexes.get(run) ?? namingIndexes.set(run, []).get(run)!;
  let byName = both[+ignoreCase];
  if (!byName) {
    byName = both[+ignoreCase] = new Map();
    for (let k = 0; k < all.length; k++) {
      const c = all[k];
      const keys = programName(c) === 'set' ? (allExportAfter(c, false) || !allExportAfter(c, true) ? [''] : []) : c.words.flatMap((w) => [w.value, /^[A-Za-z_]\w*/.exec(w.value)?.[0] ?? '']).filter(Boolean);
      for (const key of new Set(keys.map((n) => (ignoreCase ? n.toLowerCase() : n)))) byName.get(key)?.push(k) ?? byName.set(key, [k]);
    }
  }
  return [...(byName.get(wanted) ?? []), ...(byName.get('') ?? [])].sort((x, y) => x - y).map((k) => all[k]);
}

/**
 * The commands of `run` that can change a variable {@link envFor} reads (export, declare, typeset,
 * set, unset, for, read, bare assignments), in order; found once per RUN, as envFor is asked for each command
 * and a walk over all earlier ones made a long RUN quadratic.
 */
function variableCommands(run: RunScript): ShellCommand[] {
  let list = variableCommandLists.get(run);
  if (!list) {
    list = run.commands.filter((c) => /^(export|declare|typeset|set|unset|for|read)$/.test(programName(c)) || (c.words.length > 0 && c.words.every((w) => ASSIGNMENT.test(w.value))));
    variableCommandLists.set(run, list);
  }
  return list;
}

/**
 * True when what `c` does to the shell's variables cannot reach `cmd`: it runs in a subshell
 * `cmd` is not in, a `( )` or a part of a pipeline or of a list run in the background (dash runs
 * each in a subshell: `(export X=1); sh -c 'echo $X'` and `export X=1 | true; ...` print nothing).
 */
function staysInSubshell(c: ShellCommand, cmd: ShellCommand): boolean {
  if (piped(c)) return true;
  for (let g = c.group; g; g = g.parent) {
    if (g.kind !== '(') continue;
    let h = cmd.group;
    while (h && h !== g) h = h.parent;
    if (!h) return true;
  }
  return false;
}

/**
 * Whether `set` leaves allexport on: `-a` (also in a cluster, `-ea`) or `-o allexport` turn it on,
 * `+a` and `+o allexport` off; the options end at the first word that is none (`set -- x`).
 */
function allExportAfter(set: ShellCommand, before: boolean): boolean {
  let on = before;
  const words = set.words;
  for (let k = programIndex(set) + 1; k < words.length; k++) {
    const m = /^([-+])([A-Za-z]+)$/.exec(words[k].value);
    if (!m) break;
    const letters = m[2];
    if (letters.includes('a')) on = m[1] === '-';
    // `-o NAME` (`-eo pipefail`): the next word names a long option.
    if (letters.endsWith('o') && k + 1 < words.length) {
      if (words[k + 1].value === 'allexport') on = m[1] === '-';
      k++;
    }
  }
  return on;
}

/**
 * ENV along the FROM chain, nearest first: the last matching ENV before `instr` wins; else the
 * default of an ARG the stage declares above `instr`, which a RUN sees as an environment variable.
 * The ENVs are looked up by name (see {@link envsByName}): asked for several names per command, a
 * walk over every ENV above made files of many ENVs and RUNs quadratic.
 */
function envInstructionValue(instr: Instr, wanted: string, ignoreCase: boolean): string | undefined {
  for (let st = instr.stage; st; st = st.from.stage) {
    const set = envsByName(st, ignoreCase).get(wanted);
    if (!set) continue;
    // The last one set before `instr` (in an earlier stage: the last one).
    let lo = st === instr.stage ? 0 : set.length;
    for (let hi = set.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (set[mid].index < instr.index) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) return set[lo - 1].value;
  }
  // Then an ARG default of the stage itself (`ARG NODE_ENV=production`, or a bare `ARG NODE_ENV`
  // taking the default of one before the first FROM); one without any default gets its value
  // from the build command, which the file does not tell.
  if (instr.stage) {
    const args = stageArgs(instr.stage);
    for (let k = args.length - 1; k >= 0; k--) {
      if (args[k].index < instr.index && sameName(args[k].name, wanted, ignoreCase)) return args[k].value;
    }
  }
  return undefined;
}

/** Per stage and case rule: each name its ENVs set, with the values in file order. */
const envIndexes = new WeakMap<Stage, Map<string, { index: number; value: string }[]>[]>();

/** The ENVs of `stage` by name (lower-cased with `ignoreCase`), each name's values in file order. */
function envsByName(stage: Stage, ignoreCase: boolean): Map<string, { index: number; value: string }[]> {
  let both = envIndexes.get(stage);
  if (!both) envIndexes.set(stage, (both = []));
  let byName = both[+ignoreCase];
  if (!byName) {
    both[+ignoreCase] = byName = new Map();
    for (const e of stageEnvs(stage)) {
      for (const [key, value] of e.props) {
        const k = ignoreCase ? key.toLowerCase() : key;
        const list = byName.get(k);
        if (list) list.push({ index: e.index, value });
        else byName.set(k, [{ index: e.index, value }]);
      }
    }
  }
  return byName;
}

/** True when `later` comes after `instr` in an image built on `instr`'s stage (same stage or a stage FROM it). */
export function followsInImage(instr: Instr, later: Instr): boolean {
  if (later.index <= instr.index || !instr.stage) return false;
  for (let st = later.stage; st; st = st.from.stage) if (st === instr.stage) return true;
  return false;
}

/**
 * The first of `instrs` (in file order) that follows `instr` in its image ({@link followsInImage}):
 * those up to `instr` skipped by a binary search, as a rule asks for each of a stage's commands.
 */
export function firstFollowing(instrs: readonly Instr[], instr: Instr): Instr | undefined {
  let lo = 0;
  let hi = instrs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (instrs[mid].index <= instr.index) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < instrs.length; k++) if (followsInImage(instr, instrs[k])) return instrs[k];
  return undefined;
}

/** True when `earlier` comes before `instr` along its FROM chain (a layer below it). */
export function precedesInChain(earlier: Instr, instr: Instr): boolean {
  if (earlier.index >= instr.index || !earlier.stage) return false;
  for (let st = instr.stage; st; st = st.from.stage) if (st === earlier.stage) return true;
  return false;
}

/** The stages whose instructions apply before `instr`, base first. */
function chainOf(instr: Instr): Stage[] {
  const chain: Stage[] = [];
  for (let s = instr.stage; s; s = s.from.stage) chain.unshift(s);
  return chain;
}

/** The instructions with `keyword` that come before `instr` along its FROM chain. */
export function earlierAlongChain(instr: Instr, keyword: string): Instr[] {
  const out: Instr[] = [];
  for (const s of chainOf(instr)) {
    for (const i of s.instructions) {
      if (s === instr.stage && i.index >= instr.index) break;
      if (i.keyword === keyword) out.push(i);
    }
  }
  return out;
}

/**
 * True when the RUN runs as root as far as the Dockerfile tells: no USER along the FROM chain,
 * or a USER naming root/0. (A base image may set another user; official images do not.)
 */
export function runsAsRoot(instr: Instr): boolean {
  const users = earlierAlongChain(instr, 'USER');
  if (users.length === 0) return true;
  const last = users[users.length - 1].node.getArgumentsContent()?.trim() ?? '';
  return /^(root|0)(:.*)?$/.test(last);
}

/** A user the file creates (useradd, adduser, usermod -d) or its base image has. */
interface KnownUser {
  name: string;
  uid?: string;
  /** Undefined when not worked out (a variable, Debian's `adduser --system`). */
  home?: string;
}

/** The users official images create that a USER may name: the node images' `node` (uid 1000). */
const IMAGE_USERS: Record<string, KnownUser[]> = { node: [{ name: 'node', uid: '1000', home: '/home/node' }] };

/**
 * The home of the user the command `cmd` of `instr` runs as: that user's when a switch runs it as
 * another (`gosu app`, `sudo -u app`, `su app -c '...'`; core/userSwitch.ts), else HOME as the
 * command sees it (an assignment in front, an export, an ENV), else the home of the user of the
 * last USER along the FROM chain ({@link userHome}). Undefined when not known.
 */
export function homeOf(instr: Instr, cmd: ShellCommand): string | undefined {
  const found = switchOf(cmd);
  // The tool sets HOME to the user's, over one assigned in front of it (`HOME=/x gosu app ...`);
  // an assignment written after it wins (`gosu app env HOME=/x ...`).
  const after = found && cmd.words.slice(found.from, Math.max(found.from, programIndex(cmd)));
  if (found && !found.to.keepsHome && !after!.some((w) => w.value.startsWith('HOME='))) return homeOfUser(instr, found.to.user, cmd);
  const set = envFor(instr, cmd, 'HOME');
  if (set === undefined) return userHome(instr);
  const v = set.replace(/^["']|["']$/g, '');
  return v.startsWith('/') && !/[$`]/.test(v) ? v.replace(/(.)\/+$/, '$1') : undefined;
}

/**
 * The user another one switches to for `cmd` (core/userSwitch.ts): a wrapper in front of it
 * (`gosu app npm ci`), else the nearest `su -c` script it stands in. Undefined when none does.
 */
export function userSwitchOf(cmd: ShellCommand): UserSwitch | undefined {
  return switchOf(cmd)?.to;
}

/** {@link userSwitchOf}, and the index of the first word run under it (0 in a `su -c` script). */
function switchOf(cmd: ShellCommand): { to: UserSwitch; from: number } | undefined {
  const end = programIndex(cmd);
  let found: { to: UserSwitch; from: number } | undefined;
  for (let i = 0; i < end; i++) {
    const w = cmd.words[i].value;
    const wrapped = SWITCH_WRAPPERS.has(w) ? switchWrapper(cmd.words, i) : undefined;
    if (wrapped) {
      found = { to: wrapped.to, from: wrapped.next };
      i = wrapped.next - 1;
    }
  }
  for (let g = cmd.group; g && !found; g = g.parent) if (g.user) found = { to: g.user, from: 0 };
  return found;
}

/**
 * The home of the user `who` (a name or uid) as of `instr` (and its commands before `upTo`):
 * root's, or the home of one the file creates before or its base image has. Undefined when the
 * file does not tell.
 */
function homeOfUser(instr: Instr, who: string, upTo?: ShellCommand): string | undefined {
  return who === 'root' || who === '0' ? '/root' : knownUser(instr, who, upTo)?.home;
}

/** The user `who` (a name or uid) as the file creates it before `instr` (and its commands before `upTo`) or its base image has it. */
function knownUser(instr: Instr, who: string, upTo?: ShellCommand): KnownUser | undefined {
  if (!who || /[$`]/.test(who)) return undefined;
  const known = [...(IMAGE_USERS[imageRepository(baseImageOf(instr)) ?? ''] ?? []), ...createdUsers(instr, upTo)];
  return known.reverse().find((u) => u.name === who || u.uid === who);
}

/**
 * `message` with what its advice of a cache mount needs where `cmd` runs as a user other than
 * root (a USER, `gosu app`): BuildKit makes the mount root's, mode 0755, and the user's writes fail
 * (permission denied) without `uid=`. The uid from a numeric user, or from the useradd/adduser
 * `-u` that created it; else named as that user's.
 */
function mountAsUser(message: string, instr: Instr, cmd: ShellCommand): string {
  if (!message.includes('cache mount')) return message;
  const last = lastUser(instr);
  const who = userSwitchOf(cmd)?.user ?? (last ? userOf(last) : 'root');
  if (!who || who === 'root' || who === '0') return message;
  const uid = [who, knownUser(instr, who, cmd)?.uid].find((u) => u && /^\d+$/.test(u));
  return `${message} Cache mounts are root's: add ${uid ? `\`uid=${uid}\`` : `\`uid=\` of ${who}`}.`;
}

/** `rel` in the home of the user `cmd` runs as ({@link homeOf}); undefined when that home is not known. */
export function homePath(instr: Instr, cmd: ShellCommand, rel: string): string | undefined {
  const home = homeOf(instr, cmd);
  return home === undefined ? undefined : `${home === '/' ? '' : home}/${rel}`;
}

/**
 * The home the user of `instr` has: /root without a USER along the FROM chain (official images
 * run as root) or with USER root / 0; else the home of the user a USER names (by name or uid, a
 * group after `:` aside) as the file creates it before (`useradd -m -d /srv/app app`: /srv/app;
 * plain `useradd app`: /home/app) or as the base image has it (node's `node`). Undefined when the
 * file does not tell.
 */
export function userHome(instr: Instr): string | undefined {
  const last = lastUser(instr);
  if (!last) return '/root';
  if (!userHomes.has(last)) {
    userHomes.set(last, homeOfUser(last, userOf(last)));
  }
  return userHomes.get(last);
}

/** The user a USER instruction names, its variables expanded (a group after `:` dropped); once per USER, as each finding under it asks (envBefore reads every ENV above). */
function userOf(user: Instr): string {
  let who = userNames.get(user);
  if (who === undefined) {
    const env = envBefore(user);
    userNames.set(user, (who = expandVars(user.node.getArgumentsContent()?.trim() ?? '', (n) => env.get(n)).split(':')[0]));
  }
  return who;
}

const userNames = new WeakMap<Instr, string>();
const userHomes = new WeakMap<Instr, string | undefined>();

/** The last USER before `instr` along its FROM chain: asked for every install, so each stage's USERs are listed once. */
function lastUser(instr: Instr): Instr | undefined {
  for (let st = instr.stage; st; st = st.from.stage) {
    let users = usersOf.get(st);
    if (!users) usersOf.set(st, (users = st.instructions.filter((i) => i.keyword === 'USER')));
    let k = users.length;
    if (st === instr.stage) while (k > 0 && users[k - 1].index >= instr.index) k--;
    if (k > 0) return users[k - 1];
  }
  return undefined;
}

const usersOf = new WeakMap<Stage, Instr[]>();

/** useradd's, usermod's and busybox adduser's short options that take a value. */
const USER_VALUE_OPTIONS: Record<string, string> = { useradd: 'bcdefgGkKpPRsuZ', usermod: 'cdefgGlpPRsuZ', adduser: 'hgsGuk' };
/** The long options of useradd, usermod and Debian's adduser that take a value. */
const USER_VALUE_LONG = /^--(base-dir|comment|home-dir|home|expiredate|inactive|gid|groups|skel|key|password|root|prefix|shell|uid|selinux-user|login|ingroup|gecos|firstuid|lastuid|firstgid|lastgid|conf)$/;

/** The users the RUNs along the FROM chain before `instr` create or give another home, in order, and with `upTo` those of `instr`'s commands before it. */
function createdUsers(instr: Instr, upTo?: ShellCommand): KnownUser[] {
  const { users, before, steps } = usersAlong(instr);
  let length = before;
  if (upTo) for (const step of steps) if (step.at < upTo.start) length = step.length;
  return users.slice(0, length);
}

/**
 * The users {@link createdUsers} reads, worked out once per instruction: asked for each command
 * run as another user (`gosu app npm ci` thousands of times in one RUN), the walk over the RUN's
 * commands up to each was quadratic. `users[0, before)` come from the RUNs before `instr`; each
 * of its own commands that creates or changes one (`at`, its start) leaves `users[0, length)`.
 */
function usersAlong(instr: Instr): { users: KnownUser[]; before: number; steps: { at: number; length: number }[] } {
  let known = usersByInstr.get(instr);
  if (!known) {
    const users: KnownUser[] = [];
    for (const run of earlierAlongChain(instr, 'RUN')) for (const cmd of run.run ? ranCommands(run.run) : []) addUser(run, cmd, users);
    const before = users.length;
    const steps: { at: number; length: number }[] = [];
    for (const cmd of instr.run?.commands ?? []) if (addUser(instr, cmd, users)) steps.push({ at: cmd.start, length: users.length });
    known = { users, before, steps };
    usersByInstr.set(instr, known);
  }
  return known;
}

const usersByInstr = new WeakMap<Instr, { users: KnownUser[]; before: number; steps: { at: number; length: number }[] }>();

/** Adds to `out` the user `cmd` (of `run`) creates or gives another home, if it does; whether it did. */
function addUser(run: Instr, cmd: ShellCommand, out: KnownUser[]): boolean {
  const program = programName(cmd);
  const short = USER_VALUE_OPTIONS[program];
  if (!short) return false;
  const opts = new Map<string, string>();
  const names: string[] = [];
  const args = programArgs(cmd);
  for (let i = 0; i < args.length; i++) {
    const w = args[i].value;
    const long = /^(--[^=]+)(?:=(.*))?$/.exec(w);
    if (long) {
      if (long[2] !== undefined) opts.set(long[1], long[2]);
      else opts.set(long[1], USER_VALUE_LONG.test(long[1]) ? (args[++i]?.value ?? '') : '');
    } else if (/^-./.test(w)) {
      for (let k = 1; k < w.length; k++) {
        // The rest of a cluster after an option that takes a value is that value (`-d/srv`).
        const takes = short.includes(w[k]);
        opts.set(`-${w[k]}`, !takes ? '' : k + 1 < w.length ? w.slice(k + 1) : (args[++i]?.value ?? ''));
        if (takes) break;
      }
    } else names.push(w);
  }
  // `adduser app staff` adds a user to a group; usermod only changes a home it is given.
  if (names.length !== 1 || (program === 'usermod' && !opts.has('-d') && !opts.has('--home'))) return false;
  // The shell expands the words (shellValue).
  const env = shellVariables(run, cmd);
  const plain = (v: string | undefined) => (v === undefined ? undefined : expandVars(v.replace(/["']/g, ''), env));
  const name = plain(names[0])!;
  const uid = plain(opts.get('-u') ?? opts.get('--uid'));
  let home = plain(opts.get('-d') ?? opts.get('--home-dir') ?? opts.get('--home') ?? opts.get('-h'));
  if (program === 'usermod') {
    const user = [...out].reverse().find((u) => u.name === name);
    if (user) out.push({ ...user, home: home?.startsWith('/') && !/[$`]/.test(home) ? home : undefined });
    return user !== undefined;
  }
  const base = plain(opts.get('-b') ?? opts.get('--base-dir'));
  // Debian's adduser --system gives /nonexistent unless told (adduser 3.130); useradd -r still /home/<name>.
  if (home === undefined && !(program === 'adduser' && opts.has('--system'))) home = `${base ?? '/home'}/${name}`;
  out.push({ name, uid, home: home?.startsWith('/') && !/[$`]/.test(home) ? home : undefined });
  return true;
}

/**
 * True when the RUN's shell reads `&&`, `rm -rf` and `~` as a POSIX shell does: no SHELL along the
 * chain switches to PowerShell or cmd, and the base is not a Windows image.
 */
export function posixShell(instr: Instr): boolean {
  const shells = earlierAlongChain(instr, 'SHELL');
  const last = shells[shells.length - 1]?.node.getArgumentsContent() ?? '';
  if (last && !/^\[\s*"[^"]*\b(sh|bash|ash|dash|zsh|ksh)"/.test(last)) return false;
  return !windowsBase(instr);
}

/** True when the FROM chain starts from a Windows image ({@link windowsImage}). */
export function windowsBase(instr: Instr): boolean {
  const from = chainOf(instr)[0]?.from;
  return windowsImage(from?.image ?? '', from?.platform);
}

/**
 * True for a Windows image as Microsoft publishes them: Windows itself (mcr.microsoft.com/windows
 * and windows/*, in any registry; microsoft/windowsservercore and nanoserver on Docker Hub), a
 * repository with Windows tags only (.NET Framework's, whose `:4.8.1` names no Windows; IIS's,
 * Business Central's), a Windows tag (windowsTag), or a windows/ platform. Not "windows"
 * elsewhere in a name: dockurr/windows runs Windows in QEMU on Debian.
 */
export function windowsImage(image: string, platform: string | undefined): boolean {
  const repository = imageRepository(image) ?? '';
  const tag = /:([^/:@]*)(?:@|$)/.exec(image)?.[1] ?? '';
  return /^(windows|dotnet\/framework|businesscentral)(\/|$)|^microsoft\/(windowsservercore|nanoserver|dotnet-framework|iis)$/.test(repository) || windowsTag(tag) || /^windows\//i.test(platform ?? '');
}

/**
 * What a finding about `folder` holds (RawFinding.holds): on a Windows base `/`, since a Windows
 * folder (C:\\...) is no path a COPY source is read as, and only a copy of the whole file system
 * is known to carry it (a later RUN's removal of anything keeps the finding a hint).
 */
export function heldFolder(instr: Instr, folder: string | undefined): string | undefined {
  return windowsBase(instr) ? '/' : folder;
}

/**
 * Default folders on Windows, where `~` and XDG_CACHE_HOME mean nothing, as each tool documents
 * them: npm's config reference (`cache`), pip's "Caching" page, corepack's README (COREPACK_HOME),
 * Gradle's "Gradle User Home" (`<user home>/.gradle`), Maven's settings reference
 * (`${user.home}/.m2`); user home is %USERPROFILE% there. pipenv documents only "appdir's user
 * cache directory" and yarn 1 none: no folder is named for them.
 */
const ON_WINDOWS: Record<string, [windows: string, linux: string]> = {
  npm: ['%LocalAppData%\\npm-cache', '~/.npm'],
  pip: ['%LocalAppData%\\pip\\Cache', '~/.cache/pip'],
  corepack: ['%LocalAppData%\\node\\corepack', '~/.cache/node/corepack'],
  gradle: ['%USERPROFILE%\\.gradle', '~/.gradle'],
  maven: ['%USERPROFILE%\\.m2', '~/.m2'],
};

/**
 * What a removal of cmd (rd, rmdir, del /s, erase /s) or PowerShell (Remove-Item, ri, rm) takes on
 * a Windows base, as the rules read folders: each ON_WINDOWS folder at or below an operand, as
 * written there and as on Linux (`rd /s /q %LocalAppData%` takes %LocalAppData%\npm-cache and
 * ~/.npm). del and erase take files only: without /s, those in subfolders stay. Operands are read
 * from the RUN's text (the scanner takes `\` for an escape, which neither shell does), with
 * %X%, $env:X and ${env:X} alike (not C:\Users\<user>: the user decides it).
 */
function windowsRemovals(instr: Instr, c: ShellCommand): string[] {
  const name = programName(c).toLowerCase();
  const args = programArgs(c);
  if (!/^(r[dim]|rmdir|remove-item|del|erase)$/.test(name) || (/^[de]/.test(name) && !args.some((w) => /^\/s$/i.test(w.value))) || !windowsBase(instr)) return [];
  const read = (p: string) => p.toLowerCase().replace(/["'%{}$]|env:/g, '').replace(/[\\/]+/g, '/').replace(/^userprofile\/appdata\/local(?=\/|$)/, 'localappdata');
  return args.flatMap((w) => Object.values(ON_WINDOWS).filter(([folder]) => pathCovers(read(instr.run!.text.slice(w.start, w.end)), read(folder))).flat());
}

/**
 * The default folder of `tool` for a message: `posix` (as written) on a Linux base; on a Windows
 * base the one its documentation gives there, undefined where it gives none.
 */
export function defaultFolder(instr: Instr, tool: string, posix: string): string | undefined {
  return windowsBase(instr) ? ON_WINDOWS[tool]?.[0] : posix;
}

/**
 * True when bash (or zsh, which reads `declare -x` alike) runs the RUN's commands: a `bash -c`
 * script read in place, else the last SHELL along the chain naming bash, else a base image whose
 * /bin/sh is bash (the Red Hat family, Amazon Linux, Arch, openSUSE). Debian's and Ubuntu's
 * /bin/sh is dash and Alpine's busybox ash, which have no `declare` or `typeset`.
 */
export function runsBash(instr: Instr): boolean {
  const run = instr.run;
  const bashLike = (program: string) => /(?:^|\/)(?:bash|zsh)$/.test(program);
  if (run?.inner) {
    // Exec form: the program as Docker reads the array (`"/bin/ba\u0073h"` is bash, a path may hold blanks).
    const shell = run.form === 'exec' ? (execForm(instr)?.[0] ?? '') : (/^\s*"?([^\s",]+)/.exec(run.text.slice(0, run.inner.start))?.[1] ?? '');
    if (!/(?:^|\/)sh$/.test(shell)) return bashLike(shell);
  } else {
    const shells = earlierAlongChain(instr, 'SHELL');
    const last = shells[shells.length - 1];
    if (last?.node.getArgumentsContent()) return bashLike(execForm(last)?.[0] ?? '');
  }
  const base = (baseImageOf(instr) ?? '').toLowerCase();
  return !/alpine|busybox/.test(base) && /(?:^|[/:-])(?:fedora|centos|rockylinux|almalinux|amazonlinux|oraclelinux|ubi\d*|archlinux|opensuse)/.test(base);
}

/** The image the FROM chain of `instr`'s stage starts from (the first non-stage FROM), after ARG substitution where possible. */
export function baseImageOf(instr: Instr): string | undefined {
  const from = instr.stage && rootStage(instr.stage).from;
  // With an ARG that has no default the reference stays as written (`ruby:${V}-slim`): the repository is still known.
  return from && (from.image ?? from.raw);
}

/** The repository name of an image reference without registry, namespace `library/` or tag (`docker.io/library/ruby:3` -> `ruby`). */
export function imageRepository(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const path = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  const parts = path.split('/');
  // A first component with a dot or a port, or `localhost`, names a registry, not a namespace.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  if (parts.length > 1 && parts[0] === 'library') parts.shift();
  return parts.join('/').toLowerCase();
}

/**
 * True when one of `programs` runs in a later RUN of the image, in what a container of an image
 * holding `instr`'s layer starts (ENTRYPOINT and CMD joined: `["sh", "-c"]` and `CMD ["./gradlew
 * bootRun"]`), or in a later CMD/ENTRYPOINT read alone (an entrypoint script that runs its
 * arguments, `exec "$@"`, starts the CMD).
 */
export function usedLaterInImage(model: DockerfileModel, instr: Instr, programs: RegExp): boolean {
  const runs = (c: ShellCommand) => programs.test(runProgram(c));
  return laterInImage(model, instr).some((i) => i.run && ranCommands(i.run).some(runs)) || startedInImage(model, instr, programs);
}

/**
 * The container part of {@link usedLaterInImage}: one of `programs` runs when a container of an
 * image holding `instr`'s layer starts. Read once per model and programs (a message asks it per
 * finding): the CMD/ENTRYPOINT lines that start one, and the stages whose container, or that of a
 * stage built on them, starts one.
 */
export function startedInImage(model: DockerfileModel, instr: Instr, programs: RegExp): boolean {
  const stage = instr.stage;
  if (!stage) return false;
  let byPrograms = startersOf.get(model);
  if (!byPrograms) startersOf.set(model, (byPrograms = new Map()));
  let known = byPrograms.get(programs.source);
  if (!known) {
    const runs = (c: ShellCommand) => programs.test(runProgram(c));
    const lines = model.instructions.filter((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && startedCommands(execForm(i) ?? i.node.getArgumentsContent() ?? '').some(runs));
    const stages = new Set<Stage>();
    for (const s of model.stages) {
      const started = containerCommand(s);
      if (started && startedCommands(started).some(runs)) for (let p: Stage | undefined = s; p && !stages.has(p); p = p.from.stage) stages.add(p);
    }
    byPrograms.set(programs.source, (known = { lines, stages }));
  }
  return known.stages.has(stage) || known.lines.some((i) => i.index > instr.index && runsOn(i, stage));
}

const startersOf = new WeakMap<DockerfileModel, Map<string, { lines: Instr[]; stages: Set<Stage> }>>();

/** The commands exec-form words or a shell-form line start, read through a shell (`["sh", "./gradlew"]`, `sh -c '...'`). */
function startedCommands(words: string[] | string): ShellCommand[] {
  // Exec-form words quoted as the shell would keep them, so the scanner reads the same words.
  return scriptCommands(typeof words === 'string' ? words : words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' '));
}

/**
 * A tool's folder in the user's cache directory: `$XDG_CACHE_HOME/<name>` when the command sees
 * XDG_CACHE_HOME, else `~/.cache/<name>`. An empty XDG_CACHE_HOME is none (pip 23.2 and yarn 1.22
 * then cache in their default folders).
 */
export function userCacheDir(env: (name: string) => string | undefined, name: string): string {
  return `${setIn(env, 'XDG_CACHE_HOME') ?? '~/.cache'}/${name}`;
}

/** {@link userCacheDir} as a fix writes it: `~` is the home of the user `cmd` runs as (undefined when the file does not tell). */
export function userCachePath(instr: Instr, cmd: ShellCommand, env: (name: string) => string | undefined, name: string): string | undefined {
  return homeFolder(instr, cmd, userCacheDir(env, name));
}

/** `dir` as a fix writes it: a leading `~/` is the home of the user `cmd` runs as (undefined when the file does not tell). */
function homeFolder(instr: Instr, cmd: ShellCommand, dir: string): string | undefined {
  return dir.startsWith('~/') ? homePath(instr, cmd, dir.slice(2)) : dir;
}

/**
 * Where virtualenv unpacks its seed wheels (its app data) when Poetry or pipenv makes a venv with
 * it: VIRTUALENV_OVERRIDE_APP_DATA, else VIRTUALENV_APP_DATA, else $XDG_DATA_HOME/virtualenv, else
 * ~/.local/share/virtualenv (measured: test/bench/measure/manual-poetry-pipenv.md). The venv holds
 * copies: it works without them. Undefined when the venv links to them
 * (VIRTUALENV_SYMLINK_APP_DATA) or on a Windows base (not measured).
 */
export function seedWheelsDir({ instr, env }: CacheCommandContext): string | undefined {
  if (windowsBase(instr) || isTruthy(env('VIRTUALENV_SYMLINK_APP_DATA'))) return undefined;
  return setIn(env, 'VIRTUALENV_OVERRIDE_APP_DATA') ?? setIn(env, 'VIRTUALENV_APP_DATA') ?? `${setIn(env, 'XDG_DATA_HOME') ?? '~/.local/share'}/virtualenv`;
}

/** What a rule's docs say of the seed wheels (sizeImpact): the fix removes them too. */
export const SEED_WHEELS_DOCS = `Making a venv also leaves virtualenv's seed wheels (about ${formatBytes(SEED_WHEELS.bytes)}, measured; ~/.local/share/virtualenv or $XDG_DATA_HOME/virtualenv), which the fix removes.`;

/**
 * For a cache rule whose tool may make a venv (`makes`: for a command of the tool that does, the
 * folder of the seed wheels, {@link seedWheelsDir}; the first in the stages' order leaves them):
 * its cacheHandled, message, saving and repair, the seed wheels' included. The rule's own `handled`,
 * `message`, `saving` and `dirs` (its cache folders, undefined when the fix cannot name them) are
 * about its cache alone.
 */
export function withSeedWheels(tool: string, makes: (c: CacheCommandContext) => string | undefined, own: {
  handled: (handled: (dir: string) => boolean, c: CacheCommandContext) => boolean;
  message: (c: CacheCommandContext) => string;
  saving: (c: CacheCommandContext) => SizeEstimate;
  dirs: (c: CacheCommandContext) => string[] | undefined;
}): Pick<CacheRuleSpec, 'cacheHandled' | 'message' | 'saving' | 'repair' | 'cleanedLeaves'> {
  // virtualenv leaves them once: the venv is there for the tool's later commands (measured: a second
  // `poetry install` wrote none). A venv made again after a RUN removed it writes them again only
  // if they were removed too (measured); not counted: the fix of the first would then move the
  // finding to the second, not remove it (manual-poetry-pipenv.md).
  const made = (instr: Instr, cmd: ShellCommand) => (makes(commandContext(instr, cmd)) === undefined ? undefined : true);
  const kept = (handled: (dir: string) => boolean, c: CacheCommandContext) => {
    const dir = lastAnswerBefore(c.instr, c.cmd, made) ? undefined : makes(c);
    return dir && !handled(dir) ? dir : undefined;
  };
  // A command that empties the tool's cache (`pipenv --clear`) leaves them (measured).
  const ownHandled = (handled: (dir: string) => boolean, c: CacheCommandContext) => !!c.cleaned || own.handled(handled, c);
  return {
    cleanedLeaves: true,
    cacheHandled: (handled, c) => ownHandled(handled, c) && !kept(handled, c),
    message: (c) => {
      const dir = kept(c.handled!, c);
      const what = dir && `virtualenv's seed wheels in ${dir} (about ${formatBytes(SEED_WHEELS.bytes)}, measured)`;
      if (ownHandled(c.handled!, c)) return `${tool}'s venv left ${what} in this layer. Remove them in the same RUN.`;
      return own.message(c) + (what ? ` Its venv left ${what}: remove them too.` : '');
    },
    saving: (c) => (ownHandled(c.handled!, c) ? { bytes: SEED_WHEELS.bytes, basis: SEED_WHEELS.basis } : own.saving(c)),
    // A folder the RUN mounts is not removed: rm would fail on it. One finding may stand for several
    // commands of the RUN, the repair given the last: the seed wheels are those of the one among
    // them that made the venv.
    repair: (c) => {
      let dir: string | undefined;
      for (const x of c.instr.run!.commands) {
        const left = x.start <= c.cmd.start && kept(c.handled, commandContext(c.instr, x));
        if (left) {
          dir = homeFolder(c.instr, x, left) ?? '$';
          break;
        }
      }
      const dirs = [...((ownHandled(c.handled, c) ? [] : own.dirs(c)) ?? ['$']), ...(dir ? [dir] : [])];
      return dirs.some((d) => /[\s$`]/.test(d)) ? undefined : appendRepair(c.model, c.instr, `rm -rf ${dirs.join(' ')}`);
    },
  };
}

/**
 * A variable naming a folder as `env` has it (quotes gone), undefined when unset or empty: pip
 * 23.2.1 and yarn 1.22.22 take an empty XDG_CACHE_HOME, PIP_CACHE_DIR or YARN_CACHE_FOLDER as unset.
 */
export function setIn(env: (name: string) => string | undefined, name: string): string | undefined {
  const value = env(name)?.replace(/^(["'])(.*)\1$/, '$2');
  return value?.trim() ? value : undefined;
}

/** How a cache rule reads one RUN command. */
export interface CacheCommandContext {
  instr: Instr;
  cmd: ShellCommand;
  /** Environment lookup for this command (inline, earlier in the RUN, ENV), the name in any case with `ignoreCase`. */
  env: EnvLookup;
  /**
   * Whether a cache-mount target or a path removed after the command (ENV variables expanded)
   * passes `test`. Pass a function kept for the whole analysis (a module-level one), not a new
   * closure per call: the RUN's removals are tested once per function, so that a RUN of n installs
   * and n removals is not read n times over.
   */
  pathsSome?: (test: (path: string) => boolean) => boolean;
  /** Whether those take care of `dir` (cacheHandled's `handled`), for a message that names what stays. */
  handled?: (dir: string) => boolean;
  /** Whether a command of the RUN that `cleans` empties the cache after this one (asked only with `cleanedLeaves`). */
  cleaned?: boolean;
  /** The analysis's build-context facts, for rules with a `contextKey` (empty for the others). */
  context?: BuildContextFacts;
  /** The file's model, for questions about the rest of the image (set by the check). */
  model?: DockerfileModel;
}

export interface CacheRuleSpec {
  id: string;
  title: string;
  severity: Severity;
  hadolint?: string;
  /** The messages quote line numbers (Rule.quotesLines). */
  quotesLines?: boolean;
  docs: RuleDocs;
  /** The word a flag would follow when `cmd` fills the cache (e.g. `install`); undefined when it does not. */
  fills(cmd: ShellCommand): ShellWord | undefined;
  /** True when the command or its environment turns the cache off (`--no-cache`, `UV_NO_CACHE=1`). */
  optsOut?(c: CacheCommandContext): boolean;
  /** A command that empties the cache when it runs after the install in the same RUN. */
  cleans(cmd: ShellCommand): boolean;
  /** Such a command leaves something `cacheHandled` still asks about (the context's `cleaned` then true). */
  cleanedLeaves?: boolean;
  /** True when those commands free nothing of what this command leaves (they then take no care of it). */
  cleansNothing?(c: CacheCommandContext): boolean;
  /** Whether removed or cache-mounted folders take care of the cache; `handled(dir)` says if one covers `dir`. */
  cacheHandled(handled: (dir: string) => boolean, c: CacheCommandContext): boolean;
  /** The finding's message (what stays, what it costs, what to do). */
  message(c: CacheCommandContext): string;
  /** What cleaning saves: one estimate for every command, or one worked out for this command. */
  saving: SizeEstimate | ((c: CacheCommandContext) => SizeEstimate);
  /** The folder that holds the cache, when a `COPY --from` of it can carry the cache into the final image (RawFinding.holds). */
  holds?(c: CacheCommandContext): string | undefined;
  /**
   * Only report in stages whose layers form the final image (build caches are expected in builder
   * stages), and in a builder stage only when a `COPY --from` carries the folder `holds` names there
   * (on a Windows base, `/`: heldFolder).
   */
  finalLayersOnly?: boolean;
  /** Rule.words: what every command that `fills` a cache is named, in part (`['npm']`). */
  words: readonly string[];
  /** False when the rule does not apply to this Dockerfile at all (e.g. yarn berry). */
  applies?(model: DockerfileModel): boolean;
  /** The key of the build-context facts `message` and `saving` read (see `Rule.contextKey`). */
  contextKey?(env: AnalysisEnvironment): string;
  /**
   * A finding per command (its repair is a flag on it: uv's --no-cache). Otherwise the RUN's
   * commands that fill one cache folder (the same `holds`; the same message when there is none)
   * are one finding, at the first that leaves it: one cleanup after the last empties it (a
   * finding per command gave `npm ci && npm i -g x` two for one ~/.npm, each with that cleanup).
   */
  perCommand?: boolean;
  /** The message and saving of a finding for several commands (`seen` in RUN order), when they differ per command. */
  combine?(seen: CacheCommandContext[]): { message: string; saving: SizeEstimate };
  /** The repair inserts a flag, which cmd and PowerShell read as sh does: offered under any shell. */
  anyShell?: boolean;
  /** The repair for one finding, if a safe one exists here. */
  repair?(c: CacheCommandContext & { model: DockerfileModel; word: ShellWord; handled: (dir: string) => boolean }): { title: string; edits: TextEdit[] } | undefined;
}

/** `cmd` of `instr`'s RUN with the variables it sees ({@link envFor}), as cache rules read a command. */
function commandContext(instr: Instr, cmd: ShellCommand): CacheCommandContext {
  return { instr, cmd, env: (name, ignoreCase) => envFor(instr, cmd, name, ignoreCase) };
}

/** Whether a cache mount of `instr` or a path removed after its `k`th command takes care of `dir` (`~` the command's `home`). */
function handledAfter(instr: Instr, k: number, home: string | undefined, mounts = cacheMountTargets(instr), removals = removalsIn(instr, 'own')): (dir: string) => boolean {
  return (dir) => mounts.some((p) => pathCovers(p, dir, { dir: home })) || laterCovers(removals, k, dir, { dir: home });
}

/** Builds a rule that flags commands filling a cache which the same RUN neither empties, mounts nor disables. */
export function cacheRule(spec: CacheRuleSpec): Rule {
  // Asked once per analysis for the file key and again by the check of every family that runs.
  const answers = new WeakMap<DockerfileModel, boolean>();
  const applies = (file: DockerfileModel): boolean => {
    let answer = answers.get(file);
    if (answer === undefined) answers.set(file, (answer = spec.applies?.(file) ?? true));
    return answer;
  };
  return {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    hadolint: spec.hadolint,
    ...(spec.quotesLines ? { quotesLines: true } : {}),
    scope: 'layers',
    docs: spec.docs,
    reads: 'family',
    words: spec.words,
    // `applies` looks at the whole file (e.g. "is this Yarn Berry anywhere?").
    fileKey: spec.applies ? (file) => String(applies(file)) : undefined,
    contextKey: spec.contextKey,
    check({ model, file, env }) {
      const out: RawFinding[] = [];
      if (spec.applies && !applies(file ?? model)) return out;
      for (const stage of model.stages) {
        const builder = spec.finalLayersOnly && !stage.layersInFinal;
        for (const instr of stage.instructions) {
          const run = instr.run;
          if (!run) continue;
          // About 20 cache rules look at every RUN of the file: most commands fill no cache, so
          // nothing is worked out (or allocated) before `fills` says one does. What comes after a
          // command is read once per RUN (the last cleaning command, the rm operands with their
          // places), not by a walk over the rest of the RUN per command: that was quadratic.
          let cleans: { at: number; home: string | undefined }[] | undefined;
          // The RUN's findings by cache folder, with the commands each stands for (see perCommand).
          let once: Map<string, { finding: RawFinding; seen: CacheCommandContext[]; message: string }> | undefined;
          for (let k = 0; k < run.commands.length; k++) {
            const cmd = run.commands[k];
            if (!spec.fills(cmd)) continue;
            const c: CacheCommandContext = { ...commandContext(instr, cmd), context: env.context, model };
            if (spec.optsOut?.(c)) continue;
            // A cleaning command after it empties its cache unless it runs with another home
            // (`su node -c 'npm ci' && npm cache clean --force` empties root's).
            // Not one run in the background (`npm cache clean --force &`): the RUN may end before it does.
            const inBackground = ranInBackground(run);
            cleans ??= run.commands.flatMap((a, at) => (spec.cleans(a) && !inBackground.has(a) ? [{ at, home: homeOf(instr, a) }] : []));
            const home = homeOf(instr, cmd);
            let cleaned = false;
            if (!spec.cleansNothing?.(c)) for (let i = cleans.length - 1; i >= 0 && cleans[i].at > k && !cleaned; i--) cleaned = !home || !cleans[i].home || cleans[i].home === home;
            if (cleaned && !spec.cleanedLeaves) continue;
            // `~` in each path is the home of its own command: an rm's HOME may not be the install's.
            const removals = removalsIn(instr, 'own');
            const mounts = cacheMountTargets(instr);
            const handled = handledAfter(instr, k, home, mounts, removals);
            const seen: CacheCommandContext = {
              ...c,
              cleaned,
              pathsSome: (test) => mounts.some(test) || laterPasses(removals, k, test, test),
              handled,
            };
            if (spec.cacheHandled(handled, seen)) continue;
            const holds = heldFolder(instr, spec.holds?.(c));
            if (builder && holds === undefined) continue;
            const saving = typeof spec.saving === 'function' ? spec.saving(seen) : spec.saving;
            const message = spec.message(seen);
            // `/` on Linux says only that the cache's place is not known (cargo's target/ and registry): by message, as without one.
            const key = holds === '/' && !windowsBase(instr) ? message : holds ?? message;
            // One whose cache a later command empties stands alone (what it leaves, its seed wheels, differs).
            const same = cleaned ? undefined : once?.get(key);
            if (same) {
              same.seen.push(seen);
              ((same.finding.data!.also as number[] | undefined) ??= []).push(cmd.start);
              continue;
            }
            const finding: RawFinding = { range: commandRange(model, run, cmd), instr, message: quoted(message, instr, cmd), saving, holds, data: { commandStart: cmd.start, ...(cleaned ? { cleaned } : {}) } };
            if (builder) finding.onlyIfCarried = true;
            out.push(finding);
            if (!spec.perCommand && !cleaned) (once ??= new Map()).set(key, { finding, seen: [seen], message });
          }
          // A finding for several commands: the tool quoted as the fix, appended after the last, calls it.
          for (const { finding, seen, message } of once?.values() ?? []) {
            if (seen.length < 2) continue;
            const both = spec.combine?.(seen);
            finding.message = quoted(both?.message ?? message, instr, seen[seen.length - 1].cmd);
            if (both) finding.saving = both.saving;
          }
        }
      }
      return out;
    },
    fix: spec.repair
      ? (finding: Finding, { model }: RuleContext) => {
          // For several commands, the last: its repair appends after them all.
          const last = (finding.data?.also as number[] | undefined)?.at(-1);
          const found = findingCommand(model, last === undefined ? finding : { ...finding, data: { commandStart: last } });
          if (!found) return undefined;
          const word = spec.fills(found.cmd);
          // Run as another user (`gosu app npm ci`), the cache is that user's; what the repair
          // appends runs as the RUN's user, and would empty its cache instead. A switch to root in
          // a RUN of root with no HOME set (`sudo npm ci`) keeps /root, where the repair runs too.
          if (!word || (!spec.anyShell && !posixShell(found.instr)) || (userSwitchOf(found.cmd) && !keepsRootHome(found.instr, found.cmd))) return undefined;
          const c = commandContext(found.instr, found.cmd);
          // A finding whose cache a later command empties (cleanedLeaves) stands for its command alone.
          let r = spec.repair!({ ...c, model, word, cleaned: !!finding.data?.cleaned, handled: handledAfter(found.instr, found.instr.run!.commands.indexOf(found.cmd), homeOf(found.instr, found.cmd)) });
          // Run by a path off the PATH (`/opt/conda/bin/conda install`) or through npx, a cleanup that
          // names the tool (appendRepair's title ends with it: `(conda clean -afy)`) calls it so, as
          // the message says; not by a relative path (a `cd` may come between) nor through a variable.
          const path = calledAs(found.cmd);
          if (path && r?.title.includes(`(${programName(found.cmd)} `)) r = /^(~?\/[\w./+@-]+|npx( [\w./+@=-]+)+)$/.test(path) ? appendRepair(model, found.instr, r.title.slice(0, -1).replace(/.*?\(\S+/, path)) : undefined;
          return r && { ...r, preferred: true };
        }
      : undefined,
  };
}

/** A finding's message for `cmd`: a cache mount given the user's uid, the tool quoted as {@link calledAs} (as the fix appends it). */
function quoted(message: string, instr: Instr, cmd: ShellCommand): string {
  const path = calledAs(cmd);
  message = mountAsUser(message, instr, cmd);
  return path ? message.replaceAll(`\`${programName(cmd)} `, `\`${path} `) : message;
}

/**
 * How the command calls the program when a bare name may not run it: through npx (`npx yarn@1`,
 * {@link npxCall}: npx fetched a yarn that is on no PATH, where `yarn cache clean` fails with "not
 * found" and `npx yarn cache clean` cleans, measured with npm 11.19 and yarn 1.22.22), or by a
 * path outside the usual PATH folders (/usr/local/bin, /usr/bin, /bin and their sbin): Miniconda's
 * installer puts /opt/conda/bin on no PATH, and a bare `conda clean -afy` after
 * `/opt/conda/bin/conda install` failed the build.
 */
function calledAs(cmd: ShellCommand): string | undefined {
  const p = cmd.words[programIndex(cmd)].value;
  return npxCall(cmd) ?? (p.includes('/') && !/^(\/usr)?(\/local)?\/s?bin\/[^/]+$/.test(p) ? p : undefined);
}

/**
 * Whether `cmd`, run under a user switch, has /root for its home as a command appended to its RUN
 * would: the RUN runs as root, no HOME is set for `cmd` (ENV, export, an assignment in front) and
 * the switch leaves /root (`sudo npm ci`, `gosu root npm ci`, `su -c '...'`; sudo 1.9.13 sets
 * HOME=/root as root).
 */
function keepsRootHome(instr: Instr, cmd: ShellCommand): boolean {
  return runsAsRoot(instr) && envFor(instr, cmd, 'HOME') === undefined && homeOf(instr, cmd) === '/root';
}

/** A RUN's commands by where they start, for findingCommand: a search per fix made the fixes of a long RUN's findings quadratic. */
const BY_START = new WeakMap<RunScript, Map<unknown, ShellCommand>>();

/** The instruction and shell command a finding made with `data.commandStart` points at. */
export function findingCommand(model: DockerfileModel, finding: Finding): { instr: Instr; run: RunScript; cmd: ShellCommand } | undefined {
  const instr = instructionAt(model, finding.range.start.line);
  const run = instr?.run;
  let starts = run && BY_START.get(run);
  if (run && !starts) BY_START.set(run, (starts = new Map(run.commands.map((c) => [c.start, c] as const).reverse())));
  const cmd = starts?.get(finding.data?.commandStart);
  // Exec form: only a script handed to a shell's -c, whose commands are shell commands.
  return instr && run && cmd && (run.form !== 'exec' || run.inner) ? { instr, run, cmd } : undefined;
}

/** A repair that appends `command` to the RUN (after everything else, so the cache is complete). */
export function appendRepair(model: DockerfileModel, instr: Instr, command: string): { title: string; edits: TextEdit[] } | undefined {
  const edit = verifiedAppend(model, instr, command);
  return edit && { title: `Clean up in the same RUN (${command})`, edits: [edit] };
}

/**
 * {@link appendToRun}, checked: the edit is applied to a copy and the file parsed again, and the
 * edit is kept only when the RUN then ends with exactly `command` as a command of its own, outside
 * any subshell negated by `!` (appendToRun's text lands inside a last `( ... )`). This catches
 * scripts whose last line ends in a backslash (in a heredoc the new line would become arguments of
 * the previous command) and anything else that would glue the cleanup onto it.
 */
export function verifiedAppend(model: DockerfileModel, instr: Instr, command: string): TextEdit | undefined {
  // `&& <POSIX command>` means nothing to cmd or PowerShell (a Windows base, a SHELL that is no POSIX shell).
  if (!posixShell(instr)) return undefined;
  // rm reads a later word that starts with `-` as an option too (a cache folder from `ENV X=-x`:
  // `rm -rf -x/cache` fails the build): not appended.
  if (/^rm -\w+ (.* )?['"]?-/.test(command)) return undefined;
  // A folder named with a `$` kept as text (LITERAL_DOLLAR: `ENV D='$B/x'`) would be written as a NUL.
  if (command.includes(LITERAL_DOLLAR)) return undefined;
  // Every finding of a cache rule in a RUN gets the same repair: checked once per model, RUN and
  // command (a check per finding parsed the RUN again for each, quadratic in a long RUN's installs).
  // A command of plain words parses as the same words wherever another one does, so all of them
  // are checked once per RUN (with PROBE): archive-kept's `rm -f <archive>` differs per archive,
  // and 900 of them in one RUN parsed it 900 times (5 s).
  let known = appendsChecked.get(model);
  if (!known) appendsChecked.set(model, (known = new Map()));
  const plain = PLAIN_COMMAND.test(command);
  const key = plain ? `${instr.index}` : `${instr.index} ${command}`;
  if (!known.has(key)) known.set(key, checkAppend(model, instr, plain ? PROBE : command));
  const edit = known.get(key);
  // appendToRun's text ends with the command, after what separates it from the RUN's last one.
  return edit && { range: edit.range, newText: plain ? edit.newText.slice(0, -PROBE.length) + command : edit.newText };
}

/**
 * Words of letters, digits and `_./*+:@%,=-` after a first word that is a name (neither a shell
 * keyword nor an assignment): a command whose parse is the same whatever these words are.
 */
const PLAIN_COMMAND = /^(?!(?:if|then|else|elif|fi|do|done|case|esac|while|until|for|in|function|select|time|coproc)(?: |$))[A-Za-z_][A-Za-z0-9_.+-]*(?: [A-Za-z0-9_./*+:@%,=-]+)*$/;
const PROBE = 'rm -f probe';

const appendsChecked = new WeakMap<DockerfileModel, Map<string, TextEdit | undefined>>();

/** {@link verifiedAppend}'s check itself, for every command (exported for the test that holds the plain commands' shortcut to it). */
export function checkAppend(model: DockerfileModel, instr: Instr, command: string): TextEdit | undefined {
  const run = instr.run;
  // A RUN of another user than root that switches for some commands (`USER app`, then `sudo
  // apt-get ...`): what is appended runs as that user, who may not remove what root wrote (rm: Permission denied).
  if (!run || (!runsAsRoot(instr) && run.commands.some((c) => userSwitchOf(c)))) return undefined;
  const edit = appendToRun(model, instr, command);
  if (!edit) return undefined;
  const lines = model.lines;
  const at = lines.offsetAt(edit.range.start);
  if (at !== lines.offsetAt(edit.range.end)) return undefined;
  // Only this RUN and the instruction after it are parsed again (here-document bodies included),
  // after the escape directive and a FROM: an instruction parses the same alone as within its file
  // (the model's pieces rely on it too), and an edit that left a continuation open would glue the
  // next instruction on, up to its last line, which is what this check must see. Parsing the
  // whole file per fix made Apply all on a 10,000-line file spend most of its time here.
  const from = lines.lineStart(instr.range.start.line);
  const afterNext = model.instructions[instr.index + 2];
  const to = afterNext ? lines.lineStart(afterNext.range.start.line) : model.text.length;
  if (at < from || at > to) return undefined;
  const head = `${model.escapeChar === '\\' ? '' : `# escape=${model.escapeChar}${lines.eol}`}FROM scratch${lines.eol}`;
  const after = buildModel(head + model.text.slice(from, at) + edit.newText + model.text.slice(at, to));
  const again = after.instructions[1]?.run;
  const last = again?.commands[again.commands.length - 1];
  if (!again || !last || again.commands.length !== run.commands.length + 1) return undefined;
  // Not inside a subshell negated by `!` (`RUN ! ( apt-get update && apt-get install -y x )`): a
  // build that succeeded had it fail, so the command there would not run, or would make it succeed.
  for (let g = last.group; g; g = g.parent) if (g.kind === '(' && g.negated) return undefined;
  // Nor in the background (`RUN microdnf install -y x &`: appended, `x && microdnf clean all &`):
  // a cleanup there may not have run when the layer is committed, and is not counted as one.
  if (ranInBackground(again).has(last)) return undefined;
  const lastText = after.text.slice(again.docOffset(last.start), again.docOffset(last.end - 1) + 1);
  return lastText === command ? edit : undefined;
}

/** `prog sub ...` where prog matches `programs` and the first operand is one of `subs`: the subcommand word. */
export function subcommandOf(cmd: ShellCommand, programs: RegExp, subs: readonly string[]): ShellWord | undefined {
  if (!programs.test(programName(cmd))) return undefined;
  // Option values (`--prefix /app`, `-c conf.yml`) may come before the subcommand: skip words
  // that cannot be one, stop at the first word that looks like another subcommand (pnpm's
  // `--filter app` is skipped as a value: optionFreeOperands).
  for (const w of optionFreeOperands(cmd)) {
    if (subs.includes(w.value)) return w;
    if (/^[a-z][a-z0-9-]*$/.test(w.value)) return undefined;
  }
  return undefined;
}

/** PHP's options that take the next word as their value (`php -d memory_limit=-1 composer.phar install`). */
const PHP_VALUE_OPTIONS = new Set(['-d', '-c', '-z']);

/**
 * How a command runs Composer, when it does: `composer`, `composer.phar` (by a path too), or PHP
 * running that script (`php composer.phar install`, what getcomposer.org's installer leaves in the
 * folder). `invocation` is the text that runs it again (for a fix), `args` the words after it.
 */
export function composerCommand(cmd: ShellCommand): { invocation: string; args: readonly ShellWord[] } | undefined {
  const name = programName(cmd);
  const args = programArgs(cmd);
  if (/^composer(\.phar)?$/.test(name)) return { invocation: cmd.words[programIndex(cmd)].value, args };
  if (!/^php(\d+(\.\d+)?)?$/.test(name)) return undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i].value;
    if (PHP_VALUE_OPTIONS.has(w)) i++;
    else if (!w.startsWith('-')) return /(^|\/)composer(\.phar)?$/.test(w) ? { invocation: `${cmd.words[programIndex(cmd)].value} ${w}`, args: args.slice(i + 1) } : undefined;
  }
  return undefined;
}

/** Composer's subcommand word among `subs` (see {@link subcommandOf}), in any of the ways {@link composerCommand} reads. */
export function composerSubcommand(cmd: ShellCommand, subs: readonly string[]): ShellWord | undefined {
  const composer = composerCommand(cmd);
  if (!composer) return undefined;
  for (const w of composer.args) {
    if (w.value.startsWith('-')) continue;
    if (subs.includes(w.value)) return w;
    if (/^[a-z][a-z0-9-]*$/.test(w.value)) return undefined;
  }
  return undefined;
}

/** `yum clean all`, `dnf clean all`, `microdnf clean all`: on RHEL 8+ yum is dnf, so any of them empties the cache the others fill. */
export function rpmCleanAll(cmd: ShellCommand): boolean {
  if (!RPM_PROGRAMS.test(programName(cmd))) return false;
  const ops = operands(cmd).map((w) => w.value);
  return ops[0] === 'clean' && ops.includes('all');
}

/** The subcommands of yum, dnf and microdnf that download repository metadata or packages. */
export const RPM_FILLS = ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'makecache', 'group', 'groups', 'downgrade', 'distro-sync', 'swap', 'builddep', 'update-minimal', 'upgrade-minimal'] as const;

/** The value of a long option given as `--name=value` or `--name value`, if present (the first one). */
export function flagValue(cmd: ShellCommand, name: string): string | undefined {
  return flagValues(cmd, name)[0];
}

/** Every value of a long option that may be repeated (`uv sync --group a --group=b`), in order (a `$` kept as text as {@link expansionText} writes it). */
export function flagValues(cmd: ShellCommand, name: string): string[] {
  const words = cmd.words;
  const values: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = expansionText(words[i]);
    if (w.startsWith(name + '=')) values.push(w.slice(name.length + 1));
    else if (w === name && i + 1 < words.length) values.push(expansionText(words[++i]));
  }
  return values;
}

/** The word naming the program (`yarn` in `CI=1 yarn`). */
export function programWord(cmd: ShellCommand): ShellWord | undefined {
  const i = programIndex(cmd);
  return i < 0 ? undefined : cmd.words[i];
}

/**
 * A Bundler command that installs the Gemfile's gems: `bundle install`, `bundle update`, `bundle add`
 * without --skip-install, or `bundle` alone or with an option first, whose default command is
 * install (Bundler 2.3.15: `bundle` and `bundle --jobs 2` said "Bundle complete!"; `bundle
 * --version` and `--help` install nothing). The word that says so.
 */
export function bundleInstallWord(cmd: ShellCommand): ShellWord | undefined {
  if (!/^bundler?$/.test(programName(cmd))) return undefined;
  const first = programArgs(cmd)[0]?.value ?? '-';
  if (first[0] === '-') return /^-([vh]|-version|-help)$/.test(first) ? undefined : programWord(cmd);
  return hasFlag(cmd, '--skip-install') ? undefined : subcommandOf(cmd, /^bundler?$/, ['install', 'update', 'add']);
}

/** npm's install family (`npm ci`, `npm install`, `npm i`...): the subcommand word. */
export function npmInstallWord(cmd: ShellCommand): ShellWord | undefined {
  return subcommandOf(cmd, /^npm$/, ['install', 'i', 'in', 'ins', 'isntall', 'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean', 'add', 'update', 'up', 'upgrade', 'install-test', 'it', 'install-ci-test', 'cit']);
}
