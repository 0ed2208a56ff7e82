/**
 * Typing in an ignore file of a large build context, through the real server:
 * - keystrokes that come faster than the context can be scanned do not each start a scan (the
 *   scans counter in the server's serverInfo answer);
 * - the check of a long ignore file against a finished scan does not hold up the analysis of
 *   another document: Dockerfile edits sent all along are answered within a bound.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContextScans } from '../../server/src/sources/context/scans';
import { writeContextTree } from '../support/contextTree';
import { fileUri, LspTestClient } from '../support/lspClient';

/** Files in the generated context (test/support/contextTree.ts). */
const FILES = 10_000;
/** Exclusions that match nothing in the context: each is tested against every path by the check. */
const UNMATCHED = 400;

type ScanCounts = ContextScans['stats'];

async function scanCounts(client: LspTestClient): Promise<ScanCounts> {
  return (await client.request<{ contextScans: ScanCounts }>('dockerfileSizeHints/serverInfo', {})).contextScans;
}

/** Resolves after `ms`: the pause between two keystrokes (input timing, not a wait for a result). */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ignore-file keystrokes in a large build context', function () {
  this.timeout(180_000);
  let root: string;
  let client: LspTestClient | undefined;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-ignore-typing-'));
    await writeContextTree(path.join(root, 'ctx'), FILES);
    // A Dockerfile in another, small context: its analysis does not wait for the large one.
    fs.mkdirSync(path.join(root, 'other'));
    fs.writeFileSync(path.join(root, 'other', 'app.py'), 'print(1)\n');
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('typing 20 characters quickly starts at most 4 scans, and the last text is scanned', async () => {
    client = await LspTestClient.start({ rootPath: root });
    const uri = fileUri(path.join(root, 'ctx', '.dockerignore'));
    const text = 'node_modules\n*.log\n';
    await client.open(uri, text, 'dockerignore');
    // Enter at the end of `*.log`, then a new pattern letter by letter: 20 keystrokes.
    const typed = '\ncoverage-report-xyz';
    // The versions whose diagnostics had arrived by the next keystroke: the checks that need no
    // scan answer every keystroke, even while the scans wait for the typing to stop.
    const answered = new Set<number>();
    for (let i = 0; i < typed.length; i++) {
      const position = i === 0 ? { line: 1, character: '*.log'.length } : { line: 2, character: i - 1 };
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 2 }, contentChanges: [{ range: { start: position, end: position }, text: typed[i] }] });
      await pause(30);
      answered.add(client.latest.get(uri)?.version ?? 0);
    }
    const last = typed.length + 1;
    // The check against the scan of the final text says the new line matches nothing.
    const published = await client.diagnostics(uri, (p) => p.version === last && p.diagnostics.some((d) => d.code === 'dockerignore-matches-nothing' && d.range.start.line === 2), 60_000);
    assert.ok(published.diagnostics.some((d) => /coverage-report-xyz/.test(d.message)));
    const counts = await scanCounts(client);
    console.log(`      20 keystrokes 30 ms apart in the ignore file of a ${FILES.toLocaleString('en-US')}-file context: scans ${JSON.stringify(counts)}; ${answered.size} versions answered during the typing`);
    assert.ok(answered.size >= 10, `diagnostics for only ${answered.size} of 20 versions arrived during the typing`);
    // Two are expected (the opened text's, the last text's); one more if the first finished before
    // the typing began, and one if this process stalled for 300 ms between two keystrokes. Before
    // the scans were coalesced, 39 started.
    assert.ok(counts.started <= 4, `${counts.started} scans started for 20 keystrokes`);
    assert.ok(counts.finished >= 1);
  });

  it('answers Dockerfile edits promptly while a long ignore file is checked against the scan', async () => {
    client = await LspTestClient.start({ rootPath: root });
    const dockerfile = fileUri(path.join(root, 'other', 'Dockerfile'));
    const base = 'FROM python:3.12\nCOPY app.py /app/\nRUN pip install flask\n';
    await client.open(dockerfile, base);
    await client.diagnostics(dockerfile, (p) => p.version === 1, 30_000);

    const ignore = fileUri(path.join(root, 'ctx', '.dockerignore'));
    const patterns = ['node_modules', ...[...Array(UNMATCHED).keys()].map((i) => `**/*.nothing${i}`)];
    await client.open(ignore, patterns.join('\n') + '\n', 'dockerignore');
    const checked = client.diagnostics(ignore, (p) => p.diagnostics.filter((d) => d.code === 'dockerignore-matches-nothing').length === UNMATCHED, 120_000);
    let done = false;
    void checked.then(() => (done = true), () => (done = true));

    // A keystroke in the Dockerfile every 50 ms until the ignore file's check has been published
    // (and a few after): each must be answered with diagnostics for its version.
    const latencies: number[] = [];
    let version = 1;
    for (let after = 0; after < 5; after += done ? 1 : 0) {
      version++;
      const sent = performance.now();
      const text = `${base}# ${version}\n`;
      await client.change(dockerfile, version, text);
      const wanted = version;
      await client.diagnostics(dockerfile, (p) => p.version === wanted, 30_000);
      latencies.push(performance.now() - sent);
      await pause(50);
    }
    await checked;
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`      ${latencies.length} Dockerfile edits while a ${UNMATCHED + 1}-line ignore file was scanned and checked: median ${sorted[sorted.length >> 1].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`);
    assert.ok(sorted[sorted.length - 1] < 1000, `a Dockerfile edit waited ${sorted[sorted.length - 1].toFixed(0)} ms for its diagnostics`);
  });
});
