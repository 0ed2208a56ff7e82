/**
 * Which npm commands install from the build context's lockfile, and what the npm package table
 * makes of it. Asked by the whole-image estimate and by the npm rules (their messages and savings
 * give this project's figures when the lockfile tells them).
 */
import { contextSources, identityKey, literalSourcePath } from './buildContext';
import { compilePattern, testPattern } from './dockerignore';
import type { AnalysisEnvironment, NpmLockfileFacts, NpmManifestFacts } from './environment';
import type { Instr, Stage } from './model';
import { installsGlobally, npmPackageOperands, omitsDevDependencies, omitsOptional } from './npmCommand';
import { programArgs, type ShellCommand, type ShellWord } from './shell';
import { jsonForm } from './execForm';
import { commandCwd } from './paths';
import { resolvePath, workdirAt } from './workdir';
import { estimateNpmInstall, estimateNpmLockfile, type NpmEstimate } from '../sizes';

/** npm subcommands that update to what the registry has at build time, whatever the lockfile says. */
export const NPM_UPDATE: ReadonlySet<string> = new Set(['update', 'up', 'upgrade']);

/**
 * The lockfile `npm <sub>` installs from: a command without package names, not an update nor a
 * global install, in a RUN after a COPY/ADD that copies the context's lockfile. Undefined otherwise.
 * `named`: one with names counts too (npm 7 and later install the lockfile's packages beside them).
 */
export function installedLockfile(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, sub: ShellWord, named = false): NpmLockfileFacts | undefined {
  const lockfile = env.context.npmLockfile;
  if (!lockfile || NPM_UPDATE.has(sub.value) || installsGlobally(cmd) || (!named && npmPackageOperands(cmd, sub).length > 0)) return undefined;
  return copiedBefore(instr, lockfile.path, cmd) ? lockfile : undefined;
}

/**
 * True when a COPY/ADD before `instr` along its FROM chain copies `path` from the top of the build
 * context; with `cmd`, an npm command, into the folder it runs in. npm reads the package.json and
 * lockfile of that folder: after `COPY . .` to /app, `RUN cd frontend && npm install` installs
 * frontend/package.json, not the context's. False when that folder is not known (a cd that cannot
 * be followed, `--prefix`).
 */
export function copiedBefore(instr: Instr, path: string, cmd?: ShellCommand): boolean {
  return lastCopyBefore(instr, path, cmd) !== undefined;
}

/** The last COPY/ADD {@link copiedBefore} finds (the one whose file the command sees), or undefined. */
export function lastCopyBefore(instr: Instr, path: string, cmd?: ShellCommand): Instr | undefined {
  const cwd = cmd && !programArgs(cmd).some((w) => /^--prefix(=|$)/.test(w.value) || w.value === '-C') ? commandCwd(instr, cmd) : undefined;
  if (cmd && cwd === undefined) return undefined;
  // The stage's own instructions come after its parent's: the first stage with a copy has the last one.
  for (let st: Stage | undefined = instr.stage; st; st = st.from.stage) {
    let last: Instr | undefined;
    for (const i of st.instructions) {
      if (i.index >= instr.index) break;
      const sources = contextSources(i);
      for (const src of sources) {
        const cleaned = src.value.replace(/^(\.\/)+/, '');
        const copies = src.whole || literalSourcePath(src.value) === path || (/[*?[]/.test(cleaned) && !cleaned.includes('/') && testPattern(compilePattern(cleaned), path));
        if (copies && (cwd === undefined || folderCopiedTo(i, path, src.whole || sources.length > 1) === cwd)) last = i;
      }
    }
    if (last) return last;
  }
  return undefined;
}

/** The folder `copy` puts the context's top-level file `path` in; undefined when it cannot tell (a variable) or the file is renamed. */
function folderCopiedTo(copy: Instr, path: string, intoFolder: boolean): string | undefined {
  const json = jsonForm(copy.node);
  const dest = json ? json.words.at(-1) : copy.node.getArguments().at(-1)?.getValue();
  const cwd = workdirAt(copy);
  const destPath = dest === undefined || cwd === undefined ? undefined : resolvePath(dest, cwd);
  if (destPath === undefined) return undefined;
  if (intoFolder || dest!.endsWith('/') || dest === '.') return destPath;
  // One file copied to a file name: the folder holding it, when the name stays.
  const slash = destPath.lastIndexOf('/');
  return destPath.slice(slash + 1) === path ? destPath.slice(0, slash) || '/' : undefined;
}

/**
 * {@link estimateNpmLockfile}, kept per lockfile (the language server keeps one lockfile object
 * until the file changes) and options: every analysis of every keystroke asks again.
 */
const estimates = new WeakMap<NpmLockfileFacts, Map<string, NpmEstimate & { installed: number }>>();
export function lockfileEstimate(lockfile: NpmLockfileFacts, opts: { omitDev?: boolean; omitOptional?: boolean }): NpmEstimate & { installed: number } {
  let kept = estimates.get(lockfile);
  if (!kept) estimates.set(lockfile, (kept = new Map()));
  const key = `${+!!opts.omitDev}${+!!opts.omitOptional}`;
  let est = kept.get(key);
  if (!est) kept.set(key, (est = estimateNpmLockfile(lockfile, opts)));
  return est;
}

/**
 * The package.json `npm install` installs from when it has no lockfile: a command without package
 * names, not an update nor a global install, in a RUN after a COPY/ADD that copies the context's
 * package.json but not its lockfile. Undefined otherwise, and for a workspaces root (its
 * workspaces' own package.json files add packages) or `npm ci` (which fails without a lockfile).
 */
export function installedManifest(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, sub: ShellWord): NpmManifestFacts | undefined {
  const manifest = env.context.npmManifest;
  if (!manifest || manifest.workspaces || !NPM_INSTALL.has(sub.value) || installsGlobally(cmd) || npmPackageOperands(cmd, sub).length > 0) return undefined;
  if (!copiedBefore(instr, manifest.path, cmd)) return undefined;
  const lockfile = env.context.npmLockfile;
  return lockfile && copiedBefore(instr, lockfile.path, cmd) ? undefined : manifest;
}

/** The subcommands of npmInstallWord that install package.json without a lockfile; `npm ci` fails without one. */
const NPM_INSTALL: ReadonlySet<string> = new Set(['install', 'i', 'in', 'ins', 'isntall', 'add', 'install-test', 'it']);

/**
 * What `npm install` of a package.json without a lockfile installs, from the npm package table:
 * each dependency's range resolved as npm would against the versions the table holds (npm takes
 * the newest version the registry has that fits, so a newer release may differ), and what they
 * pull in.
 */
export function manifestEstimate(manifest: NpmManifestFacts, opts: { omitDev?: boolean; omitOptional?: boolean }): NpmEstimate {
  const specs = [...manifest.dependencies, ...(opts.omitDev ? [] : manifest.devDependencies), ...(opts.omitOptional ? [] : manifest.optionalDependencies)];
  return estimateNpmInstall(specs, { omitOptional: opts.omitOptional });
}

/** What an npm command installs from the build context's project (see {@link projectInstall}). */
export interface ProjectInstall {
  /** The file it installs from, relative to the context root. */
  path: string;
  /** From a lockfile; else from package.json, its ranges resolved against the npm table. */
  fromLockfile: boolean;
  estimate: NpmEstimate;
  /** The packages installed (a lockfile's entries, nested copies included). */
  count: number;
}

/**
 * What `npm <sub>` installs from the build context, with the command's omissions (--omit=dev,
 * --omit=optional): the lockfile copied before the RUN ({@link installedLockfile}), else the
 * package.json copied without it ({@link installedManifest}). Undefined when it installs from
 * neither. The whole-image estimate and npm-cache-kept ask the same.
 */
export function projectInstall(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, sub: ShellWord): ProjectInstall | undefined {
  const opts = { omitDev: omitsDevDependencies(instr, cmd), omitOptional: omitsOptional(instr, cmd) };
  const lockfile = installedLockfile(env, instr, cmd, sub);
  if (lockfile) {
    const estimate = lockfileEstimate(lockfile, opts);
    return { path: lockfile.path, fromLockfile: true, estimate, count: estimate.installed };
  }
  const manifest = installedManifest(env, instr, cmd, sub);
  if (!manifest) return undefined;
  const estimate = manifestEstimate(manifest, opts);
  return { path: manifest.path, fromLockfile: false, estimate, count: estimate.packages.length };
}

/**
 * A key for the lockfile and package.json of `env` (the same while they are the same objects), for
 * family rules that read them: their kept findings are reused only while they stay the same.
 */
export function lockfileKey(env: AnalysisEnvironment): string {
  const { npmLockfile, npmManifest } = env.context;
  return `${npmLockfile ? identityKey(npmLockfile) : ''}/${npmManifest ? identityKey(npmManifest) : ''}`;
}
