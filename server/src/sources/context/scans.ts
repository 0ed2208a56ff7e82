/**
 * Background scans of build contexts for the language server, one per (context folder, ignore
 * text). A scan starts when a document first asks for it and the answer is "not yet"; when it
 * finishes, `onDone` tells the server to analyse the documents again.
 *
 * - Cancelled on change: each document holds interest in one scan; when its new version needs
 *   another one (the ignore text changed) or it closes, a scan nobody wants any more is aborted.
 *   A file change under the context drops its scans (running ones are aborted).
 * - Coalesced while typing: when a document's new version supersedes its scan before that scan
 *   finished (a context too large to scan between two keystrokes), the next scan waits until the
 *   document has asked for nothing new for `settleMs`; scans asked for meanwhile are replaced
 *   before they start. Typing 20 letters in an ignore file of a large context then starts two
 *   scans (the one for the opened text and the one for the last), not 21 that are each aborted
 *   a keystroke later. A context that scans between keystrokes is scanned at once, as before.
 * - Bounded: entries and time limits as in `scanBuildContext`; a stopped scan is kept as an
 *   incomplete result (figures are lower bounds) rather than restarted in a loop.
 * - Cached: finished scans are kept (a few, least recently used first out) until a file under
 *   their folder changes.
 */
import * as path from 'node:path';
import { createDockerignoreMatcher } from '../../core/dockerignore';
import { TOP_LEVEL_ENTRIES } from '../../core/environment';
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
  /**
   * A scan finished (or failed) for this context folder. `requesters` are the documents that wait
   * for it: those answered "running" (their analysis went without its figures), less those waiting
   * in `within` at that moment, which get the finished scan from that call.
   */
  onDone?: (dir: string, requesters: string[]) => void;
  /** How many scans to keep. Default 8. */
  keep?: number;
  /** How long a document must ask for nothing new before a scan that superseded an unfinished one starts. Default 300 ms. */
  settleMs?: number;
}

/** `off`: no scan runs by design (the message says why and until when); `failed`: the scan broke. */
export type ScanState = { state: 'done'; result: ContextScanResult } | { state: 'running' } | { state: 'failed'; message: string } | { state: 'off'; message: string };

interface Entry {
  key: string;
  dir: string;
  controller: AbortController;
  requesters: Set<string>;
  /** Requesters answered "running": analysed again when the scan ends. */
  toldRunning: Set<string>;
  /** Requesters waiting in `within` right now: the scan's end answers them there. */
  inWithin: Map<string, number>;
  result?: ContextScanResult;
  error?: string;
  /** Settles when the scan finished, failed or was dropped (also before it started). */
  promise: Promise<void>;
  /** True while the scan waits for its requester to settle (see `settleMs`). */
  waiting?: boolean;
  used: number;
}

/** The entry's state for `requester`, who is remembered as waiting for the scan when it is not done yet. */
function answer(entry: Entry, requester: string): ScanState {
  const state = stateOf(entry);
  if (state.state === 'running') entry.toldRunning.add(requester);
  return state;
}

function stateOf(entry: Entry): ScanState {
  if (entry.result) return { state: 'done', result: entry.result };
  if (entry.error !== undefined) return { state: 'failed', message: entry.error };
  return { state: 'running' };
}

/** Default limits, shared with the CLI. */
export const SCAN_LIMITS = { maxEntries: 200_000, maxMillis: 20_000 } as const;

export class ContextScans {
  private readonly entries = new Map<string, Entry>();
  private readonly interest = new Map<string, string>();
  private clock = 0;
  /**
   * Counts for logs and tests: scans started, finished (complete or stopped at a limit), aborted
   * while running, and replaced while they waited to start (never started).
   */
  readonly stats = { started: 0, finished: 0, aborted: 0, replaced: 0 };

  constructor(private readonly options: ContextScansOptions = {}) {}

  /**
   * The scan of `dir` under `ignoreText` (undefined: no ignore file) for `requester` (a document
   * URI). Starts it in the background when needed and answers at once.
   */
  state(dir: string, ignoreText: string | undefined, requester: string): ScanState {
    return answer(this.ensure(dir, ignoreText, requester), requester);
  }

  /**
   * Like `state`, but waits up to `ms` for the scan to finish (small contexts then answer in one
   * go). A scan that has not started yet (it waits for its requester to settle) is not waited
   * for: the analysis of each keystroke answers at once without its figures.
   */
  async within(dir: string, ignoreText: string | undefined, requester: string, ms: number): Promise<ScanState> {
    const entry = this.ensure(dir, ignoreText, requester);
    if (!entry.result && entry.error === undefined && !entry.waiting) {
      let timer: NodeJS.Timeout | undefined;
      entry.inWithin.set(requester, (entry.inWithin.get(requester) ?? 0) + 1);
      try {
        await Promise.race([entry.promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      } finally {
        clearTimeout(timer);
        const n = entry.inWithin.get(requester)! - 1;
        if (n > 0) entry.inWithin.set(requester, n);
        else entry.inWithin.delete(requester);
      }
    }
    // The entry itself, not `state()`: asking again would take the requester's interest back to
    // this text when a newer version asked for another one meanwhile (that restarted the scan
    // of the old text after every keystroke).
    return answer(entry, requester);
  }

  /** Like `state`, but waits for the scan to finish. */
  async wait(dir: string, ignoreText: string | undefined, requester: string): Promise<ScanState> {
    const entry = this.ensure(dir, ignoreText, requester);
    await entry.promise;
    return answer(entry, requester);
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
    // The requester's scan was still running (or waiting) when this one superseded it.
    let superseded = false;
    if (previous !== key) {
      this.interest.set(requester, key);
      if (previous) {
        const old = this.entries.get(previous);
        superseded = old !== undefined && !old.result && old.error === undefined;
        this.drop(previous, requester);
      }
    }
    let entry = this.entries.get(key);
    if (!entry) {
      entry = this.start(key, dir, ignoreText, superseded ? (this.options.settleMs ?? 300) : 0);
      this.entries.set(key, entry);
      this.evict();
    }
    entry.requesters.add(requester);
    entry.used = ++this.clock;
    return entry;
  }

  /** A new entry whose scan starts after `delayMs` (at once when 0), unless it is dropped first. */
  private start(key: string, dir: string, ignoreText: string | undefined, delayMs: number): Entry {
    const controller = new AbortController();
    const entry = { key, dir, controller, requesters: new Set<string>(), toldRunning: new Set<string>(), inWithin: new Map<string, number>(), used: ++this.clock } as Entry;
    if (delayMs <= 0) {
      entry.promise = this.run(entry, ignoreText);
      return entry;
    }
    entry.waiting = true;
    entry.promise = new Promise<void>((resolve) => {
      // Dropped (aborted) while it waits: it never starts.
      const dropped = () => {
        clearTimeout(timer);
        entry.waiting = false;
        this.stats.replaced++;
        resolve();
      };
      const timer = setTimeout(() => {
        controller.signal.removeEventListener('abort', dropped);
        entry.waiting = false;
        resolve(this.run(entry, ignoreText));
      }, delayMs);
      controller.signal.addEventListener('abort', dropped, { once: true });
    });
    return entry;
  }

  private run(entry: Entry, ignoreText: string | undefined): Promise<void> {
    const { key, dir, controller } = entry;
    let sink: ScanProgressSink | undefined;
    const started = Date.now();
    const after = this.options.progressAfterMs ?? 400;
    this.stats.started++;
    return scanBuildContext(dir, {
      matcher: ignoreText === undefined ? undefined : createDockerignoreMatcher(ignoreText),
      maxEntries: this.options.maxEntries ?? SCAN_LIMITS.maxEntries,
      maxMillis: this.options.maxMillis ?? SCAN_LIMITS.maxMillis,
      signal: controller.signal,
      collectPaths: true,
      topN: TOP_LEVEL_ENTRIES,
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
      // Only the documents whose analysis went without the figures: one that waits in `within`
      // now gets them from that call (announcing it too analysed each newly opened document
      // twice, the first analysis thrown away unpublished).
      if (!controller.signal.aborted && this.entries.get(key) === entry) this.options.onDone?.(dir, [...entry.requesters].filter((r) => entry.toldRunning.has(r) && !entry.inWithin.has(r)));
    });
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
