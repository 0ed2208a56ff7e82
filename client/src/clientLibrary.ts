/**
 * The language client library (dist/v/lc.js and the protocol and types
 * files it requires; semver's too, for a VS Code version that is not plain), loaded on activation
 * through V8's code cache in the extension's global storage (server/src/codeCacheLoader.ts, as the
 * server loads itself).
 *
 * Compiling those files was about half of the activation's CPU time in code-server's extension
 * host; read from the cache, about a third of that (docs/performance.md). The library is loaded
 * here, when `activate()` has the storage folder, not by the bundle's imports: other modules
 * import only its types, and take its values from {@link clientLibrary}. The loader's hook on
 * Node's loader of .js files is removed as soon as the library has loaded: the extension host is
 * shared with other extensions.
 */
import type * as Library from 'vscode-languageclient/node';
import type { CodeCacheState } from '../../server/src/codeCache';
import { BUILD_KEYS, loadWithCodeCache, type CodeCacheLoads } from '../../server/src/codeCacheLoader';

/** What the client's code cache did on this activation. */
export interface ClientCodeCache {
  /** The folder of the cache files. */
  folder: string;
  /** The language client library file's outcome; `off` when the build keys no files (tsc's out/). */
  state: CodeCacheState;
  /** Every cached file's outcome, by absolute path. */
  files: Record<string, CodeCacheState>;
}

let library: typeof Library | undefined;
let loads: CodeCacheLoads | undefined;
let cache: ClientCodeCache | undefined;

/**
 * The library, loaded on the first call (through the code cache in `cacheFolder` when one is
 * given). Failing to use the cache only costs the time it would have saved.
 */
export function clientLibrary(cacheFolder?: string, hostVersion?: string): typeof Library {
  if (library) return library;
  if (cacheFolder !== undefined && Object.keys(BUILD_KEYS).length > 0) {
    try {
      loads = loadWithCodeCache(cacheFolder, __dirname, BUILD_KEYS);
    } catch {
      cache = { folder: cacheFolder, state: 'failed', files: {} };
    }
  }
  try {
    library = require('vscode-languageclient/node') as typeof Library;
    // The library's version check needs semver itself for a version that is not plain (an
    // Insiders build's `1.101.0-insider`; see semverForClient.ts): loaded here, through the cache.
    if (hostVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(hostVersion)) require('semver');
  } finally {
    loads?.uninstall();
  }
  if (loads && cacheFolder !== undefined) {
    const files = Object.fromEntries(loads.states);
    // The library's file as scripts/build.mjs names it (VENDOR).
    const main = Object.keys(files).find((f) => /[\\/]lc\.js$/.test(f));
    cache = { folder: cacheFolder, state: main ? files[main] : 'failed', files };
  }
  return library;
}

/** What the code cache did when the library loaded (`off` without a folder or keys). */
export function clientCodeCache(): ClientCodeCache {
  return cache ? { ...cache, files: { ...cache.files } } : { folder: '', state: 'off', files: {} };
}

/**
 * Writes the caches the library's load did not find or V8 rejected, with the code compiled by
 * then (once, after the client has started, so its start-up code is in them too). A failure is
 * reported as the state `failed`.
 */
export function saveClientCodeCache(): void {
  if (!loads || !cache) return;
  if (!loads.save()) cache.state = 'failed';
}
