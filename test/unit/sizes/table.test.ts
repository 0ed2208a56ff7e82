/**
 * The bundled table and the script that generates it: every row carries a source and a date, the
 * script refuses data without them, and the committed table matches the data file.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE_IMAGE_ROWS } from '../../../server/src/sizes';

const repoRoot = resolve(__dirname, '../../../..');
const script = join(repoRoot, 'scripts/generate-size-table.mjs');
const dataFile = resolve(repoRoot, '../shared/data/base-image-sizes.tsv');
const HEADER = 'image\ttag\tplatform\tcompressed_bytes\tuncompressed_bytes\treported_date\tsource_path\tnote';

function runGenerator(tsv: string): { status: number | null; stderr: string; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'size-table-'));
  try {
    const input = join(dir, 'in.tsv');
    const out = join(dir, 'out.ts');
    writeFileSync(input, tsv);
    const r = spawnSync(process.execPath, [script, input, '--out', out], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, output: existsSync(out) ? readFileSync(out, 'utf8') : '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bundled base-image table', () => {
  it('has rows', () => {
    assert.ok(BASE_IMAGE_ROWS.length > 50, `${BASE_IMAGE_ROWS.length} rows`);
  });

  it('gives every row a source and a real date', () => {
    for (const r of BASE_IMAGE_ROWS) {
      const id = `${r.image}:${r.tag} ${r.platform}`;
      assert.ok(r.sourcePath.trim().length > 0, `${id} has no source`);
      assert.match(r.reportedDate, /^\d{4}-\d{2}-\d{2}$/, `${id} date`);
      assert.ok(!Number.isNaN(Date.parse(r.reportedDate)), `${id} date parses`);
    }
  });

  it('gives every row positive sizes, unpacked larger than compressed, and says how unpacked was obtained', () => {
    for (const r of BASE_IMAGE_ROWS) {
      const id = `${r.image}:${r.tag} ${r.platform}`;
      assert.ok(Number.isInteger(r.compressedBytes) && r.compressedBytes > 0, id);
      assert.ok(r.uncompressedBytes > r.compressedBytes, id);
      assert.match(r.uncompressedBasis, r.uncompressedMeasured ? /^measured/ : /^derived: compressed x [\d.]+, median .* of \d+ measured/, id);
      if (!r.uncompressedMeasured) assert.equal(r.uncompressedBytes, Math.round(r.compressedBytes * r.uncompressedRatio), id);
    }
  });

  it('keeps measured unpacked sizes as measured', () => {
    const python = BASE_IMAGE_ROWS.find((r) => r.image === 'python' && r.tag === '3.12' && r.platform === 'linux/amd64')!;
    assert.equal(python.uncompressedMeasured, true);
    assert.equal(python.uncompressedBytes, 1_110_000_000);
    assert.equal(python.compressedBytes, 410_908_459);
  });

  it('stores platforms in normalised form', () => {
    for (const r of BASE_IMAGE_ROWS) assert.ok(['linux/amd64', 'linux/arm64/v8'].includes(r.platform), r.platform);
  });
});

// The generator is an ES module; compiled tests are CommonJS, whose `import()` TypeScript would
// turn into `require`. Going through Function keeps the real dynamic import.
const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

interface Generator {
  parseTable(text: string): { rows: unknown[]; errors: string[] };
  deriveUncompressed(rows: unknown[]): { tag: string; uncompressedMeasured: boolean; uncompressedBytes: number; uncompressedBasis: string }[];
}

describe('scripts/generate-size-table.mjs', () => {
  const good = 'python\t3.12\tlinux/amd64\t410908459\t1110000000\t2026-08-13\trepo-info:repos/python/remote/3.12.md\tversion: 3.12.14 trixie';
  let gen: Generator;
  before(async () => {
    gen = (await importModule(pathToFileURL(script).href)) as Generator;
  });
  const errorsOf = (body: string) => gen.parseTable(`${HEADER}\n${body}\n`).errors;

  it('derives missing unpacked sizes from the measured ratio', () => {
    const { rows, errors } = gen.parseTable(`${HEADER}\n${good}\npython\t3.13\tlinux/amd64\t412872069\t\t2026-08-25\trepo-info:repos/python/remote/3.13.md\tversion: 3.13.15 trixie\n`);
    assert.deepEqual(errors, []);
    const [a, b] = gen.deriveUncompressed(rows);
    assert.equal(a.uncompressedMeasured, true);
    assert.equal(b.uncompressedMeasured, false);
    assert.equal(b.uncompressedBytes, Math.round(412872069 * 2.701));
    assert.match(b.uncompressedBasis, /derived: compressed x 2\.701, median unpacked\/compressed of 1 measured python full row$/);
  });

  it('derives a Java image without measured rows of its own from the Java rows with its libc, not the glibc-wide median', () => {
    // openjdk has no measured unpacked size; it took the median of every glibc row (2.763, 614 MB
    // for openjdk:18-jdk-slim) while the measured glibc JDK rows unpack to 2.06-2.16 times.
    const row = (image: string, tag: string, compressed: number, unpacked: number | '', note: string) =>
      `${image}\t${tag}\tlinux/amd64\t${compressed}\t${unpacked}\t2026-09-01\tsrc\tversion: ${note}`;
    const { rows, errors } = gen.parseTable([
      HEADER,
      good,
      row('eclipse-temurin', '21-jdk', 230080573, 474810000, 'jdk-21.0.12+8 ubuntu 26.04'),
      row('amazoncorretto', '21', 225017459, 486760000, '21.0.12.8-1 al2023'),
      row('eclipse-temurin', '17-jre-alpine', 68010737, 184020000, 'jdk-17.0.20.1+1 alpine3.24'),
      row('openjdk', '18-jdk-slim', 222099726, '', '18.0.2.1 bullseye-slim'),
      row('ruby', '3.4', 421390173, '', '3.4.10 trixie'),
    ].join('\n'));
    assert.deepEqual(errors, []);
    const derived = gen.deriveUncompressed(rows);
    const openjdk = derived.find((r) => r.tag === '18-jdk-slim')!;
    assert.equal(openjdk.uncompressedBasis, 'derived: compressed x 2.113, median unpacked/compressed of 2 measured glibc-based Java JDK rows');
    assert.equal(openjdk.uncompressedBytes, Math.round(222099726 * 2.113));
    // Other images keep the libc-wide median, Java rows included.
    assert.match(derived.find((r) => r.tag === '3.4')!.uncompressedBasis, /of 3 measured glibc-based rows$/);
  });

  it("derives an Alpine JDK from the image's measured JDK row, not its Alpine JRE row", () => {
    // eclipse-temurin:21-jdk-alpine took the 17-jre-alpine ratio (2.706): 497 MB unpacked, more than
    // the measured glibc 21-jdk (475 MB) of a larger download. A JDK's jmods are compressed already.
    const row = (tag: string, compressed: number, unpacked: number | '') => `eclipse-temurin\t${tag}\tlinux/amd64\t${compressed}\t${unpacked}\t2026-09-25\tsrc\tversion: n`;
    const { rows } = gen.parseTable([HEADER, row('21-jdk', 230080573, 474810000), row('17-jre-alpine', 68010737, 184020000), row('21-jdk-alpine', 183624358, ''), row('21-jre', 119073351, ''), row('21-jre-alpine', 74081196, '')].join('\n'));
    const [, , jdk, jre, jreAlpine] = gen.deriveUncompressed(rows);
    assert.equal(jdk.uncompressedBasis, 'derived: compressed x 2.064, median unpacked/compressed of 1 measured eclipse-temurin JDK row');
    assert.ok(jdk.uncompressedBytes < 474810000, `${jdk.uncompressedBytes}`);
    // A JRE takes the JRE's ratio, on glibc too (it took the glibc JDK's).
    assert.match(jre.uncompressedBasis, /x 2\.706, .* of 1 measured eclipse-temurin JRE row$/);
    assert.match(jreAlpine.uncompressedBasis, /x 2\.706, .* of 1 measured eclipse-temurin alpine JRE row$/);
  });

  it('rejects a row without a date', () => {
    assert.deepEqual(errorsOf('node\t22\tlinux/amd64\t408499334\t\t\trepo-info:repos/node/remote/22.md\tversion: 22'), [
      'line 2 (node:22 linux/amd64): missing or invalid reported_date',
    ]);
    assert.match(errorsOf('node\t22\tlinux/amd64\t408499334\t\t2026-13-45\tsrc\tn')[0], /invalid reported_date/);
  });

  it('rejects a row without a source', () => {
    assert.deepEqual(errorsOf('node\t22\tlinux/amd64\t408499334\t\t2026-09-19\t\tversion: 22'), ['line 2 (node:22 linux/amd64): missing source_path']);
  });

  it('rejects a malformed size, a duplicate row, a short row and a wrong header', () => {
    assert.match(errorsOf('node\t22\tlinux/amd64\t40MB\t\t2026-09-19\tsrc\tn')[0], /compressed_bytes must be a positive integer/);
    assert.match(errorsOf(`${good}\n${good}`)[0], /duplicate row python:3\.12 linux\/amd64/);
    assert.match(errorsOf('node\t22\tlinux/amd64')[0], /expected 8 tab-separated columns/);
    assert.match(gen.parseTable(`image\ttag\n${good}\n`).errors[0], /header must be/);
  });

  it('normalises linux/arm64 to linux/arm64/v8', () => {
    const { rows } = gen.parseTable(`${HEADER}\n${good.replace('linux/amd64', 'linux/arm64')}\n`);
    assert.equal((rows[0] as { platform: string }).platform, 'linux/arm64/v8');
  });

  it('exits 1 and writes nothing when a row lacks a date', function () {
    this.timeout(20000);
    const r = runGenerator(`${HEADER}\n${good}\nnode\t22\tlinux/amd64\t408499334\t\t\trepo-info:repos/node/remote/22.md\tversion: 22\n`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /missing or invalid reported_date/);
    assert.equal(r.output, '');
  });

  it('matches the committed table to the shared data file', function () {
    this.timeout(20000);
    if (!existsSync(dataFile)) {
      console.log(`      skipped: ${dataFile} is not present (the shared data folder sits beside the repository)`);
      this.skip();
    }
    const r = spawnSync(process.execPath, [script, dataFile, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
  });

  it('derives each measured unpacked size, hidden in turn, from the other rows (figures in docs/size-model.md)', function () {
    if (!existsSync(dataFile)) {
      console.log(`      skipped: ${dataFile} is not present (the shared data folder sits beside the repository)`);
      this.skip();
    }
    const { rows } = gen.parseTable(readFileSync(dataFile, 'utf8')) as { rows: { image: string; tag: string; measuredUncompressed?: number }[] };
    const errors: { id: string; error: number }[] = [];
    rows.forEach((r, i) => {
      if (r.measuredUncompressed === undefined) return;
      const hidden = rows.map((x, j) => (j === i ? { ...x, measuredUncompressed: undefined } : x));
      const derived = gen.deriveUncompressed(hidden)[i];
      errors.push({ id: `${r.image}:${r.tag}`, error: Math.abs(derived.uncompressedBytes - r.measuredUncompressed) / r.measuredUncompressed });
    });
    const sorted = errors.map((e) => e.error).sort((a, b) => a - b);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const median = sorted.length % 2 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const java = errors.filter((e) => /^(amazoncorretto|eclipse-temurin|openjdk):/.test(e.id));
    console.log(`      unpacked-size leave-one-out over ${sorted.length} measured rows: median error ${pct(median)}, max ${pct(sorted[sorted.length - 1])}; Java rows: ${java.map((e) => `${e.id} ${pct(e.error)}`).join(', ')}`);
    assert.ok(sorted.length > 10);
    // A guard against a grouping that makes the derivation much worse, not a target.
    assert.ok(median < 0.2, `median ${pct(median)}`);
  });
});
