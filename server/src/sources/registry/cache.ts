/**
 * The registry lookup the language server uses: policy and caching around `RegistryClient`.
 *
 *   - Policy first: lookups are off unless enabled and the workspace is trusted, and only
 *     registries on the allowed list are contacted (a Dockerfile naming `evil.example/x` must
 *     not make the editor call that host). Refusals cost no request.
 *   - Successful results are kept in one JSON file in a cache directory the caller owns, with
 *     an expiry (`cacheHours`). A digest reference never expires: its content cannot change.
 *   - Stale-while-revalidate: an expired entry is answered at once (marked `cache: 'stale'`)
 *     while a refresh runs in the background; a failed refresh keeps the old entry.
 *   - Identical lookups in flight share one request; at most `concurrency` requests run at once.
 *   - Failures are remembered in memory for a short while (not on disk), so hovering the same
 *     line against a dead registry does not wait for the time limit each time.
 */
import * as fs from '../fsAsync';
import * as path from 'node:path';
import { RegistryClient, type RegistryClientOptions } from './client';
import { formatPlatform, hostPlatform, parsePlatform } from './platform';
import { formatReference, parseReference } from './reference';
import { failure, type RegistryImage, type RegistryLookup, type RegistryResult } from './types';

/** Registries contacted by default once lookups are enabled: the big public ones. */
export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = [
  'docker.io', 'ghcr.io', 'quay.io', 'mcr.microsoft.com', 'public.ecr.aws', 'gcr.io', '*.gcr.io', '*.pkg.dev', 'registry.k8s.io',
];

/** The settings this module reads (names as in package.json, `dockerfileSizeHints.*`). */
export interface RegistrySettings {
  /** `network.enable` (default false). */
  enable: boolean;
  /** `network.allowedRegistries`: host[:port], "*.suffix" or "*". */
  allowedRegistries: readonly string[];
  /** `platform`: "os/arch[/variant]"; empty = the host's. */
  platform?: string;
  /** `network.cacheHours` (default 24). */
  cacheHours: number;
}

export interface CachedLookupOptions {
  /** Does the network work (a `RegistryClient`, or a stand-in in tests). */
  client: { lookup(ref: string, platform?: string): Promise<RegistryResult> };
  /** Directory for the cache file (created if missing), e.g. the extension's global storage. */
  cacheDir: string;
  /** How long a fetched result counts as fresh. */
  ttlMs: number;
  allowedRegistries: readonly string[];
  /** Platform when a lookup names none (the `platform` setting); default the host's. */
  defaultPlatform?: string;
  /** Most registry requests in flight at once (default 4). */
  concurrency?: number;
  /** How long a failure is remembered in memory (default 60 s). */
  errorTtlMs?: number;
  /** Entries older than this are not served even as stale (default 30 days). */
  maxStaleMs?: number;
  /** Most entries kept in the file; the oldest go first (default 500). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry { storedAt: number; result: RegistryImage }
interface CacheFile { version: 1; entries: Record<string, Entry> }

export const CACHE_FILE_NAME = 'registry-lookups.json';

/** True when `registry` ("docker.io", "host:5000") is allowed by the list. */
export function isRegistryAllowed(registry: string, allowed: readonly string[]): boolean {
  const name = registry.toLowerCase();
  return allowed.some((raw) => {
    const rule = raw.trim().toLowerCase();
    if (rule === '*') return true;
    if (rule.startsWith('*.')) return name.endsWith(rule.slice(1)) && name.length > rule.length - 1;
    return rule === name;
  });
}

export class CachedRegistryLookup implements RegistryLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly errors = new Map<string, { at: number; result: RegistryResult }>();
  private readonly inFlight = new Map<string, Promise<RegistryResult>>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly file: string;
  private readonly now: () => number;
  private readonly limit: Limiter;
  private loaded: Promise<void> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: CachedLookupOptions) {
    this.file = path.join(options.cacheDir, CACHE_FILE_NAME);
    this.now = options.now ?? Date.now;
    this.limit = new Limiter(options.concurrency ?? 4);
  }

  async lookup(refText: string, platformText?: string): Promise<RegistryResult> {
    const ref = parseReference(refText);
    if (!ref) return failure('malformed', `not a literal image reference: ${refText.slice(0, 100)}`);
    if (!isRegistryAllowed(ref.registry, this.options.allowedRegistries)) {
      return failure('not-allowed', `${ref.registry} is not in dockerfileSizeHints.network.allowedRegistries`);
    }
    const wanted = platformText || this.options.defaultPlatform;
    const platform = wanted ? parsePlatform(wanted) : hostPlatform();
    if (!platform) return failure('malformed', `not a platform: ${String(wanted).slice(0, 50)}`);
    const canonical = formatReference(ref);
    const key = `${canonical}|${formatPlatform(platform)}`;

    await this.load();
    const now = this.now();
    const entry = this.entries.get(key);
    if (entry) {
      const age = now - entry.storedAt;
      if (ref.digest !== undefined || age < this.options.ttlMs) return { ...entry.result, cache: 'hit' };
      if (age < (this.options.maxStaleMs ?? 30 * 24 * 3600 * 1000)) {
        // Refresh in the background, unless a refresh just failed (no retry on every hover).
        if (!this.recentError(key, now)) this.track(this.fetch(key, canonical, formatPlatform(platform)));
        return { ...entry.result, cache: 'stale' };
      }
    }
    const error = this.recentError(key, now);
    if (error) return error;
    return this.fetch(key, canonical, formatPlatform(platform));
  }

  /** Resolves when background refreshes and cache writes have finished (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.saving;
  }

  private recentError(key: string, now: number): RegistryResult | undefined {
    const error = this.errors.get(key);
    return error && now - error.at < (this.options.errorTtlMs ?? 60_000) ? error.result : undefined;
  }

  /** One network lookup per key at a time, under the concurrency limit. */
  private fetch(key: string, ref: string, platform: string): Promise<RegistryResult> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.limit.run(() => this.options.client.lookup(ref, platform)).catch(() => failure('malformed', 'the lookup failed unexpectedly')).then((result) => {
      this.inFlight.delete(key);
      if (result.ok) {
        const stored: RegistryImage = { ...result };
        delete stored.cache;
        this.entries.set(key, { storedAt: this.now(), result: stored });
        this.errors.delete(key);
        this.save();
        return { ...stored, cache: 'miss' as const };
      }
      this.errors.set(key, { at: this.now(), result });
      return result;
    });
    this.inFlight.set(key, promise);
    return promise;
  }

  private track(promise: Promise<unknown>): void {
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<CacheFile>;
        if (parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) return;
        for (const [key, entry] of Object.entries(parsed.entries)) {
          if (typeof entry?.storedAt === 'number' && entry.result?.ok === true && typeof entry.result.compressedBytes === 'number') {
            if (!this.entries.has(key)) this.entries.set(key, entry);
          }
        }
      } catch {
        // Missing or corrupt cache: start empty; the next save replaces it.
      }
    })();
    return this.loaded;
  }

  /** Writes the whole cache (small) to a temp file and renames it over the old one; serialised. */
  private save(): void {
    this.saving = this.saving.then(async () => {
      const max = this.options.maxEntries ?? 500;
      const kept = [...this.entries.entries()].sort((a, b) => b[1].storedAt - a[1].storedAt).slice(0, max);
      if (kept.length < this.entries.size) {
        this.entries.clear();
        for (const [k, v] of kept) this.entries.set(k, v);
      }
      const data: CacheFile = { version: 1, entries: Object.fromEntries(kept) };
      try {
        await fs.mkdir(this.options.cacheDir, { recursive: true });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await fs.writeFile(tmp, JSON.stringify(data), 'utf8');
        await fs.rename(tmp, this.file);
      } catch {
        // A cache that cannot be written only costs speed; lookups keep working from memory.
      }
    });
    this.track(this.saving);
  }
}

/** A counting semaphore: at most `max` tasks run at once, the rest wait in order. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** Answers every lookup with the same refusal (network off, or untrusted workspace). */
export class DisabledRegistryLookup implements RegistryLookup {
  constructor(private readonly detail: string) {}
  async lookup(): Promise<RegistryResult> {
    return failure('disabled', this.detail);
  }
}

/**
 * The lookup the LSP layer should use for given settings: disabled unless the setting is on and
 * the workspace is trusted; otherwise a cached client on `cacheDir`.
 */
export function createRegistryLookup(
  settings: RegistrySettings,
  context: { cacheDir: string; trusted: boolean; client?: RegistryClientOptions },
): RegistryLookup {
  if (!context.trusted) return new DisabledRegistryLookup('registry lookups are off in untrusted workspaces');
  if (!settings.enable) return new DisabledRegistryLookup('registry lookups are off (dockerfileSizeHints.network.enable)');
  return new CachedRegistryLookup({
    client: new RegistryClient(context.client),
    cacheDir: context.cacheDir,
    ttlMs: Math.max(0, settings.cacheHours) * 3600 * 1000,
    allowedRegistries: settings.allowedRegistries,
    ...(settings.platform ? { defaultPlatform: settings.platform } : {}),
  });
}
