/**
 * Soak: 10,000 edits on one document through the real server. Its memory must stay flat (the
 * per-version analysis cache must not keep old versions) and it must still answer at the end.
 * Bounded in time: edits go in batches of 100, each batch awaited.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, LspTestClient } from '../support/lspClient';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'python-naive', 'Dockerfile');

function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('soak: 10,000 edits on one document', function () {
  this.timeout(240_000);

  it('keeps memory flat and keeps answering', async () => {
    const client = await LspTestClient.start();
    try {
      const uri = fileUri(EXAMPLE.replace(/Dockerfile$/, 'soak.Dockerfile'));
      const base = fs.readFileSync(EXAMPLE, 'utf8');
      await client.open(uri, base);
      await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
      const samples: number[] = [];
      let version = 1;
      const started = Date.now();
      for (let batch = 0; batch < 100; batch++) {
        for (let i = 0; i < 100; i++) {
          version++;
          await client.change(uri, version, `${base}# edit ${version}\nRUN echo ${'x'.repeat(version % 50)}\n`);
        }
        const wanted = version;
        await client.diagnostics(uri, (p) => p.version === wanted, 30_000);
        if (batch % 10 === 9) samples.push(rssMB(client.child.pid!));
      }
      const elapsed = Date.now() - started;
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 8 } });
      assert.ok(hover?.contents.value.includes('python:3.12'), 'no hover after the soak');
      // After warm-up (first tenth), growth over the remaining 9,000 edits stays small.
      const warm = samples[0];
      const last = samples[samples.length - 1];
      console.log(`      soak: 10,000 edits in ${(elapsed / 1000).toFixed(1)} s; RSS (MB) every 1,000 edits: ${samples.map((s) => s.toFixed(0)).join(', ')}`);
      assert.ok(last - warm < 40, `RSS grew from ${warm.toFixed(0)} MB to ${last.toFixed(0)} MB`);
    } finally {
      await client.stop();
    }
  });
});
