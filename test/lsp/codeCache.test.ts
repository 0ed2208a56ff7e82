/**
 * The entry's V8 code cache (server/src/entry.ts), on the real bundle: a folder given with
 * --code-cache gets a cache after the first session, later sessions use it and answer the same,
 * a damaged or stale cache is replaced, and without the argument nothing is written.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, LspTestClient, SERVER_BUNDLE, type PublishedDiagnostics } from '../support/lspClient';
import { SERVER_NODE_OPTIONS, serverArgs } from '../../server/src/launch';

const TEXT = 'FROM python:3.12\nRUN apt-get update && apt-get install -y gcc\nRUN pip install flask\n';

describe('code cache of the server (entry.ts)', function () {
  this.timeout(60_000);
  let dir: string;
  let storage: string;
  const cacheDir = () => path.join(storage, 'code-cache');
  const caches = () => (fs.existsSync(cacheDir()) ? fs.readdirSync(cacheDir()).filter((f) => f.endsWith('.cache')).sort() : []);
  /** The server file's cache. */
  const mainCache = () => caches().find((f) => f.startsWith('server-main.js-'));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-code-cache-'));
    storage = path.join(dir, 'storage');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), TEXT);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One session: open the Dockerfile, take its diagnostics and the cache state, exit cleanly (the exit writes a new cache). */
  async function session(args: string[]): Promise<{ codeCache: string; diagnostics: PublishedDiagnostics }> {
    const client = await LspTestClient.start({ args: [...SERVER_NODE_OPTIONS, SERVER_BUNDLE, ...args, '--stdio'], rootPath: dir });
    try {
      const uri = fileUri(path.join(dir, 'Dockerfile'));
      await client.open(uri, TEXT);
      const diagnostics = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
      const info = await client.request<{ codeCache: string }>('dockerfileSizeHints/serverInfo', {});
      const exited = new Promise<number | null>((resolve) => client.child.once('exit', (code) => resolve(code)));
      await client.request('shutdown', null);
      await client.connection.sendNotification('exit');
      assert.equal(await exited, 0);
      return { codeCache: info.codeCache, diagnostics };
    } finally {
      await client.stop();
    }
  }
  const codes = (d: PublishedDiagnostics) => d.diagnostics.map((x) => `${x.code}@${x.range.start.line}`).sort();

  it('writes nothing without --code-cache', async () => {
    const before = fs.readdirSync(dir).sort();
    const { codeCache } = await session([]);
    assert.equal(codeCache, 'off');
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
  });

  it('compiles and saves on the first start, uses the cache on the next and answers the same', async () => {
    const first = await session(serverArgs(storage));
    assert.equal(first.codeCache, 'none');
    // Named by a hash of the file's content (from the build), the Node version and the architecture.
    const hash = createHash('sha256').update(fs.readFileSync(path.join(path.dirname(SERVER_BUNDLE), 'server-main.js'))).digest('hex').slice(0, 16);
    assert.equal(mainCache(), `server-main.js-${hash}-${process.version}-${process.arch}.cache`, caches().join(' '));
    // The server file and the parser library; not the language-server library, which cost more
    // memory than it saved time (scripts/build.mjs).
    assert.deepEqual(caches().map((f) => f.replace(/-[0-9a-f]{16}-v\d+\..*$/, '')), ['server-main.js', 'v_ast.js', 'v_td.js']);
    const file = path.join(cacheDir(), mainCache()!);
    assert.ok(fs.statSync(file).size > 100_000, `${fs.statSync(file).size} bytes`);
    const written = caches();
    const second = await session(serverArgs(storage));
    assert.equal(second.codeCache, 'accepted');
    assert.deepEqual(caches(), written, 'nothing new written when every cache was used');
    assert.deepEqual(codes(second.diagnostics), codes(first.diagnostics));
    assert.ok(codes(first.diagnostics).includes('pip-cache-kept@2'), codes(first.diagnostics).join(' '));
  });

  it('replaces a damaged cache (V8 rejects it) and serves as usual meanwhile', async () => {
    const file = path.join(cacheDir(), mainCache()!);
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.from('not a code cache, not even close'.repeat(100)));
    const damaged = await session(serverArgs(storage));
    assert.equal(damaged.codeCache, 'rejected');
    assert.ok(damaged.diagnostics.diagnostics.length > 0);
    assert.ok(fs.statSync(file).size > 100_000 && !fs.readFileSync(file).equals(Buffer.from('not a code cache, not even close'.repeat(100))));
    assert.ok(fs.statSync(file).size > good.length / 2);
    assert.equal((await session(serverArgs(storage))).codeCache, 'accepted');
  });

  it('rejects a cache damaged past its header (by the CRC-32 stored with it) instead of crashing, and replaces it', async () => {
    const file = path.join(cacheDir(), mainCache()!);
    const bytes = fs.readFileSync(file);
    for (const at of [5_000, 100_000, Math.floor(bytes.length * 0.9)]) for (let i = 0; i < 8; i++) bytes[at + i] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const damaged = await session(serverArgs(storage));
    assert.equal(damaged.codeCache, 'rejected');
    assert.ok(damaged.diagnostics.diagnostics.length > 0);
    assert.ok(!fs.readFileSync(file).equals(bytes), 'the damaged file was written anew');
    assert.equal((await session(serverArgs(storage))).codeCache, 'accepted');
  });

  it("removes another build's caches and dead processes' temporary files when it writes its own", async () => {
    const current = mainCache()!;
    // Another build's cache, one made by another Node version, one in an earlier naming, and what
    // a process that died while writing left behind (two minutes ago).
    const stale = [`server-main.js-0123456789abcdef-${process.version}-${process.arch}.cache`, `server-main.js-0123456789abcdef-v1.2.3-${process.arch}.cache`, `server-main.js-${process.version}-${process.arch}-1-1.cache`, `${current}.4242.tmp`].map((f) => path.join(cacheDir(), f));
    for (const f of stale) fs.writeFileSync(f, 'old');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(stale[3], old, old);
    const unrelated = path.join(cacheDir(), 'notes.txt');
    fs.writeFileSync(unrelated, 'not ours to delete');
    // Without its own cache the server compiles, writes one and clears out the others.
    fs.rmSync(path.join(cacheDir(), current));
    assert.equal((await session(serverArgs(storage))).codeCache, 'none');
    for (const f of stale) assert.ok(!fs.existsSync(f), `${path.basename(f)} is gone`);
    assert.ok(fs.existsSync(unrelated));
    assert.deepEqual(caches().filter((f) => f.startsWith('server-main.js-')), [current]);
  });

  it('writes no cache in a session that analysed nothing (it would lack the analysis code for good)', async () => {
    const empty = path.join(dir, 'storage-empty');
    const client = await LspTestClient.start({ args: [...SERVER_NODE_OPTIONS, SERVER_BUNDLE, ...serverArgs(empty), '--stdio'], rootPath: dir });
    const info = await client.request<{ codeCache: string }>('dockerfileSizeHints/serverInfo', {});
    assert.equal(info.codeCache, 'none');
    const exited = new Promise((resolve) => client.child.once('exit', resolve));
    await client.request('shutdown', null);
    await client.connection.sendNotification('exit');
    await exited;
    await client.stop();
    assert.ok(!fs.existsSync(path.join(empty, 'code-cache')) || fs.readdirSync(path.join(empty, 'code-cache')).length === 0);
  });

  it('leaves no temporary file behind when a cache cannot be written', async () => {
    // A folder where the server file's cache should go: the write fails at every start.
    const storageB = path.join(dir, 'storage-b');
    const hash = createHash('sha256').update(fs.readFileSync(path.join(path.dirname(SERVER_BUNDLE), 'server-main.js'))).digest('hex').slice(0, 16);
    fs.mkdirSync(path.join(storageB, 'code-cache', `server-main.js-${hash}-${process.version}-${process.arch}.cache`), { recursive: true });
    for (let i = 0; i < 2; i++) assert.ok((await session(serverArgs(storageB))).diagnostics.diagnostics.length > 0);
    assert.deepEqual(fs.readdirSync(path.join(storageB, 'code-cache')).filter((f) => f.endsWith('.tmp')), []);
  });

  it('serves as usual when the cache folder cannot be made', async () => {
    const blocked = path.join(dir, 'blocked');
    fs.writeFileSync(blocked, 'a file where the storage folder should be');
    const { codeCache, diagnostics } = await session(serverArgs(blocked));
    assert.equal(codeCache, 'none');
    assert.ok(diagnostics.diagnostics.length > 0);
    assert.equal(fs.readFileSync(blocked, 'utf8'), 'a file where the storage folder should be');
  });
});
