/**
 * The entry's V8 code cache (server/src/entry.ts), on the real bundle: a folder given with
 * --code-cache gets a cache after the first session, later sessions use it and answer the same,
 * a damaged or stale cache is replaced, and without the argument nothing is written.
 */
import * as assert from 'node:assert/strict';
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
    const version = process.version.replace(/\./g, '\\.');
    assert.match(mainCache() ?? '', new RegExp(`^server-main\\.js-${version}-${process.arch}-\\d+-\\d+\\.cache$`), caches().join(' '));
    // The server file and the parser library; not the language-server library, which cost more
    // memory than it saved time (entry.ts).
    assert.deepEqual(caches().map((f) => f.replace(/-v\d+\..*$/, '')), ['server-main.js', 'vendor_dockerfile-ast.js', 'vendor_vscode-languageserver-textdocument.js']);
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

  it("removes another server version's cache when it writes its own", async () => {
    const current = mainCache()!;
    // An older server file's cache, and one made by another Node version.
    const stale = [`server-main.js-${process.version}-${process.arch}-1-1.cache`, `server-main.js-v1.2.3-${process.arch}-1-1.cache`].map((f) => path.join(cacheDir(), f));
    for (const f of stale) fs.writeFileSync(f, 'old');
    const unrelated = path.join(cacheDir(), 'notes.txt');
    fs.writeFileSync(unrelated, 'not ours to delete');
    // Without its own cache the server compiles, writes one and clears out the others.
    fs.rmSync(path.join(cacheDir(), current));
    assert.equal((await session(serverArgs(storage))).codeCache, 'none');
    for (const f of stale) assert.ok(!fs.existsSync(f), `${path.basename(f)} is gone`);
    assert.ok(fs.existsSync(unrelated));
    assert.deepEqual(caches().filter((f) => f.startsWith('server-main.js-')), [current]);
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
