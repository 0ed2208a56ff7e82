/**
 * Security: a workspace the client calls untrusted (VS Code's Restricted Mode) gets no network
 * lookup, no engine request and no scan of the build context, whatever the settings say. Counted
 * where it happens: a fake registry and a fake engine (a unix socket) record every request they
 * get, and the context holds a large folder whose finding only a scan can produce. A trusted
 * server on the same files is the positive control, and granting trust turns all three on.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, LspTestClient, type PublishedDiagnostics } from '../support/lspClient';
import { startFakeServer, type FakeServer } from '../support/registry/fakeServers';

type HoverResult = { contents: { value: string } } | null;

describe('untrusted workspace: no network, engine or context scan', function () {
  this.timeout(60_000);
  let dir: string;
  let registry: FakeServer;
  let engine: Server;
  let engineHits = 0;
  const clients: LspTestClient[] = [];

  const dockerfile = () => path.join(dir, 'app', 'Dockerfile');
  const ignoreFile = () => path.join(dir, 'app', '.dockerignore');
  const text = () => `FROM ${registry.host}/team/app:1.0\nCOPY . /app\n`;
  const largePaths = (p: PublishedDiagnostics) => p.diagnostics.some((d) => d.code === 'context-large-paths');

  async function server(trusted: boolean): Promise<LspTestClient> {
    const client = await LspTestClient.start({
      rootPath: path.join(dir, 'app'),
      initializationOptions: { trusted, storagePath: path.join(dir, `storage-${clients.length}`), registryTimeoutMs: 2000 },
      configuration: { network: { enable: true, allowedRegistries: ['*'] }, engine: { enable: true, host: `unix://${path.join(dir, 'engine.sock')}` } },
    });
    clients.push(client);
    return client;
  }

  /** Everything that may reach the network, the engine or the file system, once. */
  async function exercise(client: LspTestClient): Promise<{ diagnostics: PublishedDiagnostics; hover: string; ignoreHover: string }> {
    const uri = fileUri(dockerfile());
    await client.open(uri, text());
    const diagnostics = await client.diagnostics(uri, (p) => p.version === 1, 10_000);
    const hover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } });
    await client.request('dockerfileSizeHints/engine/setImage', { uri, image: 'team/app:1.0' });
    await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } } });
    const ignoreUri = fileUri(ignoreFile());
    await client.open(ignoreUri, fs.readFileSync(ignoreFile(), 'utf8'), 'dockerignore');
    await client.diagnostics(ignoreUri, (p) => p.version === 1, 10_000);
    const ignoreHover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri: ignoreUri }, position: { line: 0, character: 1 } });
    return { diagnostics, hover: hover?.contents.value ?? '', ignoreHover: ignoreHover?.contents.value ?? '' };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-untrusted-'));
    fs.mkdirSync(path.join(dir, 'app', 'node_modules', 'big'), { recursive: true });
    const blob = path.join(dir, 'app', 'node_modules', 'big', 'blob.bin');
    fs.writeFileSync(blob, '');
    fs.truncateSync(blob, 300_000_000);
    fs.writeFileSync(path.join(dir, 'app', 'package.json'), '{"name":"x"}\n');
    fs.writeFileSync(ignoreFile(), '*.log\n');
    registry = await startFakeServer((_req, res) => { res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[]}'); });
    engine = createServer((req, res) => {
      engineHits++;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/version') res.end(JSON.stringify({ Version: 'fake', ApiVersion: '1.43' }));
      else ((res.statusCode = 404), res.end('{"message":"No such image"}'));
    });
    await new Promise<void>((r) => engine.listen(path.join(dir, 'engine.sock'), r));
  });

  after(async () => {
    for (const c of clients) await c.stop();
    await registry?.stop();
    if (engine) {
      engine.closeAllConnections();
      await new Promise((r) => engine.close(r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('positive control: a trusted workspace asks the registry and the engine and scans the context', async () => {
    const client = await server(true);
    const registryBefore = registry.hits;
    const { diagnostics, hover } = await exercise(client);
    const scanned = largePaths(diagnostics) ? diagnostics : await client.diagnostics(fileUri(dockerfile()), largePaths, 20_000);
    assert.ok(largePaths(scanned), 'the scan should report node_modules');
    assert.ok(registry.hits > registryBefore, 'the registry got no request');
    assert.ok(engineHits > 0, 'the engine got no request');
    assert.match(hover, /Exact size not available: the registry has no such image/);
  });

  it('an untrusted workspace: none of them, even with network and engine enabled; granting trust turns them on', async () => {
    const client = await server(false);
    const registryBefore = registry.hits;
    const engineBefore = engineHits;
    const { diagnostics, hover, ignoreHover } = await exercise(client);
    assert.ok(!largePaths(diagnostics), `scanned in an untrusted workspace: ${JSON.stringify(diagnostics.diagnostics.map((d) => d.code))}`);
    assert.doesNotMatch(hover, /Exact/);
    assert.match(hover, /no size known/, 'the hover still answers with the model');
    assert.doesNotMatch(ignoreHover, /\d+ files?/, `the ignore file hover counted files: ${ignoreHover}`);
    assert.match(ignoreHover, /the build context is not scanned until this folder is trusted/);
    // Give a scan or a late lookup the time it would need to show up.
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!largePaths(client.latest.get(fileUri(dockerfile()))!), 'a scan reported later');
    assert.equal(registry.hits, registryBefore, 'the registry was asked');
    assert.equal(engineHits, engineBefore, 'the engine was asked');

    await client.connection.sendNotification('dockerfileSizeHints/trustChanged', { trusted: true });
    await client.diagnostics(fileUri(dockerfile()), largePaths, 20_000);
    const trustedHover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri: fileUri(dockerfile()) }, position: { line: 0, character: 7 } });
    assert.match(trustedHover?.contents.value ?? '', /Exact size not available: the registry has no such image/);
    assert.ok(registry.hits > registryBefore, 'no lookup after trust was granted');
  });
});
