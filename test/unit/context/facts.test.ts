/**
 * Which folder is the build context and which ignore file applies, on real temporary folders;
 * and the background scan cache: shared per (folder, ignore text), aborted when nobody wants it,
 * dropped on file changes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextFacts, readContext, resolveBuildContext, scanFacts, settingFor } from '../../../server/src/sources/context/facts';
import { createDockerignoreMatcher } from '../../../server/src/core/dockerignore';
import { ContextScans } from '../../../server/src/sources/context/scans';
import { scanBuildContext } from '../../../server/src/sources/context/scan';
import { contextCopyKey } from '../../../server/src/core/buildContext';
import { readFacts } from '../../../server/src/sources/workspace';
import { parse } from '../../../server/src/lsp/settings';
import { main } from '../../../server/src/cli';
import { writeFiles } from '../../support/contextTree';


describe('build context resolution', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-facts-'));
    writeFiles(root, {
      'plain/Dockerfile': 'FROM alpine\n',
      'plain/.dockerignore': 'x\n',
      'plain/api.Dockerfile': 'FROM alpine\n',
      'plain/api.Dockerfile.dockerignore': 'own\n',
      'proj/compose.yaml': 'services:\n  web:\n    build:\n      context: ./web\n      dockerfile: ../docker/web.Dockerfile\n',
      'proj/docker/web.Dockerfile': 'FROM alpine\n',
      'proj/web/.dockerignore': 'node_modules\n',
      'proj/docker/other.Dockerfile': 'FROM alpine\n',
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("defaults to the Dockerfile's folder", async () => {
    const r = await resolveBuildContext(path.join(root, 'plain', 'Dockerfile'), { workspaceFolders: [root] });
    assert.deepEqual(r, { dir: path.join(root, 'plain'), via: 'dockerfile-folder' });
  });

  it('follows a Compose file above the Dockerfile that builds it', async () => {
    const r = await resolveBuildContext(path.join(root, 'proj', 'docker', 'web.Dockerfile'), { workspaceFolders: [root] });
    assert.equal(r.dir, path.join(root, 'proj', 'web'));
    assert.equal(r.via, 'compose');
    assert.equal((await resolveBuildContext(path.join(root, 'proj', 'docker', 'other.Dockerfile'), { workspaceFolders: [root] })).via, 'dockerfile-folder');
  });

  it('lets the setting decide: one folder, or the first matching Dockerfile glob', async () => {
    const df = path.join(root, 'proj', 'docker', 'other.Dockerfile');
    assert.equal((await resolveBuildContext(df, { workspaceFolders: [root], buildContext: 'proj' })).dir, path.join(root, 'proj'));
    const byGlob = await resolveBuildContext(df, { workspaceFolders: [root], buildContext: { 'plain/*': 'plain', 'proj/**/*.Dockerfile': 'proj/web' } });
    assert.deepEqual(byGlob, { dir: path.join(root, 'proj', 'web'), via: 'setting', detail: 'proj/**/*.Dockerfile' });
  });

  it('reads the per-Dockerfile ignore file before the context .dockerignore, and says where a new one goes', async () => {
    const own = await readContext(path.join(root, 'plain', 'api.Dockerfile'), { workspaceFolders: [root] });
    assert.equal(own.ignoreFile?.kind, 'dockerfile-specific');
    assert.equal(own.ignoreFile?.text, 'own\n');
    const facts = contextFacts(path.join(root, 'plain', 'api.Dockerfile'), own);
    assert.deepEqual(facts.ignoreFile, { relativePath: 'api.Dockerfile.dockerignore', text: 'own\n' });
    const composed = contextFacts(path.join(root, 'proj', 'docker', 'web.Dockerfile'), await readContext(path.join(root, 'proj', 'docker', 'web.Dockerfile'), { workspaceFolders: [root] }));
    assert.deepEqual(composed.ignoreFile, { relativePath: '../web/.dockerignore', text: 'node_modules\n' });
    assert.equal(composed.newIgnoreFilePath, '../web/.dockerignore');
  });

  it('reads the buildContext setting: a folder or a map of strings; anything else is ignored', () => {
    assert.equal(parse({ buildContext: '.' }).buildContext, '.');
    assert.deepEqual(parse({ buildContext: { 'docker/*': '.', bad: 3 } }).buildContext, { 'docker/*': '.' });
    assert.equal(parse({ buildContext: 3 }).buildContext, undefined);
    assert.equal(parse({ buildContext: '  ' }).buildContext, undefined);
  });

  it('reads the target setting the same way, and settingFor picks the value for a Dockerfile', () => {
    assert.equal(parse({ target: 'runtime' }).target, 'runtime');
    assert.deepEqual(parse({ target: { 'svc/*/Dockerfile': 'prod', bad: [] } }).target, { 'svc/*/Dockerfile': 'prod' });
    assert.equal(parse({ target: '' }).target, undefined);
    const ws = path.join(os.tmpdir(), 'ws');
    const at = (setting: Parameters<typeof settingFor>[0], file: string) => settingFor(setting, path.join(ws, file), [ws])?.value;
    assert.equal(at(' runtime ', 'a/Dockerfile'), 'runtime');
    assert.equal(at({ 'svc/*/Dockerfile': 'prod', '**/Dockerfile': 'other' }, 'svc/api/Dockerfile'), 'prod', 'the first glob that matches');
    assert.equal(at({ 'svc/*/Dockerfile': 'prod', '**/Dockerfile': 'other' }, 'tools/Dockerfile'), 'other');
    assert.equal(at({ 'svc/*/Dockerfile': 'prod' }, 'tools/Dockerfile'), undefined);
    assert.equal(at({ '/svc/*/Dockerfile': ' ' }, 'svc/api/Dockerfile'), undefined, 'a blank value is no value');
    // Outside every workspace folder, globs are relative to the Dockerfile's folder.
    assert.equal(settingFor({ Dockerfile: 'x' }, path.join(os.tmpdir(), 'elsewhere', 'Dockerfile'), [ws])?.value, 'x');
  });

  it('takes --build-context on the command line', async () => {
    const out: string[] = [];
    writeFiles(root, { 'ctx/big/node_modules/x.js': 'x'.repeat(2_000_000), 'ctx/.dockerignore': '.git\n', 'ctx/docker/Dockerfile': 'FROM node:22-slim\nCOPY . /app\n' });
    const code = await main(['--build-context', path.join(root, 'ctx'), path.join(root, 'ctx', 'docker', 'Dockerfile')], (s) => out.push(s), () => undefined);
    assert.equal(code, 1);
    assert.match(out.join('\n'), /context-large-paths .*big\/node_modules 2\.0 MB/);
  });

  it('gives the CLI the same facts with the scan awaited', async () => {
    const facts = await readFacts(path.join(root, 'plain', 'Dockerfile'), { workspaceFolders: [root] });
    assert.equal(facts.scan?.complete, true);
    // Dockerfile, api.Dockerfile, api.Dockerfile.dockerignore, .dockerignore
    assert.equal(facts.scan?.files, 4);
  });
});

describe('the scan facts of an unchanged context', () => {
  it('are the same object in every analysis, so that kept family findings stay (contextCopyKey)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-scanfacts-'));
    writeFiles(root, { 'Dockerfile': 'FROM scratch\nCOPY . /\n', 'app/a.txt': 'a' });
    const dockerfile = path.join(root, 'Dockerfile');
    const disk = await readContext(dockerfile, { workspaceFolders: [root] });
    const result = await scanBuildContext(root, {});
    const first = contextFacts(dockerfile, disk, result);
    assert.equal(contextFacts(dockerfile, disk, result).scan, first.scan);
    assert.equal(contextCopyKey({ context: contextFacts(dockerfile, disk, result) }), contextCopyKey({ context: first }));
    assert.notEqual(contextCopyKey({ context: contextFacts(dockerfile, disk, await scanBuildContext(root, {})) }), contextCopyKey({ context: first }));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('hold the listing of every path only when the scan read all of them (what shows a path is not there)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-scanlisting-'));
    writeFiles(root, { 'app/a.txt': 'a', 'skipped/b.txt': 'b' });
    const matcher = createDockerignoreMatcher('skipped\n');
    const all = await scanBuildContext(root, { collectPaths: true, matcher });
    // The scan's own arrays, not copies.
    assert.equal(scanFacts(all).listing, all.paths);
    assert.equal(scanFacts({ ...all, errors: [{ path: 'app', message: 'EACCES' }] }).listing, undefined);
    assert.equal(scanFacts(await scanBuildContext(root, { collectPaths: true, matcher, measureExcluded: false })).listing, undefined);
    assert.equal(scanFacts(await scanBuildContext(root, { collectPaths: true, maxEntries: 1 })).listing, undefined);
    assert.equal(scanFacts(await scanBuildContext(root, {})).listing, undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('ContextScans', () => {
  let root: string;
  before(function () {
    // 4,000 small files: written in about 0.5 s on an idle machine, over 2 s under a load of 5.
    this.timeout(20_000);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-scans-'));
    for (let d = 0; d < 40; d++) writeFiles(root, Object.fromEntries([...Array(100).keys()].map((f) => [`d${d}/f${f}.txt`, 'x'])));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs one scan per folder and ignore text, announces it once, and serves it from the cache', async () => {
    const done: string[] = [];
    const scans = new ContextScans({ onDone: (dir) => done.push(dir) });
    assert.equal(scans.state(root, 'd1\n', 'a').state, 'running');
    const b = await scans.wait(root, 'd1\n', 'b');
    assert.equal(b.state, 'done');
    assert.equal(b.state === 'done' && b.result.included.files, 3900);
    assert.deepEqual(done, [root]);
    assert.equal(scans.state(root, 'd1\n', 'a').state, 'done');
    assert.equal(done.length, 1);
  });

  it('aborts a running scan that nobody needs any more (the document changed its ignore text or closed)', async () => {
    const done: string[] = [];
    const scans = new ContextScans({ onDone: (dir) => done.push(dir) });
    scans.state(root, 'old\n', 'doc');
    scans.state(root, 'new\n', 'doc'); // the document's new version: the old scan is dropped
    const now = await scans.wait(root, 'new\n', 'doc');
    assert.equal(now.state, 'done');
    assert.deepEqual(done, [root], 'only the wanted scan is announced');
    assert.deepEqual(scans.stats, { started: 2, finished: 1, aborted: 1, replaced: 0 });
    scans.state(root, 'closing\n', 'doc');
    scans.release('doc');
    assert.equal(scans.state(root, 'closing\n', 'other').state, 'running', 'released: a new request starts afresh');
    scans.dispose();
  });

  it('drops the scans of a folder when a file in it changes', async () => {
    const scans = new ContextScans();
    await scans.wait(root, undefined, 'a');
    assert.deepEqual(scans.invalidate(path.join(os.tmpdir(), 'elsewhere.txt')), []);
    assert.deepEqual(scans.invalidate(path.join(root, 'd1', 'f1.txt')), [root]);
    assert.equal(scans.state(root, undefined, 'a').state, 'running');
    scans.dispose();
  });

  it('reports progress through the sink once a scan has run for a while', async () => {
    const events: string[] = [];
    const scans = new ContextScans({ progressAfterMs: 0, progress: () => ({ report: () => events.push('report'), done: () => events.push('done') }) });
    await scans.wait(root, undefined, 'a');
    assert.equal(events[events.length - 1], 'done');
  });
});
