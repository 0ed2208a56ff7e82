/**
 * Shared between the entry (entry.ts), which loads the server through V8's code cache, and the
 * server, whose serverInfo request reports what happened to the cache (for tests and bug reports).
 */

/** `off`: no cache folder given; `none`: no cache yet (one is written); `accepted`/`rejected` by V8; `failed`: reading or writing failed. */
export type CodeCacheState = 'off' | 'none' | 'accepted' | 'rejected' | 'failed';

/** Where the entry leaves the state: a global, because the entry and the server are separate bundles. */
export const CODE_CACHE_STATE = Symbol.for('dockerfileSizeHints.codeCache');

/**
 * Set by the entry when it keeps a code cache: the server calls it after publishing diagnostics,
 * so the cache is written once the analysis code has been compiled.
 */
export const CODE_CACHE_SAVE = Symbol.for('dockerfileSizeHints.codeCacheSave');

/** Tells the entry (if it keeps a code cache) that the server has analysed a document. */
export function analysedOnce(): void {
  const save = (globalThis as Record<symbol, unknown>)[CODE_CACHE_SAVE];
  if (typeof save === 'function') save();
}
