#!/usr/bin/env node
// Regenerates server/src/sizes/base-images.generated.ts from the measured data file
// (../shared/data/base-image-sizes.tsv by default). Every row keeps its source, date and the first
// part of its note (version and distribution).
// Where a row has no measured unpacked size, the script derives one from the median
// unpacked/compressed ratio of measured rows, nearest group first (same image and kind, same
// image, Java images of the same role (JDK or JRE) with the same libc then any, Java images with
// the same libc, same libc, all rows; a Java image's own groups match its role too), and writes
// down which group it used.
//
// Usage: node scripts/generate-size-table.mjs [path/to/base-image-sizes.tsv] [--out FILE] [--check]
//   --check  exit 1 (and write nothing) when the committed output differs from what the data gives.
// Exit codes: 0 ok, 1 invalid data or stale output, 2 usage error.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultInput = resolve(repoRoot, '../shared/data/base-image-sizes.tsv');
const defaultOutput = join(repoRoot, 'server/src/sizes/base-images.generated.ts');
const COLUMNS = ['image', 'tag', 'platform', 'compressed_bytes', 'uncompressed_bytes', 'reported_date', 'source_path', 'note'];
const PLATFORM_ALIASES = { 'linux/arm64': 'linux/arm64/v8', 'linux/aarch64': 'linux/arm64/v8', 'linux/x86_64': 'linux/amd64' };

/** Parses and validates the TSV; returns { rows, errors }. Pure, so the test can feed it bad data. */
export function parseTable(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const errors = [];
  const header = (lines.shift() ?? '').split('\t');
  if (header.join('\t') !== COLUMNS.join('\t')) {
    errors.push(`header must be: ${COLUMNS.join(' ')} (got: ${header.join(' ')})`);
    return { rows: [], errors };
  }
  const rows = [];
  const seen = new Set();
  lines.forEach((line, i) => {
    const where = `line ${i + 2}`;
    const cells = line.split('\t');
    if (cells.length < 7 || cells.length > 8) {
      errors.push(`${where}: expected 8 tab-separated columns, got ${cells.length}`);
      return;
    }
    const [image, tag, platformRaw, compressed, uncompressed, date, source, note = ''] = cells.map((c) => c.trim());
    const platform = PLATFORM_ALIASES[platformRaw] ?? platformRaw;
    const id = `${image}:${tag} ${platform}`;
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(image)) errors.push(`${where}: bad image name '${image}'`);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) errors.push(`${where}: bad tag '${tag}'`);
    if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(platform)) errors.push(`${where} (${id}): bad platform '${platformRaw}'`);
    if (!/^[1-9]\d*$/.test(compressed)) errors.push(`${where} (${id}): compressed_bytes must be a positive integer`);
    if (uncompressed !== '' && !/^[1-9]\d*$/.test(uncompressed)) errors.push(`${where} (${id}): uncompressed_bytes must be empty or a positive integer`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) errors.push(`${where} (${id}): missing or invalid reported_date`);
    if (source === '') errors.push(`${where} (${id}): missing source_path`);
    if (seen.has(id)) errors.push(`${where}: duplicate row ${id}`);
    seen.add(id);
    rows.push({
      image, tag, platform,
      compressedBytes: Number(compressed),
      measuredUncompressed: uncompressed === '' ? undefined : Number(uncompressed),
      reportedDate: date, sourcePath: source, note,
    });
  });
  return { rows, errors };
}

/** 'alpine' | 'slim' | 'full', from the tag (the same split the TypeScript tag parser makes). */
function kindOf(row) {
  const tokens = row.tag.split('-');
  if (row.image === 'alpine' || tokens.some((t) => /^alpine(\d|$)/.test(t))) return 'alpine';
  if (tokens.includes('slim')) return 'slim';
  return 'full';
}

/** musl-based images unpack differently from glibc ones; traefik:latest says so only in its note. */
function libcOf(row) {
  return kindOf(row) === 'alpine' || /\balpine\d/.test(row.note) || /\bmusl\b/.test(row.tag) ? 'musl' : 'glibc';
}

/**
 * Images that are a Java runtime (or a build tool on one): a JDK unpacks to about 2.1 times its
 * download, well under the glibc-wide median, so one without measured rows of its own (openjdk)
 * takes the ratio of the measured Java rows rather than that of python or debian.
 */
const JAVA_IMAGES = new Set(['amazoncorretto', 'eclipse-temurin', 'gradle', 'ibm-semeru-runtimes', 'maven', 'openjdk', 'sapmachine']);

/**
 * A Java image's tag is a JRE or a JDK (a build tool on a JDK too). A JDK's jmods are compressed
 * already, so it unpacks to a smaller multiple of its download than a JRE: the measured Alpine JRE
 * (2.7) made an Alpine JDK bigger than the measured glibc JDK of the same version (2.1). The two
 * differ more than musl and glibc do under the same JDK, so the role is matched before the libc.
 * Other images have no role ('').
 */
function javaRole(row) {
  if (!JAVA_IMAGES.has(row.image)) return '';
  return row.tag.split('-').includes('jre') ? 'JRE' : 'JDK';
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Adds uncompressedBytes / Measured / Ratio / Basis to every row. */
export function deriveUncompressed(rows) {
  const measured = rows.filter((r) => r.measuredUncompressed !== undefined);
  const ratio = (r) => r.measuredUncompressed / r.compressedBytes;
  const java = (r, m) => JAVA_IMAGES.has(r.image) && JAVA_IMAGES.has(m.image);
  const role = (r) => (javaRole(r) ? ` ${javaRole(r)}` : '');
  const groups = [
    { label: (r) => `${kindOf(r) === r.image ? r.image : `${r.image} ${kindOf(r)}`}${role(r)}`, match: (r, m) => m.image === r.image && kindOf(m) === kindOf(r) && javaRole(m) === javaRole(r) },
    { label: (r) => `${r.image}${role(r)}`, match: (r, m) => m.image === r.image && javaRole(m) === javaRole(r) },
    { label: (r) => `${libcOf(r)}-based Java${role(r)}`, match: (r, m) => java(r, m) && javaRole(m) === javaRole(r) && libcOf(m) === libcOf(r) },
    { label: (r) => `Java${role(r)}`, match: (r, m) => java(r, m) && javaRole(m) === javaRole(r) },
    { label: (r) => `${libcOf(r)}-based Java`, match: (r, m) => java(r, m) && libcOf(m) === libcOf(r) },
    { label: (r) => `${libcOf(r)}-based`, match: (r, m) => libcOf(m) === libcOf(r) },
    { label: () => 'table', match: () => true },
  ];
  return rows.map((r) => {
    if (r.measuredUncompressed !== undefined) {
      const k = ratio(r);
      return { ...r, uncompressedBytes: r.measuredUncompressed, uncompressedMeasured: true, uncompressedRatio: round3(k), uncompressedBasis: 'measured: unpacked size Docker reported for the image (rounded figure)' };
    }
    for (const g of groups) {
      const peers = measured.filter((m) => g.match(r, m));
      if (peers.length === 0) continue;
      const k = round3(median(peers.map(ratio)));
      return {
        ...r,
        uncompressedBytes: Math.round(r.compressedBytes * k),
        uncompressedMeasured: false,
        uncompressedRatio: k,
        uncompressedBasis: `derived: compressed x ${k}, median unpacked/compressed of ${peers.length} measured ${g.label(r)} row${peers.length === 1 ? '' : 's'}`,
      };
    }
    throw new Error('no measured unpacked size anywhere in the table; cannot derive ratios');
  });
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

export function render(rows, inputLabel, sha256) {
  const keys = ['image', 'tag', 'platform', 'compressedBytes', 'uncompressedBytes', 'uncompressedMeasured', 'uncompressedRatio', 'uncompressedBasis', 'reportedDate', 'sourcePath', 'note'];
  // The server reads only the note's first part (version and distribution, before the first `|`):
  // the rest, how a figure was read, stays in the data file (about 1.7 KB of the .vsix, deflated).
  const bundled = (r) => ({ ...r, note: r.note.split('|')[0].trim() });
  const body = rows.map((r) => `  { ${keys.map((k) => `${k}: ${JSON.stringify(bundled(r)[k])}`).join(', ')} },`).join('\n');
  return `// GENERATED by scripts/generate-size-table.mjs from ${inputLabel} -- do not edit by hand.
// Regenerate with \`npm run sizes:generate\`; see docs/size-model.md.
import type { BaseImageRow } from './types';

/** SHA-256 of the data file this table was generated from (the test checks it is current). */
export const BASE_IMAGE_TABLE_SHA256 = ${JSON.stringify(sha256)};

/** Measured base-image sizes, one row per (image, tag, platform), each with source and date. */
export const BASE_IMAGE_ROWS: readonly BaseImageRow[] = [
${body}
];
`;
}

function main(argv) {
  let input = defaultInput;
  let output = defaultOutput;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--out') output = resolve(argv[++i] ?? '');
    else if (a === '-h' || a === '--help') {
      console.log('usage: generate-size-table.mjs [data.tsv] [--out FILE] [--check]');
      return 0;
    } else if (a.startsWith('-')) {
      console.error(`unknown option ${a}`);
      return 2;
    } else input = resolve(a);
  }
  if (!existsSync(input)) {
    console.error(`data file not found: ${input}`);
    return 2;
  }
  const text = readFileSync(input, 'utf8');
  const { rows, errors } = parseTable(text);
  if (errors.length > 0) {
    for (const e of errors) console.error(`${input}: ${e}`);
    return 1;
  }
  const sha = createHash('sha256').update(text).digest('hex');
  const label = input === defaultInput ? 'shared/data/base-image-sizes.tsv' : relative(repoRoot, input) || input;
  const out = render(deriveUncompressed(rows), label, sha);
  if (check) {
    const current = existsSync(output) ? readFileSync(output, 'utf8') : '';
    if (current !== out) {
      console.error(`${relative(repoRoot, output)} is stale: run npm run sizes:generate`);
      return 1;
    }
    console.log(`${relative(repoRoot, output)} is current (${rows.length} rows)`);
    return 0;
  }
  writeFileSync(output, out);
  console.log(`wrote ${relative(repoRoot, output) || output}: ${rows.length} rows, ${rows.filter((r) => r.measuredUncompressed !== undefined).length} with measured unpacked size`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
