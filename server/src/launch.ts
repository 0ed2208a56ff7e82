/**
 * How the language server process is started: the Node options the VS Code client passes, and
 * the benchmark passes too, so it measures the server as users run it.
 *
 * `--optimize-for-size` and a 4 MB young generation make V8 keep less memory: one analysis of a
 * large file allocates far more than it keeps. Quick bench runs (`node out/test/bench/run.js
 * --quick`, 2026-12-03, load 3-5), ours/peer: peak RSS 1.84 without these options, 0.95-1.04
 * with them; the price is CPU, 0.94 -> 1.56-1.69 of the peer's per session (edit latencies moved
 * within the run-to-run noise).
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=4', '--optimize-for-size'];
