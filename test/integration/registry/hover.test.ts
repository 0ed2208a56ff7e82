/**
 * The language server's FROM hover with registry lookups, end to end: the bundled server over
 * stdio, a real docker-registry on loopback holding an image we pushed, a registry that never
 * answers (the hover must still come back in time), and an untrusted workspace (no lookup).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, LspTestClient } from '../../support/lspClient';
import { incompressible, OciLayout } from '../../support/registry/images';
import { startRegistry, type RegistryProcess } from '../../support/registry/registryServer';
import { neverAnswers, startFakeServer, type FakeServer } from '../../support/registry/fakeServers';
import { requireTools } from '../../support/registry/tools';

type HoverResult = { contents: { value: string } } | null;

describe('FROM hover with registry lookups (real server, real registry)', function () {
  this.timeout(120_000);
  let dir: string;
  let registry: RegistryProcess;
  let silent: FakeServer;
  const clients: LspTestClient[] = [];

  async function server(trusted: boolean, enable = true): Promise<LspTestClient> {
    const client = await LspTestClient.start({
      rootPath: dir,
      initializationOptions: { trusted, storagePath: path.join(dir, 'storage'), registryTimeoutMs: 4000 },
      configuration: { network: { enable, allowedRegistries: ['*'], cacheHours: 1 } },
    });
    clients.push(client);
    return client;
  }

  async function hoverFrom(client: LspTestClient, image: string): Promise<{ value: string; ms: number }> {
    const uri = fileUri(path.join(dir, `${image.replace(/[^a-z0-9]/gi, '_')}.Dockerfile`));
    await client.open(uri, `FROM ${image}\nRUN true\n`);
    const started = Date.now();
    const hover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } });
    assert.ok(hover, 'no hover');
    return { value: hover.contents.value, ms: Date.now() - started };
  }

  before(async () => {
    await requireTools();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-hover-registry-'));
    registry = await startRegistry(path.join(dir, 'registry'));
    const layout = await OciLayout.create(path.join(dir, 'layout'));
    await layout.addImage('app', { os: 'linux', architecture: 'amd64', layers: [{ 'app/blob.bin': incompressible(250_000) }] });
    await layout.push('app', `${registry.host}/team/app:1.0`);
    silent = await startFakeServer(neverAnswers);
  });

  after(async () => {
    for (const c of clients) await c.stop();
    await silent?.stop();
    await registry?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows the exact download size and digest from the registry', async () => {
    const client = await server(true);
    const { value } = await hoverFrom(client, `${registry.host}/team/app:1.0`);
    assert.match(value, new RegExp(`Exact, from ${registry.host.replace(/\./g, '\\.')}`));
    assert.match(value, /download 25\d KB \(25\d,\d{3} bytes in 1 layers\), linux\/amd64/);
    assert.match(value, /Digest `sha256:[0-9a-f]{64}`/);
  });

  it('answers within the hover wait when the registry never answers, with the reason', async () => {
    const client = await server(true);
    const { value, ms } = await hoverFrom(client, `${silent.host}/team/app:1.0`);
    assert.ok(ms < 3000, `hover took ${ms} ms`);
    assert.match(value, /Exact size pending: the registry is slow to answer/);
  });

  it('says why when the image is not there', async () => {
    const client = await server(true);
    const { value } = await hoverFrom(client, `${registry.host}/team/missing:1.0`);
    assert.match(value, /Exact size not available: the registry has no such image/);
  });

  it('makes no lookup in an untrusted workspace or with lookups off', async () => {
    for (const client of [await server(false), await server(true, false)]) {
      const { value } = await hoverFrom(client, `${registry.host}/team/app:1.0`);
      assert.doesNotMatch(value, /Exact/);
      assert.match(value, /no size known/);
    }
  });
});
