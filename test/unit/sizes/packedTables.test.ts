/**
 * The size tables as the bundles hold them (scripts/packedTables.mjs): each table bundled through
 * the build's plugin and run must give back the committed JSON field for field, read its
 * provenance without expanding (or loading zlib), expand once, and take less room in the .vsix's
 * deflate than the JSON esbuild would have bundled.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const repoRoot = resolve(__dirname, '../../../..');
const sizesDir = join(repoRoot, 'server', 'src', 'sizes');
const TABLES = readdirSync(sizesDir).filter((f) => f.endsWith('.generated.json'));

interface PackedTablesModule {
  packTable(json: unknown, columns?: Record<string, { head: number; sep: string }>): string | undefined;
  packedTablesPlugin(): Plugin;
  COLUMNS: Record<string, Record<string, { head: number; sep: string }>>;
  DOCUMENTATION_FIELDS: string[];
  toColumns(text: string, head: number, sep: string): string[];
  rowsFromColumns(parts: string[], head: number, sep: string): string;
}

const load = async (): Promise<PackedTablesModule> => (await import(pathToFileURL(join(repoRoot, 'scripts', 'packedTables.mjs')).href)) as PackedTablesModule;

/** Bundles `require(table)` as the server build does (minified, with the plugin) and returns the code. */
async function bundle(table: string, plugins: Plugin[]): Promise<string> {
  const r = await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(join(sizesDir, table))});`, resolveDir: repoRoot },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    write: false,
    logLevel: 'silent',
    plugins,
  });
  return r.outputFiles[0].text;
}

/** Runs a bundle in a fresh context, recording what it requires. */
function run(code: string): { exports: Record<string, unknown>; required: string[] } {
  const required: string[] = [];
  const module = { exports: {} as Record<string, unknown> };
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    return require(id);
  };
  vm.runInNewContext(code, { module, exports: module.exports, require: sandboxRequire, Buffer });
  return { exports: module.exports, required };
}

const deflated = (code: string) => zlib.deflateRawSync(Buffer.from(code)).length;

describe('size tables packed into the bundles', () => {
  it('finds the tables', () => {
    assert.ok(TABLES.includes('debian-packages.generated.json') && TABLES.includes('npm-packages.generated.json'), TABLES.join(', '));
  });

  for (const table of TABLES) {
    it(`${table}: the bundle gives back the table, its provenance without expanding it`, async () => {
      const { packedTablesPlugin, DOCUMENTATION_FIELDS } = await load();
      const json = JSON.parse(readFileSync(join(sizesDir, table), 'utf8')) as Record<string, unknown>;
      const { exports, required } = run(await bundle(table, [packedTablesPlugin()]));
      const packedAtAll = Object.values(json).some((v) => typeof v === 'string' && v.length >= 2048);
      // A packed table leaves out the fields only its readers need (esbuild's JSON loader keeps all).
      for (const key of DOCUMENTATION_FIELDS) if (packedAtAll) delete json[key];
      assert.deepEqual(Object.keys(exports), Object.keys(json));
      const lazy = Object.keys(json).filter((k) => typeof Object.getOwnPropertyDescriptor(exports, k)?.get === 'function');
      // JSON.stringify: the values come from another realm (their prototypes differ from ours).
      for (const key of Object.keys(json).filter((k) => !lazy.includes(k))) assert.deepEqual(JSON.parse(JSON.stringify(exports[key])), json[key], key);
      assert.deepEqual(required, [], 'the small fields were read without loading zlib');
      for (const key of lazy) assert.equal(exports[key], json[key], key);
      assert.equal(required.filter((id) => id === 'node:zlib').length, lazy.length > 0 ? 1 : 0, 'expanded once');
      if (typeof json.source === 'string' || typeof json.generatedOn === 'string') assert.ok(!lazy.includes('source') && !lazy.includes('generatedOn'), 'provenance stays plain');
    });
  }

  it('leaves out only fields no code reads', async () => {
    const { DOCUMENTATION_FIELDS } = await load();
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const read = new RegExp(`\\.(${DOCUMENTATION_FIELDS.join('|')})\\b(?!\\s*[(=])|\\[['"](${DOCUMENTATION_FIELDS.join('|')})['"]\\]`);
    for (const file of sources(join(repoRoot, 'server', 'src'))) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.split('\n').some((line) => read.test(line) && !/opts\.format/.test(line)), `${file} reads a field the bundles leave out`);
    }
  });

  it('packs the large tables, smaller after deflate than the JSON bundled as is', async () => {
    const { packedTablesPlugin } = await load();
    for (const table of ['debian-packages.generated.json', 'npm-packages.generated.json']) {
      const packed = await bundle(table, [packedTablesPlugin()]);
      const plain = await bundle(table, []);
      assert.match(packed, /node:zlib/, `${table} was not packed`);
      assert.ok(deflated(packed) < 0.95 * deflated(plain), `${table}: ${deflated(packed)} bytes deflated, against ${deflated(plain)} as JSON`);
    }
  });

  it('stores the npm table\u2019s versions by column, smaller after deflate than by row', async () => {
    const { packTable, COLUMNS } = await load();
    const table = 'npm-packages.generated.json';
    assert.ok(COLUMNS[table]?.packages, 'the npm table is not stored by column');
    const json = JSON.parse(readFileSync(join(sizesDir, table), 'utf8')) as Record<string, unknown>;
    const [byColumn, byRow] = [packTable(json, COLUMNS[table])!, packTable(json)!];
    assert.ok(deflated(byColumn) < 0.92 * deflated(byRow), `${deflated(byColumn)} bytes deflated by column, ${deflated(byRow)} by row`);
    // And gives the same table back (the bundled form is checked field for field above).
    const module = { exports: {} as Record<string, unknown> };
    vm.runInNewContext(byColumn, { module, require, Buffer });
    assert.equal(module.exports.packages, json.packages);
  });

  it('rebuilds rows from columns: rows without records, empty values, one row', async () => {
    const { toColumns, rowsFromColumns } = await load();
    for (const text of ['a\t1\t\tv1;2;;x\tv2;3;;\nb\t2\t\nc\t\t\t;;;', 'only\t0\tl\tx;y;z;w']) {
      const parts = toColumns(text, 3, ';');
      assert.equal(parts.length, 3 + 1 + 4);
      assert.equal(rowsFromColumns(parts, 3, ';'), text);
    }
  });

  it('refuses rows it cannot store by column', async () => {
    const { toColumns } = await load();
    assert.throws(() => toColumns('a\t1\t\tv;1\tv;1;2', 3, ';'), /a record of 3 values, not 2/);
    assert.throws(() => toColumns('a\t1\t\tv;1\nb\t2', 3, ';'), /fewer than 3 fields/);
    assert.throws(() => toColumns('a\t1\t', 3, ';'), /no records/);
  });

  it('leaves small tables to the JSON loader', async () => {
    const { packTable } = await load();
    assert.equal(packTable({ source: 'x', generatedOn: '2026-12-03', packages: ['a', 'b'] }), undefined);
    assert.equal(packTable([1, 2, 3]), undefined);
    assert.notEqual(packTable({ source: 'x', names: 'a\n'.repeat(2000) }), undefined);
  });

  it('refuses a field that holds the separator', async () => {
    const { packTable } = await load();
    assert.throws(() => packTable({ names: `${'a'.repeat(3000)}\0b` }), /separator/);
  });
});
