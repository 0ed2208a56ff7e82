/**
 * Stale work is dropped: when changes arrive faster than the server analyses (a paste of many
 * edits, a fast typist on a large file, a slow machine), the versions waiting behind the newest
 * are not analysed one by one. Before, every version was analysed and published in turn: 20
 * changes sent at once to the generated 10,000-line file took 1.4 s until the last version's
 * diagnostics (0.3 s now), 0.37 s at 1,000 lines (0.03 s now).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { generateDockerfile } from '../bench/lsp/generate';
import { fileUri, serverInTempFolder } from '../support/lspClient';

describe('a burst of changes is analysed at its last version', function () {
  this.timeout(60_000);
  const server = serverInTempFolder('dsh-burst-');

  it('publishes for few of 20 versions sent at once, and the last one equals a fresh analysis', async () => {
    const { dir, client } = server;
    const text = generateDockerfile(1000, 1000);
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await client.open(uri, text);
    await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
    const published: number[] = [];
    const burst = 20;
    let expected = text;
    const sent: Promise<void>[] = [];
    for (let i = 0; i < burst; i++) {
      // Typed on line 6, one letter at a time, as an editor sends them.
      sent.push(client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 + i }, contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: 'x' }] }));
      const lines = expected.split('\n');
      lines[5] = `x${lines[5]}`;
      expected = lines.join('\n');
    }
    await Promise.all(sent);
    const last = await client.diagnostics(
      uri,
      (p) => {
        if (p.version !== undefined && p.version > 1) published.push(p.version);
        return p.version === 1 + burst;
      },
      30_000,
    );
    assert.ok(published.length <= burst / 4, `published for versions ${published.join(', ')}`);
    const fresh = fileUri(path.join(dir, 'Fresh.Dockerfile'));
    await client.open(fresh, expected);
    const reference = await client.diagnostics(fresh, (p) => p.version === 1, 30_000);
    assert.deepEqual(last.diagnostics.map((d) => [d.range, d.message]), reference.diagnostics.map((d) => [d.range, d.message]));
  });
});
