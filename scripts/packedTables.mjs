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
// What a table module becomes: an object with the table's small fields (source, dates, format...)
// as written, so its provenance is read without expanding anything, and a getter for each large
// string field that expands all of them together the first time one is read (the tables' decoders,
// e.g. `data()` in sizes/apt.ts and sizes/npm.ts, read them all at once and keep what they build).
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';

/** String fields at least this long are compressed; shorter ones cost more as getters than they save. */
const MIN_PACKED_LENGTH = 2048;
/** Between the compressed fields in the expanded text: no table holds it (checked). */
const SEPARATOR = '\0';

/**
 * The CommonJS module that stands for a table: `json` is its parsed text. Returns undefined when
 * no field is long enough to be worth compressing (esbuild's own JSON loader then takes it).
 */
export function packTable(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const packed = Object.keys(json).filter((key) => typeof json[key] === 'string' && json[key].length >= MIN_PACKED_LENGTH);
  if (packed.length === 0) return undefined;
  for (const key of packed) {
    if (json[key].includes(SEPARATOR)) throw new Error(`packedTables: field ${key} holds the separator`);
  }
  const text = Buffer.from(packed.map((key) => json[key]).join(SEPARATOR), 'utf8');
  const compressed = zlib.brotliCompressSync(text, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  });
  const fields = Object.keys(json).map((key) => {
    const i = packed.indexOf(key);
    return i < 0 ? `${JSON.stringify(key)}: ${JSON.stringify(json[key])}` : `get ${JSON.stringify(key)}() { return packed()[${i}]; }`;
  });
  return [
    'let fields;',
    `const packed = () => (fields ??= require("node:zlib").brotliDecompressSync(Buffer.from(${JSON.stringify(compressed.toString('base64'))}, "base64")).toString("utf8").split(${JSON.stringify(SEPARATOR)}));`,
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
        const contents = packTable(JSON.parse(readFileSync(args.path, 'utf8')));
        return contents === undefined ? undefined : { contents, loader: 'js' };
      });
    },
  };
}
