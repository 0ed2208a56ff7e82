/**
 * When a scan of the build context finishes after a Dockerfile's analysis, the server analyses the
 * same version again with the scan's figures and publishes its diagnostics. The client's CodeLens
 * and status bar were answered from the analysis before; without a refresh they kept its estimate
 * (no size for `COPY . .`) until the next edit. Now the server asks the client to refresh its
 * CodeLens and tells the status bar, once for a scan that several documents wait for.
 *
 * The workspace starts untrusted (no scan), so that the CodeLens is always answered before the
 * scan; trust then starts it. The context's 5,000 folders (a scan reads folders one at a time:
 * 1.1-2.2 s here at load 2-4, against 0.2-0.3 s for 10,000 files) outlast the analysis's wait
 * of 300 ms for a scan (server/src/sources/workspace.ts), so the figures come with the analysis
 * made again when the scan finishes; should the scan be quicker, they come with the analysis made
 * for the trust, which must refresh too (the test then says so). A sparse 300 MB file makes the
 * estimate change visibly.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder, type LspTestClient } from '../support/lspClient';

type Lens = { command: { title: string } };

const DOCKERFILE = 'FROM debian:bookworm-slim\nWORKDIR /app\nCOPY . .\nCMD ["bash"]\n';

async function scansFinished(client: LspTestClient): Promise<number> {
  return (await client.request<{ contextScans: { finished: number } }>('dockerfileSizeHints/serverInfo', {})).contextScans.finished;
}

async function lenses(client: LspTestClient, uri: string): Promise<string> {
  return (await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } }))[0].command.title;
}

/** Resolves once `ok()` holds; polls every 50 ms (it only reads counters of the test client). */
async function until(ok: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a context scan that finishes after the first analysis', function () {
  this.timeout(120_000);
  const server = serverInTempFolder('dsh-scan-refresh-', undefined, { initializationOptions: { trusted: false } });

  before(async () => {
    const { dir } = server;
    for (let i = 0; i < 5_000; i++) fs.mkdirSync(path.join(dir, 'assets', `d${i % 100}`, `e${i}`), { recursive: true });
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'model.bin'), '');
    fs.truncateSync(path.join(dir, 'data', 'model.bin'), 300_000_000);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(dir, 'other.Dockerfile'), DOCKERFILE);
  });

  it('refreshes the CodeLens once and tells the status bar of each document that waited for it', async () => {
    const { dir, client } = server;
    const uris = ['Dockerfile', 'other.Dockerfile'].map((name) => fileUri(path.join(dir, name)));
    for (const uri of uris) await client.open(uri, DOCKERFILE);
    // As an editor: the CodeLens and the status bar ask once the document is open.
    const before: string[] = [];
    for (const uri of uris) {
      await client.diagnostics(uri, (p) => p.version === 1);
      before.push(await lenses(client, uri));
      await client.request('dockerfileSizeHints/sizeBreakdown', { uri });
    }
    assert.ok(before.every((title) => !/ 3\d\d MB/.test(title)), JSON.stringify(before));
    assert.equal(await scansFinished(client), 0);
    assert.equal(client.codeLensRefreshes, 0);
    assert.equal(client.sizeChanges.length, 0);

    // Work-done progress begins once a scan has run for 400 ms: then it outlasted the wait of 300 ms.
    let progressBegun = false;
    client.connection.onNotification('$/progress', (p: { value: { kind: string } }) => {
      if (p.value.kind === 'begin') progressBegun = true;
    });
    await client.connection.sendNotification('dockerfileSizeHints/trustChanged', { trusted: true });
    await until(() => client.codeLensRefreshes > 0, 'no CodeLens refresh after the scan');
    // Both documents were analysed again for the one scan they share: one refresh, and the
    // notifications for both sent with it (one refresh per document would come before the second).
    await until(() => client.sizeChanges.length >= 2, 'no size notification for both documents');
    assert.equal(client.codeLensRefreshes, 1, 'one refresh for the scan both documents waited for');
    assert.deepEqual(
      [...client.sizeChanges].sort((a, b) => a.uri.localeCompare(b.uri)),
      uris.map((uri) => ({ uri, version: 1 })).sort((a, b) => a.uri.localeCompare(b.uri)),
    );
    assert.equal(await scansFinished(client), 1);
    if (!progressBegun) console.log('      the scan took less than 400 ms: its figures may have come with the analysis made for the trust, not with the one made when it finished');
    for (const [i, uri] of uris.entries()) {
      const after = await lenses(client, uri);
      assert.notEqual(after, before[i], "the CodeLens asked for after the refresh has the scan's figures");
      assert.match(after, /^Image: about 3\d\d MB/);
    }
  });
});
