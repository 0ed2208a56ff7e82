/**
 * The size after "Apply all size fixes" when working it out takes longer than a request may spend
 * on it (server/src/lsp/afterFixes.ts). It used to be remembered as "no figure" for that version:
 * on a machine busy for a moment, the CodeLens and status bar of a small file never showed it. Now
 * the rest is worked out off the request path, and the server asks the client to refresh.
 *
 * The servers here run with DSH_AFTER_FIXES_BUDGET_MS=0 (a test-only variable): every request runs
 * out of budget at once, as on a machine too busy to do anything within 300 ms.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder, type LspTestClient } from '../support/lspClient';
import { oneStage } from '../bench/afterFixes';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');
const AFTER = / after (\d+) fix(?:es)?\b/;

type Lens = { command: { title: string } };
interface Breakdown {
  after?: { fixes: number; bytes: number };
  afterNote?: string;
}
interface AfterFixesStats {
  finishedInRequest: number;
  sliced: number;
  done: number;
  dropped: number;
  capped: number;
  failed: number;
  knownTooCostly: number;
}

async function stats(client: LspTestClient): Promise<AfterFixesStats> {
  return (await client.request<{ afterFixes: AfterFixesStats }>('dockerfileSizeHints/serverInfo', {})).afterFixes;
}

/**
 * Opens the naive Python example in the server's folder and waits for the diagnostics made with
 * the scan of its build context (a scan that finishes later replaces the analysis, and the work
 * on the one it replaced is dropped).
 */
async function openExample(dir: string, client: LspTestClient): Promise<string> {
  fs.cpSync(path.join(EXAMPLES, 'python-naive'), dir, { recursive: true });
  const file = path.join(dir, 'Dockerfile');
  const uri = fileUri(file);
  await client.open(uri, fs.readFileSync(file, 'utf8'));
  await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore'));
  return uri;
}

/** Polls `get` (each call a request to the server) until `ok` accepts its value. */
async function until<T>(get: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The servers whose tests are not about the CPU cap get one of 10 s instead of 1 s: working out
 * the 1,000-line file below takes about 0.13-0.6 s of CPU on a quiet machine, and it went over 1 s
 * once at load 8-9 (2026-12-06), which failed the replacement test on the cap it does not test.
 * The cap has its own test (the last describe).
 */
const CAP_NOT_TESTED = { DSH_AFTER_FIXES_CPU_MS: '10000' };

describe('the size after the fixes, when a request has no time to work it out', function () {
  this.timeout(60_000);

  describe('with no budget in the request', () => {
    const server = serverInTempFolder('dsh-after-later-', undefined, { env: { DSH_AFTER_FIXES_BUDGET_MS: '0', ...CAP_NOT_TESTED } });

    it('arrives later: the server asks for a CodeLens refresh and tells the status bar', async () => {
      const { dir, client } = server;
      const uri = await openExample(dir, client);
      const first = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.match(first[0].command.title, /^Image: /);
      assert.doesNotMatch(first[0].command.title, AFTER, 'with no budget the first answer cannot have it');
      const lenses = await client.codeLensesWhen<Lens>(uri, (l) => AFTER.test(l[0]?.command.title ?? ''));
      assert.equal(AFTER.exec(lenses[0].command.title)![1], '4');
      assert.ok(client.codeLensRefreshes >= 1);
      assert.deepEqual(client.sizeChanges, [{ uri, version: 1 }]);
      const breakdown = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
      assert.equal(breakdown.after?.fixes, 4);
      assert.equal(breakdown.afterNote, undefined);
      assert.deepEqual(await stats(client), { finishedInRequest: 0, sliced: 1, done: 1, dropped: 0, capped: 0, failed: 0, knownTooCostly: 0 });
    });

    it('drops the work on a version when a newer one arrives, and works out the newer one', async () => {
      const { dir, client } = server;
      const before = await stats(client);
      // One stage of 1,000 generated lines: 120 fixes in the final image, 0.13-0.37 s of CPU to
      // work out (node out/test/bench/afterFixes.js), many slices of 10 ms.
      const text = oneStage(1000);
      const file = path.join(dir, 'large.Dockerfile');
      fs.writeFileSync(file, text);
      const uri = fileUri(file);
      await client.open(uri, text);
      await client.diagnostics(uri, (p) => p.version === 1 && p.diagnostics.length > 0, 30_000);
      const v1 = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.doesNotMatch(v1[0].command.title, AFTER);
      await client.change(uri, 2, `${text}\nRUN apt-get update && apt-get install -y curl\n`);
      await client.diagnostics(uri, (p) => p.version === 2, 30_000);
      const v2 = await client.codeLensesWhen<Lens>(uri, (l) => AFTER.test(l[0]?.command.title ?? ''), 30_000);
      assert.ok(Number(AFTER.exec(v2[0].command.title)![1]) > 100, v2[0].command.title);
      const after = await stats(client);
      assert.deepEqual(
        { sliced: after.sliced - before.sliced, done: after.done - before.done, dropped: after.dropped - before.dropped },
        { sliced: 2, done: 1, dropped: 1 },
      );
      assert.deepEqual(
        client.sizeChanges.filter((c) => c.uri === uri),
        [{ uri, version: 2 }],
      );
    });
  });

  describe('with no budget in the request, when the analysis is replaced', () => {
    const server = serverInTempFolder('dsh-after-replaced-', undefined, { env: { DSH_AFTER_FIXES_BUDGET_MS: '0', ...CAP_NOT_TESTED } });

    it('drops the work on the old analysis and asks the client to ask again', async () => {
      const { dir, client } = server;
      const file = path.join(dir, 'Dockerfile');
      const text = oneStage(1000);
      fs.writeFileSync(file, text);
      const uri = fileUri(file);
      await client.open(uri, text);
      await client.diagnostics(uri, (p) => p.diagnostics.length > 0, 30_000);
      const first = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.doesNotMatch(first[0].command.title, AFTER);
      // New settings: the same version is analysed again. The client still shows the lens of the
      // old analysis; only a refresh makes it ask for the new one's.
      const refreshes = client.codeLensRefreshes;
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      // As an editor, ask again only when told to.
      await until(async () => client.codeLensRefreshes, (n) => n > refreshes, 'no CodeLens refresh');
      const lenses = await client.codeLensesWhen<Lens>(uri, (l) => AFTER.test(l[0]?.command.title ?? ''), 30_000);
      assert.ok(Number(AFTER.exec(lenses[0].command.title)![1]) > 100, lenses[0].command.title);
      assert.deepEqual(await stats(client), { finishedInRequest: 0, sliced: 2, done: 1, dropped: 1, capped: 0, failed: 0, knownTooCostly: 0 });
      assert.deepEqual(client.sizeChanges, [{ uri, version: 1 }, { uri, version: 1 }]);
    });
  });

  describe('with a cap of CPU it cannot stay within', () => {
    const server = serverInTempFolder('dsh-after-capped-', undefined, { env: { DSH_AFTER_FIXES_BUDGET_MS: '0', DSH_AFTER_FIXES_CPU_MS: '0' } });

    it('gives up, says so in the breakdown, sends no CodeLens refresh, and does not try again on a version as large', async () => {
      const { dir, client } = server;
      const uri = await openExample(dir, client);
      const first = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
      assert.equal(first.after, undefined);
      assert.equal(first.afterNote, 'The size after the fixes is being worked out.');
      await until(async () => client.sizeChanges.length, (n) => n > 0, 'no size notification');
      const breakdown = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
      assert.equal(breakdown.after, undefined);
      assert.match(breakdown.afterNote ?? '', /^The size after the fixes was not worked out: on this file it takes more than 0 s of CPU\. /);
      const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.doesNotMatch(lenses[0].command.title, AFTER);
      assert.equal(client.codeLensRefreshes, 0);
      assert.deepEqual(await stats(client), { finishedInRequest: 0, sliced: 1, done: 0, dropped: 0, capped: 1, failed: 0, knownTooCostly: 0 });
      // The next version has as many findings: given up at once, without working on it again.
      const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
      await client.change(uri, 2, `# a comment\n${text}`);
      await client.diagnostics(uri, (p) => p.version === 2);
      const next = await client.request<Breakdown>('dockerfileSizeHints/sizeBreakdown', { uri });
      assert.equal(next.afterNote, breakdown.afterNote);
      assert.deepEqual(await stats(client), { finishedInRequest: 0, sliced: 1, done: 0, dropped: 0, capped: 1, failed: 0, knownTooCostly: 1 });
    });
  });
});
