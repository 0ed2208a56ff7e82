/**
 * The real bundled server over stdio: initialize, didOpen -> publishDiagnostics, hover, code
 * actions whose edits give the expected text, and didChange keeping results current.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits } from '../../server/src/core/edits';
import type { TextEdit } from '../../server/src/core/types';
import { fileUri, LspTestClient } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

interface CodeAction {
  title: string;
  kind?: string;
  edit?: { changes?: Record<string, TextEdit[]>; documentChanges?: ({ kind: 'create'; uri: string } | { textDocument: { uri: string }; edits: TextEdit[] })[] };
}

describe('language server over stdio', function () {
  let client: LspTestClient;
  let dir: string;
  let uri: string;
  let text: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-lsp-'));
    fs.cpSync(path.join(EXAMPLES, 'python-naive'), dir, { recursive: true });
    const file = path.join(dir, 'Dockerfile');
    uri = fileUri(file);
    text = fs.readFileSync(file, 'utf8');
    client = await LspTestClient.start({ rootPath: dir });
    await client.open(uri, text);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes size warnings for the naive Python example, each with code, source and doc link', async () => {
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const warnings = published.diagnostics.filter((d) => d.severity === 2);
    assert.ok(warnings.length >= 4, `expected at least 4 warnings, got ${JSON.stringify(published.diagnostics, null, 1)}`);
    const codes = new Set(warnings.map((d) => d.code));
    for (const id of ['base-image-not-slim', 'apt-lists-kept', 'apt-recommends', 'pip-cache-kept', 'context-without-dockerignore']) assert.ok(codes.has(id), `missing ${id}`);
    for (const d of published.diagnostics) {
      assert.equal(d.source, 'dockerfile-size-hints');
      // The rule's section of docs/rules.md, by its lines (server/src/lsp/docs.ts).
      const link = /^(file:\/\/.*\/docs\/rules\.md)#L(\d+)-L\d+$/.exec(d.codeDescription?.href ?? '');
      assert.ok(link, `no link to lines of docs/rules.md: ${d.codeDescription?.href}`);
      const page = fs.readFileSync(new URL(link[1]), 'utf8').split('\n');
      assert.equal(page[Number(link[2]) - 1], `## ${d.code}`, `the link of ${d.code} does not start at its section`);
    }
    const apt = warnings.find((d) => d.code === 'apt-lists-kept')!;
    assert.match(apt.message, /about \d+(\.\d+)? MB/);
  });

  it('hovers FROM with the base image sizes and the -slim saving', async () => {
    const line = text.split('\n').findIndex((l) => l.startsWith('FROM '));
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character: 8 },
    });
    assert.ok(hover, 'no hover on FROM');
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /python:3\.12/);
    assert.match(hover.contents.value, /python:3\.12-slim/);
    assert.match(hover.contents.value, /\d+(\.\d+)? GB/);
    assert.match(hover.contents.value, /docker-library\/repo-info/);
    assert.match(hover.contents.value, /20\d\d-\d\d-\d\d/);
  });

  it('shows the image estimate as a CodeLens on the final FROM, with the size after fixes', async () => {
    // On a busy machine the size after the fixes may come after the first answer, with a refresh.
    const lenses = await client.codeLensesWhen<{ range: { start: { line: number } }; command: { title: string; tooltip?: string; command: string } }>(uri, (l) => / after \d+ fix/.test(l[0]?.command.title ?? ''));
    assert.equal(lenses.length, 1);
    // "After" is what "Apply all size fixes" does: the preferred fixes (apt, pip, .dockerignore).
    // The -slim tag needs a review, so the 1.1 GB base stays; the apt RUN on that full image is
    // not sized after the fixes either, so "after" is a lower bound too, which rounds to the
    // figure now. The fixes to review follow (afterFixesReview.test.ts). The parts of the figure
    // now are in the tooltip, whose first line is what the lens says without figures after the fixes.
    const title = lenses[0].command.title.match(/^Image: at least about 1\.\d GB now and after (\d+) fixes, \d+ MB with the fixes to review$/);
    assert.ok(title, lenses[0].command.title);
    assert.match(lenses[0].command.tooltip ?? '', /^Image: at least about 1\.\d GB \(base 1\.\d GB \+ .* of layers; \d layers not sized\)\nAfter \d+ fixes: at least about 1\.\d GB\nWith the fixes to review: at least about \d+ MB$/);
    assert.equal(lenses[0].command.command, 'dockerfileSizeHints.showSizeBreakdown');
    const breakdown = await client.request<{ short: string; bytes: number; bars: { label: string }[]; after?: { bytes: number; fixes: number; bars: { label: string }[] } }>('dockerfileSizeHints/sizeBreakdown', { uri });
    assert.match(breakdown.short, /^≥1\.\d GB$/);
    assert.ok(breakdown.bars.length >= 4);
    assert.ok(breakdown.after && breakdown.after.bytes < breakdown.bytes, JSON.stringify(breakdown.after));
    assert.equal(breakdown.after.fixes, Number(title[1]));
    assert.equal(breakdown.after.fixes, 4);
    assert.equal(breakdown.after.bars[0].label, 'base python:3.12');
  });

  it('offers a quick fix whose edit removes the finding', async () => {
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const diag = published.diagnostics.find((d) => d.code === 'apt-lists-kept')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.kind === 'quickfix');
    assert.ok(fix?.edit?.changes?.[uri], `no quick fix: ${JSON.stringify(actions)}`);
    const fixed = applyEdits(text, fix.edit.changes[uri]);
    assert.match(fixed, /apt-get install -y libpq-dev gcc && rm -rf \/var\/lib\/apt\/lists\/\*/);
    await client.change(uri, 2, fixed);
    const after = await client.diagnostics(uri, (p) => p.version === 2);
    assert.ok(!after.diagnostics.some((d) => d.code === 'apt-lists-kept'), 'finding still reported after the fix');
    text = fixed;
  });

  it('creates a .dockerignore through a workspace edit', async () => {
    const published = await client.diagnostics(uri, (p) => p.version === 2);
    const diag = published.diagnostics.find((d) => d.code === 'context-without-dockerignore')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    const changes = actions.find((a) => a.kind === 'quickfix')?.edit?.documentChanges ?? [];
    const create = changes.find((c): c is { kind: 'create'; uri: string } => 'kind' in c && c.kind === 'create');
    assert.equal(create?.uri, fileUri(path.join(dir, '.dockerignore')));
    const content = changes.find((c): c is { textDocument: { uri: string }; edits: TextEdit[] } => 'textDocument' in c && c.textDocument.uri === create!.uri);
    assert.match(content!.edits[0].newText, /\*\*\/__pycache__/);
  });

  it('applies the preferred fixes with source.fixAll and keeps results current on change', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    const all = actions.find((a) => a.kind?.startsWith('source.fixAll'));
    assert.ok(all, 'no fixAll action');
    const edit = all.edit!.documentChanges!.find((c): c is { textDocument: { uri: string }; edits: TextEdit[] } => 'textDocument' in c && c.textDocument.uri === uri)!;
    const fixed = applyEdits(text, edit.edits);
    assert.match(fixed, /--no-cache-dir/);
    assert.match(fixed, /--no-install-recommends/);
    // The -slim tag and the builder stage are quick fixes not marked preferred: left for a review.
    assert.match(fixed, /^FROM python:3\.12$/m);
    assert.equal(fixed.match(/^FROM /gm)?.length, 1);
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.dockerignore')), type: 1 }] });
    await client.change(uri, 3, fixed);
    const after = await client.diagnostics(uri, (p) => p.version === 3);
    const left = after.diagnostics.filter((d) => d.severity! <= 2);
    assert.deepEqual(left.map((d) => d.code).sort(), ['base-image-not-slim', 'build-tools-in-final-image']);
    for (const diag of left) {
      const fixes = await client.request<(CodeAction & { isPreferred?: boolean })[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] } });
      assert.equal(fixes.length, 1, `${diag.code}: ${JSON.stringify(fixes)}`);
      assert.notEqual(fixes[0].isPreferred, true, `${diag.code}: ${fixes[0].title}`);
    }
  });

  it('applies all fixes through the server command (the palette command "Apply all size fixes")', async () => {
    const other = fileUri(path.join(dir, 'other.Dockerfile'));
    await client.open(other, 'FROM alpine:3.21\nRUN apk add curl\n');
    await client.diagnostics(other, (p) => p.diagnostics.length > 0);
    const result = await client.request<{ applied: number }>('workspace/executeCommand', { command: 'dockerfileSizeHints.server.applyAllFixes', arguments: [other] });
    assert.equal(result.applied, 1);
    const edit = client.appliedEdits.at(-1) as { changes: Record<string, TextEdit[]> };
    assert.equal(applyEdits('FROM alpine:3.21\nRUN apk add curl\n', edit.changes[other]), 'FROM alpine:3.21\nRUN apk add --no-cache curl\n');
  });

  it('honours a .hadolint.yaml in the project', async () => {
    fs.writeFileSync(path.join(dir, '.hadolint.yaml'), 'ignored: [DL3019]\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.hadolint.yaml')), type: 1 }] });
    const other = fileUri(path.join(dir, 'other.Dockerfile'));
    await client.change(other, 5, 'FROM alpine:3.21\nRUN apk add git\n');
    const after = await client.diagnostics(other, (p) => p.version === 5);
    assert.deepEqual(after.diagnostics, []);
    fs.rmSync(path.join(dir, '.hadolint.yaml'));
  });

  it('survives garbage and clears diagnostics on close', async () => {
    const junk = fileUri(path.join(dir, 'junk.Dockerfile'));
    await client.open(junk, '\u0000\u0001RUN <<EOF\nFROM $$${\n\\\n', 'dockerfile', 1);
    await client.diagnostics(junk);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: junk } });
    await client.diagnostics(junk, (p) => p.diagnostics.length === 0);
    assert.equal(client.child.exitCode, null, 'server exited');
  });
});
