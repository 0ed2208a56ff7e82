/**
 * RegistryClient against a real `docker-registry` (Debian's package) on loopback, with images
 * made by umoci from local files and pushed by skopeo: OCI and Docker v2 schema 2 manifests, an
 * OCI index and a Docker manifest list with two platforms, digests and 404s. Expected sizes are
 * read from the registry's own blob storage, digests from `skopeo inspect --raw`.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient, MEDIA_TYPES } from '../../../server/src/sources/registry/client';
import { anonymous } from '../../../server/src/sources/registry/credentials';
import type { RegistryImage, RegistryResult } from '../../../server/src/sources/registry/types';
import { incompressible, OciLayout, rawManifestDigest } from '../../support/registry/images';
import { startRegistry, type RegistryProcess } from '../../support/registry/registryServer';
import { requireTools } from '../../support/registry/tools';

function expectOk(result: RegistryResult): RegistryImage {
  if (!result.ok) assert.fail(`lookup failed: ${result.reason}: ${result.detail}`);
  return result;
}

describe('registry client against docker-registry on loopback', function () {
  this.timeout(120_000);
  let dir: string;
  let registry: RegistryProcess;
  let layout: OciLayout;
  const client = new RegistryClient({ credentials: anonymous, timeoutMs: 5000 });

  /** Sum of the stored sizes of the layers the layout's manifest for `tag` lists. */
  async function storedLayerBytes(tag: string): Promise<number> {
    let sum = 0;
    for (const layer of (await layout.manifest(tag)).layers) sum += await registry.blobSize(layer.digest);
    return sum;
  }

  before(async () => {
    await requireTools();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-registry-'));
    registry = await startRegistry(path.join(dir, 'registry'));
    layout = await OciLayout.create(path.join(dir, 'layout'));
    await layout.addImage('arm64', {
      os: 'linux', architecture: 'arm64',
      layers: [{ 'etc/os-release': 'ID=test\n', 'usr/lib/big.bin': incompressible(300_000) }, { 'app/data.bin': incompressible(120_000) }],
    });
    await layout.addImage('amd64', {
      os: 'linux', architecture: 'amd64',
      layers: [{ 'usr/lib/big.bin': incompressible(200_000) }, { 'app/data.bin': incompressible(50_000) }, { 'app/more.bin': incompressible(10_000) }],
    });
    await layout.addIndex('multi', [
      { tag: 'amd64', platform: { os: 'linux', architecture: 'amd64' } },
      { tag: 'arm64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    await layout.push('arm64', `${registry.host}/test/single:oci`);
    await layout.push('arm64', `${registry.host}/test/single:docker`, { format: 'v2s2' });
    await layout.push('multi', `${registry.host}/test/multi:oci`, { all: true });
    await layout.push('multi', `${registry.host}/test/multi:docker`, { all: true, format: 'v2s2' });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads an OCI manifest: digest, platform from the config, size = sum of the pushed layer blobs', async () => {
    const result = expectOk(await client.lookup(`${registry.host}/test/single:oci`, 'linux/arm64'));
    const raw = await rawManifestDigest(`${registry.host}/test/single:oci`);
    const expected = await storedLayerBytes('arm64');
    assert.equal(result.mediaType, MEDIA_TYPES.ociManifest);
    assert.equal(result.digest, raw.digest);
    assert.equal(result.indexDigest, undefined);
    assert.equal(result.compressedBytes, expected);
    assert.ok(expected > 420_000, `layers of random data are not compressible (${expected})`);
    assert.equal(result.layers.length, 2);
    assert.deepEqual(result.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal(result.platformMatched, true);
    assert.equal(result.registry, registry.host);
    assert.equal(result.repository, 'test/single');
    assert.ok(Date.now() - Date.parse(result.fetchedAt) < 60_000);
  });

  it('reads a Docker v2 schema 2 manifest of the same image', async () => {
    const result = expectOk(await client.lookup(`${registry.host}/test/single:docker`, 'linux/arm64/v8'));
    assert.equal(result.mediaType, MEDIA_TYPES.dockerManifest);
    assert.equal(result.digest, (await rawManifestDigest(`${registry.host}/test/single:docker`)).digest);
    assert.equal(result.compressedBytes, await storedLayerBytes('arm64'));
    assert.deepEqual(result.layers.map((l) => l.digest), (await layout.manifest('arm64')).layers.map((l) => l.digest));
  });

  it('says when a single-platform image is for another platform', async () => {
    const result = expectOk(await client.lookup(`${registry.host}/test/single:oci`, 'linux/amd64'));
    assert.equal(result.platformMatched, false);
    assert.equal(result.platform?.architecture, 'arm64');
  });

  for (const flavour of ['oci', 'docker'] as const) {
    it(`resolves a multi-platform ${flavour === 'oci' ? 'OCI index' : 'Docker manifest list'} to the asked platform`, async () => {
      const ref = `${registry.host}/test/multi:${flavour}`;
      const index = await rawManifestDigest(ref);
      assert.equal(index.json.mediaType, flavour === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList);
      const entries = index.json.manifests as Array<{ digest: string; platform: { architecture: string } }>;

      const amd = expectOk(await client.lookup(ref, 'linux/amd64'));
      assert.equal(amd.indexDigest, index.digest);
      assert.equal(amd.digest, entries.find((e) => e.platform.architecture === 'amd64')!.digest);
      assert.equal(amd.compressedBytes, await storedLayerBytes('amd64'));
      assert.equal(amd.layers.length, 3);
      assert.deepEqual(amd.platform, { os: 'linux', architecture: 'amd64' });

      const arm = expectOk(await client.lookup(ref, 'linux/arm64'));
      const armV8 = expectOk(await client.lookup(ref, 'linux/arm64/v8'));
      assert.equal(arm.digest, entries.find((e) => e.platform.architecture === 'arm64')!.digest);
      assert.equal(armV8.digest, arm.digest);
      assert.equal(arm.compressedBytes, await storedLayerBytes('arm64'));
      assert.notEqual(arm.compressedBytes, amd.compressedBytes);
    });
  }

  it('answers not-found for a platform the index lacks, naming the ones it has', async () => {
    const result = await client.lookup(`${registry.host}/test/multi:oci`, 'linux/s390x');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'not-found');
    assert.match(!result.ok ? result.detail : '', /linux\/amd64, linux\/arm64\/v8/);
  });

  it('looks up by digest and checks the bytes against it', async () => {
    const { digest } = await rawManifestDigest(`${registry.host}/test/single:oci`);
    const result = expectOk(await client.lookup(`${registry.host}/test/single@${digest}`, 'linux/arm64'));
    assert.equal(result.digest, digest);
    assert.equal(result.reference, digest);
    const wrong = await client.lookup(`${registry.host}/test/single@sha256:${'0'.repeat(64)}`, 'linux/arm64');
    assert.equal(!wrong.ok && wrong.reason, 'not-found');
  });

  it('answers not-found for an unknown tag and an unknown repository', async () => {
    const tag = await client.lookup(`${registry.host}/test/single:nope`, 'linux/arm64');
    assert.equal(!tag.ok && tag.reason, 'not-found');
    assert.match(!tag.ok ? tag.detail : '', /404 MANIFEST_UNKNOWN/);
    const repo = await client.lookup(`${registry.host}/no/such-repo:1`, 'linux/arm64');
    assert.equal(!repo.ok && repo.reason, 'not-found');
  });

  it('answers offline once the registry is gone', async () => {
    const other = await startRegistry(path.join(dir, 'gone'));
    await other.stop();
    const result = await client.lookup(`${other.host}/test/single:oci`, 'linux/arm64');
    assert.equal(!result.ok && result.reason, 'offline');
  });
});
