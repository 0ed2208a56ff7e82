/**
 * The cached lookup over the real client and a real `docker-registry`: uncached vs cached time,
 * expiry with stale-while-revalidate when the tag is re-pushed with different content, the cache
 * file reused by a new instance, and a never-answering registry that still returns in time.
 * Time is real (performance.now) for measurements; expiry uses an injected clock.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CachedRegistryLookup } from '../../../server/src/sources/registry/cache';
import { RegistryClient } from '../../../server/src/sources/registry/client';
import { anonymous } from '../../../server/src/sources/registry/credentials';
import type { RegistryResult } from '../../../server/src/sources/registry/types';
import { neverAnswers, startFakeServer } from '../../support/registry/fakeServers';
import { incompressible, OciLayout, rawManifestDigest } from '../../support/registry/images';
import { startRegistry, type RegistryProcess } from '../../support/registry/registryServer';
import { requireTools } from '../../support/registry/tools';

const HOUR = 3_600_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('registry lookup cache against docker-registry on loopback', function () {
  this.timeout(120_000);
  let dir: string;
  let registry: RegistryProcess;
  let layout: OciLayout;
  let clock = 0;
  const lookups: CachedRegistryLookup[] = [];
  const client = new RegistryClient({ credentials: anonymous, timeoutMs: 5000 });
  const make = (cacheDir: string, extra: Partial<ConstructorParameters<typeof CachedRegistryLookup>[0]> = {}): CachedRegistryLookup => {
    const lookup = new CachedRegistryLookup({ client, cacheDir, ttlMs: HOUR, allowedRegistries: [registry.host], now: () => clock, ...extra });
    lookups.push(lookup);
    return lookup;
  };
  const bytes = (r: RegistryResult): number => (r.ok ? r.compressedBytes : assert.fail(`${r.reason}: ${r.detail}`));

  before(async () => {
    await requireTools();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-registry-cache-'));
    registry = await startRegistry(path.join(dir, 'registry'));
    layout = await OciLayout.create(path.join(dir, 'layout'));
    await layout.addImage('v1', { os: 'linux', architecture: 'amd64', layers: [{ 'a.bin': incompressible(150_000) }] });
    await layout.addImage('v2', { os: 'linux', architecture: 'amd64', layers: [{ 'a.bin': incompressible(150_000) }, { 'b.bin': incompressible(80_000) }] });
    await layout.push('v1', `${registry.host}/cache/app:live`);
    for (let i = 0; i < 8; i++) await layout.push('v1', `${registry.host}/cache/app:t${i}`);
  });
  after(async () => {
    await Promise.all(lookups.map((l) => l.whenIdle()));
    await registry?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('answers from the cache much faster than from the registry (measured)', async () => {
    clock = Date.now();
    const lookup = make(path.join(dir, 'timing'));
    const uncached: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < 8; i++) {
      const ref = `${registry.host}/cache/app:t${i}`;
      let t = performance.now();
      const first = await lookup.lookup(ref, 'linux/amd64');
      uncached.push(performance.now() - t);
      t = performance.now();
      const second = await lookup.lookup(ref, 'linux/amd64');
      cached.push(performance.now() - t);
      assert.equal(first.ok && first.cache, 'miss');
      assert.equal(second.ok && second.cache, 'hit');
      assert.equal(bytes(second), bytes(first));
    }
    console.log(`      loopback lookup, median of 8: uncached ${median(uncached).toFixed(2)} ms, cached ${median(cached).toFixed(3)} ms`);
    assert.ok(median(cached) * 5 < median(uncached), `cached ${median(cached)} ms vs uncached ${median(uncached)} ms`);
  });

  it('serves the old size while refreshing after expiry, then the new one', async () => {
    clock = 1_000_000;
    const cacheDir = path.join(dir, 'swr');
    const ref = `${registry.host}/cache/app:live`;
    const lookup = make(cacheDir);
    const before = await lookup.lookup(ref, 'linux/amd64');
    const v1Digest = (await rawManifestDigest(ref)).digest;
    assert.equal(before.ok && before.digest, v1Digest);

    await layout.push('v2', ref); // the tag now points to a bigger image
    const v2Digest = (await rawManifestDigest(ref)).digest;
    assert.notEqual(v2Digest, v1Digest);

    clock += HOUR - 1;
    const fresh = await lookup.lookup(ref, 'linux/amd64');
    assert.equal(fresh.ok && fresh.cache, 'hit');
    assert.equal(fresh.ok && fresh.digest, v1Digest, 'within the expiry the cached answer stands');

    clock += 2;
    const stale = await lookup.lookup(ref, 'linux/amd64');
    assert.equal(stale.ok && stale.cache, 'stale');
    assert.equal(stale.ok && stale.digest, v1Digest);
    await lookup.whenIdle();
    const refreshed = await lookup.lookup(ref, 'linux/amd64');
    assert.equal(refreshed.ok && refreshed.cache, 'hit');
    assert.equal(refreshed.ok && refreshed.digest, v2Digest);
    assert.equal(bytes(refreshed), (await layout.manifest('v2')).layers.reduce((s, l) => s + (l.size), 0));
    assert.ok(bytes(refreshed) > bytes(before));

    // a new instance (a new editor session) starts from the file with the refreshed entry
    const later = await make(cacheDir).lookup(ref, 'linux/amd64');
    assert.equal(later.ok && later.cache, 'hit');
    assert.equal(later.ok && later.digest, v2Digest);
  });

  it('comes back within the time limit from a registry that never answers', async () => {
    const silent = await startFakeServer(neverAnswers);
    try {
      const limit = 1000;
      const lookup = make(path.join(dir, 'silent'), { allowedRegistries: [silent.host], client: new RegistryClient({ credentials: anonymous, timeoutMs: limit }) });
      const started = performance.now();
      const results = await Promise.all([1, 2, 3].map(() => lookup.lookup(`${silent.host}/x/y:1`, 'linux/amd64')));
      const elapsed = performance.now() - started;
      console.log(`      never-answering registry through the cache: ${elapsed.toFixed(0)} ms (limit ${limit} ms)`);
      assert.ok(results.every((r) => !r.ok && r.reason === 'timeout'));
      assert.ok(elapsed < limit + 500, `${elapsed} ms`);
      assert.equal(silent.hits, 1, 'identical lookups shared one request');
      const t = performance.now();
      const remembered = await lookup.lookup(`${silent.host}/x/y:1`, 'linux/amd64');
      assert.equal(!remembered.ok && remembered.reason, 'timeout');
      assert.ok(performance.now() - t < 50, 'the failure is remembered for a while');
    } finally {
      await silent.stop();
    }
  });
});
