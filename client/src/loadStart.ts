/**
 * When the extension's bundle started loading, in wall time and in this process's CPU time.
 * extension.ts imports this module first, so the clocks start before the language client library
 * (most of the client's code) is loaded; the extension reports its activation time from them
 * (see `Api.activationTime` in extension.ts).
 */
export const LOAD_START = performance.now();
export const LOAD_START_CPU = process.cpuUsage();
