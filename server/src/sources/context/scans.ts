/**
 * Background scans of build contexts for the language server, one per (context folder, ignore
 * text). A scan starts when a document first asks for it and the answer is "not yet"; when it
 * finishes, `onDone` tells the server to analyse the documents again.
 *
 * - Cancelled on change: each document holds interest in one scan; when its new version needs
 *   another one (the ignore text changed) or it closes, a scan nobody wants any more is aborted.
 *   A file change under the context drops its scans (running ones are aborted).
 * - Bounded: entries and time limits as in `scanBuildContext`; a stopped scan is kept as an
 *   incomplete result (figures are lower bounds) rather than restarted in a loop.
 * - Cached: finished scans are kept (a few, least recently used first out) until a file under
 *   their folder changes.
 */
import * as path from 'node:path';
import { createDockerignoreMatcher } from '../../core/dockerignore';
import { scanBuildContext, type ContextScanProgress, type ContextScanResult } from './scan';

export interface ScanProgressSink {
  report(progress: ContextScanProgress): void;
  done(): void;
}

export interface ContextScansOptions {
  maxEntries?: number;
  maxMillis?: number;
  /** Called once a scan has run for `progressAfterMs`; the sink receives its progress. */
  progress?: (dir: string) => ScanProgressSink;
  progressAfterMs?: number;
  /** A scan finished (or failed) for this context folder; `requesters` are the documents that wait for it. */
  onDone?: (dir: string, requesters: string[]) => void;
  /** How many scans to keep. Default 8. */
  keep?: number;
}

/** `off`: no scan runs by design (the message says why and until when); `failed`: the scan broke. */
export type ScanState = { state: 'done'; result: ContextScanResult } | { state: 'running' } | { state: 'failed'; message: string } | { state: 'off'; message: string };

interface Entry {
  key: string;
  dir: string;
  controller: AbortController;
  requesters: Set<string>;
  result?: ContextScanResult;
  error?: string;
  promise: Promise<void>;
  used: number;
}

/** Default limits, shared with the CLI. */
export const SCAN_LIMITS = { maxEntries: 200_000, maxMillis: 20_000 } as const;

export class ContextScans {
  private readonly entries = new Map<string, Entry>();
  private readonly interest = new Map<string, string>();
  private clock = 0;
  /** Counts for logs and tests: scans started, finished (complete or stopped at a limit), aborted. */
  readonly stats = { started: 0, finished: 0, aborted: 0 };

  constructor(private readonly options: ContextScansOptions = {}) {}

  /**
   * The scan of `dir` under `ignoreText` (undefined: no ignore file) for `requester` (a document
   * URI). Starts it in the background when needed and answers at once.
   */
  state(dir: string, ignoreText: string | undefined, requester: string): ScanState {
    const entry = this.ensure(dir, ignoreText, requester);
    if (entry.result) return { state: 'done', result: entry.result };
    if (entry.error !== undefined) return { state: 'failed', message: entry.error };
    return { state: 'running' };
  }

  /** Like `state`, but waits up to `ms` for the scan to finish (small contexts then answer in one go). */
  async within(dir: string, ignoreText: string | undefined, requester: string, ms: number): Promise<ScanState> {
    const entry = this.ensure(dir, ignoreText, requester);
    if (!entry.result && entry.error === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
    }
    return this.state(dir, ignoreText, requester);
  }

  /** Like `state`, but waits for the scan to finish. */
  async wait(dir: string, ignoreText: string | undefined, requester: string): Promise<ScanState> {
    const entry = this.ensure(dir, ignoreText, requester);
    await entry.promise;
    return this.state(dir, ignoreText, requester);
  }

  /** The requester no longer needs its scan (document closed). */
  release(requester: string): void {
    const key = this.interest.get(requester);
    this.interest.delete(requester);
    if (key) this.drop(key, requester);
  }

  /** Drops the scans whose context holds `changedPath` (all when undefined); running ones are aborted. */
  invalidate(changedPath?: string): string[] {
    const dropped: string[] = [];
    for (const entry of [...this.entries.values()]) {
      if (changedPath !== undefined && !(changedPath === entry.dir || changedPath.startsWith(entry.dir + path.sep))) continue;
      entry.controller.abort();
      this.entries.delete(entry.key);
      dropped.push(entry.dir);
    }
    return dropped;
  }

  /** Aborts everything (server shutdown). */
  dispose(): void {
    this.invalidate();
    this.interest.clear();
  }

  private ensure(dir: string, ignoreText: string | undefined, requester: string): Entry {
    const key = `${dir}\u0000${ignoreText === undefined ? '\u0001' : ignoreText}`;
    const previous = this.interest.get(requester);
    if (previous !== key) {
      this.interest.set(requester, key);
      if (previous) this.drop(previous, requester);
    }
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.start(key, dir, ignoreText);
      this.entries.set(key, entry);
      this.evict();
    }
    entry.requesters.add(requester);
    entry.used = ++this.clock;
    return entry;
  }

  private start(key: string, dir: string, ignoreText: string | undefined): Entry {
    const controller = new AbortController();
    const entry = { key, dir, controller, requesters: new Set<string>(), used: ++this.clock } as Entry;
    let sink: ScanProgressSink | undefined;
    const started = Date.now();
    const after = this.options.progressAfterMs ?? 400;
    this.stats.started++;
    entry.promise = scanBuildContext(dir, {
      matcher: ignoreText === undefined ? undefined : createDockerignoreMatcher(ignoreText),
      maxEntries: this.options.maxEntries ?? SCAN_LIMITS.maxEntries,
      maxMillis: this.options.maxMillis ?? SCAN_LIMITS.maxMillis,
      signal: controller.signal,
      collectPaths: true,
      topN: 1000,
      progressIntervalMs: 200,
      onProgress: (p) => {
        if (!sink && this.options.progress && Date.now() - started >= after) sink = this.options.progress(dir);
        sink?.report(p);
      },
    }).then(
      (result) => {
        this.stats.finished++;
        entry.result = result;
      },
      (e: unknown) => {
        if (controller.signal.aborted) this.stats.aborted++;
        else entry.error = e instanceof Error ? e.message : String(e);
      },
    ).finally(() => {
      sink?.done();
      // An aborted scan was already dropped; only a current one is announced.
      if (!controller.signal.aborted && this.entries.get(key) === entry) this.options.onDone?.(dir, [...entry.requesters]);
    });
    return entry;
  }

  private drop(key: string, requester: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.requesters.delete(requester);
    if (entry.requesters.size === 0 && !entry.result && entry.error === undefined) {
      entry.controller.abort();
      this.entries.delete(key);
    }
  }

  private evict(): void {
    const keep = this.options.keep ?? 8;
    if (this.entries.size <= keep) return;
    const idle = [...this.entries.values()].filter((e) => e.requesters.size === 0 && (e.result || e.error !== undefined)).sort((a, b) => a.used - b.used);
    for (const e of idle.slice(0, this.entries.size - keep)) this.entries.delete(e.key);
  }
}
