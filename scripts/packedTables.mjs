// The size tables' large columns go into the bundles brotli-compressed, and are expanded on first
// use. The tables in server/src/sizes/*.generated.json and *.generated.ts stay as they are
// (readable, diffable, with their sources and dates); only what esbuild puts into dist/ changes.
//
// Why: the .vsix is a zip, and its deflate left the Debian and npm tables at 64.6 and 62.2 KB of
// the package; brotli at its highest quality (built into Node's zlib) stores them in 57.4 and
// 54.9 KB, base64 in a JavaScript string included (minified bundle of each table, deflated as the
// zip does; 2026-12-03). Expanding costs the first analysis that needs a table loading zlib and
// about 1.5 ms (Debian table; no JSON.parse: the fields are split on a separator, or are brotli
// streams of their own). The server's bundle has its streams in a file beside it, dist/tables.br
// (packedTablesPlugin's streamsFile), which the .vsix stores as it is; the CLI's has them as base64.
//
// A field whose rows hold many records of the same shape (the npm table's versions) is stored column
// by column (COLUMNS below): brotli finds more to share among the values of one kind (version
// strings, byte counts, dependency indexes) than in rows that interleave them. For the npm table that
// took its brotli text from 52.8 to 46.9 KB and the .vsix from 397,277 to 391,574 bytes (2026-12-03).
// Expanding rebuilds the field's text exactly (checked when the bundle is built), which costs its first
// use more: the first read of the npm table's `packages` from its bundled module took 2.1-2.2 ms of CPU
// before and 8.9-10.3 ms after (medians of three runs of 15 fresh processes each, node 20, load 7-9 on
// 2 cores), once per server, at the first analysis that sizes an npm install.
// An array of records (the base-image rows of base-images.generated.ts, each with its source, date
// and basis) is stored likewise, a column per key (recordColumns), as text that the zip's deflate
// takes, and rebuilt into equal objects at its first read (see packTable for why not brotli).
//
// What a table module becomes: an object with the table's small fields (source, dates...) as
// written but those only its readers need (DOCUMENTATION_FIELDS), so its provenance is read without expanding anything, and a getter for each large
// field that expands all of them together the first time one is read (the tables' decoders,
// e.g. `data()` in sizes/apt.ts and sizes/npm.ts, read them all at once and keep what they build).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as vm from 'node:vm';
import zlib from 'node:zlib';
import { transformSync } from 'esbuild';

/**
 * Fields that document a table for its readers (how its columns are written, what the generator
 * left out, which script made it) and that no code reads: left out of the bundles (1.6 KB of text,
 * 2026-12-05; test/unit/sizes/packedTables.test.ts checks that server/src reads none of them).
 */
export const DOCUMENTATION_FIELDS = ['format', 'generatedBy', 'generator', 'pruned'];

/** String fields at least this long are compressed; shorter ones cost more as getters than they save. */
const MIN_PACKED_LENGTH = 2048;
/** Between the parts of a field that share a brotli stream: no table holds it (checked). */
const SEPARATOR = '\0';

/**
 * Fields stored column by column, by table file and field: `head` leading tab-separated values of
 * each row, then any number of records of `sep`-separated values. npm-packages.generated.json's
 * `packages` (see its `format`): name, bytes of the registry document and latest tag, then one record
 * per version (version, unpacked bytes, file count, tarball bytes, dependencies, unresolved names).
 * `front`: the columns (by their place in {@link toColumns}'s parts) that are sorted lists of names,
 * stored front-coded ({@link frontCoded}): the npm table's package names, 11.2 -> 10.0 KB after
 * brotli (2026-12-05). An array of records (stored a column per key anyway, {@link recordColumns})
 * may have `predicted`: what some of a record's values begin with, given its others ({@link basePredictions}).
 */
export const COLUMNS = {
  'npm-packages.generated.json': { packages: { head: 3, sep: ';', front: [0] } },
  'base-images.generated.ts': { BASE_IMAGE_ROWS: { predicted: basePredictions() } },
};

/**
 * What a base-image row's other fields say of four of its values (`predicted` of {@link recordColumns}):
 * a derived row's unpacked bytes are its compressed bytes times its ratio, and its basis names that
 * ratio; a measured row's basis is always the same (both as scripts/generate-size-table.mjs writes
 * them, deriveUncompressed); docker-library/repo-info paths name the row's image and tag; notes begin
 * with the version. Each function runs in the bundle as written, so it refers to nothing outside it.
 * Measured 2026-12-06: the rows' columns 4,022 -> 2,830 bytes deflated alone (zlib -9), the .vsix
 * 399,940 -> 399,189 bytes; the first read of the rows 1.4 -> 2.1 ms of CPU (medians of 31 fresh
 * processes each, the table bundled alone and minified as the server build does; load 5).
 */
function basePredictions() {
  return {
    uncompressedBytes: (r) => (r.uncompressedMeasured ? undefined : String(Math.round(r.compressedBytes * r.uncompressedRatio))),
    uncompressedBasis: (r) => (r.uncompressedMeasured ? 'measured: unpacked size Docker reported for the image (rounded figure)' : `derived: compressed x ${r.uncompressedRatio}, median unpacked/compressed of `),
    sourcePath: (r) => `docker-library/repo-info:repos/${r.image}/remote/${r.tag}.md@`,
    note: () => 'version: ',
  };
}

/**
 * `names` (sorted, so that neighbours share a prefix) front-coded: each line is one character
 * (0-9a-zA-Z, so at most 61) for the length of the prefix the name shares with the one before it,
 * then the rest of the name. The Debian table's `names` are written so by its generator.
 */
export function frontCoded(names) {
  const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let prev = '';
  return names.map((n) => {
    let k = 0;
    while (k < prev.length && k < n.length && k < digits.length - 1 && prev[k] === n[k]) k++;
    prev = n;
    return digits[k] + n.slice(k);
  });
}

/**
 * The lines of `text` (written by {@link frontCoded}) as the names they stand for, one a line. Its
 * source goes into the bundle; it runs cold, once, so it is a plain loop that reads the digit's
 * value from its character code (0-9 48-57, A-Z 65-90 for 36-61, a-z 97-122 for 10-35): 2,285 npm
 * names in 1.9 ms of CPU, against 5.2 with a map and indexOf (fresh processes, load 6).
 */
export function frontDecoded(text) {
  const lines = text.split('\n');
  let prev = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const c = line.charCodeAt(0);
    prev = prev.slice(0, c < 58 ? c - 48 : c < 91 ? c - 29 : c - 87) + line.slice(1);
    lines[i] = prev;
  }
  return lines.join('\n');
}

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
 * The records (objects) stored by {@link recordColumns}, rebuilt from their columns: `parts` holds
 * a column per key, one line per record, and `types` a letter per key: `n` a number, `b` a boolean,
 * `s` a string. `predicted` (key: function of the record) gives, for a key whose value the record's
 * other fields predict, the text the value begins with: the line holds the rest, or the whole value
 * after a \x01 when it does not begin so; a function that gives undefined predicts nothing (the line
 * is the value). The functions run in key order of `predicted`, after the other keys are read. Its
 * source goes into the bundle.
 */
export function recordsFromColumns(parts, keys, types, predicted = {}) {
  const cols = parts.map((p) => p.split('\n'));
  const typed = (value, k) => (types[k] === 'n' ? Number(value) : types[k] === 'b' ? value === 'true' : value);
  const guessed = Object.keys(predicted).map((key) => [key, keys.indexOf(key)]);
  const records = new Array(cols[0].length);
  for (let r = 0; r < records.length; r++) {
    const record = {};
    for (let k = 0; k < keys.length; k++) record[keys[k]] = typed(cols[k][r], k);
    for (const [key, k] of guessed) {
      const line = cols[k][r];
      const start = predicted[key](record);
      record[key] = typed(start === undefined ? line : line[0] === '\x01' ? line.slice(1) : start + line, k);
    }
    records[r] = record;
  }
  return records;
}

/**
 * `records` (objects with the same keys in the same order, each value a string without a line
 * break, a finite number or a boolean) as a column per key, or undefined when they are not such
 * records (or too few to be worth it: the JSON of them shorter than {@link MIN_PACKED_LENGTH}).
 * Base-image rows: their basis and source strings, each written out in full on many rows, repeat
 * within a column, where the zip's deflate finds them close together (5.1 -> 4.8 KB, 2026-12-05).
 * `predicted`: see {@link recordsFromColumns}; the records must come back equal with it (or this throws).
 */
export function recordColumns(records, predicted = {}) {
  if (!Array.isArray(records) || records.length === 0 || JSON.stringify(records).length < MIN_PACKED_LENGTH) return undefined;
  if (!records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && Object.getPrototypeOf(r) === Object.prototype)) return undefined;
  const keys = Object.keys(records[0]);
  const types = keys.map((key) => ({ number: 'n', boolean: 'b', string: 's' })[typeof records[0][key]] ?? '?').join('');
  if (types.includes('?')) return undefined;
  const fits = (r) => Object.keys(r).join('\0') === keys.join('\0') && keys.every((key, k) => types[k] === ({ number: 'n', boolean: 'b', string: 's' })[typeof r[key]]);
  if (!records.every(fits)) return undefined;
  const lacked = Object.keys(predicted).filter((key) => !keys.includes(key));
  if (lacked.length > 0) throw new Error(`packedTables: predictions for keys the records lack: ${lacked.join(', ')}`);
  const line = (r, key) => {
    const value = String(r[key]);
    const start = predicted[key]?.(r);
    return start === undefined ? value : value.startsWith(start) ? value.slice(start.length) : `\x01${value}`;
  };
  const parts = keys.map((key) => records.map((r) => line(r, key)).join('\n'));
  // A string with a line break, or a number String() does not give back, would come back changed.
  if (JSON.stringify(recordsFromColumns(parts, keys, types, predicted)) === JSON.stringify(records)) return { keys, types, parts };
  if (Object.keys(predicted).length > 0) {
    throw new Error(`packedTables: the records do not come back from their predicted columns (${Object.keys(predicted).join(', ')}): a prediction that reads a key predicted after it, or a \\x01 after a predicted start`);
  }
  return undefined;
}

/**
 * The fields a packed table's getters give, from its expanded parts: `layouts` says, per field,
 * how its parts are put together (`0`: the field's text is one part; `{ head, sep, count, front }`:
 * {@link rowsFromColumns} of `count` parts, those at `front` front-coded; `{ keys, types, predicted }`:
 * records, {@link recordsFromColumns} of a part per key). `helpers` holds the functions the layouts need (the
 * bundle carries only those). Its source goes into the bundle.
 */
export function fieldsFromParts(parts, layouts, helpers) {
  const out = [];
  let at = 0;
  for (const l of layouts) {
    if (l === 0) out.push(parts[at++]);
    else if (l.keys) {
      out.push(helpers.recordsFromColumns(parts.slice(at, at + l.keys.length), l.keys, l.types, l.predicted));
      at += l.keys.length;
    } else {
      const own = parts.slice(at, at + l.count);
      for (const i of l.front) own[i] = helpers.frontDecoded(own[i]);
      out.push(helpers.rowsFromColumns(own, l.head, l.sep));
      at += l.count;
    }
  }
  return out;
}

/** `text` compressed with brotli at its strongest, for text. */
function brotli(text) {
  const bytes = Buffer.from(text, 'utf8');
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** `value` (JSON data, or functions of their own) as JavaScript source. */
function source(value) {
  if (typeof value === 'function') return value.toString();
  if (Array.isArray(value)) return `[${value.map(source).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${source(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/**
 * The CommonJS module that stands for a table: `json` is its parsed text (or the exports of a
 * generated TypeScript table), `columns` the fields of it to store by column ({@link COLUMNS}).
 * Long string fields and arrays of records ({@link recordColumns}) are packed. Returns undefined
 * when no field is worth packing (esbuild's own loader then takes the file).
 *
 * The parts of a field (its text, or its columns) are one brotli stream, or a stream each, whichever
 * is smaller: brotli at its strongest does better on one kind of value at a time when there is
 * much of each kind (npm table 47.1 -> 46.3 KB as a stream per column, Debian table 56.2 -> 55.9 KB
 * as a stream per field, 2026-12-05), and can do worse on a few short columns.
 * `beside` (`{ name, keep }`): the streams are handed to `keep` and read from the streams file by the
 * table's `name` ({@link packedTablesPlugin}'s `streamsFile`, {@link streamsReader}) instead of written
 * into the module.
 */
export function packTable(json, columns = {}, beside = undefined) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const layouts = new Map();
  for (const key of Object.keys(json)) {
    const value = json[key];
    if (typeof value === 'string' && value.length >= MIN_PACKED_LENGTH) {
      const c = columns[key];
      if (!c) {
        layouts.set(key, { code: 0, parts: [value] });
        continue;
      }
      const parts = toColumns(value, c.head, c.sep);
      const front = c.front ?? [];
      for (const i of front) {
        const coded = frontCoded(parts[i].split('\n')).join('\n');
        if (frontDecoded(coded) !== parts[i]) throw new Error(`packedTables: column ${i} of ${key} does not come back from its front coding`);
        parts[i] = coded;
      }
      layouts.set(key, { code: { head: c.head, sep: c.sep, count: parts.length, front }, parts });
    } else {
      const predicted = columns[key]?.predicted;
      const records = recordColumns(value, predicted);
      if (records) layouts.set(key, { code: { keys: records.keys, types: records.types, ...(predicted && { predicted }) }, parts: records.parts });
    }
  }
  if (layouts.size === 0) return undefined;
  // Records stay text, joined by the separator, in the module (the zip's deflate takes them): the
  // base-image rows are read by the first analysis of nearly every Dockerfile, which should not
  // wait for zlib and brotli (brotli stored them in 0.4 KB less, but made their first read about
  // 3 ms of CPU instead of 1; docs/performance.md). The other parts are brotli streams: per field a
  // stream per part, or one for all its parts joined by the separator, whichever is smaller. The
  // plain fields come last.
  const plain = (l) => l.code !== 0 && l.code.keys !== undefined;
  const entries = [...layouts.entries()].sort(([, x], [, y]) => Number(plain(x)) - Number(plain(y)));
  for (const [key, { parts }] of entries) {
    if (parts.some((part) => part.includes(SEPARATOR))) throw new Error(`packedTables: field ${key} holds the separator`);
  }
  const packed = entries.map(([key]) => key);
  const fields = Object.keys(json).filter((key) => !DOCUMENTATION_FIELDS.includes(key)).map((key) => {
    const i = packed.indexOf(key);
    return i < 0 ? `${JSON.stringify(key)}: ${JSON.stringify(json[key])}` : `get ${JSON.stringify(key)}() { return packed()[${i}]; }`;
  });
  const codes = entries.map(([, l]) => l.code);
  const streams = entries.filter(([, l]) => !plain(l)).flatMap(([, { parts }]) => {
    const each = parts.map((part) => brotli(part));
    const joined = parts.length > 1 ? brotli(parts.join(SEPARATOR)) : undefined;
    return joined && joined.length < each.reduce((n, b) => n + b.length, 0) ? [joined] : each;
  });
  if (beside && streams.length > 0) beside.keep(streams);
  const texts = entries.filter(([, l]) => plain(l)).map(([, { parts }]) => parts.join(SEPARATOR));
  const split = `.split(${JSON.stringify(SEPARATOR)})`;
  const expandedParts = `[${[
    ...(streams.length > 0
      ? [
          beside
            ? `...require(${JSON.stringify(STREAMS_MODULE)})(${JSON.stringify(beside.name)}, ${entries.filter(([, l]) => !plain(l)).reduce((n, [, { parts }]) => n + parts.length, 0)})`
            : `...(() => { const z = require("node:zlib"); return ${JSON.stringify(streams.map((b) => b.toString('base64')))}.flatMap((s) => z.brotliDecompressSync(Buffer.from(s, "base64")).toString("utf8")${split}); })()`,
        ]
      : []),
    ...texts.map((t) => `...${JSON.stringify(t)}${split}`),
  ].join(', ')}]`;
  // Only the helpers the table's layouts call go into the bundle, handed to fieldsFromParts.
  const helpers = [
    ...(codes.some((c) => c !== 0 && !c.keys) ? [frontDecoded, rowsFromColumns] : []),
    ...(codes.some((c) => c !== 0 && c.keys) ? [recordsFromColumns] : []),
  ];
  return [
    'let fields;',
    ...(codes.every((c) => c === 0)
      ? [`const packed = () => (fields ??= ${expandedParts});`]
      : [
          ...helpers.map((f) => f.toString()),
          fieldsFromParts.toString(),
          `const packed = () => (fields ??= fieldsFromParts(${expandedParts}, ${source(codes)}, { ${helpers.map((f) => f.name).join(', ')} }));`,
        ]),
    `module.exports = {\n  ${fields.join(',\n  ')}\n};`,
    '',
  ].join('\n');
}

/**
 * The exports of a generated TypeScript table (`export const` of literals, type imports only), run
 * in a context of its own, as plain data.
 */
export function generatedExports(source) {
  const { code } = transformSync(source, { loader: 'ts', format: 'cjs' });
  const module = { exports: {} };
  vm.runInNewContext(code, { module, exports: module.exports });
  // Through JSON: plain objects of this realm, as a JSON table would give. An export JSON cannot
  // carry (a function, undefined) would be lost from the bundle: refused.
  const data = JSON.parse(JSON.stringify(module.exports));
  for (const key of Object.keys(module.exports)) {
    if (JSON.stringify(data[key]) !== JSON.stringify(module.exports[key]) || data[key] === undefined) throw new Error(`packedTables: the export ${key} of a generated table is not plain data`);
  }
  return data;
}

/** What a table module requires for its brotli streams when they are in a file beside the bundle ({@link packedTablesPlugin}). */
const STREAMS_MODULE = 'packed-tables:streams';

/**
 * The file of the tables' brotli streams: a line of JSON giving, per table (by name, sorted),
 * the byte length of each of its streams, then the streams one after another. A table's name is its
 * file's without `.generated.json`: the .vsix stores this file as it is.
 */
export function streamsFileContent(streams) {
  const names = [...streams.keys()].sort();
  const lengths = Object.fromEntries(names.map((name) => [name, streams.get(name).map((b) => b.length)]));
  return Buffer.concat([Buffer.from(`${JSON.stringify(lengths)}\n`, 'utf8'), ...names.flatMap((name) => streams.get(name))]);
}

/**
 * The module {@link STREAMS_MODULE}: reads the streams file `file` beside the bundle (once, when the
 * first table needing it is expanded) and gives a table's parts, expanded, by its name and their
 * count. A file missing, cut short or damaged (an install gone wrong) gives `count` empty parts: the
 * table reads as empty (no package sized from it) instead of failing every analysis and hover that
 * reads it (they answered with the file's error, and the rules that read it found nothing).
 */
function streamsReader(file) {
  return [
    'let at;',
    'module.exports = (name, count) => {',
    '  try {',
    '    if (!at) {',
    `      const d = require("node:fs").readFileSync(require("node:path").join(__dirname, ${JSON.stringify(file)}));`,
    '      const n = d.indexOf(10), lengths = JSON.parse(d.toString("utf8", 0, n));',
    '      let o = n + 1;',
    '      at = {};',
    '      for (const name of Object.keys(lengths)) at[name] = lengths[name].map((l) => d.subarray(o, (o += l)));',
    '    }',
    `    const parts = at[name].flatMap((s) => require("node:zlib").brotliDecompressSync(s).toString("utf8").split(${JSON.stringify(SEPARATOR)}));`,
    '    if (parts.length === count) return parts;',
    '  } catch {}',
    '  return Array(count).fill("");',
    '};',
    '',
  ].join('\n');
}

/**
 * esbuild plugin: the size tables, `*.generated.json` and `*.generated.ts` in server/src/sizes,
 * load as {@link packTable} makes them. With `streamsFile` (a path, beside the bundle's outfile)
 * their brotli streams go into that file ({@link streamsFileContent}), written when the build ends,
 * instead of into the bundle as base64, whose deflate the .vsix held about 0.6% larger than the
 * bytes (2026-12-06: the 14 longest of the server's streams, 100,519 bytes, took 101,144 as base64
 * deflated). Measured 2026-12-06: the .vsix 398,641 -> 398,089 bytes; the first read of the Debian
 * and npm tables 10.3 and 36.5 ms of CPU, against 10.6 and 36.1 from base64 (medians of 15 fresh
 * processes each, at load 7). The CLI, one file, keeps them in the bundle.
 */
export function packedTablesPlugin({ streamsFile } = {}) {
  return {
    name: 'packed-tables',
    setup(b) {
      const streams = new Map();
      if (streamsFile) {
        b.onStart(() => streams.clear());
        b.onResolve({ filter: new RegExp(`^${STREAMS_MODULE}$`) }, (args) => ({ path: args.path, namespace: 'packed-tables' }));
        b.onLoad({ filter: /.*/, namespace: 'packed-tables' }, () => ({ contents: streamsReader(basename(streamsFile)), loader: 'js' }));
        b.onEnd((result) => {
          if (result.errors.length > 0) return;
          if (streams.size > 0) writeFileSync(streamsFile, streamsFileContent(streams));
          else rmSync(streamsFile, { force: true });
        });
      }
      b.onLoad({ filter: /[\\/]server[\\/]src[\\/]sizes[\\/][^\\/]+\.generated\.(json|ts)$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        const name = basename(args.path);
        // By the name without `.generated.json`: the streams file holds it as it is (not deflated).
        const key = name.replace(/\.generated\.(json|ts)$/, '');
        const beside = streamsFile ? { name: key, keep: (buffers) => streams.set(key, buffers) } : undefined;
        const contents = packTable(args.path.endsWith('.ts') ? generatedExports(text) : JSON.parse(text), COLUMNS[name], beside);
        return contents === undefined ? undefined : { contents, loader: 'js' };
      });
    },
  };
}
