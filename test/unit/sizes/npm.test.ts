/**
 * The npm size model against its bundled table (server/src/sizes/npm-packages.generated.json),
 * and against what real installs measured in the npm bench (test/bench/results/npm-model.json).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import validVersion from 'semver/functions/valid';
import compareVersions from 'semver/functions/compare';
import { estimateNpmCache, estimateNpmInstall, npmPackageTable, npmTableForTests, parseNpmSpec } from '../../../server/src/sizes/npm';
import table from '../../../server/src/sizes/npm-packages.generated.json';
import measured from '../../../server/src/sizes/npm-measured.generated.json';

/** [version, bytes, files, tarball bytes, dependencies, unknown dependencies] */
type Row = [string, number, number, number, string, string];
// Read here independently of the model's decoder (the format is described in the file).
const packages = table.packages.split('\n').map((line): [string, number, string, ...Row[]] => {
  const [name = '', documentBytes, latest = '', ...versions] = line.split('\t');
  return [name, Number(documentBytes), latest, ...versions.map((v): Row => {
    const [version = '', bytes, files, tarball, deps = '', unknown = ''] = v.split(';');
    return [version, Number(bytes), Number(files), Number(tarball), deps, unknown];
  })];
});
/** Every version row with its package name, in table order (the order dependency indexes count in). */
const rows: { name: string; row: Row }[] = packages.flatMap(([name, , , ...versions]) => versions.map((row) => ({ name, row })));
const rowOf = (name: string, version: string) => rows.find((r) => r.name === name && r.row[0] === version);

describe('npm size model: the table', () => {
  it('has provenance: registry, generation date, platform, generator', () => {
    assert.match(table.source, /^https:\/\//);
    assert.match(table.generatedOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(table.platform, 'linux-x64-glibc');
    assert.equal(table.generator, 'scripts/build-npm-package-table.mjs');
    const info = npmPackageTable();
    assert.equal(info.versions, rows.length);
    assert.equal(info.packages, packages.length);
  });

  it('reads every row as the whole file reads it, whichever package is asked first', () => {
    // The model splits a package's line only when something asks about it: rows are asked for
    // here backwards, then in a shuffled order, from tables with nothing decoded yet.
    const expect = (i: number) => {
      const [version, bytes, files, tarballBytes, deps, unknown] = rows[i].row;
      return { name: rows[i].name, version, bytes, files, tarballBytes, deps, unknown: unknown || undefined };
    };
    const backwards = npmTableForTests.fresh();
    for (let i = rows.length - 1; i >= 0; i--) assert.deepEqual(npmTableForTests.row(backwards, i), expect(i), `row ${i}`);
    const shuffled = npmTableForTests.fresh();
    const order = rows.map((_, i) => i);
    for (let i = order.length - 1, seed = 7; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) assert.deepEqual(npmTableForTests.row(shuffled, i), expect(i), `row ${i}`);
    const byName = npmTableForTests.fresh();
    let first = 0;
    for (const [name, documentBytes, latest, ...versions] of packages) {
      const info = byName.info(name);
      const rowNumbers = versions.map((_, k) => first + k);
      assert.deepEqual(info, { rows: rowNumbers, latest: latest || (versions.at(-1)?.[0] ?? ''), documentBytes }, name);
      first += versions.length;
    }
    assert.equal(byName.info('no-such-package-here'), undefined);
    assert.throws(() => byName.name(rows.length), RangeError);
    assert.throws(() => byName.version(-1), RangeError);
  });

  it('gives every row a size, a file count and a tarball size, and valid dependency indexes', () => {
    for (const { name, row } of rows) {
      const [version, bytes, files, tarball, deps] = row;
      assert.ok(validVersion(version), `${name}@${version}`);
      assert.ok(Number.isInteger(bytes) && bytes > 0, `${name}@${version} bytes`);
      assert.ok(Number.isInteger(files) && files > 0, `${name}@${version} files`);
      assert.ok(Number.isInteger(tarball) && tarball > 0, `${name}@${version} tarball`);
      for (const d of deps ? deps.split(',') : []) {
        const i = parseInt(d.replace(/^[~^?]/, ''), 36);
        // `?` marks a package whose document npm only reads: an index into the packages.
        assert.ok(i >= 0 && i < (d.startsWith('?') ? packages.length : rows.length), `${name}@${version} -> ${d}`);
      }
    }
    const names = packages.map((p) => p[0]);
    assert.deepEqual(names, [...new Set(names)].sort(), 'names unique and sorted');
    for (const [name, documentBytes, latest, ...versions] of packages) {
      assert.match(name, /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i, name);
      assert.ok(documentBytes > 0, name);
      assert.ok(latest === '' || validVersion(latest), `${name} latest ${latest}`);
      // Versions ascend within a package: the model reads the last one as the newest held.
      for (let i = 1; i < versions.length; i++) assert.ok(compareVersions(versions[i - 1][0], versions[i][0]) < 0, name);
    }
  });

  it('is loaded only when an npm install is estimated (start-up does not pay for it)', () => {
    // A fresh process: analyse and estimate a Dockerfile without npm, then one with it.
    const script = `
      const { analyze } = require('./out/server/src/core/analyze');
      const { estimateImage } = require('./out/server/src/core/imageEstimate');
      const loaded = () => ['npm-packages.generated.json', '/semver/'].map((f) => Object.keys(require.cache).some((k) => k.includes(f)));
      const env = { context: {} };
      estimateImage(analyze('FROM debian:bookworm\\nRUN apt-get update && apt-get install -y curl\\n', env).model, env);
      const before = loaded();
      estimateImage(analyze('FROM node:22-slim\\nRUN npm install -g pm2\\n', env).model, env);
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '../../../..'), encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { before: [false, false], after: [true, true] });
  });

  it('stays small enough to ship (under 70 KB gzipped)', () => {
    const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
    const size = gzipSync(JSON.stringify(table)).length;
    assert.ok(size < 70_000, `${size} bytes gzipped`);
  });
});

describe('npm size model: reading specs', () => {
  it('reads names, scoped names, ranges, tags and aliases', () => {
    assert.deepEqual(parseNpmSpec('express'), { name: 'express', range: '' });
    assert.deepEqual(parseNpmSpec('express@4'), { name: 'express', range: '4' });
    assert.deepEqual(parseNpmSpec('@nestjs/core@^10.2'), { name: '@nestjs/core', range: '^10.2' });
    assert.deepEqual(parseNpmSpec('@types/node'), { name: '@types/node', range: '' });
    assert.deepEqual(parseNpmSpec('npm@latest'), { name: 'npm', range: 'latest' });
    assert.deepEqual(parseNpmSpec('r18@npm:react@18'), { name: 'react', range: '18' });
    assert.deepEqual(parseNpmSpec('"typescript@>=5 <6"'), { name: 'typescript', range: '>=5 <6' });
  });

  it('refuses what is not a registry package', () => {
    for (const s of ['./local', '../x.tgz', 'github:user/repo', 'user/repo', 'git+https://h/x.git', 'x@file:../x', 'x@github:u/r', '$PKG', '${APP}@1', 'https://h/x.tgz', '']) {
      assert.equal(parseNpmSpec(s), undefined, s);
    }
  });
});

describe('npm size model: resolution', () => {
  it('sizes a package and its closure from the table, each name@version once', () => {
    const e = estimateNpmInstall(['express']);
    assert.deepEqual(e.unknown, []);
    assert.match(e.packages[0], /^express@\d/);
    assert.ok(e.packages.some((p) => p.startsWith('body-parser@')));
    assert.equal(new Set(e.packages).size, e.packages.length);
    const sum = e.packages.reduce((s, p) => {
      const at = p.lastIndexOf('@');
      return s + rowOf(p.slice(0, at), p.slice(at + 1))!.row[1];
    }, 0);
    assert.equal(e.bytes, sum);
    assert.match(e.basis, new RegExp(`^unpacked size of express@\\S+ and ${e.packages.length - 1} packages it pulls in, from npm registry metadata of ${table.generatedOn}`));
  });

  it('shares what two named packages have in common (flat node_modules)', () => {
    const express = estimateNpmInstall(['express']);
    const bodyParser = express.packages.find((p) => p.startsWith('body-parser@'))!;
    assert.equal(estimateNpmInstall(['express', bodyParser]).bytes, express.bytes);
    assert.equal(estimateNpmInstall(['express', 'express']).bytes, express.bytes);
  });

  it('gives each package its own tree in a global install', () => {
    const local = estimateNpmInstall(['express', 'body-parser']);
    const global = estimateNpmInstall(['express', 'body-parser'], { global: true });
    assert.ok(global.bytes > local.bytes, `${global.bytes} <= ${local.bytes}`);
    assert.match(global.basis, /global: one tree per package/);
  });

  it('remembers an estimate by its inputs, each option apart, and hands it out frozen', () => {
    const first = estimateNpmInstall(['express@4', 'pg@8']);
    assert.equal(estimateNpmInstall(['express@4', 'pg@8']), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.packages) && Object.isFrozen(first.unknown));
    // Same names, other options or order of operands: asked apart, with their own answers.
    const global = estimateNpmInstall(['express@4', 'pg@8'], { global: true });
    assert.notEqual(global, first);
    assert.match(global.basis, /global: one tree per package/);
    assert.notEqual(estimateNpmInstall(['express@4', 'pg@8'], { omitOptional: true }), first);
    assert.notEqual(estimateNpmInstall(['express@4', 'pg@8'], { omitPeer: true }), first);
    assert.deepEqual(estimateNpmInstall(['pg@8', 'express@4']).bytes, first.bytes);
    // Parsed specs are not remembered (their objects are not a key), but size the same.
    assert.equal(estimateNpmInstall([{ name: 'express', range: '4' }, { name: 'pg', range: '8' }]).bytes, first.bytes);
  });

  it('does not take one list of specs for another that joins to the same text', () => {
    // A quoted word may hold a line break (`npm install "a<newline>b"` in a heredoc RUN).
    assert.deepEqual(estimateNpmInstall(['no-such-pkg-a\nno-such-pkg-b']).unknown, ['no-such-pkg-a\nno-such-pkg-b']);
    assert.deepEqual(estimateNpmInstall(['no-such-pkg-a', 'no-such-pkg-b']).unknown, ['no-such-pkg-a', 'no-such-pkg-b']);
  });

  it('matches ranges and scoped names with semver', () => {
    const four = estimateNpmInstall(['express@4']);
    assert.match(four.packages[0], /^express@4\./);
    assert.equal(estimateNpmInstall(['express@^4.0.0']).packages[0], four.packages[0]);
    assert.deepEqual(four.approximated, []);
    const nest = estimateNpmInstall(['@nestjs/core']);
    assert.match(nest.packages[0], /^@nestjs\/core@\d/);
    assert.deepEqual(nest.unknown, []);
  });

  it('holds two previous major lines of the seeds whose majors move fast (typescript ^5 beside 7)', () => {
    const majors = (name: string) => new Set(packages.find((p) => p[0] === name)!.slice(3).map((r) => (r as Row)[0].split('.')[0]));
    for (const name of ['typescript', 'next', 'eslint', 'vite']) assert.ok(majors(name).size >= 3, `${name}: ${[...majors(name)]}`);
    // The oldest line held: `typescript@^5` while 7 is the latest.
    const oldest = Math.min(...[...majors('typescript')].map(Number));
    const ts = estimateNpmInstall([`typescript@^${oldest}`]);
    assert.match(ts.packages[0], new RegExp(`^typescript@${oldest}\\.`));
    assert.deepEqual([ts.unknown, ts.approximated], [[], []]);
  });

  it('stands in the newest version of the same line for a version it does not hold, and says so', () => {
    const e = estimateNpmInstall(['express@4.0.0']);
    assert.match(e.packages[0], /^express@4\./);
    assert.notEqual(e.packages[0], 'express@4.0.0');
    assert.equal(e.approximated.length, 1);
    assert.match(e.basis, /sized as the nearest version held: express@4\.0\.0 as 4\./);
  });

  it('lists unknown packages instead of counting them as zero', () => {
    const e = estimateNpmInstall(['no-such-package-in-the-table-xyz', 'express@999', 'github:u/r']);
    assert.deepEqual(e.unknown, ['no-such-package-in-the-table-xyz', 'express@999', 'github:u/r']);
    assert.equal(e.packages.length, 0);
    const mixed = estimateNpmInstall(['express', 'no-such-package-in-the-table-xyz']);
    assert.equal(mixed.bytes, estimateNpmInstall(['express']).bytes);
    assert.deepEqual(mixed.unknown, ['no-such-package-in-the-table-xyz']);
  });

  it('keeps only the linux-x64-glibc binary of a platform package, and none with --omit=optional', () => {
    const e = estimateNpmInstall(['esbuild']);
    const platform = e.packages.filter((p) => p.startsWith('@esbuild/'));
    assert.deepEqual(platform.map((p) => p.replace(/@[^@]+$/, '')), ['@esbuild/linux-x64']);
    const lean = estimateNpmInstall(['esbuild'], { omitOptional: true });
    assert.deepEqual(lean.packages.filter((p) => p.startsWith('@esbuild/')), []);
    assert.ok(lean.bytes < e.bytes);
    const sharp = estimateNpmInstall(['sharp']).packages.filter((p) => p.startsWith('@img/'));
    assert.ok(sharp.some((p) => p.startsWith('@img/sharp-linux-x64@')), sharp.join());
    assert.ok(!sharp.some((p) => /musl|darwin|win32|arm/.test(p)), sharp.join());
  });

  it('installs peer dependencies unless told not to (--legacy-peer-deps)', () => {
    assert.ok(estimateNpmInstall(['react-dom']).packages.some((p) => p.startsWith('react@')));
    assert.ok(!estimateNpmInstall(['react-dom'], { omitPeer: true }).packages.some((p) => p.startsWith('react@')));
  });

  it('sizes the cache from tarballs, registry documents and the measured index entry', () => {
    const e = estimateNpmInstall(['express']);
    const names = new Set(e.packages.map((p) => p.slice(0, p.lastIndexOf('@'))));
    assert.ok(!e.packages.some((p) => rowOf(p.slice(0, p.lastIndexOf('@')), p.slice(p.lastIndexOf('@') + 1))!.row[4].includes('?')), 'express reads no extra documents');
    const docs = packages.filter(([n]) => names.has(n)).reduce((s, p) => s + p[1], 0);
    const tarballs = e.packages.reduce((s, p) => s + rowOf(p.slice(0, p.lastIndexOf('@')), p.slice(p.lastIndexOf('@') + 1))!.row[3], 0);
    assert.equal(e.cacheContentBytes, docs + tarballs);
    assert.equal(e.cacheEntries, e.packages.length + names.size);
    const cache = estimateNpmCache(e);
    assert.equal(cache.bytes, e.cacheContentBytes + e.cacheEntries * measured.cacheIndexBytesPerEntry);
    assert.match(cache.basis, /registry document/);
    assert.match(measured.measuredOn, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('counts in the cache the documents npm reads for packages it does not install (other platforms)', () => {
    const e = estimateNpmInstall(['esbuild']);
    const installedDocs = packages.filter(([n]) => n === 'esbuild' || n === '@esbuild/linux-x64').reduce((s, p) => s + p[1], 0);
    const otherPlatforms = packages.filter(([n]) => n.startsWith('@esbuild/') && n !== '@esbuild/linux-x64');
    assert.ok(otherPlatforms.length > 10, `${otherPlatforms.length} other platforms`);
    const tarballs = e.packages.reduce((s, p) => s + rowOf(p.slice(0, p.lastIndexOf('@')), p.slice(p.lastIndexOf('@') + 1))!.row[3], 0);
    assert.equal(e.cacheContentBytes, tarballs + installedDocs + otherPlatforms.reduce((s, p) => s + p[1], 0));
    assert.equal(e.cacheEntries, 2 + 2 + otherPlatforms.length);
    // A package npm only reads cannot be installed by name from the table.
    assert.deepEqual(estimateNpmInstall([otherPlatforms[0][0]]).unknown, [otherPlatforms[0][0]]);
  });
});

describe('npm size model: against real installs (bench results)', () => {
  const file = join(__dirname, '../../../../test/bench/results/npm-model.json');
  it('predicts what npm installed within 5% for every fully sized set the bench measured', function () {
    if (!existsSync(file)) {
      console.log(`      skipped: ${file} not found (run npm run bench:npm)`);
      this.skip();
    }
    const results = JSON.parse(readFileSync(file, 'utf8')) as {
      table: { generatedOn: string };
      results: { specs: string[]; global: boolean; measured: { nodeModulesFileBytes: number }; predicted: { unknown: string[] } }[];
    };
    if (results.table.generatedOn !== table.generatedOn) {
      console.log(`      skipped: the bench measured the table of ${results.table.generatedOn}, the bundled one is of ${table.generatedOn} (run npm run bench:npm)`);
      this.skip();
    }
    let checked = 0;
    for (const r of results.results) {
      const e = estimateNpmInstall(r.specs, { global: r.global });
      if (e.unknown.length) continue;
      const err = (e.bytes - r.measured.nodeModulesFileBytes) / r.measured.nodeModulesFileBytes;
      assert.ok(Math.abs(err) < 0.05, `${r.specs.join(' ')}: predicted ${e.bytes}, measured ${r.measured.nodeModulesFileBytes}`);
      checked++;
    }
    assert.ok(checked >= 10, `only ${checked} sets`);
  });
});
