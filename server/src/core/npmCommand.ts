/**
 * How an `npm install` command line reads: which words name packages, and whether the install
 * leaves devDependencies out. Shared by the npm-dev-dependencies rule and the layer estimate.
 */
import { hasFlag } from './commands';
import { envFor, flagValue, isTruthy } from './packageManagers';
import type { Instr } from './model';
import { programArgs, type ShellCommand, type ShellWord } from './shell';

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

/** True when the command (or its environment) leaves devDependencies out. */
export function omitsDevDependencies(instr: Instr, cmd: ShellCommand): boolean {
  const args = programArgs(cmd).map((w) => w.value);
  if (hasFlag(cmd, '--production', '--prod')) return !/^(false|0)$/.test(flagValue(cmd, '--production') ?? flagValue(cmd, '--prod') ?? 'true');
  if (/^(dev|development)$/.test(flagValue(cmd, '--omit') ?? '')) return true;
  if (/^prod(uction)?$/.test(flagValue(cmd, '--only') ?? '')) return true;
  if (args.includes('--omit=dev')) return true;
  const nodeEnv = envFor(instr, cmd, 'NODE_ENV')?.replace(/^["']|["']$/g, '');
  if (nodeEnv === 'production') return true;
  if (isTruthy(envFor(instr, cmd, 'npm_config_production', true))) return true;
  return /(^|,)dev(,|$)/.test(envFor(instr, cmd, 'npm_config_omit', true) ?? '');
}

/** `--omit=optional` / `--no-optional`: optional dependencies are not installed. */
export function omitsOptional(cmd: ShellCommand): boolean {
  return hasFlag(cmd, '--no-optional', '--omit=optional') || flagValue(cmd, '--omit') === 'optional';
}

/** `--legacy-peer-deps` / `--omit=peer`: peer dependencies are not installed. */
export function omitsPeer(instr: Instr, cmd: ShellCommand): boolean {
  return hasFlag(cmd, '--legacy-peer-deps', '--omit=peer') || flagValue(cmd, '--omit') === 'peer' || isTruthy(envFor(instr, cmd, 'npm_config_legacy_peer_deps', true));
}

/** `-g` / `--global` / `--location=global` (or `--location global`). */
export function installsGlobally(cmd: ShellCommand): boolean {
  return hasFlag(cmd, '-g', '--global') || flagValue(cmd, '--location') === 'global';
}
