/** The activation-time check shared by the first activation's test and the second's (test/vscode/again). */
import * as assert from 'assert';

/** What the extension reports of its activation (see `ActivationTime` in client/src/extension.ts). */
export interface ActivationCpu {
  cpuMs: number;
  threadCpuMs: number | undefined;
  libraryCpuMs: number;
  /** Garbage collections that started during activation (absent in builds before they were reported). */
  gc?: { ms: number; kind: number }[];
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental marking', 16: 'weak callbacks' };

/** The activation's CPU figures, for the log. */
export function describeActivation(time: ActivationCpu): string {
  const thread = time.threadCpuMs === undefined ? 'main thread: no clock' : `main thread ${time.threadCpuMs.toFixed(1)} ms`;
  const gc = time.gc === undefined ? '' : time.gc.length === 0 ? '; no garbage collection' : `; garbage collections: ${time.gc.map((g) => `${GC_KINDS[g.kind] ?? `kind ${g.kind}`} ${g.ms.toFixed(1)} ms`).join(', ')}`;
  return `CPU ${thread}, whole process ${time.cpuMs.toFixed(1)} ms, of which loading the language client library ${time.libraryCpuMs.toFixed(1)} ms${gc}`;
}

/**
 * The target, on the main thread's CPU time (Linux must give it), or on the process's where the
 * thread's clock is missing.
 */
export function checkActivationCpu(time: ActivationCpu, targetMs: number): void {
  if (process.platform === 'linux') assert.ok(time.threadCpuMs !== undefined, 'no CPU time for the main thread from /proc/thread-self/schedstat');
  if (time.threadCpuMs !== undefined) {
    // One thread of the process cannot have used more than the process (the two clocks are read a few microseconds apart).
    assert.ok(time.threadCpuMs > 0 && time.threadCpuMs <= time.cpuMs + 1, `main thread ${time.threadCpuMs} ms against the process's ${time.cpuMs} ms`);
    assert.ok(time.threadCpuMs < targetMs, `activation took ${time.threadCpuMs.toFixed(1)} ms of the main thread's CPU (the process: ${time.cpuMs.toFixed(1)} ms); target ${targetMs} ms`);
  } else assert.ok(time.cpuMs < targetMs, `activation took ${time.cpuMs.toFixed(1)} ms of CPU; target ${targetMs} ms`);
}
