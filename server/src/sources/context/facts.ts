/**
 * Everything the analysis needs to know about a Dockerfile's build context, read from disk:
 * which folder is the context (a setting, a Compose service that builds this Dockerfile, a folder
 * inferred from what it copies, or the Dockerfile's folder), which ignore file applies, and what a
 * scan of the context measured.
 *
 * The language server keeps scans in a `ContextScans` cache (background, cancellable); the CLI
 * awaits the same scan with the same limits.
 */
import * as fs from '../fsAsync';
import * as path from 'node:path';
import { compilePattern, goClean, ignoreBeyondLimits, ignoreFileCandidates, testPattern } from '../../core/dockerignore';
import type { BuildContextFacts, ContextScanFacts, NpmLockfileFacts, NpmManifestFacts, PyprojectFacts, YarnrcFacts } from '../../core/environment';
import type { NpmLockEntry } from '../../sizes/npm';
import { composeBuildTargets, composeTargetsFor, readComposeFiles } from './compose';
import { isDockerfileName } from '../files';
import type { BuiltElsewhere } from '../../core/dockerignore';
import { inferContext } from './inference';
import { readNpmManifest } from './npmManifest';
import { readYarnrc } from './yarnrc';
import { readPyproject } from './pyproject';
import { readFirst, readListedFile } from '../readFirst';
import type { ContextScanResult } from './scan';

/** A setting for every Dockerfile (a string), or per Dockerfile glob (a map); read by {@link settingFor}. */
export type PerDockerfileSetting = string | Record<string, string> | undefined;

/** `dockerfileSizeHints.buildContext`: one context for every Dockerfile, or Dockerfile glob -> context. */
export type BuildContextSetting = PerDockerfileSetting;

export interface ContextLayout {
  /** Absolute workspace folders; the setting's paths and the Compose search are relative to them. */
  workspaceFolders: readonly string[];
  buildContext?: BuildContextSetting;
}

export interface ResolvedContext {
  /** Absolute path of the build context. */
  dir: string;
  via: 'setting' | 'compose' | 'inferred' | 'dockerfile-folder';
  /** The setting key or Compose file and service that decided, or why the context was inferred (inference.ts). */
  detail?: string;
  /** The stage the Compose services that build the Dockerfile there all name as `build.target`. */
  target?: string;
}

/** The workspace folder that holds `file` (the deepest one), if any. */
export function workspaceFolderOf(file: string, folders: readonly string[]): string | undefined {
  const inside = folders.filter((f) => file === f || file.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
  return inside.sort((a, b) => b.length - a.length)[0];
}

/** Posix form of a relative path. */
function posix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * What a per-Dockerfile setting (`buildContext`, `target`) gives `dockerfilePath`: a string applies
 * to every Dockerfile, a map gives the value of its first glob that matches the Dockerfile's path
 * in its workspace folder. `base` is that folder (else the Dockerfile's own), which relative
 * values start from; `key` is the glob that matched, or the string itself.
 */
export function settingFor(setting: PerDockerfileSetting, dockerfilePath: string, workspaceFolders: readonly string[]): { value: string; key: string; base: string } | undefined {
  const base = workspaceFolderOf(dockerfilePath, workspaceFolders) ?? path.dirname(dockerfilePath);
  if (typeof setting === 'string') return setting.trim() ? { value: setting.trim(), key: setting, base } : undefined;
  if (!setting || typeof setting !== 'object') return undefined;
  const rel = posix(path.relative(base, dockerfilePath));
  for (const [glob, value] of Object.entries(setting)) {
    if (typeof value !== 'string' || !value.trim()) continue;
    // Globs use the .dockerignore syntax (`*`, `?`, `[...]`, `**`), matched against the Dockerfile's path in the workspace.
    if (testPattern(compilePattern(goClean(glob.replace(/^\/+/, ''))), rel)) return { value: value.trim(), key: glob, base };
  }
  return undefined;
}

/** `dir` and its parents up to the workspace folder `folder` (to the root without one), at most 32. */
function foldersUp(dir: string, folder: string | undefined): string[] {
  const stop = folder ?? path.parse(dir).root;
  const dirs: string[] = [];
  for (; dirs.length < 32; ) {
    dirs.push(dir);
    const parent = path.dirname(dir);
    if (dir === stop || parent === dir || !dir.startsWith(stop)) break;
    dir = parent;
  }
  return dirs;
}

/** Which folder is the build context of `dockerfilePath` (absolute). Never rejects. */
export async function resolveBuildContext(dockerfilePath: string, layout: ContextLayout): Promise<ResolvedContext> {
  const folder = workspaceFolderOf(dockerfilePath, layout.workspaceFolders);
  const set = settingFor(layout.buildContext, dockerfilePath, layout.workspaceFolders);
  if (set) return { dir: path.resolve(set.base, set.value), via: 'setting', detail: set.key };
  // The nearest Compose file, from the Dockerfile's folder up to the workspace folder, that builds this Dockerfile.
  const dirs = foldersUp(path.dirname(dockerfilePath), folder);
  // Every folder's Compose files read at once; the nearest folder with a match decides, without
  // waiting for the reads in the folders above it.
  const reads = dirs.map(readComposeFiles);
  for (const read of reads) {
    const targets = composeTargetsFor(dockerfilePath, await read);
    if (targets.length > 0) {
      const target = targets.every((t) => t.target === targets[0].target) ? targets[0].target : undefined;
      return { dir: targets[0].contextDir, via: 'compose', detail: `${path.basename(targets[0].composeFile)} service ${targets[0].service}`, ...(target ? { target } : {}) };
    }
  }
  // Nothing names the context: the folder where what the Dockerfile copies exists, inside the workspace folder only.
  const inferred = folder === undefined ? undefined : await inferContext(dockerfilePath, dirs, folder);
  if (inferred) return { dir: inferred.dir, via: 'inferred', detail: inferred.detail };
  return { dir: path.dirname(dockerfilePath), via: 'dockerfile-folder' };
}

export interface ContextOnDisk {
  context: ResolvedContext;
  /** The ignore file the build uses, with its text; `notEvaluated` says why it is beyond the limits (then nothing scans the context). */
  ignoreFile?: { path: string; text: string; kind: 'dockerfile-specific' | 'context'; notEvaluated?: string };
  /** Names at the top of the context (empty when it cannot be read). */
  names: string[];
  /** The npm lockfile at the top of the context, when there is one that can be read. */
  npmLockfile?: NpmLockfileFacts;
  /** package.json at the top of the context, when there is one that can be read. */
  npmManifest?: NpmManifestFacts;
  /** .yarnrc.yml at the top of the context, when there is one that can be read. */
  yarnrc?: YarnrcFacts;
  /** pyproject.toml at the top of the context, when there is one that can be read. */
  pyproject?: PyprojectFacts;
}

/** Lockfiles larger than this are not read (the biggest monorepo lockfiles stay well below it). */
const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/**
 * The packages an npm lockfile (lockfileVersion 2 or 3: its `packages` map) installs. Undefined
 * for unreadable or older lockfiles, which list packages in another shape.
 */
export function parseNpmLockfile(text: string, path: string): NpmLockfileFacts | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const map = (doc as { packages?: unknown } | null)?.packages;
  if (!map || typeof map !== 'object') return undefined;
  const packages: NpmLockEntry[] = [];
  const names = (e: Record<string, unknown>, fields: string[]) => [...new Set(fields.flatMap((f) => (e[f] && typeof e[f] === 'object' ? Object.keys(e[f] as object) : [])))];
  const root = (map as Record<string, unknown>)[''];
  const rootRequires = root && typeof root === 'object' ? names(root as Record<string, unknown>, ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies']) : [];
  for (const [key, raw] of Object.entries(map as Record<string, unknown>)) {
    const at = key.lastIndexOf('node_modules/');
    if (at < 0 || !raw || typeof raw !== 'object') continue; // the root project and workspace folders
    const e = raw as Record<string, unknown>;
    if (e.link === true) continue; // a workspace: its files come from the context, not from npm
    const name = typeof e.name === 'string' ? e.name : key.slice(at + 'node_modules/'.length);
    const version = typeof e.version === 'string' ? e.version : '';
    const resolved = typeof e.resolved === 'string' ? e.resolved : '';
    const entry: NpmLockEntry = { location: key, name, version };
    const requires = names(e, ['dependencies', 'optionalDependencies', 'peerDependencies']);
    if (requires.length) entry.requires = requires;
    if (e.dev === true) entry.dev = true;
    if (e.optional === true || e.devOptional === true) entry.optional = true;
    if (/^(git|github:|file:|link:)/.test(resolved) || (resolved !== '' && !/\.tgz(\?|#|$)/.test(resolved))) entry.notRegistry = true;
    else if (resolved) entry.resolved = true;
    for (const field of ['os', 'cpu', 'libc'] as const) {
      const list = strings(e[field]);
      if (list) entry[field] = list;
    }
    packages.push(entry);
  }
  return { path, packages, rootRequires };
}

/** The npm lockfiles read at the top of the context, the one npm prefers first. */
export const NPM_LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'];

/** npm-shrinkwrap.json (which npm prefers) or package-lock.json at the top of the context. */
async function readNpmLockfile(dir: string, names: readonly string[]): Promise<NpmLockfileFacts | undefined> {
  const name = NPM_LOCKFILE_NAMES.find((n) => names.includes(n));
  const text = name === undefined ? undefined : await readListedFile(dir, names, name, MAX_LOCKFILE_BYTES);
  return text === undefined ? undefined : parseNpmLockfile(text, name!);
}

/** Resolves the context and reads the ignore file that applies (the per-Dockerfile one first). Never rejects. */
export async function readContext(dockerfilePath: string, layout: ContextLayout): Promise<ContextOnDisk> {
  const context = await resolveBuildContext(dockerfilePath, layout);
  const candidates = ignoreFileCandidates(dockerfilePath, context.dir);
  // Both ignore files and the listing at once: the first candidate that exists is the one the build uses.
  const [found, names] = await Promise.all([readFirst(candidates.map((c) => c.path)), fs.readdir(context.dir).catch(() => [] as string[])]);
  let ignoreFile: ContextOnDisk['ignoreFile'];
  if (found) {
    const notEvaluated = ignoreBeyondLimits(found.text);
    ignoreFile = { ...candidates.find((c) => c.path === found.path)!, text: found.text, ...(notEvaluated === undefined ? {} : { notEvaluated }) };
  }
  const [npmLockfile, npmManifest, yarnrc, pyproject] = await Promise.all([readNpmLockfile(context.dir, names), readNpmManifest(context.dir, names), readYarnrc(context.dir, names), readPyproject(context.dir, names)]);
  return { context, ignoreFile, names, npmLockfile, npmManifest, yarnrc, pyproject };
}

const factsOfScans = new WeakMap<ContextScanResult, ContextScanFacts>();

/**
 * The scan figures the rules read: one object per scan, so that every analysis of an unchanged
 * context sees the same (rules key their kept findings on it, core/buildContext.ts contextCopyKey).
 */
export function scanFacts(result: ContextScanResult): ContextScanFacts {
  let facts = factsOfScans.get(result);
  if (!facts) factsOfScans.set(result, (facts = readScan(result)));
  return facts;
}

function readScan(result: ContextScanResult): ContextScanFacts {
  return {
    complete: result.complete,
    files: result.included.files,
    bytes: result.included.bytes,
    topLevel: result.largest.map((p) => ({ path: p.path, bytes: p.bytes, files: p.files, isDirectory: p.isDirectory })),
    heavy: result.notable.filter((n) => n.bytes > 0).map((n) => ({ path: n.path, bytes: n.bytes, files: n.files, kind: n.kind })),
    secrets: result.secrets.map((s) => ({ path: s.path, kind: s.kind, reason: s.reason })),
    folders: result.folders,
    // The scan's own arrays, not copies; only when nothing was left unread (a folder it could not
    // open, excluded folders not walked), else a path missing from them may still be there.
    ...(result.complete && result.excluded.measured && result.errors.length === 0 && result.paths ? { listing: result.paths } : {}),
  };
}

/** Turns what was read (and scanned, when a scan finished) into the facts the core receives. */
export function contextFacts(dockerfilePath: string, disk: ContextOnDisk, scan?: ContextScanResult): BuildContextFacts {
  const from = path.dirname(dockerfilePath);
  const rel = (p: string) => posix(path.relative(from, p)) || '.';
  return {
    hasDockerignore: disk.ignoreFile !== undefined,
    topLevelNames: disk.names,
    ...(disk.ignoreFile ? { ignoreFile: { relativePath: rel(disk.ignoreFile.path), text: disk.ignoreFile.text, ...(disk.ignoreFile.notEvaluated === undefined ? {} : { notEvaluated: disk.ignoreFile.notEvaluated }) } } : {}),
    newIgnoreFilePath: rel(path.join(disk.context.dir, '.dockerignore')),
    ...(disk.context.via === 'inferred' && disk.context.detail ? { inferredContext: disk.context.detail } : {}),
    ...(disk.context.target ? { buildTarget: disk.context.target } : {}),
    ...(scan ? { scan: scanFacts(scan) } : {}),
    ...(disk.npmLockfile ? { npmLockfile: disk.npmLockfile } : {}),
    ...(disk.npmManifest ? { npmManifest: disk.npmManifest } : {}),
    ...(disk.yarnrc ? { yarnrc: disk.yarnrc } : {}),
    ...(disk.pyproject ? { pyproject: disk.pyproject } : {}),
  };
}

/**
 * The build context an ignore file applies to: its own folder for `.dockerignore`; for
 * `<name>.dockerignore`, the context of the Dockerfile `<name>` beside it.
 */
export async function contextOfIgnoreFile(ignorePath: string, layout: ContextLayout): Promise<{ dir: string; dockerfile?: string }> {
  const base = path.basename(ignorePath);
  if (base === '.dockerignore' || !base.endsWith('.dockerignore')) return { dir: path.dirname(ignorePath) };
  const dockerfile = ignorePath.slice(0, -'.dockerignore'.length);
  return { dir: (await resolveBuildContext(dockerfile, layout)).dir, dockerfile };
}

/** How a resolved context was chosen, for the user. */
function howChosen(context: ResolvedContext): string {
  if (context.via === 'compose') return `Compose: ${context.detail}`;
  if (context.via === 'setting') return `the buildContext setting (\`${context.detail}\`)`;
  return context.detail ?? 'its own folder';
}

/**
 * The Dockerfiles beside a `.dockerignore` when every one of them is built with another context,
 * so that no build reads the file; undefined when one of them, a Compose service or the setting
 * uses its folder as a context, when there is no Dockerfile beside it (a context folder for
 * Dockerfiles elsewhere), and for `<name>.dockerignore`, which the builder reads beside the
 * Dockerfile whatever the context. Never rejects.
 */
export async function ignoreFileNotRead(ignorePath: string, layout: ContextLayout): Promise<BuiltElsewhere[] | undefined> {
  if (path.basename(ignorePath) !== '.dockerignore') return undefined;
  const dir = path.dirname(ignorePath);
  const dockerfiles = (await fs.readdir(dir).catch(() => [] as string[])).filter(isDockerfileName).sort();
  if (dockerfiles.length === 0) return undefined;
  const set = layout.buildContext;
  const base = workspaceFolderOf(dir, layout.workspaceFolders) ?? dir;
  const values = typeof set === 'string' ? [set] : set && typeof set === 'object' ? Object.values(set) : [];
  if (values.some((v) => typeof v === 'string' && v.trim() && path.resolve(base, v.trim()) === dir)) return undefined;
  // A Compose service anywhere from this folder up that builds with this folder as its context.
  const composeFiles = await Promise.all(foldersUp(dir, workspaceFolderOf(dir, layout.workspaceFolders)).map(readComposeFiles));
  if (composeFiles.flat().some((f) => composeBuildTargets(f).targets.some((t) => t.contextDir === dir))) return undefined;
  const contexts = await Promise.all(dockerfiles.map((name) => resolveBuildContext(path.join(dir, name), layout)));
  if (contexts.some((c) => c.dir === dir)) return undefined;
  return dockerfiles.map((name, i) => ({ dockerfile: name, context: posix(path.relative(dir, contexts[i].dir)) || '.', how: howChosen(contexts[i]) }));
}
