import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

/**
 * When the extension's bundle started loading, in wall time, in this process's CPU time, and in
 * the CPU time of the thread loading it (the extension host's main thread).
 * extension.ts imports this module first, so the clocks start before the language client library
 * (most of the client's code) is loaded; the extension reports its activation time from them
 * (see `Api.activationTime` in extension.ts).
 */
export const LOAD_START = performance.now();
export const LOAD_START_CPU = process.cpuUsage();
export const LOAD_START_THREAD_CPU = threadCpuMs();

/**
 * CPU time of the calling thread in milliseconds, from Linux's /proc/thread-self/schedstat (its
 * first field is the thread's time on a CPU in nanoseconds); undefined where there is no such
 * file (other systems, or a kernel without scheduler statistics).
 */
export function threadCpuMs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
    return Number.isFinite(ns) && ns > 0 ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** A garbage collection seen while the extension activated: its start (performance.now()) and pause, in ms. */
export interface GcPause {
  start: number;
  ms: number;
  /** V8's kind of collection (perf_hooks' NODE_PERFORMANCE_GC_*: 1 minor, 4 major, 8 incremental marking, 16 weak callbacks). */
  kind: number;
}

const gcPauses: GcPause[] = [];
let gcObserver: PerformanceObserver | undefined;
try {
  gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, ms: entry.duration, kind: ((entry as { detail?: { kind?: number } }).detail)?.kind ?? 0 });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
} catch {
  gcObserver = undefined;
}

/**
 * The garbage collections that started between `start` and `end` (performance.now()), as seen so
 * far (Node reports them asynchronously, after the synchronous activation). The extension host's
 * heap is shared with every other extension, so a collection there may mark and move their objects
 * too.
 */
export function gcPausesWithin(start: number, end: number): GcPause[] {
  return gcPauses.filter((p) => p.start >= start && p.start <= end).map((p) => ({ ...p }));
}

/** Stops observing collections (once activation has been reported). */
export function stopObservingGc(): void {
  gcObserver?.disconnect();
  gcObserver = undefined;
}
