/**
 * What `npm install <names>` adds to an image, from the bundled table of npm registry metadata
 * (npm-packages.generated.json, built by scripts/build-npm-package-table.mjs from the registry):
 * the named packages and the dependency closure npm would install with them, each distinct
 * name@version counted once, as in npm's flat node_modules. Sizes are unpacked sizes (the sum of
 * the file sizes in each tarball). Packages the table does not hold are listed as unknown, never
 * counted as zero.
 *
 * The table already resolved every dependency range to the version npm picked on the day it was
 * built, so the closure needs no range matching; only what the Dockerfile names (`express@4`,
 * `@scope/x@^1.2`) is matched against the versions the table holds, with `semver`.
 *
 * Both the table (~400 KB of JSON) and `semver` are loaded on first use: most Dockerfiles install
 * nothing with npm, and the server's start-up should not pay for them.
 *
 * Pure: the table is bundled data, no fs or network.
 */
import type MaxSatisfying from 'semver/ranges/max-satisfying';
import type ValidRange from 'semver/ranges/valid';
import type MinVersion from 'semver/ranges/min-version';
import type Major from 'semver/functions/major';
// A type-only import: it puts the table into tsc's program (so `tsc -b` copies it to out/ for the
// require() below) without loading it at start-up.
import type TableModule from './npm-packages.generated.json';
import measured from './npm-measured.generated.json';
import { countOf } from './format';

/** One package the Dockerfile names, as npm reads `name@spec`. */
export interface NpmSpec {
  name: string;
  /** Version, range or dist-tag; '' when none is given (npm takes the `latest` tag). */
  range: string;
}

/** A package an npm lockfile installs, as the language server reads it from package-lock.json. */
export interface NpmLockEntry {
  /** The entry's key in the lockfile (`node_modules/a/node_modules/b`): where npm puts it. */
  location: string;
  name: string;
  version: string;
  /** Only needed by devDependencies (left out by `--omit=dev`). */
  dev?: boolean;
  /** Only reached through optional dependencies (`optional` or `devOptional` in the lockfile). */
  optional?: boolean;
  /** Not from a registry (git, a local folder or tarball, a URL): no registry metadata can size it. */
  notRegistry?: boolean;
  /** Its tarball's URL is given (`resolved`): npm downloads it and reads no registry document (npm 9.2.0 and 11.19.1). */
  resolved?: boolean;
  /** Platform restrictions the lockfile records for platform-specific packages. */
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** Names it depends on (dependencies, optional and peer dependencies). */
  requires?: string[];
}

/** Result of {@link estimateNpmInstall}. */
export interface NpmEstimate {
  /** Sum of the unpacked sizes of the package versions npm would install (those the table knows). */
  bytes: number;
  /** Number of files in them. */
  files: number;
  /** The package versions counted, `name@version`, requested first. */
  packages: readonly string[];
  /** Requested specs (or dependencies) the table cannot size: their size is unknown, not zero. */
  unknown: readonly string[];
  /** Requested specs sized with another version of the same line (`express@4.17.1 as 4.21.2`). */
  approximated: readonly string[];
  /**
   * What npm's cache keeps for this install: each tarball and the registry document of each
   * package it installs or reads (npm caches the whole document, every version ever published;
   * none for lockfile entries that give the tarball's URL). Index files not included.
   */
  cacheContentBytes: number;
  /** Number of cache entries (one per tarball, one per registry document). */
  cacheEntries: number;
  /** One line saying where the number comes from. */
  basis: string;
}

export interface NpmOptions {
  /** `-g`: each named package gets its own tree under the global prefix, nothing is shared between them. */
  global?: boolean;
  /** `--omit=optional` / `--no-optional`: optional dependencies are not installed. */
  omitOptional?: boolean;
  /** `--legacy-peer-deps` / `--omit=peer`: peer dependencies are not installed. */
  omitPeer?: boolean;
}

interface TableJson {
  source: string;
  generatedOn: string;
  platform: string;
  seeds: string;
  /** One line per package (see `format` in the file): name, document bytes, latest, then versions `version;bytes;files;tarball;deps;unknown`. */
  packages: string;
}

interface PackageInfo {
  rows: number[];
  latest: string;
  documentBytes: number;
}

type Semver = { maxSatisfying: typeof MaxSatisfying; validRange: typeof ValidRange; minVersion: typeof MinVersion; major: typeof Major };

/**
 * The table, read lazily: loading it indexes only where each package's line starts, its name and
 * the number of its first version row (one pass over the text); a package's versions are split
 * into fields the first time something asks about them. An estimate touches the few dozen
 * packages of its closure, not the table's 2,000-odd: splitting every line up front took 16-22 ms
 * of CPU on a cold start (in process, `node --max-semi-space-size=2`, 2026-12-04), most of the
 * first npm estimate of a session, which the first analysis of a Dockerfile with `npm install` paid.
 */
class NpmTable {
  /** Offset of each package's line in `text`, and the text's length after the last. */
  private readonly lineStart: Int32Array;
  /** The first version row of each package; `firstRow[packageCount]` is the number of rows. */
  private readonly firstRow: Int32Array;
  /** Package names in table order (the `?` marks in dependency lists count in it). */
  readonly packageNames: string[] = [];
  private readonly byIndex = new Map<string, number>();
  private readonly infos: (PackageInfo | undefined)[] = [];
  private readonly versions: string[] = [];
  private readonly numbers: Float64Array;
  private readonly deps: string[] = [];
  private readonly unknown: (string | undefined)[] = [];

  constructor(
    readonly table: TableJson,
    readonly semver: Semver,
  ) {
    const text = table.packages;
    const starts: number[] = [];
    const firsts: number[] = [];
    let rows = 0;
    for (let at = 0; at <= text.length; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const nameEnd = text.indexOf('\t', at);
      const name = text.slice(at, nameEnd >= 0 && nameEnd < end ? nameEnd : end);
      starts.push(at);
      firsts.push(rows);
      this.byIndex.set(name, this.packageNames.length);
      this.packageNames.push(name);
      // Fields after the name: document bytes, latest, then one per version.
      let fields = 0;
      for (let tab = text.indexOf('\t', at); tab >= 0 && tab < end; tab = text.indexOf('\t', tab + 1)) fields++;
      rows += Math.max(0, fields - 2);
      at = end + 1;
    }
    starts.push(text.length + 1);
    firsts.push(rows);
    this.lineStart = Int32Array.from(starts);
    this.firstRow = Int32Array.from(firsts);
    // bytes, files, tarball bytes per row.
    this.numbers = new Float64Array(rows * 3);
  }

  get rowCount(): number {
    return this.firstRow[this.packageNames.length];
  }

  get packageCount(): number {
    return this.packageNames.length;
  }

  /** A package's rows (in version order), latest dist-tag and document size; undefined when the table does not hold it. */
  info(name: string): PackageInfo | undefined {
    const p = this.byIndex.get(name);
    return p === undefined ? undefined : this.decode(p);
  }

  name(row: number): string {
    return this.packageNames[this.packageOf(row)];
  }

  version(row: number): string {
    this.decode(this.packageOf(row));
    return this.versions[row];
  }

  bytes(row: number): number {
    this.decode(this.packageOf(row));
    return this.numbers[row * 3];
  }

  files(row: number): number {
    this.decode(this.packageOf(row));
    return this.numbers[row * 3 + 1];
  }

  tarballBytes(row: number): number {
    this.decode(this.packageOf(row));
    return this.numbers[row * 3 + 2];
  }

  /** The row's dependency list as the table writes it ('' when none). */
  depsText(row: number): string {
    this.decode(this.packageOf(row));
    return this.deps[row];
  }

  /** Dependencies the table could not resolve, comma-separated, or undefined. */
  unknownDeps(row: number): string | undefined {
    this.decode(this.packageOf(row));
    return this.unknown[row];
  }

  /** The package a row belongs to: the last whose first row is at or before it. */
  private packageOf(row: number): number {
    if (!(row >= 0 && row < this.rowCount)) throw new RangeError(`npm table: no row ${row}`);
    let lo = 0;
    let hi = this.packageNames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstRow[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private decode(p: number): PackageInfo {
    const known = this.infos[p];
    if (known) return known;
    const line = this.table.packages.slice(this.lineStart[p], this.lineStart[p + 1] - 1);
    const [, documentBytes, latest, ...versions] = line.split('\t');
    const rows: number[] = [];
    let newest = '';
    let row = this.firstRow[p];
    for (const field of versions) {
      const [version = '', bytes, files, tarball, deps = '', unknown = ''] = field.split(';');
      rows.push(row);
      this.versions[row] = version;
      this.numbers[row * 3] = Number(bytes);
      this.numbers[row * 3 + 1] = Number(files);
      this.numbers[row * 3 + 2] = Number(tarball);
      this.deps[row] = deps;
      this.unknown[row] = unknown || undefined;
      newest = version;
      row++;
    }
    // A package without versions is one whose document npm only reads (another platform's binary, an optional peer).
    const info = { rows, latest: latest || newest, documentBytes: Number(documentBytes) };
    this.infos[p] = info;
    return info;
  }
}

let decoded: NpmTable | undefined;

/** Loads and indexes the table and semver once, on first use. */
function data(): NpmTable {
  if (decoded) return decoded;
  // require(), not import: esbuild wraps a required module so that it is evaluated on first call.
  const table = require('./npm-packages.generated.json') as typeof TableModule as TableJson;
  decoded = new NpmTable(table, {
    maxSatisfying: require('semver/ranges/max-satisfying'),
    validRange: require('semver/ranges/valid'),
    minVersion: require('semver/ranges/min-version'),
    major: require('semver/functions/major'),
  });
  return decoded;
}

/** For tests: a table of its own (nothing decoded yet) and the fields of a row. */
export const npmTableForTests = {
  fresh: (): NpmTable => new NpmTable(data().table, data().semver),
  row: (t: NpmTable, r: number) => ({ name: t.name(r), version: t.version(r), bytes: t.bytes(r), files: t.files(r), tarballBytes: t.tarballBytes(r), deps: t.depsText(r), unknown: t.unknownDeps(r) }),
};

/** The platform the table and the model assume: Debian-based images on x86-64. */
const PLATFORM = { os: 'linux', cpu: 'x64', libc: 'glibc' } as const;

/** npm's reading of an `os`/`cpu`/`libc` list: allowed values, or `!excluded` ones. */
function allows(list: readonly string[] | undefined, value: string): boolean {
  if (!list || list.length === 0 || list.includes('any')) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** Provenance of the npm table, for hovers and docs (loads the table). */
export function npmPackageTable(): { source: string; generatedOn: string; platform: string; packages: number; versions: number } {
  const d = data();
  return { source: d.table.source, generatedOn: d.table.generatedOn, platform: d.table.platform, packages: d.packageCount, versions: d.rowCount };
}

/**
 * Reads an `npm install` operand as npm would for a registry package: `name`, `name@spec`,
 * `@scope/name@spec`, `alias@npm:name@spec`. Returns undefined for anything else (paths, tarballs,
 * git and GitHub specs, URLs, shell variables): those cannot be sized from registry metadata.
 */
export function parseNpmSpec(operand: string): NpmSpec | undefined {
  const s = operand.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (s === '' || /[$`]/.test(s)) return undefined;
  const m = /^((?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*)(?:@(.*))?$/i.exec(s);
  if (!m) return undefined;
  const spec = m[2] ?? '';
  if (spec.startsWith('npm:')) return parseNpmSpec(spec.slice(4));
  // Git hosts, URLs and file specs after the @ (`x@github:u/r`, `x@file:../x`) are not registry versions.
  if (/^[a-z+]+:|\//i.test(spec)) return undefined;
  return { name: m[1].toLowerCase(), range: spec };
}

/** The table row npm's pick for `spec` corresponds to, or why there is none. */
function resolveSpec(d: NpmTable, spec: NpmSpec): { row: number; approximate: boolean } | undefined {
  const info = d.info(spec.name);
  if (!info || info.rows.length === 0) return undefined;
  const versions = info.rows.map((r) => d.version(r));
  // Rows are stored in version order.
  const highest = (rows: number[]) => rows[rows.length - 1];
  const range = spec.range.trim();
  if (range === '' || range === 'latest') {
    const i = versions.indexOf(info.latest);
    return i >= 0 ? { row: info.rows[i], approximate: false } : { row: highest(info.rows), approximate: true };
  }
  if (d.semver.validRange(range) === null) return undefined;
  const exact = d.semver.maxSatisfying(versions, range);
  if (exact !== null) return { row: info.rows[versions.indexOf(exact)], approximate: false };
  // Not held: the newest version the table has of the same major line stands in for it.
  const min = d.semver.minVersion(range);
  const sameLine = min ? info.rows.filter((r) => d.semver.major(d.version(r)) === min.major) : [];
  return sameLine.length ? { row: highest(sameLine), approximate: true } : undefined;
}

/** Dependencies of a row as row indexes, following the options' omissions. */
function depsOf(d: NpmTable, row: number, opts: NpmOptions): number[] {
  const text = d.depsText(row);
  if (!text) return [];
  const out: number[] = [];
  for (const dep of text.split(',')) {
    const mark = dep.charAt(0);
    if (mark === '?' || (mark === '~' && opts.omitOptional) || (mark === '^' && opts.omitPeer)) continue;
    out.push(parseInt(mark === '~' || mark === '^' ? dep.slice(1) : dep, 36));
  }
  return out;
}

/**
 * What npm's cache keeps for a set of installed rows: each tarball, and the registry documents npm
 * reads for the rows of `read` (by default all): their packages' and those it only reads (other
 * platforms' binaries, optional peers).
 */
function cacheOf(d: NpmTable, rows: readonly number[], read = rows): { cacheContentBytes: number; cacheEntries: number } {
  const distinct = [...new Set(rows)];
  const documents = new Set(read.map((r) => d.name(r)));
  for (const r of read) {
    for (const dep of d.depsText(r).split(',')) if (dep.startsWith('?')) documents.add(d.packageNames[parseInt(dep.slice(1), 36)] as string);
  }
  const tarballs = distinct.reduce((s, r) => s + d.tarballBytes(r), 0);
  const docs = [...documents].reduce((s, n) => s + (d.info(n)?.documentBytes ?? 0), 0);
  return { cacheContentBytes: tarballs + docs, cacheEntries: distinct.length + documents.size };
}

/**
 * Estimates what `npm install <specs>` adds: the requested packages and their dependency closure
 * from the table, each name@version once (npm's flat node_modules shares them), or one separate
 * tree per requested package for a global install.
 */
export function estimateNpmInstall(specs: readonly (NpmSpec | string)[], opts: NpmOptions = {}): NpmEstimate {
  // Rules and the image estimate ask again for every analysis of a file (a fresh one after each
  // open); the answer depends on these inputs and the bundled table only.
  if (!specs.every((s) => typeof s === 'string')) return computeNpmInstall(specs, opts);
  // JSON, not the specs joined: a quoted word may hold a line break (`"a<newline>b"` is one spec).
  const key = `${+!!opts.global}${+!!opts.omitOptional}${+!!opts.omitPeer}${JSON.stringify(specs)}`;
  let estimate = estimates.get(key);
  if (!estimate) {
    if (estimates.size >= MAX_KEPT_ESTIMATES) estimates.clear();
    estimate = computeNpmInstall(specs, opts);
    for (const list of [estimate.packages, estimate.unknown, estimate.approximated]) Object.freeze(list);
    estimates.set(key, Object.freeze(estimate));
  }
  return estimate;
}

/** Estimates already made for string specs, by their inputs. */
const estimates = new Map<string, NpmEstimate>();
const MAX_KEPT_ESTIMATES = 2_000;

function computeNpmInstall(specs: readonly (NpmSpec | string)[], opts: NpmOptions): NpmEstimate {
  const d = data();
  const unknown: string[] = [];
  const approximated: string[] = [];
  const roots: number[] = [];
  for (const s of specs) {
    const spec = typeof s === 'string' ? parseNpmSpec(s) : s;
    const label = typeof s === 'string' ? s : s.range ? `${s.name}@${s.range}` : s.name;
    const hit = spec && resolveSpec(d, spec);
    if (!hit) {
      unknown.push(label);
      continue;
    }
    if (hit.approximate) approximated.push(`${label} as ${d.version(hit.row)}`);
    roots.push(hit.row);
  }

  const closure = (from: number[]): number[] => {
    const seen = new Set<number>();
    const order: number[] = [];
    const queue = [...from];
    while (queue.length) {
      const r = queue.shift() as number;
      if (seen.has(r)) continue;
      seen.add(r);
      order.push(r);
      const missing = d.unknownDeps(r);
      if (missing) for (const n of missing.split(',')) unknown.push(`${n} (needed by ${d.name(r)}@${d.version(r)})`);
      queue.push(...depsOf(d, r, opts));
    }
    return order;
  };
  // Global installs give every named package a tree of its own (npm does not share between them).
  const trees = opts.global ? roots.map((r) => closure([r])) : [closure(roots)];
  const counted = trees.flat();
  const bytes = counted.reduce((s, r) => s + d.bytes(r), 0);
  const files = counted.reduce((s, r) => s + d.files(r), 0);
  const requested = roots.length === 1 ? `${d.name(roots[0])}@${d.version(roots[0])}` : `${roots.length} packages`;
  const extra = counted.length - roots.length;
  const basis =
    `unpacked size of ${requested}${extra > 0 ? ` and ${extra} package${extra === 1 ? '' : 's'} it pulls in` : ''}` +
    `${opts.global ? ' (global: one tree per package)' : ''}, from npm registry metadata of ${d.table.generatedOn} ` +
    `(${d.rowCount} package versions, ${d.table.platform})` +
    (approximated.length ? `; sized as the nearest version held: ${approximated.join(', ')}` : '');
  return {
    bytes,
    files,
    packages: counted.map((r) => `${d.name(r)}@${d.version(r)}`),
    unknown: [...new Set(unknown)],
    approximated,
    ...cacheOf(d, counted),
    basis,
  };
}

/** What npm's cache (~/.npm/_cacache) holds after an install: its content and its index. */
export function estimateNpmCache(est: NpmEstimate): { bytes: number; basis: string } {
  return {
    bytes: est.cacheContentBytes + est.cacheEntries * measured.cacheIndexBytesPerEntry,
    basis:
      `each tarball and registry document npm downloads, as it caches them, ` +
      `from the same registry metadata, plus ${measured.cacheIndexBytesPerEntry} bytes of index per entry (measured with ${measured.basis.split(' cache')[0]}, ${measured.measuredOn})`,
  };
}

/**
 * npm's cache of an install ({@link estimateNpmCache}) when the table sizes at least half of the
 * packages it saw: of those it sizes, a lower bound (`least`) when it lacks some. Undefined when
 * it sizes fewer or none: their cache would tell more about the table than about the install.
 */
export function npmCacheFigure(est: NpmEstimate): { bytes: number; basis: string; least: boolean } | undefined {
  const missing = est.unknown.length;
  if (!est.packages.length || missing > est.packages.length) return undefined;
  const cache = estimateNpmCache(est);
  return missing ? { bytes: cache.bytes, basis: `at least ${cache.basis}; not the ${countOf(missing, 'package')} the table lacks`, least: true } : { ...cache, least: false };
}

/**
 * The lockfile entries npm installs here: every entry that is not optional (less devDependencies
 * with `omitDev`), and the optional ones that fit the platform and that the project or an
 * installed entry depends on. An optional package without platform fields can still be left out:
 * sharp's `@img/sharp-wasm32` is needed only by its FreeBSD and WebContainers builds.
 */
function installedEntries(lockfile: { packages: readonly NpmLockEntry[]; rootRequires?: readonly string[] }, opts: { omitDev?: boolean; omitOptional?: boolean }): NpmLockEntry[] {
  const byLocation = new Map(lockfile.packages.map((e) => [e.location, e]));
  const fits = (e: NpmLockEntry) => allows(e.os, PLATFORM.os) && allows(e.cpu, PLATFORM.cpu) && allows(e.libc, PLATFORM.libc);
  // Node's lookup: the nearest node_modules/<name> from the dependent's folder up to the top.
  const lookup = (from: string, name: string): NpmLockEntry | undefined => {
    for (let base = from; ; ) {
      const hit = byLocation.get(base ? `${base}/node_modules/${name}` : `node_modules/${name}`);
      if (hit || !base) return hit;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const out = new Set<NpmLockEntry>(lockfile.packages.filter((e) => !e.optional && !(opts.omitDev && e.dev)));
  if (opts.omitOptional) return [...out];
  const queue = [...out];
  const reach = (from: string, name: string) => {
    const e = lookup(from, name);
    if (e && !out.has(e) && !(opts.omitDev && e.dev) && fits(e)) {
      out.add(e);
      queue.push(e);
    }
  };
  for (const name of lockfile.rootRequires ?? []) reach('', name);
  while (queue.length) {
    const e = queue.pop() as NpmLockEntry;
    for (const name of e.requires ?? []) reach(e.location, name);
  }
  return lockfile.packages.filter((e) => out.has(e));
}

/**
 * Estimates what `npm ci` (or `npm install` without names) installs from a lockfile: every entry,
 * nested copies included, less devDependencies with `omitDev` and optional packages that are
 * omitted or built for another platform. Entries sized exactly when the table holds their
 * version, with the newest version of the same line otherwise (listed in `approximated`), and
 * unknown when it holds neither.
 */
export function estimateNpmLockfile(lockfile: { path: string; packages: readonly NpmLockEntry[]; rootRequires?: readonly string[] }, opts: { omitDev?: boolean; omitOptional?: boolean } = {}): NpmEstimate & { installed: number } {
  const d = data();
  const unknown: string[] = [];
  const approximated: string[] = [];
  const counted: number[] = [];
  const read: number[] = [];
  let installed = 0;
  for (const e of installedEntries(lockfile, opts)) {
    installed++;
    const label = `${e.name}@${e.version}`;
    const hit = e.notRegistry || !e.version ? undefined : resolveSpec(d, { name: e.name, range: e.version });
    if (!hit) {
      unknown.push(label);
      continue;
    }
    if (hit.approximate) approximated.push(`${label} as ${d.version(hit.row)}`);
    counted.push(hit.row);
    if (!e.resolved) read.push(hit.row);
  }
  const sized = counted.length;
  return {
    bytes: counted.reduce((s, r) => s + d.bytes(r), 0),
    files: counted.reduce((s, r) => s + d.files(r), 0),
    packages: counted.map((r) => `${d.name(r)}@${d.version(r)}`),
    unknown,
    approximated,
    ...cacheOf(d, counted, read),
    installed,
    basis:
      `unpacked size of ${sized} of the ${installed} packages ${lockfile.path} pins${opts.omitDev ? ' (without devDependencies)' : ''}` +
      `${approximated.length ? `, ${approximated.length} of them as another version of the same line` : ''}, from npm registry metadata of ${d.table.generatedOn} ` +
      `(${d.rowCount} package versions, ${d.table.platform})`,
  };
}
