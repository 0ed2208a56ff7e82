/**
 * Work that is too long for one request, done off the request path: a few milliseconds at a time,
 * with the event loop free in between (the connection reads the next message there, so a request
 * or a keystroke waits for one slice at most), dropped as soon as nobody wants its result, and
 * given up after a cap of CPU time so that a large file cannot keep the server busy for seconds.
 */

/** How a sliced run ended. */
export type SlicedOutcome = 'done' | 'dropped' | 'capped';

export interface SliceOptions {
  /** Wall time one slice may take before it lets other work in (checked between steps). */
  sliceMs: number;
  /**
   * CPU time (user + system, from `process.cpuUsage`) all slices together may take; `spentCpuMs`
   * of it may already be gone. CPU rather than wall time: on a busy machine the wall time of the
   * same work grows, and a cap in wall time would give up on work that costs little.
   */
  cpuCapMs: number;
  spentCpuMs?: number;
  /** Asked before each slice: false drops the work (a newer version of the document came, or it closed). */
  wanted: () => boolean;
  /**
   * Runs the first slice at once, in the caller's turn, without asking `wanted` before it: work
   * that usually fits in one slice then answers without waiting for the event loop. Default false.
   */
  firstSliceAtOnce?: boolean;
}

export interface SlicedResult {
  outcome: SlicedOutcome;
  /** CPU time spent in all, `spentCpuMs` included. */
  cpuMs: number;
  slices: number;
}

/** A number of milliseconds from the server's environment (tests only), or `fallback`. */
export function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** CPU time of the process so far, in milliseconds (every thread: it errs high, never low). */
export function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/**
 * Runs `step` (true once the work is done) in slices, each after a turn of the event loop (the
 * first one at once with `firstSliceAtOnce`). Before each slice: dropped when not wanted, given up
 * when the CPU spent reached the cap (so a slice may take the spending past it by one slice's worth).
 */
export async function runInSlices(step: () => boolean, options: SliceOptions): Promise<SlicedResult> {
  let spent = options.spentCpuMs ?? 0;
  for (let slices = 0; ; ) {
    if (slices > 0 || !options.firstSliceAtOnce) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!options.wanted()) return { outcome: 'dropped', cpuMs: spent, slices };
    }
    if (spent >= options.cpuCapMs) return { outcome: 'capped', cpuMs: spent, slices };
    const startCpu = cpuMs();
    const end = performance.now() + options.sliceMs;
    let done = step();
    while (!done && performance.now() < end) done = step();
    spent += cpuMs() - startCpu;
    slices++;
    if (done) return { outcome: 'done', cpuMs: spent, slices };
  }
}
