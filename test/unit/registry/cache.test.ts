import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_FILE_NAME, CachedRegistryLookup, createRegistryLookup, isRegistryAllowed, type CachedLookupOptions } from '../../../server/src/sources/registry/cache';
import { failure, type RegistryResult } from '../../../server/src/sources/registry/types';

/** A stand-in for RegistryClient: counts calls, answers after a gate opens. */
class StubClient {
  calls: Array<[string, string | undefined]> = [];
  active = 0;
  maxActive = 0;
  answer: (ref: string) => RegistryResult = (ref) => image(ref, 1000);
  private gates: Array<() => void> = [];
  held = false;

  async lookup(ref: string, platform?: string): Promise<RegistryResult> {
    this.calls.push([ref, platform]);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    if (this.held) await new Promise<void>((resolve) => this.gates.push(resolve));
    this.active--;
    return this.answer(ref);
  }
  release(): void {
    this.held = false;
    for (const g of this.gates.splice(0)) g();
  }
}

function image(ref: string, bytes: number): RegistryResult {
  return {
    ok: true, registry: 'docker.io', repository: ref, reference: 'latest', digest: `sha256:${'1'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json', platformMatched: true, compressedBytes: bytes,
    layers: [{ digest: `sha256:${'2'.repeat(64)}`, size: bytes, mediaType: 'x' }], fetchedAt: new Date(0).toISOString(),
  };
}

describe('registry: lookup cache', () => {
  let dir: string;
  let clock: number;
  let stub: StubClient;
  let made: CachedRegistryLookup[] = [];
  const make = (extra: Partial<CachedLookupOptions> = {}): CachedRegistryLookup => {
    const lookup = new CachedRegistryLookup({ client: stub, cacheDir: dir, ttlMs: 3_600_000, allowedRegistries: ['*'], defaultPlatform: 'linux/amd64', now: () => clock, ...extra });
    made.push(lookup);
    return lookup;
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-cache-'));
    clock = 1_000_000;
    stub = new StubClient();
  });
  afterEach(async () => {
    stub.release();
    await Promise.all(made.map((l) => l.whenIdle()));
    made = [];
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('matches allowed registries exactly, by *.suffix, or all with *', () => {
    assert.ok(isRegistryAllowed('docker.io', ['docker.io']));
    assert.ok(isRegistryAllowed('eu.gcr.io', ['*.gcr.io']));
    assert.ok(!isRegistryAllowed('gcr.io', ['*.gcr.io']));
    assert.ok(!isRegistryAllowed('evilgcr.io', ['*.gcr.io']));
    assert.ok(!isRegistryAllowed('localhost:5000', ['localhost']));
    assert.ok(isRegistryAllowed('anything.example:1', ['*']));
    assert.ok(!isRegistryAllowed('docker.io', []));
  });

  it('refuses registries off the list without asking the network', async () => {
    const lookup = make({ allowedRegistries: ['ghcr.io'] });
    const result = await lookup.lookup('evil.example/x:1');
    assert.equal(!result.ok && result.reason, 'not-allowed');
    assert.equal(stub.calls.length, 0);
  });

  it('fetches once, then serves hits from memory and from the file in a new instance', async () => {
    const first = make();
    const result = await first.lookup('alpine:3');
    assert.equal(result.ok && result.cache, 'miss');
    assert.deepEqual(stub.calls, [['docker.io/library/alpine:3', 'linux/amd64']]);
    await first.lookup('alpine:3').then((r) => assert.equal(r.ok && r.cache, 'hit'));
    await first.whenIdle();
    const lookup = make();
    await lookup.lookup('alpine:3').then((r) => assert.equal(r.ok && r.cache, 'hit'));
    assert.equal(stub.calls.length, 1);
    const file = JSON.parse(await fs.readFile(path.join(dir, CACHE_FILE_NAME), 'utf8')) as { entries: Record<string, unknown> };
    assert.deepEqual(Object.keys(file.entries), ['docker.io/library/alpine:3|linux/amd64']);
  });

  it('keys by platform: another platform is another lookup', async () => {
    const lookup = make();
    await lookup.lookup('alpine:3');
    await lookup.lookup('alpine:3', 'linux/arm64');
    await lookup.lookup('alpine:3', 'linux/arm64/v8');
    assert.deepEqual(stub.calls.map((c) => c[1]), ['linux/amd64', 'linux/arm64/v8']);
  });

  it('serves a stale entry at once and refreshes it in the background', async () => {
    const lookup = make();
    await lookup.lookup('node:20');
    clock += 3_600_001;
    stub.answer = (ref) => image(ref, 2000);
    stub.held = true;
    const stale = await lookup.lookup('node:20');
    assert.equal(stale.ok && stale.cache, 'stale');
    assert.equal(stale.ok && stale.compressedBytes, 1000);
    assert.equal(stub.calls.length, 2, 'a refresh started');
    stub.release();
    await lookup.whenIdle();
    const fresh = await lookup.lookup('node:20');
    assert.equal(fresh.ok && fresh.cache, 'hit');
    assert.equal(fresh.ok && fresh.compressedBytes, 2000);
  });

  it('keeps the stale entry when the refresh fails, and does not retry on every call', async () => {
    const lookup = make({ errorTtlMs: 60_000 });
    await lookup.lookup('node:20');
    clock += 3_600_001;
    stub.answer = () => failure('offline', 'down');
    await lookup.lookup('node:20');
    await lookup.whenIdle();
    const again = await lookup.lookup('node:20');
    assert.equal(again.ok && again.cache, 'stale');
    assert.equal(stub.calls.length, 2, 'no new refresh within the error TTL');
    clock += 60_001;
    await lookup.lookup('node:20');
    assert.equal(stub.calls.length, 3);
  });

  it('never expires a digest reference', async () => {
    const lookup = make();
    const ref = `alpine@sha256:${'a'.repeat(64)}`;
    await lookup.lookup(ref);
    clock += 365 * 24 * 3_600_000;
    const later = await lookup.lookup(ref);
    assert.equal(later.ok && later.cache, 'hit');
    assert.equal(stub.calls.length, 1);
  });

  it('remembers failures briefly in memory only', async () => {
    stub.answer = () => failure('not-found', 'no such tag');
    const lookup = make({ errorTtlMs: 1000 });
    assert.equal(!(await lookup.lookup('nope:1')).ok, true);
    assert.equal(!(await lookup.lookup('nope:1')).ok, true);
    assert.equal(stub.calls.length, 1);
    clock += 1001;
    await lookup.lookup('nope:1');
    assert.equal(stub.calls.length, 2);
    await lookup.whenIdle();
    await assert.rejects(fs.access(path.join(dir, CACHE_FILE_NAME)));
  });

  it('shares one request among identical lookups in flight', async () => {
    stub.held = true;
    const lookup = make();
    const pending = Array.from({ length: 5 }, () => lookup.lookup('redis:7'));
    for (const deadline = Date.now() + 5000; stub.calls.length < 1 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
    stub.release();
    const results = await Promise.all(pending);
    assert.equal(stub.calls.length, 1);
    assert.ok(results.every((r) => r.ok && r.compressedBytes === 1000));
  });

  it('runs at most `concurrency` requests at once', async () => {
    stub.held = true;
    const lookup = make({ concurrency: 3 });
    const pending = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => lookup.lookup(`${name}:1`));
    // poll (the cache file is read first, on the thread pool) until three run, then a bit longer
    for (const deadline = Date.now() + 5000; stub.active < 3 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(stub.active, 3);
    assert.equal(stub.calls.length, 3);
    stub.release();
    // later tasks run unheld once released
    await Promise.all(pending);
    assert.equal(stub.maxActive, 3);
    assert.equal(stub.calls.length, 7);
  });

  it('ignores a corrupt cache file and replaces it', async () => {
    await fs.writeFile(path.join(dir, CACHE_FILE_NAME), '{"version":1,"entries":{"x":{"storedAt":"no"}}');
    const lookup = make();
    const result = await lookup.lookup('alpine');
    assert.equal(result.ok && result.cache, 'miss');
    await lookup.whenIdle();
    const file = JSON.parse(await fs.readFile(path.join(dir, CACHE_FILE_NAME), 'utf8')) as { version: number };
    assert.equal(file.version, 1);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const lookup = make({ maxEntries: 2 });
    for (const name of ['a', 'b', 'c']) { await lookup.lookup(`${name}:1`); clock += 1; }
    await lookup.whenIdle();
    const file = JSON.parse(await fs.readFile(path.join(dir, CACHE_FILE_NAME), 'utf8')) as { entries: Record<string, unknown> };
    assert.deepEqual(Object.keys(file.entries).sort(), ['docker.io/library/b:1|linux/amd64', 'docker.io/library/c:1|linux/amd64']);
  });

  it('is disabled unless enabled and trusted', async () => {
    const settings = { enable: true, allowedRegistries: ['*'], cacheHours: 24 };
    const untrusted = await createRegistryLookup(settings, { cacheDir: dir, trusted: false }).lookup('alpine');
    assert.equal(!untrusted.ok && untrusted.reason, 'disabled');
    const off = await createRegistryLookup({ ...settings, enable: false }, { cacheDir: dir, trusted: true }).lookup('alpine');
    assert.equal(!off.ok && off.reason, 'disabled');
  });
});
