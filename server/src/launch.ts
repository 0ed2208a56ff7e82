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
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=1024'];

/**
 * The server's arguments (besides the transport): a folder for V8's code cache (see entry.ts),
 * inside `storageFolder` (the extension's global storage in VS Code).
 */
export function serverArgs(storageFolder: string): string[] {
  return ['--code-cache', path.join(storageFolder, 'code-cache')];
}
