import * as path from 'node:path';

/**
 * How the language server process is started: the Node options and arguments the VS Code client
 * passes, and the benchmark passes too, so it measures the server as users run it.
 *
 * One analysis of a large file allocates far more than it keeps. With a heap limit V8 grows the
 * heap more carefully, and a 2 MB young generation collects short-lived objects sooner. Measured
 * in one process on the generated 10,000-line file (open, 20 letters, 6 added lines; 2026-12-03):
 * peak RSS 185 MB without options, 123-124 MB with these, for 7-19% more CPU. `--optimize-for-size`
 * gave 117 MB but made a fresh analysis of that file about 2.8 times slower. The limit leaves room
 * for about 18 documents at the 1 MB size limit (about 55 MB of heap each).
 *
 * `--heap-growing-percent=30`: after a full collection V8 lets the old generation grow to 1.3 times
 * what survived before the next one (by default it picks a factor up to 4). In the benchmark
 * (2026-12-04, four runs against five without it) our peak RSS per session was 108.6-113.6 MB
 * against 119.5-126.0, for CPU per session at 0.47-0.53 of the peer's against 0.44-0.46, and Enter
 * at 10,000 lines at 0.30-0.34 of the peer's time against 0.25-0.29 (docs/performance.md).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=1024', '--heap-growing-percent=30'];

/**
 * The server's arguments (besides the transport): a folder for V8's code cache (see entry.ts),
 * inside `storageFolder` (the extension's global storage in VS Code).
 */
export function serverArgs(storageFolder: string): string[] {
  return ['--code-cache', path.join(storageFolder, 'code-cache')];
}
