/**
 * The size tables as the bundles hold them (scripts/packedTables.mjs): each table bundled through
 * the build's plugin and run must give back the committed JSON (or the generated TypeScript
 * table's exports) field for field, read its provenance without expanding (or loading zlib),
 * expand once, and take less room in the .vsix's deflate than esbuild would have bundled.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vm from 'node:vm';
import * as zlib from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const repoRoot = resolve(__dirname, '../../../..');
const sizesDir = join(repoRoot, 'server', 'src', 'sizes');
const TABLES = readdirSync(sizesDir).filter((f) => /\.generated\.(json|ts)$/.test(f));

type Predicted = Record<string, (record: Record<string, unknown>) => string | undefined>;
type Columns = Record<string, { head?: number; sep?: string; front?: number[]; predicted?: Predicted }>;

interface PackedTablesModule {
  packTable(json: unknown, columns?: Columns): string | undefined;
  packedTablesPlugin(options?: { streamsFile?: string }): Plugin;
  streamsFileContent(streams: Map<string, Buffer[]>): Buffer;
  COLUMNS: Record<string, Columns>;
  DOCUMENTATION_FIELDS: string[];
  toColumns(text: string, head: number, sep: string): string[];
  rowsFromColumns(parts: string[], head: number, sep: string): string;
  frontCoded(names: string[]): string[];
  frontDecoded(text: string): string;
  recordColumns(records: unknown, predicted?: Predicted): { keys: string[]; types: string; parts: string[] } | undefined;
  recordsFromColumns(parts: string[], keys: string[], types: string, predicted?: Predicted): Record<string, unknown>[];
  generatedExports(source: string): Record<string, unknown>;
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

/** Bundles every table as the server build does (minified, streams in `streamsFile`) into `outfile`. */
async function bundleTables(outfile: string, streamsFile: string): Promise<void> {
  const { packedTablesPlugin } = await load();
  await build({
    stdin: { contents: `module.exports = { ${TABLES.map((t) => `${JSON.stringify(t)}: require(${JSON.stringify(join(sizesDir, t))})`).join(', ')} };`, resolveDir: repoRoot },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: true,
    outfile,
    logLevel: 'silent',
    plugins: [packedTablesPlugin({ streamsFile })],
  });
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

/** A table as its file gives it: the JSON, or a generated TypeScript table's exports. */
async function read(table: string): Promise<Record<string, unknown>> {
  const text = readFileSync(join(sizesDir, table), 'utf8');
  return table.endsWith('.ts') ? (await load()).generatedExports(text) : (JSON.parse(text) as Record<string, unknown>);
}

describe('size tables packed into the bundles', () => {
  it('finds the tables', () => {
    for (const table of ['debian-packages.generated.json', 'npm-packages.generated.json', 'base-images.generated.ts']) assert.ok(TABLES.includes(table), TABLES.join(', '));
  });

  for (const table of TABLES) {
    it(`${table}: the bundle gives back the table, its provenance without expanding it`, async () => {
      const { packedTablesPlugin, packTable, COLUMNS, DOCUMENTATION_FIELDS } = await load();
      const json = await read(table);
      const code = await bundle(table, [packedTablesPlugin()]);
      const { exports, required } = run(code);
      const packedAtAll = packTable(json, COLUMNS[table]) !== undefined;
      // A packed table leaves out the fields only its readers need (esbuild's JSON loader keeps all).
      for (const key of DOCUMENTATION_FIELDS) if (packedAtAll) delete json[key];
      assert.deepEqual(Object.keys(exports), Object.keys(json));
      const lazy = Object.keys(json).filter((k) => typeof Object.getOwnPropertyDescriptor(exports, k)?.get === 'function');
      // JSON.stringify: the values come from another realm (their prototypes differ from ours).
      for (const key of Object.keys(json).filter((k) => !lazy.includes(k))) assert.deepEqual(JSON.parse(JSON.stringify(exports[key])), json[key], key);
      assert.deepEqual(required, [], 'the small fields were read without loading zlib');
      for (const key of lazy) assert.deepEqual(JSON.parse(JSON.stringify(exports[key])), json[key], key);
      // Records (the base-image rows) stay text, without zlib; a table with brotli streams loads it once.
      assert.equal(required.filter((id) => id === 'node:zlib').length, /node:zlib/.test(code) ? 1 : 0, 'expanded once');
      if (table === 'base-images.generated.ts') assert.deepEqual(required, [], 'the base-image rows need no zlib');
      if (typeof json.source === 'string' || typeof json.generatedOn === 'string') assert.ok(!lazy.includes('source') && !lazy.includes('generatedOn'), 'provenance stays plain');
    });
  }

  it('with a streams file (the server build): writes the tables\u2019 brotli streams beside the bundle, which reads them from there and gives back every table', async () => {
    const { packedTablesPlugin } = await load();
    const dir = mkdtempSync(join(tmpdir(), 'dsh-streams-'));
    try {
      const streamsFile = join(dir, 'tables.br');
      const outfile = join(dir, 'tables.js');
      await bundleTables(outfile, streamsFile);
      const code = readFileSync(outfile, 'utf8');
      assert.ok(!/"[A-Za-z0-9+/]{500,}={0,2}"/.test(code), 'base64 left in the bundle');
      const file = readFileSync(streamsFile);
      const lengths = JSON.parse(file.toString('utf8', 0, file.indexOf(10))) as Record<string, number[]>;
      assert.deepEqual(Object.keys(lengths), ['debian-packages', 'npm-packages']);
      assert.equal(file.length, file.indexOf(10) + 1 + Object.values(lengths).flat().reduce((a, b) => a + b, 0));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(outfile) as Record<string, Record<string, unknown>>;
      for (const table of TABLES) {
        const plain = (await read(table)) as Record<string, unknown>;
        for (const key of Object.keys(bundled[table])) assert.deepEqual(JSON.parse(JSON.stringify(bundled[table][key])), plain[key], `${table} ${key}`);
      }
      // A build whose tables have no streams leaves no stale file.
      await build({ stdin: { contents: 'module.exports = 1;', resolveDir: repoRoot }, bundle: true, platform: 'node', outfile, logLevel: 'silent', plugins: [packedTablesPlugin({ streamsFile })] });
      assert.ok(!existsSync(streamsFile));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with a streams file missing, cut short or damaged: a table reads as empty, never throws (the analysis goes on with no sizes from it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsh-streams-'));
    try {
      const streamsFile = join(dir, 'tables.br');
      const damages: Record<string, (file: Buffer) => Buffer | undefined> = {
        missing: () => undefined,
        truncated: (file) => file.subarray(0, file.length >> 1),
        headerCut: (file) => file.subarray(0, file.indexOf(10) >> 1),
        damaged: (file) => Buffer.from(file.map((b, i) => (i > file.indexOf(10) + 100 && i % 7 === 0 ? b ^ 0x55 : b))),
      };
      for (const [name, damage] of Object.entries(damages)) {
        const outfile = join(dir, `${name}.js`);
        await bundleTables(outfile, streamsFile);
        const damaged = damage(readFileSync(streamsFile));
        if (damaged) writeFileSync(streamsFile, damaged);
        else rmSync(streamsFile);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const bundled = require(outfile) as Record<string, Record<string, unknown>>;
        for (const table of ['debian-packages.generated.json', 'npm-packages.generated.json']) {
          const plain = (await read(table)) as Record<string, unknown>;
          for (const key of Object.keys(bundled[table])) {
            const value = bundled[table][key];
            // The fields in the file read as empty (blank: the npm table's columns make a row of
            // empty values); those in the bundle as they are.
            if (typeof plain[key] === 'string' && (plain[key] as string).length >= 2048) assert.match(value as string, /^\s*$/, `${name}: ${table} ${key}`);
            else assert.deepEqual(value, plain[key], `${name}: ${table} ${key}`);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves out only fields no code reads', async () => {
    const { DOCUMENTATION_FIELDS } = await load();
    const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const read = new RegExp(`\\.(${DOCUMENTATION_FIELDS.join('|')})\\b(?!\\s*[(=])|\\[['"](${DOCUMENTATION_FIELDS.join('|')})['"]\\]`);
    for (const file of sources(join(repoRoot, 'server', 'src'))) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.split('\n').some((line) => read.test(line) && !/opts\.format/.test(line)), `${file} reads a field the bundles leave out`);
    }
  });

  it('packs the large tables, smaller after deflate than the JSON (or TypeScript) bundled as is', async () => {
    const { packedTablesPlugin } = await load();
    for (const table of ['debian-packages.generated.json', 'npm-packages.generated.json', 'base-images.generated.ts']) {
      const packed = await bundle(table, [packedTablesPlugin()]);
      const plain = await bundle(table, []);
      // The base-image rows are stored by column as text (read at nearly every first analysis), the others brotli-compressed.
      assert.match(packed, table.endsWith('.ts') ? /get BASE_IMAGE_ROWS\(\)/ : /node:zlib/, `${table} was not packed`);
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

  it('gives back the base-image rows as the generated table has them, each with its source and date', async () => {
    const { packedTablesPlugin } = await load();
    const { BASE_IMAGE_ROWS: rows } = await read('base-images.generated.ts');
    const { exports } = run(await bundle('base-images.generated.ts', [packedTablesPlugin()]));
    // In this realm: the same objects, with the same key order and the same types (numbers, booleans).
    const own = JSON.parse(JSON.stringify(exports.BASE_IMAGE_ROWS)) as Record<string, unknown>[];
    assert.equal(JSON.stringify(own), JSON.stringify(rows));
    assert.ok(own.length > 50 && own.every((r) => typeof r.sourcePath === 'string' && r.sourcePath !== '' && /^\d{4}-\d{2}-\d{2}$/.test(String(r.reportedDate))));
    assert.ok(own.every((r) => typeof r.compressedBytes === 'number' && typeof r.uncompressedMeasured === 'boolean'));
  });

  it('stores what a base-image row\u2019s other fields predict (derived unpacked bytes, basis, repo-info path, version note) as the rest only', async () => {
    const { packedTablesPlugin, COLUMNS, recordColumns } = await load();
    const { BASE_IMAGE_ROWS: rows } = (await read('base-images.generated.ts')) as { BASE_IMAGE_ROWS: Record<string, unknown>[] };
    const { keys, parts } = recordColumns(rows, COLUMNS['base-images.generated.ts'].BASE_IMAGE_ROWS.predicted)!;
    const column = (key: string) => parts[keys.indexOf(key)].split('\n');
    // Every row of the table as generated today fits the predictions (a changed generator that no longer does still packs, larger).
    assert.deepEqual(column('uncompressedBytes').filter((line, i) => (rows[i].uncompressedMeasured ? line !== String(rows[i].uncompressedBytes) : line !== '')), []);
    assert.ok(column('uncompressedBasis').every((line, i) => (rows[i].uncompressedMeasured ? line === '' : /^\d+ measured .+ rows?$/.test(line))), column('uncompressedBasis').join('|'));
    assert.ok(column('note').every((line) => !line.startsWith('version')));
    assert.ok(column('sourcePath').filter((line) => /^[0-9a-f]{12}$/.test(line)).length > 0.9 * rows.length, column('sourcePath').join('|'));
    const code = await bundle('base-images.generated.ts', [packedTablesPlugin()]);
    const elsewhere = column('sourcePath').filter((line) => line.startsWith('\x01')).length;
    assert.equal(code.split('docker-library/repo-info:repos/').length - 1, 1 + elsewhere, 'the path prefix is written once, in the prediction, and in the paths that are not a repo-info file\u2019s');
  });

  it('gives back predicted values exactly, a value that does not begin as predicted, and one the prediction leaves alone', async () => {
    const { recordColumns, recordsFromColumns } = await load();
    const rows = Array.from({ length: 40 }, (_, i) => ({ image: `img${i % 3}`, bytes: i * 1000, double: i * 2000, path: i === 5 ? 'elsewhere' : `repo/img${i % 3}/${i}`, derived: i % 4 !== 0 }));
    const predicted: Predicted = {
      double: (r) => (r.derived ? String((r.bytes as number) * 2) : undefined),
      path: (r) => `repo/${String(r.image)}/`,
    };
    const { keys, types, parts } = recordColumns(rows, predicted)!;
    assert.deepEqual(parts[keys.indexOf('double')].split('\n').slice(0, 4), ['0', '', '', ''], 'a derived value is left out, another one kept');
    assert.deepEqual(parts[keys.indexOf('path')].split('\n').slice(4, 7), ['4', '\x01elsewhere', '6']);
    assert.equal(JSON.stringify(recordsFromColumns(parts, keys, types, predicted)), JSON.stringify(rows));
    // A prediction that reads a key predicted after it would not come back: refused when the bundle is built.
    const copies = rows.map((r) => ({ ...r, copy: String(r.double) }));
    assert.throws(() => recordColumns(copies, { copy: (r) => String(r.double), double: predicted.double }), /do not come back from their predicted columns/);
    assert.ok(recordColumns(copies, { double: predicted.double, copy: (r) => String(r.double) }));
    assert.throws(() => recordColumns(rows.map((r, i) => (i === 2 ? { ...r, path: 'repo/img2/\x01x' } : r)), predicted), /a \\x01 after a predicted start/);
    assert.throws(() => recordColumns(rows, { ...predicted, size: () => '1' }), /predictions for keys the records lack: size/);
  });

  it('front-codes the npm table\u2019s package names, and gives them back', async () => {
    const { COLUMNS, frontCoded, frontDecoded } = await load();
    assert.deepEqual(COLUMNS['npm-packages.generated.json'].packages.front, [0]);
    const long = 'x'.repeat(70);
    for (const names of [['a'], ['', 'a', 'ab', 'abc', 'b'], ['@babel/core', '@babel/parser', '@babel/types', 'babel'], [long, `${long}a`, `${long}b`]]) {
      const coded = frontCoded(names);
      assert.equal(frontDecoded(coded.join('\n')), names.join('\n'), names.join(' '));
    }
    assert.deepEqual(frontCoded(['@babel/core', '@babel/parser']), ['0@babel/core', '7parser']);
    // A prefix longer than 61 characters is written out past the 61st.
    assert.equal(frontCoded([long, `${long}a`])[1], `Z${'x'.repeat(9)}a`);
  });

  it('stores records by column only when they come back equal', async () => {
    const { recordColumns } = await load();
    const rows = Array.from({ length: 40 }, (_, i) => ({ image: `img${i}`, bytes: i * 1000.5, measured: i % 2 === 0, basis: 'measured: unpacked size Docker reported' }));
    const columns = recordColumns(rows)!;
    assert.deepEqual(columns.keys, ['image', 'bytes', 'measured', 'basis']);
    assert.equal(columns.types, 'snbs');
    assert.equal(recordColumns(rows.map((r, i) => (i === 3 ? { ...r, basis: 'two\nlines' } : r))), undefined, 'a line break');
    assert.equal(recordColumns(rows.map((r, i) => (i === 3 ? { ...r, bytes: '12' } : r))), undefined, 'a string among numbers');
    assert.equal(recordColumns(rows.map((r, i) => (i === 3 ? { basis: r.basis, image: r.image, bytes: r.bytes, measured: r.measured } : r))), undefined, 'keys in another order');
    assert.equal(recordColumns(rows.map((r, i) => (i === 3 ? { ...r, extra: [1] } : r))), undefined, 'another key');
    assert.equal(recordColumns(rows.slice(0, 2)), undefined, 'too few to be worth it');
    assert.equal(recordColumns('text'), undefined);
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

  it('reads a generated TypeScript table as data, and refuses one with an export that is not', async () => {
    const { generatedExports } = await load();
    assert.deepEqual(generatedExports('import type { X } from "./types";\nexport const A: readonly X[] = [{ a: 1, b: "x" }];\nexport const B = "s";'), { A: [{ a: 1, b: 'x' }], B: 's' });
    assert.throws(() => generatedExports('export const A = 1;\nexport function f() { return 1; }'), /export f of a generated table is not plain data/);
  });

  it('refuses a field that holds the separator', async () => {
    const { packTable } = await load();
    assert.throws(() => packTable({ names: `${'a'.repeat(3000)}\0b` }), /separator/);
  });
});
