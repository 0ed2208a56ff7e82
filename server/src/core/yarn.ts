/**
 * Yarn questions the yarn rules share: which commands install, whether the Dockerfile shows Yarn
 * 2+ ("berry"), and a berry setting as an install sees it (environment, `yarn config set`, the
 * build context's .yarnrc.yml when the Dockerfile copies it).
 */
import { operands, ranBefore, ranCommands } from './commands';
import { identityKey } from './buildContext';
import { copiedBefore, lastCopyBefore } from './npmLockfile';
import { perInstruction, type DockerfileModel, type Instr, type RunScript, type Stage } from './model';
import { earlierAlongChain, programWord, runsAsRoot } from './packageManagers';
import { programArgs, programName, type ShellCommand } from './shell';
import type { BuildContextFacts, YarnrcFacts } from './environment';

/** `yarn`, `yarn install`, `yarn add x`, `yarn global add x`: the word a flag would follow. */
export function yarnInstall(cmd: ShellCommand) {
  if (programName(cmd) !== 'yarn') return undefined;
  const ops = operands(cmd);
  const first = ops[0]?.value;
  if (first === undefined) {
    // Bare `yarn` installs; `yarn --version` or `yarn -h` do not.
    return programArgs(cmd).some((w) => /^(-v|--version|-h|--help)$/.test(w.value)) ? undefined : programWord(cmd);
  }
  if (first === 'install' || first === 'add') return ops[0];
  if (first === 'global' && ops[1]?.value === 'add') return ops[1];
  return undefined;
}

/** `yarn cache clean` with any flags (berry's `--all` and `--mirror` too). */
export function yarnCacheClean(cmd: ShellCommand): boolean {
  const ops = operands(cmd);
  return programName(cmd) === 'yarn' && ops[0]?.value === 'cache' && ops[1]?.value === 'clean';
}

/** Signs that the Dockerfile uses yarn 2+ (berry), whose cache may be the install itself. */
export function usesYarnBerry(model: DockerfileModel): boolean {
  // Every sign names yarn, corepack or a .pnp file: a file without any (most) needs no look at its instructions.
  const t = model.text;
  return (t.includes('yarn') || t.includes('corepack') || t.includes('.pnp.') || t.includes('YARN_NODE_LINKER')) && model.instructions.some(showsYarnBerry);
}

const showsYarnBerry = perInstruction((i) => {
  if (i.keyword === 'COPY' || i.keyword === 'ADD') return /(^|[\s/"])\.(yarnrc\.yml|yarn\/|yarn\b|pnp\.c?js)/.test(i.node.getArgumentsContent() ?? '');
  // Only berry reads YARN_NODE_LINKER.
  if (i.keyword === 'ENV') return /(^|\s)YARN_NODE_LINKER[=\s]/.test(i.node.getArgumentsContent() ?? '');
  return i.run ? runShowsYarnBerry(i.run) : false;
});

/**
 * Answers by script: the question is asked of every RUN of the file on each analysis, and a RUN
 * parsed again because lines above it moved (Enter) has a new node but the same script.
 */
const byScript = new Map<string, boolean>();

function runShowsYarnBerry(run: RunScript): boolean {
  const key = `${run.form}\u0000${run.text}`;
  let answer = byScript.get(key);
  if (answer === undefined) {
    // What it runs: a corepack or yarn command in a shell's -c script among other commands counts too.
    answer = ranCommands(run).some((c) => {
      const name = programName(c);
      if (name === 'corepack') return corepackYarn(c) === 'berry';
      if (name !== 'yarn') return false;
      const ops = operands(c).map((w) => w.value);
      return (ops[0] === 'set' && ops[1] === 'version') || ops[0] === 'dlx' || configSet(c)?.key === 'nodeLinker' || programArgs(c).some((w) => w.value === '--immutable' || w.value === '--immutable-cache');
    });
    if (byScript.size >= 10_000) byScript.clear();
    byScript.set(key, answer);
  }
  return answer;
}

/** Subcommands after which `yarn` runs a yarn corepack picks (`corepack yarn@4 install` runs one directly). */
const COREPACK_ACTIVATES = new Set(['enable', 'prepare', 'install', 'use', 'up']);

/**
 * What a `corepack` command tells of the yarn that `yarn` runs afterwards (corepack 0.34.6, the one
 * Node 20 bundles, measured): 'berry' when it names yarn 2 or later, or a version not plainly 1.x
 * (a tag such as stable); 'manifest' when the version is left to the project's package.json
 * (`corepack enable`, `corepack prepare --activate`, or yarn 1.x named, which a packageManager
 * still overrides): its packageManager, else corepack's default, yarn 1.22.22 (classic); undefined
 * for a command about other tools only (`corepack enable pnpm`, `corepack disable`).
 */
export function corepackYarn(cmd: ShellCommand): 'berry' | 'manifest' | undefined {
  if (programName(cmd) !== 'corepack') return undefined;
  const ops = operands(cmd).map((w) => w.value);
  const sub = ops[0];
  if (sub === undefined) return undefined;
  const direct = /^yarn(pkg)?(@|$)/.test(sub);
  if (!direct && !COREPACK_ACTIVATES.has(sub)) return undefined;
  const named = (direct ? ops : ops.slice(1)).map((w) => /^(yarn|yarnpkg|pnpm|pnpx|npm|npx)(?:@(.+))?$/.exec(w)).filter((m) => m !== null);
  const yarns = named.filter((m) => m[1].startsWith('yarn'));
  if (yarns.some((m) => m[2] !== undefined && !/^[~^]?v?1(\.|$)/.test(m[2]))) return 'berry';
  return named.length > 0 && yarns.length === 0 ? undefined : 'manifest';
}

/**
 * Whether the yarn `cmd` runs may be berry for all the Dockerfile shows: a corepack command before
 * it, along its FROM chain, left the version to package.json ({@link corepackYarn}), and the build
 * context's package.json is not known to be copied into the folder `cmd` runs in (known and copied,
 * a packageManager naming no yarn 2+ means yarn classic; {@link copiesBerryProject} answers the rest).
 */
export function corepackMayRunBerry(instr: Instr, cmd: ShellCommand, context?: BuildContextFacts): boolean {
  let before = false;
  for (let st: Stage | undefined = instr.stage; st && !before; st = st.from.stage) {
    const first = firstCorepackManifest(st);
    before = !!first && (st !== instr.stage || first.instr.index < instr.index || (first.instr === instr && ranCommands(instr.run!).includes(cmd) && ranBefore(instr.run!, cmd).includes(first.cmd)));
  }
  if (!before) return false;
  const manifest = context?.npmManifest;
  return !manifest || !copiedBefore(instr, manifest.path, cmd);
}

/** Per stage, its first corepack command that leaves yarn's version to package.json: asked for every yarn install, looked for once. */
const corepackByStage = new WeakMap<Stage, { instr: Instr; cmd: ShellCommand } | null>();

function firstCorepackManifest(st: Stage): { instr: Instr; cmd: ShellCommand } | null {
  let first = corepackByStage.get(st);
  if (first === undefined) {
    first = null;
    for (const i of st.instructions) {
      const c = i.run?.text.includes('corepack') ? ranCommands(i.run).find((x) => corepackYarn(x) === 'manifest') : undefined;
      if (c) {
        first = { instr: i, cmd: c };
        break;
      }
    }
    corepackByStage.set(st, first);
  }
  return first;
}

/** The last `yarn config set` of each key: its value, whether it went to ~/.yarnrc.yml, and its RUN. */
type ConfigSets = Map<string, { value: string; home: boolean; at: Instr }>;

/**
 * Per stage: the settings it starts with (its parent's at the end), and after each RUN that makes a
 * `yarn config set`, in file order. Only those RUNs keep a copy: such commands are few.
 */
const configsByStage = new WeakMap<Stage, { base: ConfigSets; after: { index: number; sets: ConfigSets }[] }>();

function stageConfigs(stage: Stage): { base: ConfigSets; after: { index: number; sets: ConfigSets }[] } {
  let known = configsByStage.get(stage);
  if (known) return known;
  const parent = stage.from.stage && stageConfigs(stage.from.stage);
  const base: ConfigSets = parent ? (parent.after[parent.after.length - 1]?.sets ?? parent.base) : new Map();
  known = { base, after: [] };
  let state = base;
  for (const i of stage.instructions) {
    for (const c of i.run?.commands ?? []) {
      const s = configSet(c);
      if (!s) continue;
      if (known.after[known.after.length - 1]?.index !== i.index) known.after.push({ index: i.index, sets: (state = new Map(state)) });
      state.set(s.key, { value: s.value, home: s.home, at: i });
    }
  }
  configsByStage.set(stage, known);
  return known;
}

/**
 * The `yarn config set`s made before `instr` along its FROM chain, by key: worked out once per stage
 * (every yarn command of the file asks), the RUN found by binary search.
 */
function configsBefore(instr: Instr): ConfigSets {
  if (!instr.stage) return new Map();
  const { base, after } = stageConfigs(instr.stage);
  let [lo, hi] = [0, after.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after[mid].index < instr.index) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? after[lo - 1].sets : base;
}

/** `yarn config set [-H] <key> <value>`: the key, the value, and whether it goes to ~/.yarnrc.yml (`-H`, `--home`). */
function configSet(cmd: ShellCommand): { key: string; value: string; home: boolean } | undefined {
  if (programName(cmd) !== 'yarn') return undefined;
  const ops = operands(cmd).map((w) => w.value);
  return ops[0] === 'config' && ops[1] === 'set' && ops.length >= 4 ? { key: ops[2], value: ops[3], home: programArgs(cmd).some((w) => w.value === '-H' || w.value === '--home') } : undefined;
}

/**
 * A berry setting as the yarn command `cmd` sees it: its environment variable (`YARN_NODE_LINKER`
 * for nodeLinker), else what the project's .yarnrc.yml and the last `yarn config set <key>` before
 * it along the FROM chain leave, the build context's .yarnrc.yml counting when a COPY/ADD before it
 * put that file in the folder it runs in. `yarn config set` writes the project's .yarnrc.yml, which
 * a later COPY of the context's file replaces (its value then holds, or none: berry's default); with
 * `-H` it writes ~/.yarnrc.yml, below any value the project's file sets. Undefined when none tells.
 * The rules only speak on what this answers (a wrong node-modules would have them delete a
 * Plug'n'Play install), so a copy it cannot place stays unseen rather than guessed.
 */
export function yarnSetting(instr: Instr, cmd: ShellCommand, key: keyof Omit<YarnrcFacts, 'path'>, env: (name: string) => string | undefined, context?: BuildContextFacts): string | undefined {
  const fromEnv = env(`YARN_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
  if (fromEnv !== undefined) return fromEnv;
  let set = configsBefore(instr).get(key);
  const inRun = instr.run && lastSetBefore(instr.run, cmd, key);
  if (inRun) set = { value: inRun.value, home: inRun.home, at: instr };
  const copy = context?.yarnrc && lastCopyBefore(instr, context.yarnrc.path, cmd);
  if (!copy) return set?.value;
  const fromFile = context!.yarnrc![key];
  // A project setting made after the copy edits the copied file; one made before it was overwritten.
  if (set && (set.home ? fromFile === undefined : set.at.index > copy.index)) return set.value;
  return fromFile;
}

/**
 * The last `yarn config set <key>` of the RUN's commands before the first that starts at or after
 * `cmd`. Per RUN, its sets of each key are listed once, by start, and found by binary search: a
 * walk over the RUN per yarn command was quadratic. (A RUN's commands are in the order of their
 * starts; if one were not, the walk is kept.)
 */
function lastSetBefore(run: RunScript, cmd: ShellCommand, key: string): { value: string; home: boolean } | undefined {
  let sets = setsByRun.get(run);
  if (!sets) {
    const byKey = new Map<string, { start: number; value: string; home: boolean }[]>();
    let sorted = true;
    run.commands.forEach((c, i) => {
      if (i > 0 && c.start <= run.commands[i - 1].start) sorted = false;
      const s = configSet(c);
      if (!s) return;
      const list = byKey.get(s.key);
      if (list) list.push({ start: c.start, ...s });
      else byKey.set(s.key, [{ start: c.start, ...s }]);
    });
    setsByRun.set(run, (sets = sorted ? byKey : 'walk'));
  }
  if (sets === 'walk') {
    let set: { value: string; home: boolean } | undefined;
    for (const c of run.commands) {
      if (c.start >= cmd.start) break;
      const s = configSet(c);
      if (s?.key === key) set = s;
    }
    return set;
  }
  const list = sets.get(key) ?? [];
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start < cmd.start) lo = mid + 1;
    else hi = mid;
  }
  return list[lo - 1];
}

/**
 * The folder `yarn config set cache-folder <dir>` gave yarn 1 before `cmd` (in its RUN, else along
 * its FROM chain), when an absolute one. yarn 1.22.22 writes it to the .yarnrc of its home
 * (/usr/local/share as root, else $HOME) and then caches in <dir>/v6 (measured, XDG_CACHE_HOME set
 * too), so it counts for a RUN of the same user: root for both, or the same USER instruction.
 */
export function yarnConfiguredCacheFolder(instr: Instr, cmd: ShellCommand): string | undefined {
  const inRun = instr.run && lastSetBefore(instr.run, cmd, 'cache-folder');
  const set = inRun ? { value: inRun.value, at: instr } : configsBefore(instr).get('cache-folder');
  if (!set?.value.startsWith('/')) return undefined;
  const user = (i: Instr) => earlierAlongChain(i, 'USER').at(-1);
  return set.at === instr || (runsAsRoot(set.at) ? runsAsRoot(instr) : user(set.at) === user(instr)) ? set.value : undefined;
}

const setsByRun = new WeakMap<RunScript, Map<string, { start: number; value: string; home: boolean }[]> | 'walk'>();

/**
 * Whether the build context shows `cmd` a Yarn 2+ project: its .yarnrc.yml, or its package.json
 * whose packageManager names yarn 2 or later (corepack then runs that yarn; yarn 1.22 refuses to
 * run there without corepack), copied before `cmd` into the folder it runs in.
 */
export function copiesBerryProject(instr: Instr, cmd: ShellCommand, context?: BuildContextFacts): boolean {
  if (!context) return false;
  const { yarnrc, npmManifest } = context;
  if (yarnrc && copiedBefore(instr, yarnrc.path, cmd)) return true;
  return !!npmManifest?.packageManager && /^yarn@v?([2-9]|[1-9]\d)/.test(npmManifest.packageManager) && copiedBefore(instr, npmManifest.path, cmd);
}

/** A key for the context files {@link copiesBerryProject} reads (the same while they are the same objects). */
export function berryProjectKey({ yarnrc, npmManifest }: BuildContextFacts): string {
  return `${yarnrc ? identityKey(yarnrc) : ''}/${npmManifest ? identityKey(npmManifest) : ''}`;
}
