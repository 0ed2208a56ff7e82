/**
 * Facts about a Dockerfile's build context read from the file system: which folder is the
 * context, which ignore file applies (with its text), the names at the top of the context, and
 * what a scan of the context measured. The cheap part is cached per Dockerfile and dropped when the
 * client reports file changes, so keystrokes never touch the disk; scans run in the background
 * (`ContextScans`) and their figures appear in the facts once they finish.
 */
import { TOP_LEVEL_ENTRIES, type BuildContextFacts } from '../core/environment';
import { contextFacts, contextOfIgnoreFile, ignoreFileNotRead, readContext, type BuildContextSetting, type ContextLayout, type ContextOnDisk } from './context/facts';
import { scanBuildContext, type ContextScanResult } from './context/scan';
import { ContextScans, SCAN_LIMITS, type ScanState } from './context/scans';
import { createDockerignoreMatcher, ignoreFileCandidates, type BuiltElsewhere } from '../core/dockerignore';

/**
 * How long an analysis waits for a scan that is not finished before answering without its
 * figures. Small contexts finish well within it, so their first diagnostics are already complete
 * (and agree with the CLI); large ones are re-published when the scan ends.
 */
const FIRST_ANSWER_WAIT_MS = 300;

export interface ContextFactsSource {
  /** Waits at most a moment for a scan: its figures are included once it finished. `requester` is the document asking. */
  factsFor(dockerfilePath: string, requester?: string, buildContext?: BuildContextSetting): Promise<BuildContextFacts>;
  /** The context an ignore file applies to, and the scan of it under `text` (the editor's current text). */
  ignoreFileScan?(ignorePath: string, text: string, requester: string, buildContext?: BuildContextSetting): Promise<{ dir: string; scan: ScanState }>;
  /** The Dockerfiles beside a `.dockerignore` that are all built with another context (no build reads it), else undefined. */
  notReadBy?(ignorePath: string, buildContext?: BuildContextSetting): Promise<BuiltElsewhere[] | undefined>;
  invalidate(changedPath?: string): void;
}

export class FileSystemContextFacts implements ContextFactsSource {
  private readonly disk = new Map<string, Promise<ContextOnDisk>>();
  /** `notReadBy` answers, by ignore file and setting, until a file changes or a Dockerfile is saved. */
  private readonly readers = new Map<string, Promise<BuiltElsewhere[] | undefined>>();
  /** The context each ignore file applies to, by ignore file and setting, dropped with `readers`. */
  private readonly ignoreContexts = new Map<string, Promise<{ dir: string; dockerfile?: string }>>();
  /** Bumped by every invalidation, so a read that started before one is not used after it. */
  private generation = 0;
  /** The build context folder last resolved for each requester (the document asking), until it is released. */
  readonly contexts = new Map<string, string>();
  /** Called when a requester's context folder is resolved to another folder than before, or released. */
  onContextsChanged?: () => void;

  constructor(
    readonly scans: ContextScans = new ContextScans(),
    private readonly workspaceFolders: () => readonly string[] = () => [],
    /** False while the workspace is untrusted: then no context is scanned (the cheap reads stay). */
    private readonly scanAllowed: () => boolean = () => true,
  ) {}

  async factsFor(dockerfilePath: string, requester = dockerfilePath, buildContext?: BuildContextSetting): Promise<BuildContextFacts> {
    let disk: ContextOnDisk;
    // A read that raced with a file change would start a scan of the old ignore text: read again.
    for (let g = -1; g !== this.generation; ) {
      g = this.generation;
      disk = await this.read(dockerfilePath, buildContext);
    }
    disk = disk!;
    this.resolved(requester, disk.context.dir);
    if (!this.scanAllowed() || disk.ignoreFile?.notEvaluated !== undefined) return contextFacts(dockerfilePath, disk);
    const scan = await this.scans.within(disk.context.dir, disk.ignoreFile?.text, requester, FIRST_ANSWER_WAIT_MS);
    return contextFacts(dockerfilePath, disk, scan.state === 'done' ? scan.result : undefined);
  }

  async ignoreFileScan(ignorePath: string, text: string, requester: string, buildContext?: BuildContextSetting): Promise<{ dir: string; scan: ScanState }> {
    // Kept until a file changes: resolving a `<name>.dockerignore`'s context reads Compose files and the Dockerfile (inference.ts).
    const { dir } = await this.kept(this.ignoreContexts, ignorePath, buildContext, () => contextOfIgnoreFile(ignorePath, this.layout(buildContext)));
    this.resolved(requester, dir);
    if (!this.scanAllowed()) return { dir, scan: { state: 'off', message: 'the build context is not scanned until this folder is trusted' } };
    return { dir, scan: await this.scans.within(dir, text, requester, FIRST_ANSWER_WAIT_MS) };
  }

  release(requester: string): void {
    this.scans.release(requester);
    if (this.contexts.delete(requester)) this.onContextsChanged?.();
  }

  private resolved(requester: string, dir: string): void {
    if (this.contexts.get(requester) === dir) return;
    this.contexts.set(requester, dir);
    this.onContextsChanged?.();
  }

  /**
   * A Dockerfile was saved: what it copies may name another context now (inference.ts reads it as
   * saved), so its context is resolved again, and so are the ignore files' answers; no scan is dropped.
   */
  dockerfileSaved(dockerfilePath: string): void {
    this.generation++;
    for (const key of this.disk.keys()) if (key.startsWith(`${dockerfilePath}\u0000`)) this.disk.delete(key);
    this.readers.clear();
    this.ignoreContexts.clear();
  }

  notReadBy(ignorePath: string, buildContext?: BuildContextSetting): Promise<BuiltElsewhere[] | undefined> {
    return this.kept(this.readers, ignorePath, buildContext, () => ignoreFileNotRead(ignorePath, this.layout(buildContext)));
  }

  /**
   * An ignore file was opened in the editor: true when a Dockerfile's facts read before it existed
   * would choose it now (it outranks the one they chose, or they found none). The editor's file
   * watcher says so too, but may say it late or not at all; the caller then invalidates.
   */
  async outranksKnown(ignorePath: string): Promise<boolean> {
    for (const [key, read] of [...this.disk]) {
      const disk = await read;
      const candidates = ignoreFileCandidates(key.slice(0, key.indexOf('\u0000')), disk.context.dir).map((c) => c.path);
      const opened = candidates.indexOf(ignorePath);
      if (opened >= 0 && (disk.ignoreFile === undefined || opened < candidates.indexOf(disk.ignoreFile.path))) return true;
    }
    return false;
  }

  invalidate(changedPath?: string): void {
    // Reading the context again is cheap (a few stats); any change may move a context or an ignore file.
    this.generation++;
    this.disk.clear();
    this.readers.clear();
    this.ignoreContexts.clear();
    this.scans.invalidate(changedPath);
  }

  private layout(buildContext: BuildContextSetting): ContextLayout {
    return { workspaceFolders: this.workspaceFolders(), buildContext };
  }

  private read(dockerfilePath: string, buildContext: BuildContextSetting): Promise<ContextOnDisk> {
    return this.kept(this.disk, dockerfilePath, buildContext, () => readContext(dockerfilePath, this.layout(buildContext)));
  }

  /** What `make` answers for a file under a setting, kept in `cache` by both until it is cleared. */
  private kept<T>(cache: Map<string, Promise<T>>, file: string, buildContext: BuildContextSetting, make: () => Promise<T>): Promise<T> {
    const key = `${file}\u0000${JSON.stringify(buildContext ?? null)}`;
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = make()));
    return hit;
  }
}

/**
 * The facts for one Dockerfile, waiting for the scan (the CLI): same context resolution, ignore
 * file and limits as the language server. Never rejects; a failed scan leaves the figures out.
 */
export async function readFacts(
  dockerfilePath: string,
  layout: ContextLayout = { workspaceFolders: [] },
  scan = true,
  /** Scans already made in this run, by context folder and ignore text (Dockerfiles sharing a context scan it once). */
  scans?: Map<string, Promise<ContextScanResult | undefined>>,
): Promise<BuildContextFacts> {
  const disk = await readContext(dockerfilePath, layout);
  // An ignore file beyond the limits is not evaluated, so nothing is measured without it either.
  if (!scan || disk.ignoreFile?.notEvaluated !== undefined) return contextFacts(dockerfilePath, disk);
  return contextFacts(dockerfilePath, disk, await scanOnce(disk.context.dir, disk.ignoreFile?.text, scans));
}

/**
 * A scan of `dir` read with `ignoreText` (the CLI), made once per run for a Dockerfile and for the
 * ignore file checked against it alike: with the paths listed, as the ignore checks need them.
 */
export function scanOnce(dir: string, ignoreText: string | undefined, scans?: Map<string, Promise<ContextScanResult | undefined>>): Promise<ContextScanResult | undefined> {
  const key = `${dir}\u0000${ignoreText ?? '\u0001'}`;
  let result = scans?.get(key);
  if (!result) {
    const matcher = ignoreText === undefined ? undefined : createDockerignoreMatcher(ignoreText);
    result = scanBuildContext(dir, { matcher, ...SCAN_LIMITS, topN: TOP_LEVEL_ENTRIES, collectPaths: true }).catch(() => undefined);
    scans?.set(key, result);
  }
  return result;
}
