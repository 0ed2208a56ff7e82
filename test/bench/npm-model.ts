/**
 * Checks the npm size model against real installs. For each dependency set below, runs the real
 * `npm install` on this machine into a fresh folder (with its own empty cache), measures what it
 * left, and compares with what server/src/sizes/npm.ts predicts from the bundled table.
 *
 * Why on the host and not in a Docker build: builds with `--network host` resolve the registry's
 * name, but npm inside the image rejects the TLS certificate chain this machine's network presents
 * (SELF_SIGNED_CERT_IN_CHAIN with Debian's npm 9.2 and ca-certificates), and the bench does not
 * copy the machine's trust settings into images. What a layer holds is the same files: node_modules
 * (plus the lockfile npm writes), which a layer stores as a tar archive.
 *
 * Measured per set: the sum of the regular files' sizes in node_modules (what the engine counts
 * as a layer's size and what the model predicts), `du -sb` (also counts directories), the bytes
 * of `tar -c node_modules` (a 512-byte header per entry, contents padded to 512 bytes), the
 * package instances installed (package.json files directly under a node_modules folder) and npm's
 * cache (~/.npm/_cacache: content and index). Writes test/bench/results/npm-model.json and prints a
 * table. `npm run bench:npm`; needs the npm registry, nothing else.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { estimateNpmInstall, estimateNpmLockfile, npmPackageTable } from '../../server/src/sizes/npm';
import { parseNpmLockfile } from '../../server/src/sources/context/facts';

const ROOT = resolve(__dirname, '../../..');
const OUT = join(ROOT, 'test/bench/results/npm-model.json');
const MEASURED = join(ROOT, 'server/src/sizes/npm-measured.generated.json');

interface NpmSet {
  specs: string[];
  global?: boolean;
  /** What the set stands for. */
  note: string;
}

// Realistic sets: what Dockerfiles install by name, and typical service dependency lists.
const SETS: NpmSet[] = [
  { specs: ['express'], note: 'a web framework' },
  { specs: ['express@4'], note: 'the previous major line, still common' },
  { specs: ['fastify', 'pino-pretty', '@fastify/cors'], note: 'a fastify service' },
  { specs: ['@nestjs/core', '@nestjs/common', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'], note: 'a NestJS service' },
  { specs: ['mongoose', 'pg', 'mysql2', 'ioredis'], note: 'database clients' },
  { specs: ['axios', 'lodash', 'dayjs', 'uuid', 'dotenv', 'winston', 'jsonwebtoken', 'bcryptjs'], note: 'common utilities' },
  { specs: ['typescript', 'ts-node', '@types/node'], note: 'TypeScript tooling' },
  { specs: ['typescript@5'], note: 'two major lines back, as package.json files written before 2026 name it' },
  { specs: ['pm2'], global: true, note: '`npm install -g pm2` in a node image' },
  { specs: ['typescript', 'nodemon', 'npm@11'], global: true, note: 'several global CLIs, npm upgraded as node images often do (npm 12 needs Node.js 22, this host has 20)' },
  { specs: ['prisma', '@prisma/client'], note: 'an ORM with engines' },
  { specs: ['react', 'react-dom', 'vite', '@vitejs/plugin-react'], note: 'a front-end build' },
  { specs: ['esbuild', 'sharp'], note: 'native binaries in optional dependencies' },
  { specs: ['jest', 'eslint', 'prettier'], note: 'test and lint tools (builder stages)' },
];

interface Walk {
  fileBytes: number;
  files: number;
  dirs: number;
  symlinks: number;
  packages: number;
}

/**
 * Regular files, directories and symlinks under `dir`, and the package folders (node_modules/x,
 * node_modules/@s/x). A file with several hard links counts once, as in a layer (esbuild's
 * install script links its binary into a second place).
 */
function walk(dir: string, acc: Walk = { fileBytes: 0, files: 0, dirs: 0, symlinks: 0, packages: 0 }, inodes = new Set<number>()): Walk {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) acc.symlinks++;
    else if (e.isDirectory()) {
      acc.dirs++;
      walk(p, acc, inodes);
    } else if (e.isFile()) {
      const st = lstatSync(p);
      if (inodes.has(st.ino)) continue;
      inodes.add(st.ino);
      acc.files++;
      acc.fileBytes += st.size;
    }
  }
  const base = dir.split('/');
  const parent = base[base.length - 2];
  const grand = base[base.length - 3];
  if ((parent === 'node_modules' && !base[base.length - 1].startsWith('.') && !base[base.length - 1].startsWith('@')) || (grand === 'node_modules' && parent.startsWith('@'))) {
    try {
      statSync(join(dir, 'package.json'));
      acc.packages++;
    } catch {
      /* not a package folder */
    }
  }
  return acc;
}

function duBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}

/** The bytes of an uncompressed tar of `name` inside `dir` (what a layer archive holds for it). */
function tarBytes(dir: string, name: string): number {
  const out = execFileSync('sh', ['-c', 'tar -cf - -C "$1" "$2" | wc -c', 'tar-size', dir, name], { encoding: 'utf8' });
  return Number(out.trim());
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const pct = (predicted: number, measured: number) => Math.round(((predicted - measured) / measured) * 1000) / 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface SetResult {
  specs: string[];
  global: boolean;
  note: string;
  npmVersion: string;
  measured: {
    nodeModulesFileBytes: number;
    files: number;
    directories: number;
    symlinks: number;
    packageInstances: number;
    duBytes: number;
    tarBytes: number;
    lockfileBytes: number;
    cacheContentBytes: number;
    cacheIndexBytes: number;
    cacheIndexEntries: number;
  };
  predicted: { bytes: number; files: number; packages: number; cacheContentBytes: number; cacheEntries: number; unknown: readonly string[]; approximated: readonly string[] };
  errorPct: number;
  /** The same install predicted from the package-lock.json npm wrote (what `npm ci` would install), local sets only. */
  lockfile?: { predictedBytes: number; unknown: number; errorPct: number };
  tarErrorPct: number;
  cacheContentErrorPct: number;
  /** Whole cache (content + index, index predicted with the per-entry figure fitted on the first set). */
  cacheErrorPct?: number;
  installSeconds: number;
}

function measureSet(set: NpmSet, npmVersion: string): SetResult {
  const dir = mkdtempSync(join(tmpdir(), 'dsh-npm-bench-'));
  try {
    const app = join(dir, 'app');
    const cache = join(dir, 'cache');
    const prefix = join(dir, 'prefix');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'm', version: '1.0.0', private: true }));
    // The machine's npmrc leaves resolved URLs out of lockfiles; npm's default (and Docker images') keeps them.
    const args = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--omit-lockfile-registry-resolved=false', '--cache', cache];
    if (set.global) args.push('--global', '--prefix', prefix);
    const started = Date.now();
    execFileSync('npm', [...args, ...set.specs], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 });
    const installSeconds = Math.round((Date.now() - started) / 100) / 10;
    // Global installs go to <prefix>/lib/node_modules, one folder per named package.
    const modulesParent = set.global ? join(prefix, 'lib') : app;
    const w = walk(join(modulesParent, 'node_modules'));
    let lockfileBytes = 0;
    let lockfile: SetResult['lockfile'];
    if (!set.global) {
      const text = readFileSync(join(app, 'package-lock.json'), 'utf8');
      lockfileBytes = Buffer.byteLength(text);
      const fromLock = estimateNpmLockfile(parseNpmLockfile(text, 'package-lock.json')!);
      lockfile = { predictedBytes: fromLock.bytes, unknown: fromLock.unknown.length, errorPct: pct(fromLock.bytes, w.fileBytes) };
    }
    const cacache = join(cache, '_cacache');
    const index = walk(join(cacache, 'index-v5'));
    const content = walk(join(cacache, 'content-v2'));
    const est = estimateNpmInstall(set.specs, { global: set.global });
    const measured = {
      nodeModulesFileBytes: w.fileBytes,
      files: w.files,
      directories: w.dirs,
      symlinks: w.symlinks,
      packageInstances: w.packages,
      duBytes: duBytes(join(modulesParent, 'node_modules')),
      tarBytes: tarBytes(modulesParent, 'node_modules'),
      lockfileBytes,
      cacheContentBytes: content.fileBytes,
      cacheIndexBytes: index.fileBytes,
      cacheIndexEntries: index.files,
    };
    return {
      specs: set.specs,
      global: !!set.global,
      note: set.note,
      npmVersion,
      measured,
      predicted: {
        bytes: est.bytes,
        files: est.files,
        packages: est.packages.length,
        cacheContentBytes: est.cacheContentBytes,
        cacheEntries: est.cacheEntries,
        unknown: est.unknown,
        approximated: est.approximated,
      },
      errorPct: pct(est.bytes, measured.nodeModulesFileBytes),
      lockfile,
      tarErrorPct: pct(est.bytes, measured.tarBytes),
      cacheContentErrorPct: pct(est.cacheContentBytes, measured.cacheContentBytes),
      installSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;

/**
 * `tsc -b` copies the JSON tables into out/ once but does not copy them again when only they
 * change, so after regenerating a table out/ can hold the old one: refuse to measure that.
 */
function checkTablesFresh(): void {
  for (const name of ['npm-packages.generated.json', 'npm-measured.generated.json']) {
    const source = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'server/src/sizes', name), 'utf8')));
    const built = JSON.stringify(JSON.parse(readFileSync(join(__dirname, '../../server/src/sizes', name), 'utf8')));
    if (source !== built) throw new Error(`out/ holds an older ${name} than server/src/sizes/: run \`npx tsc -b --force\`, then the bench again`);
  }
}

function main(): void {
  checkTablesFresh();
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const table = npmPackageTable();
  const cpu0 = cpuSeconds();
  const results: SetResult[] = [];
  for (const set of SETS) {
    process.stderr.write(`[bench:npm] npm install ${set.global ? '-g ' : ''}${set.specs.join(' ')}\n`);
    results.push(measureSet(set, npmVersion));
  }
  // The cache index (one small file per cached request) is fitted on the first set only, and the
  // figure is then checked on the others.
  const fit = results[0] as SetResult;
  const indexBytesPerEntry = Math.round(fit.measured.cacheIndexBytes / fit.predicted.cacheEntries);
  for (const r of results) {
    r.cacheErrorPct = pct(r.predicted.cacheContentBytes + r.predicted.cacheEntries * indexBytesPerEntry, r.measured.cacheContentBytes + r.measured.cacheIndexBytes);
  }
  const sized = results.filter((r) => r.predicted.unknown.length === 0);
  const errors = sized.map((r) => r.errorPct);
  const abs = errors.map(Math.abs);
  const others = results.slice(1);
  const summary = {
    sets: results.length,
    fullySized: sized.length,
    medianAbsErrorPct: median(abs),
    minErrorPct: Math.min(...errors),
    maxErrorPct: Math.max(...errors),
    medianAbsTarErrorPct: median(sized.map((r) => Math.abs(r.tarErrorPct))),
    lockfileSets: results.filter((r) => r.lockfile && r.lockfile.unknown === 0).length,
    medianAbsLockfileErrorPct: median(results.filter((r) => r.lockfile && r.lockfile.unknown === 0).map((r) => Math.abs(r.lockfile!.errorPct))),
    minLockfileErrorPct: Math.min(...results.filter((r) => r.lockfile && r.lockfile.unknown === 0).map((r) => r.lockfile!.errorPct)),
    maxLockfileErrorPct: Math.max(...results.filter((r) => r.lockfile && r.lockfile.unknown === 0).map((r) => r.lockfile!.errorPct)),
    medianAbsCacheContentErrorPct: median(sized.map((r) => Math.abs(r.cacheContentErrorPct))),
    cacheIndexBytesPerEntry: indexBytesPerEntry,
    cacheIndexFittedOn: fit.specs.join(' '),
    medianAbsCacheErrorPctOthers: median(others.filter((r) => sized.includes(r)).map((r) => Math.abs(r.cacheErrorPct ?? 0))),
    minCacheErrorPctOthers: Math.min(...others.filter((r) => sized.includes(r)).map((r) => r.cacheErrorPct ?? 0)),
    maxCacheErrorPctOthers: Math.max(...others.filter((r) => sized.includes(r)).map((r) => r.cacheErrorPct ?? 0)),
  };
  const out = {
    date: new Date().toISOString(),
    command: 'npm run bench:npm',
    host: { node: process.version, npm: npmVersion, installScripts: 'as npm runs them by default on this host' },
    table,
    summary,
    results,
    harnessCpuSeconds: Math.round((cpuSeconds() - cpu0) * 10) / 10,
  };
  mkdirSync(join(ROOT, 'test/bench/results'), { recursive: true });
  writeFileSync(OUT, JSON.stringify(out, null, 1) + '\n');
  // The figure the model uses for npm's cache index, with its provenance.
  writeFileSync(
    MEASURED,
    JSON.stringify(
      {
        cacheIndexBytesPerEntry: indexBytesPerEntry,
        basis: `npm ${npmVersion} cache index (~/.npm/_cacache/index-v5) bytes per cached request after installing ${fit.specs.join(' ')} into an empty project, on the host`,
        measuredOn: out.date.slice(0, 10),
        source: 'test/bench/results/npm-model.json (npm run bench:npm)',
        modelErrorPct: { medianAbs: summary.medianAbsErrorPct, min: summary.minErrorPct, max: summary.maxErrorPct, sets: summary.fullySized },
      },
      null,
      1,
    ) + '\n',
  );

  const lines = [
    `npm model vs real installs (npm ${npmVersion}, node ${process.version}); table of ${table.generatedOn}, ${table.versions} versions`,
    '',
    'set                                                    measured files  predicted  error   tar      error  packages inst/pred  cache content meas/pred  whole cache error',
    ...results.map(
      (r) =>
        `${((r.global ? '-g ' : '') + r.specs.join(' ')).slice(0, 54).padEnd(54)} ${mb(r.measured.nodeModulesFileBytes).padStart(11)} ${mb(r.predicted.bytes).padStart(11)} ${`${r.errorPct}%`.padStart(7)} ${mb(r.measured.tarBytes).padStart(10)} ${`${r.tarErrorPct}%`.padStart(7)}  ${String(r.measured.packageInstances).padStart(4)}/${String(r.predicted.packages).padEnd(4)}  ${mb(r.measured.cacheContentBytes).padStart(10)} / ${mb(r.predicted.cacheContentBytes).padEnd(10)} ${`${r.cacheErrorPct}%`.padStart(7)}` +
        (r.predicted.unknown.length ? `  unknown: ${r.predicted.unknown.join(', ')}` : ''),
    ),
    '',
    `error (predicted vs file bytes in node_modules): median |error| ${summary.medianAbsErrorPct}%, range ${summary.minErrorPct}% to ${summary.maxErrorPct}%; vs tar bytes: median |error| ${summary.medianAbsTarErrorPct}%`,
    `npm cache content (tarballs + registry documents): median |error| ${summary.medianAbsCacheContentErrorPct}%; index ${summary.cacheIndexBytesPerEntry} bytes per entry (fitted on ${summary.cacheIndexFittedOn}); whole cache on the other sets: median |error| ${summary.medianAbsCacheErrorPctOthers}%, range ${summary.minCacheErrorPctOthers}% to ${summary.maxCacheErrorPctOthers}%`,
    `from the package-lock.json npm wrote (npm ci), ${summary.lockfileSets} local sets: median |error| ${summary.medianAbsLockfileErrorPct}%, range ${summary.minLockfileErrorPct}% to ${summary.maxLockfileErrorPct}%`,
    `sets with unknown packages (left out of the error): ${results.length - sized.length}`,
    `wrote ${OUT}`,
  ];
  console.log(lines.join('\n'));
}

main();
