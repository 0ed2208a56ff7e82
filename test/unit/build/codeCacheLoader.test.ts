/**
 * The code cache loader that the server's entry and the VS Code client share
 * (server/src/codeCacheLoader.ts), with real V8 in fresh Node processes (a code cache is only
 * read by a new process) on real files: the first load writes caches, the next accepts them, a
 * damaged cache is rejected and written anew, a folder that cannot be written costs nothing but
 * the cache, caches of other builds and leftover temporary files are removed, and the hook is
 * gone after `uninstall`.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const LOADER = path.resolve(__dirname, '../../../server/src/codeCacheLoader.js');

/** The driver each process runs: loads lib/a.js (which requires lib/b.js) through the cache, saves, reports. */
const DRIVER = `
const Module = require('node:module');
const path = require('node:path');
const { loadWithCodeCache } = require(${JSON.stringify(LOADER)});
const [folder, root] = process.argv.slice(2);
const original = Module._extensions['.js'];
const loads = loadWithCodeCache(folder, root, { 'lib/a.js': 'keya', 'lib/b.js': 'keyb' });
const { value, text } = require(path.join(root, 'lib/a.js'));
const saved = loads.save();
loads.uninstall();
const restored = Module._extensions['.js'] === original;
require(path.join(root, 'lib/late.js'));
const states = Object.fromEntries([...loads.states].map(([f, s]) => [path.relative(root, f), s]));
console.log(JSON.stringify({ value, text, saved, restored, states }));
`;

interface Outcome {
  value: number;
  /** A string of b.js with characters beyond ASCII, as a.js exports it. */
  text: string;
  saved: boolean;
  restored: boolean;
  states: Record<string, string>;
}

/** UTF-8 of two and three bytes: the loader decodes the file it reads itself as Node's does. */
const TEXT = 'size \u00e9 \u2192 about';

describe('code cache loader (server/src/codeCacheLoader.ts)', function () {
  this.timeout(30_000);
  let dir: string;
  let folder: string;
  const run = (cacheFolder = folder): Outcome => JSON.parse(execFileSync(process.execPath, [path.join(dir, 'driver.js'), cacheFolder, dir], { encoding: 'utf8' })) as Outcome;
  const name = (file: string, key: string) => `lib_${file}-${key}-${process.version}-${process.arch}.cache`;
  const listing = () => fs.readdirSync(folder).sort();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-code-cache-loader-'));
    folder = path.join(dir, 'cache');
    fs.mkdirSync(path.join(dir, 'lib'));
    // Enough code, all of it run (so compiled and cached), that the cache has a body past its header to damage.
    const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
    const calls = Array.from({ length: 200 }, (_, i) => `f${i}(0)`).join(' + ');
    fs.writeFileSync(path.join(dir, 'lib/b.js'), `${functions}\nexports.sum = ${calls};\nexports.base = f41(1);\nexports.text = '${TEXT}';\n`);
    fs.writeFileSync(path.join(dir, 'lib/a.js'), `const { base, text } = require('./b.js');\nexports.value = base;\nexports.text = text;\n`);
    fs.writeFileSync(path.join(dir, 'lib/late.js'), `exports.late = true;\n`);
    fs.writeFileSync(path.join(dir, 'driver.js'), DRIVER);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the caches on the first load and accepts them on the next', () => {
    const first = run();
    assert.deepEqual(first, { value: 42, text: TEXT, saved: true, restored: true, states: { 'lib/a.js': 'none', 'lib/b.js': 'none' } });
    assert.deepEqual(listing(), [name('a.js', 'keya'), name('b.js', 'keyb')]);
    const second = run();
    assert.deepEqual(second, { value: 42, text: TEXT, saved: true, restored: true, states: { 'lib/a.js': 'accepted', 'lib/b.js': 'accepted' } });
  });

  it('rejects a damaged cache, still loads, and writes it anew', () => {
    run();
    const file = path.join(folder, name('b.js', 'keyb'));
    const data = fs.readFileSync(file);
    assert.ok(data.length > 1_000, `cache of ${data.length} bytes`);
    // Past V8's header (which holds the lengths and flags it checks first): only the checksum tells.
    for (let i = Math.floor(data.length / 2); i < Math.floor(data.length / 2) + 64; i++) data[i] ^= 0x5a;
    fs.writeFileSync(file, data);
    assert.deepEqual(run().states, { 'lib/a.js': 'accepted', 'lib/b.js': 'rejected' });
    assert.deepEqual(run().states, { 'lib/a.js': 'accepted', 'lib/b.js': 'accepted' });
  });

  it('loads without a cache when the folder cannot be created or written', () => {
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    const outcome = run(path.join(dir, 'a-file', 'cache'));
    assert.deepEqual(outcome, { value: 42, text: TEXT, saved: false, restored: true, states: { 'lib/a.js': 'none', 'lib/b.js': 'none' } });
  });

  it('removes caches of other builds and old temporary files, and keeps other files', () => {
    fs.mkdirSync(folder);
    const old = new Date(Date.now() - 120_000);
    const leftovers = [name('a.js', 'oldkey'), `lib_b.js-keyb-v0.0.0-${process.arch}.cache`, `${name('a.js', 'keya')}.1.tmp`];
    for (const f of [...leftovers, 'other-file.cache', 'fresh.tmp']) fs.writeFileSync(path.join(folder, f), 'x');
    fs.utimesSync(path.join(folder, leftovers[2]), old, old);
    run();
    assert.deepEqual(listing(), [name('a.js', 'keya'), name('b.js', 'keyb'), 'fresh.tmp', 'other-file.cache'].sort());
  });

  it("gives a cached file the require Node's loader gives it, and lets its body's throw through once", () => {
    // a.js's children and their parent, and require.main; t.js throws from its body: each require
    // runs it once (Node's loader forgets a module whose body threw, so the second runs it again).
    fs.writeFileSync(path.join(dir, 'lib/a.js'), "const b = require('./b.js');\nexports.children = module.children.map((m) => m.filename);\nexports.parentOfB = b.parent === module;\nexports.main = require.main === process.mainModule;\nexports.resolved = require.resolve('./b.js');\n");
    fs.writeFileSync(path.join(dir, 'lib/b.js'), 'exports.parent = module.parent;\n');
    fs.writeFileSync(path.join(dir, 'lib/t.js'), "globalThis.runs = (globalThis.runs ?? 0) + 1;\nthrow new Error('body ' + globalThis.runs);\n");
    fs.writeFileSync(path.join(dir, 'modules.js'), `
const path = require('node:path');
const [folder, root, plain] = process.argv.slice(2);
const loads = plain ? undefined : require(${JSON.stringify(LOADER)}).loadWithCodeCache(folder, root, { 'lib/a.js': 'keya', 'lib/b.js': 'keyb', 'lib/t.js': 'keyt' });
const a = require(path.join(root, 'lib/a.js'));
const errors = [];
for (let i = 0; i < 2; i++) try { require(path.join(root, 'lib/t.js')); } catch (e) { errors.push(e.message); }
console.log(JSON.stringify({ children: a.children.map((f) => path.relative(root, f)), parentOfB: a.parentOfB, main: a.main, resolved: path.relative(root, a.resolved), errors, cached: loads ? loads.states.size : 0 }));
`);
    const load = (...plain: string[]) => JSON.parse(execFileSync(process.execPath, [path.join(dir, 'modules.js'), folder, dir, ...plain], { encoding: 'utf8' })) as Record<string, unknown>;
    const expected = { children: ['lib/b.js'], parentOfB: true, main: true, resolved: 'lib/b.js', errors: ['body 1', 'body 2'] };
    assert.deepEqual(load('plain'), { ...expected, cached: 0 });
    assert.deepEqual(load(), { ...expected, cached: 3 });
  });

  it("leaves a file that starts with a byte order mark to Node's loader, which drops the mark", () => {
    const b = path.join(dir, 'lib/b.js');
    fs.writeFileSync(b, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(b)]));
    assert.deepEqual(run(), { value: 42, text: TEXT, saved: true, restored: true, states: { 'lib/a.js': 'none' } });
  });
});
