// The size tables' large columns go into the bundles brotli-compressed, and are expanded on first
// use. The tables in server/src/sizes/*.generated.json stay as they are (readable, diffable, with
// their sources and dates); only what esbuild puts into dist/ changes.
//
// Why: the .vsix is a zip, and its deflate left the Debian and npm tables at 64.6 and 62.2 KB of
// the package; brotli at its highest quality (built into Node's zlib) stores them in 57.4 and
// 54.9 KB, base64 in a JavaScript string included (minified bundle of each table, deflated as the
// zip does; 2026-12-03). Expanding costs the first analysis that needs a table loading zlib and
// about 1.5 ms (Debian table; no JSON.parse: the fields are split on a separator).
//
// A field whose rows hold many records of the same shape (the npm table's versions) is stored column
// by column (COLUMNS below): brotli finds more to share among the values of one kind (version
// strings, byte counts, dependency indexes) than in rows that interleave them. For the npm table that
// took its brotli text from 52.8 to 46.9 KB and the .vsix from 397,277 to 391,574 bytes (2026-12-03).
// Expanding rebuilds the field's text exactly (checked when the bundle is built), which costs its first
// use more: the first read of the npm table's `packages` from its bundled module took 2.1-2.2 ms of CPU
// before and 8.9-10.3 ms after (medians of three runs of 15 fresh processes each, node 20, load 7-9 on
// 2 cores), once per server, at the first analysis that sizes an npm install.
//
// What a table module becomes: an object with the table's small fields (source, dates...) as
// written but those only its readers need (DOCUMENTATION_FIELDS), so its provenance is read without expanding anything, and a getter for each large
// string field that expands all of them together the first time one is read (the tables' decoders,
// e.g. `data()` in sizes/apt.ts and sizes/npm.ts, read them all at once and keep what they build).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import zlib from 'node:zlib';

/**
 * Fields that document a table for its readers (how its columns are written, what the generator
 * left out, which script made it) and that no code reads: left out of the bundles (1.6 KB of text,
 * 2026-12-05; test/unit/sizes/packedTables.test.ts checks that server/src reads none of them).
 */
export const DOCUMENTATION_FIELDS = ['format', 'generatedBy', 'generator', 'pruned'];

/** String fields at least this long are compressed; shorter ones cost more as getters than they save. */
const MIN_PACKED_LENGTH = 2048;
/** Between the compressed fields in the expanded text: no table holds it (checked). */
const SEPARATOR = '\0';

/**
 * Fields stored column by column, by table file and field: `head` leading tab-separated values of
 * each row, then any number of records of `sep`-separated values. npm-packages.generated.json's
 * `packages` (see its `format`): name, bytes of the registry document and latest tag, then one record
 * per version (version, unpacked bytes, file count, tarball bytes, dependencies, unresolved names).
 */
export const COLUMNS = { 'npm-packages.generated.json': { packages: { head: 3, sep: ';' } } };

/**
 * The text of a field stored by {@link toColumns}, rebuilt from its columns: `parts` holds the
 * `head` columns, the number of records in each row, and a column per value of a record. Its source
 * goes into the bundle as written (minified with the rest).
 */
export function rowsFromColumns(parts, head, sep) {
  const cols = parts.map((p) => p.split('\n'));
  const counts = cols[head];
  const values = cols.slice(head + 1);
  const rows = new Array(counts.length);
  for (let r = 0, k = 0; r < counts.length; r++) {
    let row = cols[0][r];
    for (let h = 1; h < head; h++) row += '\t' + cols[h][r];
    for (let n = Number(counts[r]); n > 0; n--, k++) {
      row += '\t' + values[0][k];
      for (let v = 1; v < values.length; v++) row += sep + values[v][k];
    }
    rows[r] = row;
  }
  return rows.join('\n');
}

/** `text` (rows of `head` values and records, see {@link COLUMNS}) as the columns {@link rowsFromColumns} reads. */
export function toColumns(text, head, sep) {
  const heads = Array.from({ length: head }, () => []);
  const counts = [];
  let values;
  for (const row of text.split('\n')) {
    const fields = row.split('\t');
    if (fields.length < head) throw new Error(`packedTables: a row with fewer than ${head} fields: ${row.slice(0, 80)}`);
    fields.slice(0, head).forEach((value, h) => heads[h].push(value));
    counts.push(fields.length - head);
    for (const record of fields.slice(head)) {
      const parts = record.split(sep);
      values ??= parts.map(() => []);
      if (parts.length !== values.length) throw new Error(`packedTables: a record of ${parts.length} values, not ${values.length}: ${record.slice(0, 80)}`);
      parts.forEach((value, v) => values[v].push(value));
    }
  }
  if (!values) throw new Error('packedTables: no records to store by column');
  const parts = [...heads, counts, ...values].map((column) => column.join('\n'));
  if (rowsFromColumns(parts, head, sep) !== text) throw new Error('packedTables: the columns do not give back the text');
  return parts;
}

/**
 * The CommonJS module that stands for a table: `json` is its parsed text, `columns` the fields of
 * it to store by column ({@link COLUMNS}). Returns undefined when no field is long enough to be
 * worth compressing (esbuild's own JSON loader then takes it).
 */
export function packTable(json, columns = {}) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const packed = Object.keys(json).filter((key) => typeof json[key] === 'string' && json[key].length >= MIN_PACKED_LENGTH);
  if (packed.length === 0) return undefined;
  for (const key of packed) {
    if (json[key].includes(SEPARATOR)) throw new Error(`packedTables: field ${key} holds the separator`);
  }
  // Per packed field: its parts in the compressed text, and how to put them together again.
  const layouts = packed.map((key) => (columns[key] ? { ...columns[key], parts: toColumns(json[key], columns[key].head, columns[key].sep) } : { parts: [json[key]] }));
  const text = Buffer.from(layouts.flatMap((l) => l.parts).join(SEPARATOR), 'utf8');
  const compressed = zlib.brotliCompressSync(text, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  });
  const fields = Object.keys(json).filter((key) => !DOCUMENTATION_FIELDS.includes(key)).map((key) => {
    const i = packed.indexOf(key);
    return i < 0 ? `${JSON.stringify(key)}: ${JSON.stringify(json[key])}` : `get ${JSON.stringify(key)}() { return packed()[${i}]; }`;
  });
  const columnar = layouts.some((l) => l.head !== undefined);
  const expanded = `require("node:zlib").brotliDecompressSync(Buffer.from(${JSON.stringify(compressed.toString('base64'))}, "base64")).toString("utf8").split(${JSON.stringify(SEPARATOR)})`;
  return [
    'let fields;',
    ...(columnar
      ? [
          rowsFromColumns.toString(),
          // Each field: [head, sep, number of parts] when stored by column, else its one part.
          `const join = (parts) => { const out = []; let at = 0; for (const l of ${JSON.stringify(layouts.map((l) => (l.head === undefined ? 0 : [l.head, l.sep, l.parts.length])))}) { if (l === 0) out.push(parts[at++]); else { out.push(rowsFromColumns(parts.slice(at, at + l[2]), l[0], l[1])); at += l[2]; } } return out; };`,
          `const packed = () => (fields ??= join(${expanded}));`,
        ]
      : [`const packed = () => (fields ??= ${expanded});`]),
    `module.exports = {\n  ${fields.join(',\n  ')}\n};`,
    '',
  ].join('\n');
}

/** esbuild plugin: `*.generated.json` imports of the size tables load as {@link packTable} makes them. */
export function packedTablesPlugin() {
  return {
    name: 'packed-tables',
    setup(b) {
      b.onLoad({ filter: /[\\/]server[\\/]src[\\/]sizes[\\/][^\\/]+\.generated\.json$/ }, (args) => {
        const contents = packTable(JSON.parse(readFileSync(args.path, 'utf8')), COLUMNS[basename(args.path)]);
        return contents === undefined ? undefined : { contents, loader: 'js' };
      });
    },
  };
}
