/**
 * How an `npm install` command line reads: which words name packages, and whether the install
 * leaves devDependencies out. Shared by the npm-dev-dependencies rule and the layer estimate.
 */
import { hasFlag, lastRan, operands, ranCommands, ranIndex } from './commands';
import { envFor, flagValue, isTruthy } from './packageManagers';
import type { Instr, RunScript, Stage } from './model';
import { programArgs, programName, type ShellCommand, type ShellWord } from './shell';
import { parseImageReference } from '../sizes';

/** Options whose value may be a separate word (so that word is not a package name). */
const VALUE_OPTIONS = new Set(['--omit', '--only', '--include', '--prefix', '--cache', '--registry', '--loglevel', '--workspace', '-w', '--userconfig', '--globalconfig', '--install-strategy', '--location', '--tag', '--before', '--script-shell']);

/** The words after the install subcommand `sub` that name packages (flags and option values skipped). */
export function npmPackageOperands(cmd: ShellCommand, sub: ShellWord): ShellWord[] {
  const words = programArgs(cmd);
  const out: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.start <= sub.start || w.value.startsWith('-')) continue;
    if (VALUE_OPTIONS.has(words[i - 1]?.value ?? '')) continue;
    out.push(w);
  }
  return out;
}

/** Each value of a list option (`--omit dev --omit=optional`: each use adds one); undefined when absent. */
function optionValues(cmd: ShellCommand, name: string): string[] | undefined {
  const words = programArgs(cmd).map((w) => w.value);
  let out: string[] | undefined;
  for (let i = 0; i < words.length; i++) {
    if (words[i].startsWith(name + '=')) (out ??= []).push(words[i].slice(name.length + 1));
    else if (words[i] === name) (out ??= []).push(words[++i] ?? '');
  }
  return out;
}

/** A boolean option (`--dev`, `--no-optional`, `--production=false`, `--production false`); the last use wins. */
export function booleanOption(cmd: ShellCommand, ...names: string[]): boolean | undefined {
  const words = programArgs(cmd).map((w) => w.value);
  let out: boolean | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (const name of names) {
      if (w === `--no-${name}`) out = false;
      else if (w.startsWith(`--${name}=`)) out = !/^(false|0)$/.test(w.slice(name.length + 3));
      else if (w === `--${name}`) out = words[i + 1] === 'false' ? (i++, false) : (words[i + 1] === 'true' && i++, true);
    }
  }
  return out;
}

/**
 * The dependency types (`dev`, `optional`, `peer`) this npm command leaves out and those it asks
 * for, worked out as npm 10 and 11 do (the omit list of @npmcli/config): `--omit` (each use adds
 * one; any use replaces npm_config_omit, and either replaces the default, `dev` under
 * NODE_ENV=production), `--only=prod`/`--production` add dev; `--include`, `--dev`, `--also=dev`
 * and `--production=false` ask for dev and win over every omission; values npm rejects
 * (`--omit=dev,optional`) count for nothing. Checked on 2026-12-04 with npm 10.9.9 and 11.19.1:
 * `NODE_ENV=production npm ci --include=dev` and `NODE_ENV=production npm ci --omit=optional`
 * install the devDependencies, `npm ci --omit optional --omit dev` does not. `omitGiven`: an
 * `--omit` or npm_config_omit is set (a rejected value too: NODE_ENV=production npm ci
 * --omit=dev,optional installs them, npm 11.19.1), so NODE_ENV=production changes nothing.
 */
export function npmDependencyTypes(instr: Instr, cmd: ShellCommand): NpmDependencyTypes {
  // Asked of the same install by several rules (npm-cache-kept, npm-dev-dependencies, the image
  // estimate), each time with about ten environment lookups by a name made for the question.
  let byCommand = dependencyTypes.get(instr);
  if (!byCommand) dependencyTypes.set(instr, (byCommand = new Map()));
  let types = byCommand.get(cmd);
  if (!types) byCommand.set(cmd, (types = workOutDependencyTypes(instr, cmd)));
  return types;
}

/** {@link npmDependencyTypes}'s answer: shared by every caller, so read it only. */
type NpmDependencyTypes = { readonly omitted: ReadonlySet<string>; readonly included: ReadonlySet<string>; readonly omitGiven: boolean };

/** By instruction (of one model version: what an ENV or ARG above it says is fixed), then command (a RUN's script may be shared by versions). */
const dependencyTypes = new WeakMap<Instr, Map<ShellCommand, NpmDependencyTypes>>();

function workOutDependencyTypes(instr: Instr, cmd: ShellCommand): NpmDependencyTypes {
  const env = (name: string) => envFor(instr, cmd, `npm_config_${name}`, true)?.replace(/^["']|["']$/g, '');
  const list = (name: string) => {
    const values = optionValues(cmd, `--${name}`) ?? (env(name) === undefined ? undefined : [env(name)!]);
    return values?.filter((v) => /^(dev|optional|peer)$/.test(v));
  };
  const flag = (name: string, ...aliases: string[]) => booleanOption(cmd, name, ...aliases) ?? (env(name) === undefined ? undefined : isTruthy(env(name)));
  const production = envFor(instr, cmd, 'NODE_ENV')?.replace(/^["']|["']$/g, '') === 'production';
  const given = list('omit');
  const omit = given ?? (production ? ['dev'] : []);
  const include = list('include') ?? [];
  const prod = flag('production', 'prod');
  if (/^prod(uction)?$/.test(flagValue(cmd, '--only') ?? env('only') ?? '') || prod) omit.push('dev');
  else if (prod === false) include.push('dev');
  if (/^dev/.test(flagValue(cmd, '--also') ?? env('also') ?? '') || flag('dev')) include.push('dev');
  const optional = flag('optional');
  if (optional !== undefined) (optional ? include : omit).push('optional');
  return { omitted: new Set(omit.filter((t) => !include.includes(t))), included: new Set(include), omitGiven: given !== undefined };
}

/** True when the command (or its environment) leaves devDependencies out. */
export function omitsDevDependencies(instr: Instr, cmd: ShellCommand): boolean {
  return npmDependencyTypes(instr, cmd).omitted.has('dev');
}

/**
 * What an edit adds to an npm command to leave the devDependencies out: `flag` (`--omit=dev`, npm
 * 6's `--production`) and, unless the command has an --omit of its own, an --omit for each type
 * npm_config_omit leaves out, since any --omit replaces that variable (npm 11.19.1 and 9.9.4 under
 * npm_config_omit=optional: `npm ci --omit=dev` and `npm prune --omit=dev` installed the optional
 * dependencies).
 */
export function devOmitFlags(instr: Instr, cmd: ShellCommand, flag: string): string {
  const types = npmDependencyTypes(instr, cmd);
  const env = flag === '--omit=dev' && types.omitGiven && !hasFlag(cmd, '--omit') ? [...types.omitted].filter((t) => t !== 'dev') : [];
  return [flag, ...env.map((t) => `--omit=${t}`)].join(' ');
}

/** `npm prune`. */
export function isNpmPrune(cmd: ShellCommand): boolean {
  return programName(cmd) === 'npm' && operands(cmd)[0]?.value === 'prune';
}

/**
 * Where the RUN (as it runs) last runs `npm prune`; -1 for nowhere. That one decides: npm prune
 * installs again what it does not leave out (npm 10.9.9 and 11.19.1: a plain prune after `npm
 * prune --omit=dev` brought the devDependencies back).
 */
export function lastPrune(run: RunScript): number {
  return lastRan(run, isNpmPrune);
}

/** `--omit=optional` / `--no-optional`: optional dependencies are not installed. */
export function omitsOptional(instr: Instr, cmd: ShellCommand): boolean {
  return npmDependencyTypes(instr, cmd).omitted.has('optional');
}

/** `--legacy-peer-deps` / `--omit=peer`: peer dependencies are not installed. */
export function omitsPeer(instr: Instr, cmd: ShellCommand): boolean {
  return npmDependencyTypes(instr, cmd).omitted.has('peer') || hasFlag(cmd, '--legacy-peer-deps') || isTruthy(envFor(instr, cmd, 'npm_config_legacy_peer_deps', true));
}

/** `-g` / `--global` / `--location=global` (or `--location global`). */
export function installsGlobally(cmd: ShellCommand): boolean {
  return hasFlag(cmd, '-g', '--global') || flagValue(cmd, '--location') === 'global';
}

/** A command of a RUN. */
type Placed = { instr: Instr; cmd: ShellCommand };

/**
 * A stage FROM a node image (not an earlier stage) that runs a build script after an install with
 * its devDependencies: build-tools-in-final-image reports it on the FROM line, with a builder-stage
 * rewrite, and npm-dev-dependencies leaves that install's devDependencies to that finding.
 */
export function nodeImageBuild(stage: Stage): { install: Placed; build: Placed } | undefined {
  const image = stage.from.stage ? undefined : stage.from.image;
  if (!image || parseImageReference(image)?.name !== 'node') return undefined;
  let install: Placed | undefined;
  for (const instr of stage.instructions) {
    for (const cmd of instr.run?.commands ?? []) {
      const sub = operands(cmd)[0]?.value;
      if (programName(cmd) !== 'npm') continue;
      // `--omit=optional` keeps the devDependencies: the build's install too (npm 11.19.1, 9.9.4).
      if ((sub === 'ci' || sub === 'install' || sub === 'i') && operands(cmd).length === 1 && !omitsDevDependencies(instr, cmd)) install = { instr, cmd };
      if (install && sub === 'run' && /build/.test(operands(cmd)[1]?.value ?? '')) {
        // `npm run build && npm prune --omit=dev` in the same RUN, as its last prune: the devDependencies never reach a layer (`--omit=optional` keeps them).
        const at = lastPrune(instr.run!);
        if (install.instr === instr && at > ranIndex(instr.run!, cmd) && omitsDevDependencies(instr, ranCommands(instr.run!)[at])) return undefined;
        return { install, build: { instr, cmd } };
      }
    }
  }
  return undefined;
}
