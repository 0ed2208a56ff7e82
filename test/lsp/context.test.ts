/**
 * The build context over the real bundled server (stdio), on real temporary workspaces: large
 * sparse files, `.git`, `node_modules`, secrets, nested ignore cases, a per-Dockerfile ignore
 * file, a Compose layout, `.dockerignore` diagnostics, hovers and fixes, work-done progress, and
 * hovers that stay fast while a 100,000-file context is being scanned.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits } from '../../server/src/core/edits';
import type { TextEdit } from '../../server/src/core/types';
import { fileUri, LspTestClient, type PublishedDiagnostics } from '../support/lspClient';
import { writeFiles } from '../support/contextTree';

type Diagnostic = PublishedDiagnostics['diagnostics'][number];
interface CodeAction {
  title: string;
  edit?: { changes?: Record<string, TextEdit[]>; documentChanges?: ({ kind: 'create'; uri: string } | { textDocument: { uri: string }; edits: TextEdit[] })[] };
}
interface Hover {
  contents: { kind: string; value: string };
}

const MB = 1_000_000;

const has = (code: string, re?: RegExp) => (p: PublishedDiagnostics) => p.diagnostics.some((d) => d.code === code && (!re || re.test(d.message)));
const find = (p: PublishedDiagnostics, code: string) => p.diagnostics.find((d) => d.code === code) as Diagnostic;

async function quickFixes(client: LspTestClient, uri: string, diag: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['quickfix'] } });
}

/** Applies the text edits of a workspace edit to the files on disk (creating files it creates). */
function applyToDisk(edit: CodeAction['edit']): void {
  for (const change of edit?.documentChanges ?? []) {
    if ('kind' in change) {
      const p = new URL(change.uri);
      if (!fs.existsSync(p)) fs.writeFileSync(p, '');
      continue;
    }
    const p = new URL(change.textDocument.uri);
    fs.writeFileSync(p, applyEdits(fs.readFileSync(p, 'utf8'), change.edits));
  }
  for (const [uri, edits] of Object.entries(edit?.changes ?? {})) fs.writeFileSync(new URL(uri), applyEdits(fs.readFileSync(new URL(uri), 'utf8'), edits));
}

async function hoverAt(client: LspTestClient, uri: string, line: number, character = 1): Promise<Hover | null> {
  return client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
}

describe('build context over LSP', function () {
  this.timeout(60_000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-context-'));
    writeFiles(root, {
      // A Node project with heavy local folders, a secret, and an ignore file that misses them.
      'node/package.json': '{"name":"x"}',
      'node/server.js': 'console.log(1)\n',
      'node/node_modules/left-pad/index.js': 'module.exports = 1\n',
      'node/node_modules/big/blob.bin': 420 * MB,
      'node/.git/objects/pack/pack-1.pack': 180 * MB,
      'node/.env': 'TOKEN=abc\n',
      'node/.dockerignore': '# build logs\n*.log\n',
      'node/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\n',
      // No ignore file at all.
      'bare/requirements.txt': 'flask\n',
      'bare/.venv/lib/site.bin': 60 * MB,
      'bare/Dockerfile': 'FROM python:3.12-slim\nCOPY . /srv\n',
      // A source the ignore file excludes; nested exceptions.
      'java/build/app.jar': 3 * MB,
      'java/build/keep.txt': 'k\n',
      'java/build/other.txt': 'o\n',
      'java/src/tmp/ok/a.txt': 'a\n',
      'java/src/tmp/b.txt': 'b\n',
      'java/.dockerignore': 'build\n!build/keep.txt\n**/tmp\n!**/tmp/ok\n*.nothing\nsrc # sources\n',
      'java/Dockerfile': 'FROM eclipse-temurin:21-jre\nCOPY build/app.jar /app.jar\nCOPY build/keep.txt /keep.txt\n',
      // A per-Dockerfile ignore file wins over the context's.
      'multi/node_modules/dep/big.bin': 30 * MB,
      'multi/.dockerignore': 'node_modules\n',
      'multi/app.Dockerfile.dockerignore': '.git\n',
      'multi/app.Dockerfile': 'FROM node:22-slim\nCOPY . /app\n',
      'multi/Dockerfile': 'FROM node:22-slim\nCOPY . /app\n',
      // Compose: the Dockerfile lives in docker/, the context is the project root.
      'composed/compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n',
      'composed/vendor/node_modules/x.bin': 12 * MB,
      'composed/docker/api.Dockerfile': 'FROM node:22-slim\nCOPY . /app\n',
      // Compose builds the production stage; a development stage follows it.
      'targeted/compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      target: production\n',
      'targeted/Dockerfile': 'FROM node:22-slim AS production\nRUN npm install express\nFROM production AS development\nRUN npm install nodemon\n',
      // Another layout, given by the dockerfileSizeHints.buildContext setting.
      'layout/.venv/lib.bin': 5 * MB,
      'layout/docker/web.Dockerfile': 'FROM python:3.12-slim\nCOPY . /srv\n',
      // No setting, no Compose: the context is inferred from what the Dockerfile copies (the project folder).
      'inferred/package.json': '{"name":"app"}',
      'inferred/src/index.js': 'console.log(1)\n',
      'inferred/vendor/blob.bin': 3 * MB,
      'inferred/docker/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\n',
      'inferred/docker/.dockerignore': 'vendor\n',
    });
    client = await LspTestClient.start({ rootPath: root });
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports the unignored heavy folders of the context with sizes, and the fix adds them to .dockerignore', async () => {
    const uri = fileUri(path.join(root, 'node', 'Dockerfile'));
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    const published = await client.diagnostics(uri, has('context-large-paths'));
    const large = find(published, 'context-large-paths');
    assert.equal(large.severity, 2);
    assert.match(large.message, /node_modules 420 MB, \.git 180 MB/);
    assert.match(large.message, /about 600 MB, 8 files/);
    assert.match(find(published, 'context-secrets').message, /\.env \(environment file/);
    assert.ok(!published.diagnostics.some((d) => d.code === 'context-without-dockerignore'), 'an ignore file exists: no double report');

    const [fix] = await quickFixes(client, uri, large);
    assert.match(fix.title, /Add node_modules, \.git to \.dockerignore/);
    applyToDisk(fix.edit);
    assert.equal(fs.readFileSync(path.join(root, 'node', '.dockerignore'), 'utf8'), 'node_modules\n.git\n# build logs\n*.log\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(root, 'node', '.dockerignore')), type: 2 }] });
    const after = await client.diagnostics(uri, (p) => !has('context-large-paths')(p) && has('context-secrets')(p));
    assert.ok(after.diagnostics.every((d) => d.code !== 'context-large-paths'));
  });

  it('counts what COPY . copies in the image estimate once the scan finished', async () => {
    const uri = fileUri(path.join(root, 'node', 'Dockerfile'));
    const lenses = await client.request<{ command: { title: string; tooltip?: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    // After the fix above, node_modules and .git are ignored: the copy is the few small files left.
    // (With figures after the fixes, the parts of the figure now are in the tooltip.)
    assert.match(lenses[0].command.tooltip ?? lenses[0].command.title, /^Image: about \d+ MB \(base \d+ MB \+ \d+ B of layers\)/);
  });

  it('without an ignore file, context-without-dockerignore gives the measured size and its fix creates one with the heavy folders', async () => {
    const uri = fileUri(path.join(root, 'bare', 'Dockerfile'));
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    const published = await client.diagnostics(uri, has('context-without-dockerignore', /It sends about 60 MB/));
    const d = find(published, 'context-without-dockerignore');
    assert.match(d.message, /among them \.venv 60 MB/);
    const [fix] = await quickFixes(client, uri, d);
    const create = fix.edit?.documentChanges?.find((c) => 'kind' in c);
    assert.equal(create && 'uri' in create ? create.uri : '', fileUri(path.join(root, 'bare', '.dockerignore')));
    const content = fix.edit?.documentChanges?.find((c) => 'textDocument' in c) as { edits: TextEdit[] };
    assert.match(content.edits[0].newText, /^\.venv$/m);

    // An editor applies it as VS Code does: the file created empty, then its open document edited.
    // No watcher event is sent: the open alone makes the finding go.
    fs.writeFileSync(new URL(create && 'uri' in create ? create.uri : ''), '');
    await client.open(fileUri(path.join(root, 'bare', '.dockerignore')), content.edits[0].newText, 'dockerignore');
    await client.diagnostics(uri, (p) => !has('context-without-dockerignore')(p));
  });

  it('reports a COPY source the ignore file excludes as an error, and honours exceptions that reach into the folder', async () => {
    const uri = fileUri(path.join(root, 'java', 'Dockerfile'));
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    const published = await client.diagnostics(uri, has('copy-source-ignored'));
    const errors = published.diagnostics.filter((d) => d.code === 'copy-source-ignored');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].severity, 1);
    assert.equal(errors[0].range.start.line, 1);
    assert.match(errors[0].message, /never receives `build\/app\.jar`.*line 1 \(`build`\)/);
    const [fix] = await quickFixes(client, uri, errors[0]);
    applyToDisk(fix.edit);
    assert.match(fs.readFileSync(path.join(root, 'java', '.dockerignore'), 'utf8'), /\n!build\/app\.jar\n$/);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(root, 'java', '.dockerignore')), type: 2 }] });
    await client.diagnostics(uri, (p) => !has('copy-source-ignored')(p));
  });

  it('uses the per-Dockerfile ignore file over the context .dockerignore', async () => {
    const own = fileUri(path.join(root, 'multi', 'app.Dockerfile'));
    const plain = fileUri(path.join(root, 'multi', 'Dockerfile'));
    await client.open(own, 'FROM node:22-slim\nCOPY . /app\n');
    await client.open(plain, 'FROM node:22-slim\nCOPY . /app\n');
    const mine = await client.diagnostics(own, has('context-large-paths'));
    assert.match(find(mine, 'context-large-paths').message, /app\.Dockerfile\.dockerignore does not exclude: node_modules\/dep|node_modules 30 MB/);
    // The context's .dockerignore (node_modules) applies to the plain Dockerfile: nothing to report.
    assert.deepEqual((await client.diagnostics(plain)).diagnostics, []);
  });

  it('takes the build context from a Compose file that builds the Dockerfile', async () => {
    const uri = fileUri(path.join(root, 'composed', 'docker', 'api.Dockerfile'));
    await client.open(uri, 'FROM node:22-slim\nCOPY . /app\n');
    const published = await client.diagnostics(uri, has('context-without-dockerignore', /vendor\/node_modules 12 MB/));
    const [fix] = await quickFixes(client, uri, find(published, 'context-without-dockerignore'));
    const create = fix.edit?.documentChanges?.find((c) => 'kind' in c);
    assert.equal(create && 'uri' in create ? create.uri : '', fileUri(path.join(root, 'composed', '.dockerignore')));
  });

  it("takes the image's stage from the Compose service's build target", async () => {
    const uri = fileUri(path.join(root, 'targeted', 'Dockerfile'));
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    const published = await client.diagnostics(uri, has('npm-cache-kept'));
    const byLine = published.diagnostics.filter((d) => d.code === 'npm-cache-kept').map((d) => `${d.range.start.line} ${d.severity}`);
    // Line 1 (production) is the image's: a warning; line 3 (development, after the target) a hint.
    assert.deepEqual(byLine, ['1 2', '3 4']);
  });

  it('takes the build context from the buildContext setting (Dockerfile glob -> folder)', async () => {
    client.configuration = { buildContext: { 'layout/docker/*.Dockerfile': 'layout' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const uri = fileUri(path.join(root, 'layout', 'docker', 'web.Dockerfile'));
    await client.open(uri, 'FROM python:3.12-slim\nCOPY . /srv\n');
    const published = await client.diagnostics(uri, has('context-without-dockerignore', /\.venv 5\.0 MB/));
    const [fix] = await quickFixes(client, uri, find(published, 'context-without-dockerignore'));
    const create = fix.edit?.documentChanges?.find((c) => 'kind' in c);
    assert.equal(create && 'uri' in create ? create.uri : '', fileUri(path.join(root, 'layout', '.dockerignore')));
    client.configuration = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  it('takes the build target from the target setting (Dockerfile glob -> stage), before Compose, and says when no stage has that name', async () => {
    let version = 100;
    const severities = async (uri: string, text: string) => {
      const v = ++version;
      await client.open(uri, text, 'dockerfile', v);
      const published = await client.diagnostics(uri, (p) => p.version === v && has('npm-cache-kept')(p));
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      return published.diagnostics.filter((d) => d.code === 'npm-cache-kept' || d.range.end.line === 0).map((d) => `${d.range.start.line} ${d.severity}${d.code ? '' : ` ${d.message}`}`);
    };
    const staged = 'FROM node:22-slim AS runtime\nRUN npm install express\nFROM runtime AS tests\nRUN npm install mocha\n';
    const uri = fileUri(path.join(root, 'layout', 'docker', 'staged.Dockerfile'));
    // Without the setting the last stage (tests) is the image: both installs are in it.
    assert.deepEqual(await severities(uri, staged), ['1 2', '3 2']);
    const setTarget = async (target: unknown) => {
      client.configuration = { target };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    };
    try {
      await setTarget({ 'layout/**/*.Dockerfile': 'runtime' });
      assert.deepEqual(await severities(uri, staged), ['1 2', '3 4']);
      // A plain name applies to every Dockerfile, and comes before the Compose service's target (production).
      await setTarget('development');
      const targeted = fileUri(path.join(root, 'targeted', 'Dockerfile'));
      assert.deepEqual(await severities(targeted, fs.readFileSync(new URL(targeted), 'utf8')), ['1 2', '3 2']);
      assert.deepEqual(await severities(uri, staged), ['1 2', '3 2', '0 3 no stage is named "development" (the build target): the last stage is taken as the image']);
    } finally {
      await setTarget(undefined);
    }
  });

  it('infers the context from what the Dockerfile copies, says so, reports the ignore file beside it as not read, and reads the Dockerfile again when it is saved', async () => {
    const file = path.join(root, 'inferred', 'docker', 'Dockerfile');
    const uri = fileUri(file);
    const ignore = fileUri(path.join(root, 'inferred', 'docker', '.dockerignore'));
    await client.open(uri, fs.readFileSync(file, 'utf8'));
    const published = await client.diagnostics(uri, has('context-without-dockerignore', /inferred as inferred\/: 1 of the 1 COPY\/ADD sources exist there \(package\.json\), none in inferred\/docker\/\), and there is no \.dockerignore.*It sends about 3\.0 MB/));
    const [fix] = await quickFixes(client, uri, find(published, 'context-without-dockerignore'));
    const create = fix.edit?.documentChanges?.find((c) => 'kind' in c);
    assert.equal(create && 'uri' in create ? create.uri : '', fileUri(path.join(root, 'inferred', '.dockerignore')));
    await client.open(ignore, 'vendor\n', 'dockerignore');
    const notRead = await client.diagnostics(ignore, has('dockerignore-not-read', /`Dockerfile` is built with the context `\.\.` \(inferred as inferred\/.*`\.\.\/\.dockerignore`.*`Dockerfile\.dockerignore`/));
    assert.equal(find(notRead, 'dockerignore-not-read').severity, 2);
    // The hover gives its own folder's figures as what the line would do, not as what it does.
    let said = '';
    for (const until = Date.now() + 20_000; Date.now() < until && !/no build reads/.test(said); await new Promise((r) => setTimeout(r, 100))) said = (await hoverAt(client, ignore, 0))?.contents.value ?? '';
    assert.match(said, /^\*\*`vendor`\*\*: no build reads this file \(`Dockerfile` is built with the context `\.\.`\), so it changes no build context now\. As the ignore file of `.*docker` it would exclude nothing\.$/);
    // Saved without the copy of package.json: nothing tells the folders apart, so docker/ is the context again.
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\n';
    fs.writeFileSync(file, text);
    await client.change(uri, 2, text);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await client.diagnostics(ignore, (p) => !has('dockerignore-not-read')(p));
    await client.diagnostics(uri, (p) => !has('context-without-dockerignore')(p));
  });

  it('checks <name>.dockerignore against the context of the Dockerfile it belongs to', async () => {
    const uri = fileUri(path.join(root, 'composed', 'docker', 'api.Dockerfile.dockerignore'));
    // api.Dockerfile's context is composed/ (Compose), where vendor/ exists and docker/x does not.
    await client.open(uri, 'vendor\nx\n', 'dockerignore');
    const p = await client.diagnostics(uri, has('dockerignore-matches-nothing'));
    assert.deepEqual(p.diagnostics.map((d) => `${d.range.start.line} ${d.code}`), ['1 dockerignore-matches-nothing']);
    assert.match((await hoverAt(client, uri, 0))?.contents.value ?? '', /keeps 1 file \(12 MB\) out of the build context right now/);
  });

  describe('in a .dockerignore file', () => {
    let uri: string;
    let text: string;
    before(async () => {
      uri = fileUri(path.join(root, 'java', '.dockerignore'));
      text = 'build\n!build/keep.txt\n**/tmp\n!**/tmp/ok\n*.nothing\nsrc # sources\n';
      await client.open(uri, text, 'dockerignore');
    });

    it('publishes syntax and context diagnostics, linked to the docs', async () => {
      const p = await client.diagnostics(uri, has('dockerignore-matches-nothing'));
      const byLine = (line: number) => p.diagnostics.filter((d) => d.range.start.line === line).map((d) => d.code);
      assert.deepEqual(byLine(3), ['dockerignore-useless-exception']);
      assert.deepEqual(byLine(4), ['dockerignore-matches-nothing']);
      // `src # sources` is a pattern for a path that does not exist, and its # is no comment.
      assert.deepEqual(byLine(5), ['dockerignore-matches-nothing', 'dockerignore-hash-in-pattern']);
      assert.deepEqual(byLine(1), []);
      assert.match(find(p, 'dockerignore-useless-exception').message, /never looks inside `src\/tmp`/);
      // Each links to the lines of docs/dockerignore.md's section on them (server/src/lsp/docs.ts).
      for (const d of p.diagnostics) {
        const link = /^(file:\/\/.*\/docs\/dockerignore\.md)#L(\d+)-L\d+$/.exec(d.codeDescription?.href ?? '');
        assert.ok(link, `${d.code}: no link to lines of docs/dockerignore.md: ${d.codeDescription?.href}`);
        const page = fs.readFileSync(new URL(link[1]), 'utf8').split('\n');
        assert.equal(page[Number(link[2]) - 1], '## Diagnostics in `.dockerignore` files', `the link of ${d.code} does not start at that section`);
      }
    });

    it('hovers a line with the files and bytes it excludes, or re-includes for an exception', async () => {
      const excl = await hoverAt(client, uri, 0);
      assert.match(excl?.contents.value ?? '', /keeps 2 files \(3\.0 MB\) out of the build context right now/);
      const back = await hoverAt(client, uri, 1, 3);
      assert.match(back?.contents.value ?? '', /re-includes 1 file \(2 B\)/);
      assert.equal(await hoverAt(client, uri, 6, 0), null);
    });

    it('offers the quick fix of a finding and its edit repairs the line', async () => {
      const p = await client.diagnostics(uri, has('dockerignore-hash-in-pattern'));
      const [fix] = await quickFixes(client, uri, find(p, 'dockerignore-hash-in-pattern'));
      assert.equal(fix.title, 'Move the comment to its own line');
      const fixed = applyEdits(text, fix.edit?.changes?.[uri] ?? []);
      assert.match(fixed, /\n# sources\nsrc\n$/);
      await client.change(uri, 2, fixed);
      await client.diagnostics(uri, (q) => q.version === 2 && !has('dockerignore-hash-in-pattern')(q));
    });
  });
});

describe('a 100,000-file build context over LSP', function () {
  this.timeout(300_000);
  const FILES = 100_000;
  let root: string;
  let client: LspTestClient;
  const progress: { kind: string; message?: string; title?: string }[] = [];

  before(async function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-context-100k-'));
    const started = Date.now();
    // 200 packages x 500 files, a third of the packages under node_modules (ignored), one large file.
    for (let d = 0; d < 200; d++) {
      const dir = d % 3 === 0 ? path.join(root, 'node_modules', `dep${d}`) : path.join(root, 'packages', `pkg${d}`, 'src');
      fs.mkdirSync(dir, { recursive: true });
      // One folder at a time, its files written concurrently (the disk, not the CPU, is the limit).
      await Promise.all([...Array(FILES / 200).keys()].map((f) => fs.promises.writeFile(path.join(dir, `f${f}.js`), 'x')));
    }
    console.log(`      created ${FILES.toLocaleString('en-US')} files in ${Date.now() - started} ms`);
    writeFiles(root, { 'dist/bundle.bin': 80 * MB, '.dockerignore': 'node_modules\n', 'Dockerfile': 'FROM node:22-slim\nCOPY . /app\n' });
  });

  after(async () => {
    await client?.stop();
    // Removing 100,000 files takes minutes on a busy disk: let rm do it after the suite ends.
    if (process.platform === 'win32') fs.rmSync(root, { recursive: true, force: true });
    else spawn('rm', ['-rf', root], { detached: true, stdio: 'ignore' }).unref();
  });

  it('keeps answering hovers while the scan runs, reports progress, then publishes the measured findings', async () => {
    client = await LspTestClient.start({ rootPath: root });
    client.connection.onNotification('$/progress', (p: { value: { kind: string; message?: string; title?: string } }) => {
      progress.push(p.value);
    });
    const uri = fileUri(path.join(root, 'Dockerfile'));
    const started = Date.now();
    await client.open(uri, 'FROM node:22-slim\nCOPY . /app\n');
    let done = false;
    const finished = client.diagnostics(uri, has('context-large-paths'), 240_000).then((p) => ((done = true), p));
    const latencies: number[] = [];
    while (!done) {
      const t = process.hrtime.bigint();
      const h = await hoverAt(client, uri, 0, 6);
      if (!done) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      assert.match(h?.contents.value ?? '', /node:22-slim/);
      await new Promise((r) => setTimeout(r, 25));
    }
    const published = await finished;
    const scanMs = Date.now() - started;
    const message = find(published, 'context-large-paths').message;
    const first = latencies.shift() ?? NaN;
    latencies.sort((a, b) => a - b);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    // The first hover shares the document's first analysis, which waits up to 300 ms for the scan (small contexts answer complete at once).
    console.log(`      100k-file context: findings after ${scanMs} ms; ${latencies.length} hovers during the scan: first ${first.toFixed(1)} ms, then median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`);
    console.log(`      message: ${message}`);
    assert.match(message, /dist 80 MB/);
    assert.match(message, /(about|at least about) [\d.]+ MB, [\d,]+ files/);
    assert.ok(latencies.length >= 5, `only ${latencies.length} hovers ran during the scan`);
    assert.ok(pct(0.95) < 500, `hover p95 ${pct(0.95)} ms during the scan`);
    assert.equal(progress[0]?.kind, 'begin');
    assert.match(progress[0]?.title ?? '', /Measuring the build context/);
    assert.ok(progress.some((p) => p.kind === 'report' && /entries/.test(p.message ?? '')), JSON.stringify(progress.slice(0, 3)));
    assert.equal(progress[progress.length - 1]?.kind, 'end');
  });
});
