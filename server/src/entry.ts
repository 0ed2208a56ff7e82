/**
 * The language server's entry point: `node dist/server.js --stdio [--code-cache <folder>]`.
 *
 * The server itself is dist/server-main.js (built from server.ts). Given a folder, this loads it
 * (and the parser library) through V8's code cache: the first start compiles as usual and, once
 * the server has published its first diagnostics (or at exit after that), saves the compiled
 * code, including the functions the first analysis compiled; later starts read it instead of
 * compiling again. On the benchmark's small Dockerfile that cut the CPU time from spawn to first
 * diagnostics by about 30 ms, most of it in the first analysis (docs/performance.md).
 *
 * The VS Code client passes a folder in the extension's global storage. Without `--code-cache`
 * nothing is written anywhere. How the cache is keyed and checked: codeCacheLoader.ts.
 */
import * as path from 'node:path';
import { CODE_CACHE_SAVE, CODE_CACHE_STATE, type CodeCacheState } from './codeCache';
import { BUILD_KEYS, loadWithCodeCache, type CodeCacheLoads } from './codeCacheLoader';

const MAIN = path.join(__dirname, 'server-main.js');

function cacheFolder(argv: string[]): string | undefined {
  const i = argv.indexOf('--code-cache');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  const joined = argv.find((a) => a.startsWith('--code-cache='));
  return joined ? joined.slice('--code-cache='.length) || undefined : undefined;
}

function report(state: CodeCacheState): void {
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] = state;
}

/** Writes the caches once the server has analysed something, and at exit if there is more by then. */
function saveAfterAnalysis(loads: CodeCacheLoads): void {
  const save = () => {
    if (!loads.save()) report('failed');
  };
  let analysed = false;
  // After an analysis, so the analysis code is in the cache (a cache written before that would be
  // accepted and never grow).
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_SAVE] = () => {
    if (analysed) return;
    analysed = true;
    setTimeout(save, 1_000).unref();
  };
  process.once('exit', () => {
    if (analysed) save();
  });
}

const folder = cacheFolder(process.argv);
let loads: CodeCacheLoads | undefined;
if (folder && Object.keys(BUILD_KEYS).length > 0) {
  try {
    loads = loadWithCodeCache(folder, __dirname, BUILD_KEYS);
    saveAfterAnalysis(loads);
  } catch {
    report('failed');
  }
} else report('off');
module.require(MAIN);
// The server file's outcome is the one reported (the server reads it when asked, after this).
const mainState = loads?.states.get(MAIN);
if (mainState) report(mainState);
