/**
 * Scans real temporary workspaces. Sizes are exact (we write the files), large files are sparse
 * (fs.truncate), so the tests stay fast and light on disk.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDockerignoreMatcher } from '../../../server/src/core/dockerignore';
import { FOLDER_DEPTH, MAX_FOLDERS, scanBuildContext, type ContextScanResult } from '../../../server/src/sources/context/scan';
import { writeFiles } from '../../support/contextTree';

async function workspace(files: Record<string, string | number>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-scan-'));
  writeFiles(root, files);
  return root;
}

const roots: string[] = [];
async function ws(files: Record<string, string | number>): Promise<string> {
  const r = await workspace(files);
  roots.push(r);
  return r;
}

const sizes = (r: ContextScanResult) => Object.fromEntries(r.largest.map((p) => [p.path, [p.bytes, p.excludedBytes]]));

describe('context scan', function () {
  this.timeout(60_000);

  after(async function () {
    this.timeout(60_000);
    for (const r of roots) await fs.rm(r, { recursive: true, force: true });
  });

  it('measures what is sent and what each ignore line keeps out', async () => {
    const ignore = '# deps\nnode_modules\n.git\n*.log\n';
    const root = await ws({
      '.dockerignore': ignore,
      'Dockerfile': 'FROM scratch\n',
      'src/a.ts': 1000,
      'src/b.ts': 2000,
      'debug.log': 500,
      'node_modules/x/index.js': 30_000,
      'node_modules/y/index.js': 20_000,
      '.git/objects/pack/p.pack': 100_000,
    });
    const r = await scanBuildContext(root, { matcher: createDockerignoreMatcher(ignore) });
    assert.equal(r.complete, true);
    assert.equal(r.included.files, 4); // .dockerignore, Dockerfile, src/a.ts, src/b.ts
    assert.equal(r.included.bytes, ignore.length + 13 + 3000);
    assert.deepEqual(r.excluded, { files: 4, bytes: 150_500, measured: true });
    assert.deepEqual(r.excludedByLine, [
      { line: 1, files: 2, bytes: 50_000 },
      { line: 2, files: 1, bytes: 100_000 },
      { line: 3, files: 1, bytes: 500 },
    ]);
    assert.deepEqual(sizes(r).src, [3000, 0]);
    assert.deepEqual(sizes(r)['.git'], [0, 100_000]);
    assert.equal(r.largest[0].path, 'src');
    assert.deepEqual(
      r.notable.map((n) => [n.path, n.kind, n.bytes, n.excludedBytes]),
      [
        ['.git', 'vcs', 0, 100_000],
        ['node_modules', 'dependencies', 0, 50_000],
      ],
    );
  });

  it('reports the heaviest paths of an unignored context, sparse gigabytes included', async () => {
    const root = await ws({ 'Dockerfile': 'FROM scratch\n', 'data/model.bin': 3 * 1024 ** 3, '.git/pack': 5_000_000, 'app/node_modules/lib.js': 7_000, 'app/main.py': 10 });
    const t0 = Date.now();
    const r = await scanBuildContext(root);
    assert.ok(Date.now() - t0 < 5000, 'a sparse file is measured, not read');
    assert.equal(r.included.bytes, 3 * 1024 ** 3 + 5_000_000 + 7_000 + 10 + 13);
    assert.deepEqual(r.largest.map((p) => p.path), ['data', '.git', 'app', 'Dockerfile']);
    assert.deepEqual(r.notable.map((n) => [n.path, n.bytes]), [['.git', 5_000_000], ['app/node_modules', 7_000]]);
  });

  it('agrees with the matcher on nested exceptions, and skips what the builder skips', async () => {
    const ignore = 'build\n!build/keep.txt\n**/tmp\n!**/tmp/ok\nlogs\n!**/important.log\ndocs/*\n!docs/README.md\n';
    const files = [
      'build/keep.txt', 'build/other.txt', 'build/sub/keep.txt',
      'tmp/ok', 'tmp/x', 'a/tmp/ok', 'a/tmp/y', 'a/b/tmp/ok',
      'logs/important.log', 'logs/other.log', 'important.log',
      'docs/README.md', 'docs/guide.md', 'docs/img/a.png', 'src/main.go',
    ];
    const root = await ws(Object.fromEntries(files.map((f) => [f, 10])));
    const matcher = createDockerignoreMatcher(ignore);
    const r = await scanBuildContext(root, { matcher, collectPaths: true });
    const included = files.filter((f) => !matcher.isExcluded(f)).sort();
    // `!**/tmp/ok` brings nothing back: no exception starts with `tmp/`, so the builder never
    // enters an excluded `tmp` folder. Only exceptions spelled from the folder down work.
    assert.deepEqual(included, ['build/keep.txt', 'docs/README.md', 'important.log', 'src/main.go']);
    assert.equal(r.included.files, included.length);
    assert.equal(r.included.bytes, included.length * 10);
    assert.equal(r.excluded.files, files.length - included.length);
    // important.log at the top was never excluded, so line 6 (`!**/important.log`) brings back nothing.
    assert.deepEqual(r.reincludedByLine, [
      { line: 1, files: 1, bytes: 10 },
      { line: 7, files: 1, bytes: 10 },
    ]);
    // logs/ is skipped (the exception starts with **), yet measured afterwards for the hover.
    assert.ok(r.paths?.files.includes('logs/important.log'));
  });

  it('never follows symbolic links', async () => {
    const root = await ws({ 'src/a.txt': 100 });
    await fs.symlink('/usr', path.join(root, 'usr-link'));
    await fs.symlink('src', path.join(root, 'src-link'));
    await fs.symlink('../../nowhere', path.join(root, 'dangling'));
    const r = await scanBuildContext(root, { collectPaths: true });
    assert.equal(r.included.symlinks, 3);
    assert.equal(r.included.files, 4);
    assert.ok(r.included.bytes < 100 + 3 * 64, 'links count with their own tiny size');
    assert.deepEqual(r.paths?.files.sort(), ['dangling', 'src-link', 'src/a.txt', 'usr-link']);
    assert.deepEqual(r.errors, []);
  });

  it('sizes the folders a few levels below the top, outside notable ones, up to a limit', async () => {
    const ignore = 'app/cache/tmp\n';
    const root = await ws({
      'app/main.py': 10,
      'app/cache/c.bin': 500,
      'app/cache/tmp/t.bin': 40,
      'app/cache/deep/er/d.bin': 7,
      'app/node_modules/x/index.js': 1000,
      'top.txt': 3,
    });
    const r = await scanBuildContext(root, { matcher: createDockerignoreMatcher(ignore) });
    // What the builder receives (app/cache/tmp is ignored); app is in `largest`, app/cache/deep/er is deeper than FOLDER_DEPTH.
    assert.deepEqual(Object.fromEntries(r.folders), { 'app/cache': 507, 'app/cache/tmp': 0, 'app/cache/deep': 7 });
    assert.ok(FOLDER_DEPTH === 3 && MAX_FOLDERS >= 1000);
    const many = await ws({});
    for (let i = 0; i < MAX_FOLDERS + 5; i++) await fs.mkdir(path.join(many, 'a', `f${i}`), { recursive: true });
    assert.equal((await scanBuildContext(many)).folders.size, MAX_FOLDERS);
  });

  it('takes only the listed folder names as notable, not the names of Object.prototype\'s members', async () => {
    const root = await ws({ 'constructor/a.js': 'x', 'toString/b.js': 'x', '__proto__/c.js': 'x', 'web/out/d.js': 'x' });
    const r = await scanBuildContext(root);
    assert.deepEqual(r.notable.map((n) => [n.path, n.kind]), [['web/out', 'build-output']]);
  });

  it('finds likely secrets that are not ignored', async () => {
    const root = await ws({
      '.env': 'DB_PASSWORD=x\n',
      '.env.example': 'DB_PASSWORD=\n',
      '.env.local': 'SECRET=1\n',
      'deploy/id_rsa': 'k',
      'deploy/id_rsa.pub': 'ssh-rsa AAA',
      'tls/server.key': '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
      'tls/ca.pem': '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_abc\n',
      'web/.npmrc': 'save-exact=true\n',
      // Tokens read from the environment when npm or Yarn runs: no secret in the file.
      'ci/.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken= ${GITHUB_TOKEN} \n',
      'ci/.yarnrc.yml': 'npmScopes:\n  acme:\n    npmAuthToken: "${NPM_TOKEN}"\n',
      'yarn/.yarnrc.yml': 'npmAuthToken: npm_abc\n',
      'src/.env.d.ts': 'declare const env: { API_URL: string };\n',
      '.aws/credentials': '[default]\naws_access_key_id=x\n',
      'keys/sa.json': JSON.stringify({ type: 'service_account', project_id: 'p', private_key: '-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(1600) }),
      'node_modules/pkg/.env': 'X=1\n',
    });
    const matcher = createDockerignoreMatcher('.env.local\nnode_modules\n');
    const r = await scanBuildContext(root, { matcher });
    assert.deepEqual(
      r.secrets.map((s) => [s.path, s.kind]).sort(),
      [
        ['.aws/credentials', 'aws-credentials'],
        ['.env', 'dotenv'],
        ['.npmrc', 'npm-token'],
        ['deploy/id_rsa', 'ssh-key'],
        ['keys/sa.json', 'gcloud-service-account'],
        ['tls/server.key', 'private-key'],
        ['yarn/.yarnrc.yml', 'npm-token'],
      ],
    );
  });

  it('stops at the entry limit and says so', async () => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 600; i++) files[`d${i % 6}/f${i}`] = 1;
    const root = await ws(files);
    const r = await scanBuildContext(root, { maxEntries: 300 });
    assert.equal(r.complete, false);
    assert.equal(r.stoppedBy, 'entries');
    assert.ok(r.entries >= 300 && r.entries < 600, String(r.entries));
    const none = await scanBuildContext(root, { maxMillis: -1 });
    assert.equal(none.stoppedBy, 'time');
  });

  it('can be cancelled, and reports progress', async () => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) files[`d${i % 40}/f${i}`] = 1;
    const root = await ws(files);
    const controller = new AbortController();
    let progress = 0;
    const scan = scanBuildContext(root, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        progress++;
        if (p.entries > 500) controller.abort();
      },
    });
    await assert.rejects(scan, (e: Error) => e.name === 'AbortError');
    assert.ok(progress > 0);
  });

  it('rejects a context that is not a directory', async () => {
    const root = await ws({ f: 1 });
    await assert.rejects(scanBuildContext(path.join(root, 'f')), /not a directory/);
    await assert.rejects(scanBuildContext(path.join(root, 'missing')), /ENOENT/);
  });

  it('names the asked context when it is missing, as fs.promises.realpath did (not the first missing folder on the way)', async () => {
    // The message is shown ("the build context could not be measured (...)"). Node's callback
    // fs.realpath is a JavaScript walk that fails at the first missing folder with lstat's error;
    // fs.promises.realpath (and fs.realpath.native) is realpath(3), whose error names the path asked.
    const root = await ws({ f: 1 });
    const asked = path.join(root, 'missing', 'app');
    await assert.rejects(scanBuildContext(asked), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.syscall === 'realpath' && e.message.includes(asked));
  });

  it('scans 10,000 files while the event loop stays responsive', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-scan10k-'));
    roots.push(root);
    for (let d = 0; d < 100; d++) {
      const dir = path.join(root, d % 10 === 0 ? `node_modules/m${d}` : `src/p${d}`);
      await fs.mkdir(dir, { recursive: true });
      await Promise.all(Array.from({ length: 100 }, (_, i) => fs.writeFile(path.join(dir, `f${i}.js`), 'x'.repeat(i))));
    }
    const delay = monitorEventLoopDelay({ resolution: 2 });
    delay.enable();
    const t0 = Date.now();
    const r = await scanBuildContext(root, { matcher: createDockerignoreMatcher('node_modules\n') });
    const ms = Date.now() - t0;
    delay.disable();
    const p99 = delay.percentile(99) / 1e6;
    console.log(`      10,000 files scanned in ${ms} ms; event-loop delay p99 ${p99.toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`);
    assert.equal(r.included.files, 9000);
    assert.equal(r.excluded.files, 1000);
    assert.equal(r.included.bytes, 90 * 4950);
    // A hover waits at most about this long; generous because CI machines are shared.
    assert.ok(p99 < 150, `event-loop delay p99 ${p99} ms`);
  });
});
