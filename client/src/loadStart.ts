import { readFileSync } from 'node:fs';

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
