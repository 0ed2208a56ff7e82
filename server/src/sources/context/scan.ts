/**
 * Measures a build context the way the builder sees it: what `COPY . .` would send, what the
 * ignore file keeps out (per line), the heaviest paths, and likely secrets that are not ignored.
 *
 * Built to run in the language server's background:
 * - asynchronous (opendir and lstat, as promises), yielding to the event loop at least every
 *   few milliseconds so hovers and completions keep being answered;
 * - bounded by a number of entries and a time budget, and cancellable with an AbortSignal
 *   (the promise then rejects with the signal's reason);
 * - included paths first: excluded directories the builder would skip are measured afterwards,
 *   with whatever budget is left, so a partial result still has the important half;
 * - never follows symbolic links (Docker sends the link itself), never reads a file larger than
 *   a few KiB, and only reads the few kinds of files that can hold credentials.
 * Sizes are apparent sizes (`lstat().size`), which is what the builder transfers: a sparse 1 GB
 * file counts as 1 GB.
 */
import type { Dirent } from 'node:fs';
import * as fs from '../fsAsync';
import * as path from 'node:path';
import type { DockerignoreMatcher, MatchState } from '../../core/dockerignore';
import { notableFolderKind, secretKindsNamed, type NamedSecretKind, type NotableKind, type SecretKind } from './names';

/** Resolves on the next turn of the event loop (timers/promises would do, but is one more module to load at start-up). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export type { NotableKind, SecretKind } from './names';

export interface ContextScanOptions {
  /** The ignore rules in force; without one, everything is included. */
  matcher?: DockerignoreMatcher;
  /** Stop after visiting this many entries (files, directories, links). Default 200,000. */
  maxEntries?: number;
  /** Stop after this many milliseconds. Default 20,000. */
  maxMillis?: number;
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs` (default 250) while scanning. */
  onProgress?: (progress: ContextScanProgress) => void;
  progressIntervalMs?: number;
  /** Also walk directories the builder skips, to measure what each ignore line saves. Default true. */
  measureExcluded?: boolean;
  /** How many top-level paths and notable directories to return. Default 12. */
  topN?: number;
  /** Parallel lstat calls. Default 32. */
  concurrency?: number;
  /** Keep the relative paths of everything visited (files and directories), e.g. for diagnostics. */
  collectPaths?: boolean;
}

export interface ContextScanProgress {
  entries: number;
  includedFiles: number;
  includedBytes: number;
  elapsedMs: number;
  /** The directory being read, relative to the context root. */
  current: string;
}

export interface PathSize {
  /** Relative to the context root, `/`-separated. */
  path: string;
  isDirectory: boolean;
  /** Bytes and files the builder would receive from this path. */
  bytes: number;
  files: number;
  /** Bytes and files the ignore file keeps out of this path (as far as measured). */
  excludedBytes: number;
  excludedFiles: number;
}

export interface NotablePath extends PathSize {
  kind: NotableKind;
}

export interface SecretCandidate {
  path: string;
  kind: SecretKind;
  /** Why we think so, in a few words ("contains _authToken"). */
  reason: string;
}

export interface ContextScanResult {
  root: string;
  /** False when a limit stopped the scan: all figures are then lower bounds. */
  complete: boolean;
  stoppedBy?: 'entries' | 'time';
  included: { files: number; bytes: number; directories: number; symlinks: number };
  excluded: {
    files: number;
    bytes: number;
    /** False when some excluded directories were not measured (limits, or measureExcluded off). */
    measured: boolean;
  };
  /** Top-level entries, largest included size first. */
  largest: PathSize[];
  /** Directories that are usually dead weight in an image (.git, node_modules, .venv, build output; .NET's bin and obj beside a project file, vendor beside composer.json), at any depth. */
  notable: NotablePath[];
  /**
   * The bytes the builder receives from each folder {@link FOLDER_DEPTH} levels deep at most below
   * the top (`app/cache`, `app/cache/tmp`; the top-level ones are in `largest`), outside the
   * notable folders, at most {@link MAX_FOLDERS} of them.
   */
  folders: Map<string, number>;
  /** What each ignore line keeps out: zero-based line, files, bytes. Lines that exclude nothing are absent. */
  excludedByLine: Array<{ line: number; files: number; bytes: number }>;
  /** What each exception (`!`) line brings back into the context, same shape. */
  reincludedByLine: Array<{ line: number; files: number; bytes: number }>;
  /** Likely credentials the builder would receive. */
  secrets: SecretCandidate[];
  errors: Array<{ path: string; message: string }>;
  entries: number;
  elapsedMs: number;
  /** Relative paths visited, when `collectPaths` was set. */
  paths?: { files: string[]; dirs: string[] };
}

interface SecretFile {
  rel: string;
  name: string;
  /** The text of the file, when it is small enough to read. */
  read: () => Promise<string | undefined>;
}

/** What else a file whose name matched a kind (names.ts) needs to be reported, and the reason given: its folder, or a tell-tale line in it. */
const SECRET_CHECKS: Record<NamedSecretKind, (file: SecretFile) => string | undefined | Promise<string | undefined>> = {
  // `.env.d.ts` declares the variables' types for TypeScript and holds no value.
  dotenv: (f) => (/^\.env\.(example|sample|template|dist|defaults|schema|d\.ts)$/i.test(f.name) ? undefined : 'environment file, usually holds credentials'),
  // id_rsa.pub is the public half.
  'ssh-key': (f) => (/^id_[a-z0-9]+(_[\w-]+)?$/.test(f.name) ? 'SSH private key' : undefined),
  keystore: () => 'key store',
  'private-key': async (f) => (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test((await f.read()) ?? '') ? 'contains a PEM private key' : undefined),
  'terraform-state': () => 'Terraform state often holds secrets in clear text',
  'git-credentials': () => 'stored Git credentials',
  'aws-credentials': (f) => (f.rel.endsWith('.aws/credentials') ? 'AWS credentials file' : undefined),
  'npm-token': async (f) => (setsRegistryToken((await f.read()) ?? '') ? 'contains a registry auth token' : undefined),
  'pypi-password': async (f) => (/^\s*password\s*[=:]/m.test((await f.read()) ?? '') ? 'contains a password' : undefined),
  netrc: async (f) => (/\bpassword\b/.test((await f.read()) ?? '') ? 'contains a password' : undefined),
  'docker-auth': async (f) => (f.rel.endsWith('.docker/config.json') && /"auth"\s*:\s*"[^"]+"/.test((await f.read()) ?? '') ? 'contains registry credentials' : undefined),
};

/**
 * Whether an `.npmrc` or `.yarnrc.yml` sets a token or password to a value. A value that is only
 * an environment variable (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`, `npmAuthToken:
 * "${NPM_TOKEN}"`), as npm's and Yarn's docs advise for CI, is read when npm runs: the file holds
 * no secret.
 */
function setsRegistryToken(text: string): boolean {
  for (const m of text.matchAll(/(?:_authToken|npmAuthToken|_auth|_password)\s*[=:][ \t]*(.*)$/gm)) {
    const value = m[1].trim().replace(/^(["'])(.*)\1$/, '$2');
    if (value !== '' && !/^\$\{[^}]*\}$/.test(value)) return true;
  }
  return false;
}

/** Files above this size are never read. */
const MAX_READ_BYTES = 64 * 1024;
/** At most this many small JSON files are opened per scan when looking for service-account keys. */
const MAX_JSON_PROBES = 300;
const YIELD_EVERY_MS = 8;
/**
 * How deep below the top `folders` goes, and how many it holds: a Dockerfile names such paths
 * (`COPY app /srv` then `RUN rm -rf /srv/cache/tmp`). Measured on a context of 179,141 entries
 * (41,341 folders, most in node_modules): a size for every folder would keep 405 KB more.
 */
export const FOLDER_DEPTH = 3;
export const MAX_FOLDERS = 2048;

interface Acc {
  bytes: number;
  files: number;
  excludedBytes: number;
  excludedFiles: number;
}

interface DirTask {
  rel: string;
  state?: MatchState;
  /** Set for directories the builder skips: the deciding pattern index. */
  excludedBy?: number;
  top?: Acc;
  notable?: Acc;
  /** The sized folders this directory is or lies in (`folders`). */
  sizedIn?: Sized[];
}

interface FileTask {
  rel: string;
  name: string;
  /** Index of the pattern that excluded the file (or its skipped directory). */
  excludedBy?: number;
  /** Index of the exception that re-included the file. */
  keptBy?: number;
  top: Acc;
  notable?: Acc;
  sizedIn?: Sized[];
}

interface Sized {
  path: string;
  bytes: number;
}

function perLine(map: Map<number, { files: number; bytes: number }>): Array<{ line: number; files: number; bytes: number }> {
  return [...map.entries()].map(([line, v]) => ({ line, ...v })).sort((a, b) => a.line - b.line);
}

class Budget extends Error {
  constructor(readonly reason: 'entries' | 'time') {
    super(reason);
  }
}

/** Scans `contextDir`; rejects only when aborted or when the root is not a readable directory. */
export async function scanBuildContext(contextDir: string, options: ContextScanOptions = {}): Promise<ContextScanResult> {
  const started = Date.now();
  const root = await fs.realpath(contextDir);
  if (!(await fs.stat(root)).isDirectory()) throw new Error(`${contextDir} is not a directory`);
  const scanner = new Scanner(root, options, started);
  return scanner.run();
}

class Scanner {
  private readonly maxEntries: number;
  private readonly deadline: number;
  private readonly concurrency: number;
  private readonly matcher?: DockerignoreMatcher;
  private entries = 0;
  private lastYield = Date.now();
  private lastProgress = 0;
  private jsonProbes = 0;
  private readonly included = { files: 0, bytes: 0, directories: 0, symlinks: 0 };
  private readonly excluded = { files: 0, bytes: 0 };
  private readonly tops = new Map<string, Acc & { isDirectory: boolean }>();
  private readonly notables: Array<Acc & { path: string; kind: NotableKind }> = [];
  private readonly folders: Sized[] = [];
  private readonly byLine = new Map<number, { files: number; bytes: number }>();
  private readonly backByLine = new Map<number, { files: number; bytes: number }>();
  private readonly secrets: SecretCandidate[] = [];
  private readonly errors: Array<{ path: string; message: string }> = [];
  private readonly paths?: { files: string[]; dirs: string[] };
  private current = '';

  constructor(
    private readonly root: string,
    private readonly options: ContextScanOptions,
    private readonly started: number,
  ) {
    this.maxEntries = options.maxEntries ?? 200_000;
    this.deadline = started + (options.maxMillis ?? 20_000);
    this.concurrency = Math.max(1, options.concurrency ?? 32);
    this.matcher = options.matcher;
    if (options.collectPaths) this.paths = { files: [], dirs: [] };
  }

  async run(): Promise<ContextScanResult> {
    const includedQueue: DirTask[] = [{ rel: '' }];
    const excludedQueue: DirTask[] = [];
    let stoppedBy: 'entries' | 'time' | undefined;
    let measured = true;
    try {
      while (includedQueue.length > 0) await this.readDir(includedQueue.pop() as DirTask, includedQueue, excludedQueue);
      if (this.options.measureExcluded === false) measured = excludedQueue.length === 0;
      else while (excludedQueue.length > 0) await this.readDir(excludedQueue.pop() as DirTask, excludedQueue, excludedQueue);
    } catch (e) {
      if (!(e instanceof Budget)) throw e;
      stoppedBy = e.reason;
      measured = false;
    }
    const topN = this.options.topN ?? 12;
    const bySize = (a: Acc, b: Acc) => b.bytes - a.bytes || b.excludedBytes - a.excludedBytes;
    return {
      root: this.root,
      complete: stoppedBy === undefined,
      stoppedBy,
      included: { ...this.included },
      excluded: { ...this.excluded, measured },
      largest: [...this.tops.entries()]
        .map(([p, a]) => ({ path: p, ...a }))
        .sort(bySize)
        .slice(0, topN),
      folders: new Map(this.folders.map((f) => [f.path, f.bytes])),
      notable: this.notables
        .map((n) => ({ ...n, isDirectory: true }))
        .sort((a, b) => b.bytes + b.excludedBytes - (a.bytes + a.excludedBytes))
        .slice(0, topN),
      excludedByLine: perLine(this.byLine),
      reincludedByLine: perLine(this.backByLine),
      secrets: this.secrets,
      errors: this.errors,
      entries: this.entries,
      elapsedMs: Date.now() - this.started,
      paths: this.paths,
    };
  }

  private async checkpoint(): Promise<void> {
    const { signal } = this.options;
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const now = Date.now();
    if (now > this.deadline) throw new Budget('time');
    if (this.entries >= this.maxEntries) throw new Budget('entries');
    if (this.options.onProgress && now - this.lastProgress >= (this.options.progressIntervalMs ?? 250)) {
      this.lastProgress = now;
      this.options.onProgress({
        entries: this.entries,
        includedFiles: this.included.files,
        includedBytes: this.included.bytes,
        elapsedMs: now - this.started,
        current: this.current,
      });
    }
    if (now - this.lastYield >= YIELD_EVERY_MS) {
      await nextTurn();
      this.lastYield = Date.now();
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    }
  }

  private async readDir(task: DirTask, includedQueue: DirTask[], excludedQueue: DirTask[]): Promise<void> {
    this.current = task.rel;
    await this.checkpoint();
    const abs = task.rel === '' ? this.root : path.join(this.root, task.rel);
    let dirents: Dirent[];
    try {
      dirents = [];
      const dir = await fs.opendir(abs, { bufferSize: 128 });
      for await (const d of dir) dirents.push(d);
    } catch (e) {
      this.errors.push({ path: task.rel || '.', message: (e as Error).message });
      return;
    }
    const files: FileTask[] = [];
    const siblings = () => dirents.filter((d) => !d.isDirectory()).map((d) => d.name);
    for (const d of dirents) {
      this.entries++;
      if ((this.entries & 255) === 0) await this.checkpoint();
      const rel = task.rel === '' ? d.name : task.rel + '/' + d.name;
      let excludedBy = task.excludedBy;
      let state: MatchState | undefined;
      if (excludedBy === undefined && this.matcher) {
        state = this.matcher.evaluate(rel, task.state);
        if (state.excluded) excludedBy = state.decidedBy;
      }
      const top = task.top ?? this.top(d.name, d.isDirectory());
      if (d.isDirectory()) {
        this.paths?.dirs.push(rel);
        let notable = task.notable;
        const kind = notable ? undefined : notableFolderKind(d.name, siblings);
        if (kind) {
          notable = { bytes: 0, files: 0, excludedBytes: 0, excludedFiles: 0 };
          this.notables.push({ path: rel, kind, ...notable });
          notable = this.notables[this.notables.length - 1];
        }
        // A folder one to FOLDER_DEPTH - 1 levels below a top-level one; none inside a notable folder (node_modules holds thousands).
        let sizedIn = task.sizedIn;
        if (!notable && task.rel !== '' && this.folders.length < MAX_FOLDERS && rel.split('/').length <= FOLDER_DEPTH) {
          const sized = { path: rel, bytes: 0 };
          this.folders.push(sized);
          sizedIn = sizedIn ? [...sizedIn, sized] : [sized];
        }
        if (excludedBy === undefined) this.included.directories++;
        const skipped = task.excludedBy !== undefined || (state !== undefined && excludedBy !== undefined && !this.matcher?.entersDirectory(rel, state));
        if (skipped) excludedQueue.push({ rel, excludedBy, top, notable, sizedIn });
        else includedQueue.push({ rel, state, top, notable, sizedIn });
      } else {
        this.paths?.files.push(rel);
        files.push({ rel, name: d.name, excludedBy, keptBy: excludedBy === undefined && state && state.decidedBy >= 0 ? state.decidedBy : undefined, top, notable: task.notable, sizedIn: task.sizedIn });
      }
    }
    for (let i = 0; i < files.length; i += this.concurrency) {
      if (i > 0) await this.checkpoint();
      await Promise.all(files.slice(i, i + this.concurrency).map((f) => this.measureFile(f)));
    }
  }

  private countLine(map: Map<number, { files: number; bytes: number }>, patternIndex: number, size: number): void {
    const line = (this.matcher as DockerignoreMatcher).patterns[patternIndex].line;
    const acc = map.get(line) ?? { files: 0, bytes: 0 };
    acc.files++;
    acc.bytes += size;
    map.set(line, acc);
  }

  private top(name: string, isDirectory: boolean): Acc {
    let acc = this.tops.get(name);
    if (!acc) {
      acc = { bytes: 0, files: 0, excludedBytes: 0, excludedFiles: 0, isDirectory };
      this.tops.set(name, acc);
    }
    return acc;
  }

  private async measureFile(f: FileTask): Promise<void> {
    let stat;
    try {
      stat = await fs.lstat(path.join(this.root, f.rel));
    } catch (e) {
      this.errors.push({ path: f.rel, message: (e as Error).message });
      return;
    }
    if (stat.isDirectory()) return; // a file system without entry types; too rare to walk
    const size = stat.size;
    if (f.excludedBy !== undefined) {
      this.excluded.files++;
      this.excluded.bytes += size;
      f.top.excludedFiles++;
      f.top.excludedBytes += size;
      if (f.notable) {
        f.notable.excludedFiles++;
        f.notable.excludedBytes += size;
      }
      if (f.excludedBy >= 0) this.countLine(this.byLine, f.excludedBy, size);
      return;
    }
    if (f.keptBy !== undefined) this.countLine(this.backByLine, f.keptBy, size);
    this.included.files++;
    this.included.bytes += size;
    f.top.files++;
    f.top.bytes += size;
    if (f.sizedIn) for (const sized of f.sizedIn) sized.bytes += size;
    if (f.notable) {
      f.notable.files++;
      f.notable.bytes += size;
    }
    if (stat.isSymbolicLink()) {
      this.included.symlinks++;
      return;
    }
    if (!stat.isFile()) return;
    const secret = await this.secretCheck(f.rel, f.name, size, f.notable !== undefined);
    if (secret) this.secrets.push({ path: f.rel, ...secret });
  }

  private async read(rel: string, size: number): Promise<string | undefined> {
    if (size > MAX_READ_BYTES) return undefined;
    try {
      return await fs.readFile(path.join(this.root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Name first (cheap, and the names are the ones watched: names.ts); content only for tiny files of the few kinds that need it. */
  private async secretCheck(rel: string, name: string, size: number, inNotable: boolean): Promise<Omit<SecretCandidate, 'path'> | undefined> {
    for (const kind of secretKindsNamed(name)) {
      const reason = await SECRET_CHECKS[kind]({ rel, name, read: () => this.read(rel, size) });
      if (reason) return { kind, reason };
    }
    const lower = name.toLowerCase();
    // Service-account keys are about 2.3 KB of JSON; probe a bounded number of small JSON files
    // outside dependency and build folders.
    if (lower.endsWith('.json') && !inNotable && size >= 1000 && size <= 16_384 && this.jsonProbes < MAX_JSON_PROBES && !/^(package|package-lock|composer|tsconfig|jsconfig|\.eslintrc|renovate|lerna|nx|angular|project)\b/.test(lower)) {
      this.jsonProbes++;
      const text = await this.read(rel, size);
      if (text && /"type"\s*:\s*"service_account"/.test(text) && /"private_key"\s*:/.test(text)) {
        return { kind: 'gcloud-service-account', reason: 'Google Cloud service-account key' };
      }
    }
    return undefined;
  }
}
