/**
 * Exact sizes from the image's registry, added to the FROM hover when network lookups are on and
 * the workspace is trusted. The hover waits a short moment for the lookup; if the registry is
 * slower, the hover answers with the model and says so, and the lookup keeps filling the cache
 * for the next hover.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createRegistryLookup, type RegistryLookup, type RegistryResult } from '../sources/registry';
import { formatBytes, formatCount } from '../sizes';
import type { ServerSettings } from './settings';

/** How long a hover waits for the registry before answering with the model alone. */
export const HOVER_WAIT_MS = 1500;

const REASONS: Record<string, string> = {
  offline: 'the registry could not be reached',
  unauthorised: 'the registry refused the credentials',
  'not-found': 'the registry has no such image for this platform',
  timeout: 'the registry did not answer in time',
  'server-error': 'the registry answered with an error',
  malformed: 'the registry sent something unreadable',
  'too-large': 'the registry sent an oversized answer',
  'not-allowed': 'this registry is not in dockerfileSizeHints.network.allowedRegistries',
  disabled: 'lookups are off',
};

export class RegistryHover {
  private lookup: RegistryLookup | undefined;
  private key = '';

  constructor(
    private readonly cacheDir: string = path.join(os.homedir(), '.cache', 'dockerfile-size-hints', 'registry'),
    private readonly timeoutMs?: number,
  ) {}

  /** Re-creates the lookup when the settings or the workspace trust change. */
  private lookupFor(settings: ServerSettings, trusted: boolean): RegistryLookup | undefined {
    if (!trusted || !settings.registry.enable) return undefined;
    const key = JSON.stringify([settings.registry, trusted]);
    if (!this.lookup || key !== this.key) {
      this.key = key;
      this.lookup = createRegistryLookup(settings.registry, { cacheDir: this.cacheDir, trusted, client: this.timeoutMs ? { timeoutMs: this.timeoutMs } : {} });
    }
    return this.lookup;
  }

  /** Markdown to append to the FROM hover, or undefined when lookups are off. Never rejects. */
  async section(image: string, platform: string | undefined, settings: ServerSettings, trusted: boolean): Promise<string | undefined> {
    const lookup = this.lookupFor(settings, trusted);
    if (!lookup) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), HOVER_WAIT_MS)));
    const result = await Promise.race([lookup.lookup(image, platform).catch((): RegistryResult => ({ ok: false, reason: 'malformed', detail: 'lookup failed' })), late]);
    clearTimeout(timer);
    if (result === 'late') return `*Exact size pending: the registry is slow to answer; showing the model's estimate. Hover again in a moment.*`;
    return formatRegistryResult(result);
  }
}

export function formatRegistryResult(result: RegistryResult): string {
  if (!result.ok) {
    const why = result.reason === 'not-allowed' ? result.detail : `${REASONS[result.reason] ?? result.reason} (${result.detail})`;
    return `*Exact size not available: ${why}; showing the model's estimate.*`;
  }
  const platform = result.platform ? `${result.platform.os}/${result.platform.architecture}${result.platform.variant ? `/${result.platform.variant}` : ''}` : 'unknown platform';
  const when = result.fetchedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  const stale = result.cache === 'stale' ? ' (cached copy; refreshing)' : '';
  return [
    `**Exact, from ${result.registry}**, ${when}${stale}: download ${formatBytes(result.compressedBytes)} (${formatCount(result.compressedBytes)} bytes in ${result.layers.length} layers), ${platform}.`,
    '',
    `Digest \`${result.digest}\``,
  ].join('\n');
}
