/**
 * Results of a registry lookup. Failures are values, not exceptions: the hover falls back to the
 * size model and says why (the `reason`), and nothing a registry does can crash the server.
 */
import type { Platform } from './platform';

export interface LayerInfo {
  digest: string;
  /** Compressed size in bytes, as the manifest states it. */
  size: number;
  mediaType: string;
}

/** An image found in a registry, resolved to one platform. */
export interface RegistryImage {
  ok: true;
  /** Registry as in the reference, e.g. "docker.io", "ghcr.io", "127.0.0.1:5000". */
  registry: string;
  repository: string;
  /** The tag or digest that was asked for. */
  reference: string;
  /** Digest of the platform's image manifest (what `docker pull` ends up with). */
  digest: string;
  /** Digest of the index / manifest list the platform manifest was chosen from, if any. */
  indexDigest?: string;
  /** Media type of the platform manifest (OCI or Docker v2 schema 2). */
  mediaType: string;
  /**
   * Platform of the image: from the index entry when chosen from an index; from the image
   * config for a single-platform manifest; undefined if the config could not be read.
   */
  platform?: Platform;
  /** False when a single-platform image is for another platform than the one asked for. */
  platformMatched: boolean;
  /** Sum of the layer sizes: the download (compressed) size of the image. */
  compressedBytes: number;
  layers: LayerInfo[];
  /** ISO-8601 time the manifest was fetched from the registry. */
  fetchedAt: string;
  /** Set by the cache: 'miss' (fetched now), 'hit' (fresh copy), 'stale' (old copy, refresh under way). */
  cache?: 'miss' | 'hit' | 'stale';
}

export type FailureReason =
  | 'offline' // could not connect (refused, DNS, reset, TLS)
  | 'unauthorised' // 401/403 even after the auth flow, or the token server refused
  | 'not-found' // unknown repository, tag or platform
  | 'timeout' // the lookup's time limit ran out
  | 'server-error' // 5xx or an unexpected status
  | 'malformed' // bad reference, bad JSON, missing fields, digest mismatch
  | 'too-large' // a response exceeded the body size limit
  | 'not-allowed' // registry not in the allowed list (no request was made)
  | 'disabled'; // network lookups are off (setting, or untrusted workspace)

export interface RegistryFailure {
  ok: false;
  reason: FailureReason;
  /** Human-readable detail; never contains credentials or tokens. */
  detail: string;
}

export type RegistryResult = RegistryImage | RegistryFailure;

/** What the LSP layer needs: one call per FROM image; never rejects. */
export interface RegistryLookup {
  /**
   * @param ref image reference as written after FROM (variables already expanded)
   * @param platform "os/arch[/variant]"; undefined = the configured or host platform
   */
  lookup(ref: string, platform?: string): Promise<RegistryResult>;
}

export function failure(reason: FailureReason, detail: string): RegistryFailure {
  return { ok: false, reason, detail };
}
