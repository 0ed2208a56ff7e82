/**
 * The editor asks for CodeLens (and the status bar for the size breakdown) after every pause in
 * typing. Their "after the fixes" estimate used to apply every fix of the file, one analysis per
 * fix: 8 to 10 s of the server's time per request on the generated 10,000-line file, during which
 * nothing else was answered. Now it takes the fixes that change the final image, within a time
 * budget, once per document version. The light bulb menu computed "Apply all size fixes" in full
 * to show it too; it now offers the server command, which works the fixes out when chosen.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileUri, serverInTempFolder } from '../support/lspClient';
import { generateDockerfile } from '../bench/lsp/generate';

describe('CodeLens, size breakdown and the light bulb menu on a large file', function () {
  this.timeout(120_000);
  const server = serverInTempFolder('dsh-lens-cost-');

  it('answers within seconds at 10,000 lines, once per version, and the server stays responsive', async () => {
    const { dir, client } = server;
    const file = path.join(dir, 'Dockerfile');
    const text = generateDockerfile(10_000, 10_000);
    fs.writeFileSync(file, text);
    const uri = fileUri(file);
    await client.open(uri, text);
    await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 60_000);
    const timed = async <T>(f: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await f();
      return { ms: performance.now() - t0, value };
    };
    const lenses = await timed(() => client.request<{ command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } }));
    // About 0.1 s on an idle machine (2.6 s while every cache fix parsed the whole file to check its edit).
    assert.ok(lenses.ms < 1_500, `first CodeLens took ${lenses.ms.toFixed(0)} ms`);
    assert.match(lenses.value[0].command.title, /^Image: /);
    const breakdown = await timed(() => client.request<{ summary: string }>('dockerfileSizeHints/sizeBreakdown', { uri }));
    assert.ok(breakdown.ms < 1_000, `breakdown after the CodeLens took ${breakdown.ms.toFixed(0)} ms`);
    const again = await timed(() => client.request('textDocument/codeLens', { textDocument: { uri } }));
    assert.ok(again.ms < 1_000, `second CodeLens took ${again.ms.toFixed(0)} ms`);
    const hover = await timed(() => client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } }));
    assert.ok(hover.ms < 1_000, `hover took ${hover.ms.toFixed(0)} ms`);
    // The quick-fix menu the user opens (Ctrl+.) offers "Apply all size fixes" as a quick fix that
    // runs the server command: the fixes are worked out only if it is chosen (it took seconds here
    // before, for an entry VS Code did not even show: it hides source.* kinds in that menu).
    const menu = await timed(() =>
      client.request<{ title: string; kind?: string; edit?: unknown; command?: { command: string; arguments: unknown[] } }[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], triggerKind: 1 },
      }),
    );
    assert.ok(menu.ms < 1_000, `the invoked menu took ${menu.ms.toFixed(0)} ms`);
    const all = menu.value.find((a) => a.title === 'Apply all size fixes');
    assert.ok(all && !all.edit && all.kind === 'quickfix', JSON.stringify(menu.value));
    assert.deepEqual(all.command, { title: 'Apply all size fixes', command: 'dockerfileSizeHints.server.applyAllFixes', arguments: [uri] });
  });

  it("counts, in the estimate after the fixes, an ignore file that a builder stage's finding creates", async () => {
    const { client } = server;
    // The only finding that writes .dockerignore is in the builder, but the file also keeps
    // app/__pycache__ (30 MB) out of the final stage's COPY.
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-after-'));
    try {
      fs.mkdirSync(path.join(ctx, 'app', '__pycache__'), { recursive: true });
      fs.writeFileSync(path.join(ctx, 'app', 'main.py'), 'print(1)\n');
      fs.writeFileSync(path.join(ctx, 'app', '__pycache__', 'big.cpython-312.pyc'), Buffer.alloc(30_000_000, 1));
      fs.writeFileSync(path.join(ctx, 'requirements.txt'), 'flask\n');
      const text = 'FROM python:3.12-slim AS build\nCOPY . /src\nRUN pip wheel --no-cache-dir -r /src/requirements.txt -w /wheels\n\nFROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\nCOPY app/ /app/\n';
      const file = path.join(ctx, 'Dockerfile');
      fs.writeFileSync(file, text);
      const uri = fileUri(file);
      await client.open(uri, text);
      // The first diagnostics can come before the context scan, and context-without-dockerignore is
      // in them already ("not scanned yet"): wait for it with the scan's figure. On a busy machine
      // the scan outlasts the 0.3 s the first analysis waits for it, and the CodeLens's first
      // "after" was then the lower bound "at least about ..." of the analysis without it.
      await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore' && / It sends about /.test(d.message)), 30_000);
      const lens = async () => (await client.request<{ command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } }))[0].command.title;
      // On a busy machine the size after the fixes may come after the first answer, with a refresh.
      const before = (await client.codeLensesWhen<{ command: { title: string; tooltip?: string } }>(uri, (l) => / after \d+ fix/.test(l[0]?.command.title ?? ''), 30_000))[0].command.tooltip ?? '';
      // The tooltip has each figure with its own "about" (the title says it once for both).
      const after = /^After (\d+) fix(?:es)?: about (\S+ [KMG]?B)$/m.exec(before);
      assert.ok(after, before);
      const actions = await client.request<{ kind?: string; title: string; edit: { documentChanges: ({ kind: string; uri: string } | { textDocument: { uri: string }; edits: { newText: string }[] })[] } }[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll'] },
      });
      const all = actions.find((a) => a.kind?.startsWith('source.fixAll'))!;
      assert.equal(all.title, `Apply all size fixes (${after[1]})`);
      // Apply it as the editor would: the new file's content arrives as an edit of the created file.
      let fixed = text;
      for (const change of all.edit.documentChanges) {
        if ('kind' in change) continue;
        const target = new URL(change.textDocument.uri).pathname;
        if (change.textDocument.uri === uri) fixed = change.edits[0].newText;
        else fs.writeFileSync(target, change.edits.map((e) => e.newText).join(''));
      }
      assert.ok(fs.existsSync(path.join(ctx, '.dockerignore')));
      fs.writeFileSync(file, fixed);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ctx, '.dockerignore')), type: 1 }] });
      await client.change(uri, 2, fixed);
      await client.diagnostics(uri, (p) => p.version === 2);
      // The estimate now (after a new scan with the ignore file) is what "after" said.
      const now = await waitForTitle(lens, (t) => t.startsWith(`Image: about ${after[2]} `));
      assert.ok(now.startsWith(`Image: about ${after[2]} `), `said "${before}", now "${now}"`);
    } finally {
      fs.rmSync(ctx, { recursive: true, force: true });
    }
  });
});

/** Asks for the title until `ok` accepts it or 30 s have passed (a count of tries would end sooner on a busy machine, where each answer takes longer); the last title either way. */
async function waitForTitle(get: () => Promise<string>, ok: (t: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await get();
    if (ok(last) || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
}
