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
   * package it installs or reads (npm caches the whole document, every version ever published).
   * Index files not included.
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

interface Decoded {
  table: TableJson;
  name: string[];
  version: string[];
  bytes: number[];
  files: number[];
  tarballBytes: number[];
  depsText: string[];
  unknownDeps: (string | undefined)[];
  byName: Map<string, PackageInfo>;
  /** Package names in table order (the `?` marks in dependency lists count in it). */
  packageNames: string[];
  semver: { maxSatisfying: typeof MaxSatisfying; validRange: typeof ValidRange; minVersion: typeof MinVersion; major: typeof Major };
}

let decoded: Decoded | undefined;

/** Loads and indexes the table and semver once, on first use. */
function data(): Decoded {
  if (decoded) return decoded;
  // require(), not import: esbuild wraps a required module so that it is evaluated on first call.
  const table = require('./npm-packages.generated.json') as typeof TableModule as TableJson;
  const d: Decoded = {
    table,
    name: [],
    version: [],
    bytes: [],
    files: [],
    tarballBytes: [],
    depsText: [],
    unknownDeps: [],
    byName: new Map(),
    packageNames: [],
    semver: {
      maxSatisfying: require('semver/ranges/max-satisfying'),
      validRange: require('semver/ranges/valid'),
      minVersion: require('semver/ranges/min-version'),
      major: require('semver/functions/major'),
    },
  };
  for (const line of table.packages.split('\n')) {
    const [name = '', documentBytes, latest, ...versions] = line.split('\t');
    const rows: number[] = [];
    let newest = '';
    for (const field of versions) {
      const [version = '', bytes, files, tarball, deps = '', unknown = ''] = field.split(';');
      rows.push(d.name.length);
      d.name.push(name);
      d.version.push(version);
      d.bytes.push(Number(bytes));
      d.files.push(Number(files));
      d.tarballBytes.push(Number(tarball));
      d.depsText.push(deps);
      d.unknownDeps.push(unknown || undefined);
      newest = version;
    }
    // A package without versions is one whose document npm only reads (another platform's binary, an optional peer).
    d.byName.set(name, { rows, latest: latest || newest, documentBytes: Number(documentBytes) });
    d.packageNames.push(name);
  }
  decoded = d;
  return d;
}

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
  return { source: d.table.source, generatedOn: d.table.generatedOn, platform: d.table.platform, packages: d.byName.size, versions: d.name.length };
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
function resolveSpec(d: Decoded, spec: NpmSpec): { row: number; approximate: boolean } | undefined {
  const info = d.byName.get(spec.name);
  if (!info || info.rows.length === 0) return undefined;
  const versions = info.rows.map((r) => d.version[r]);
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
  const sameLine = min ? info.rows.filter((r) => d.semver.major(d.version[r]) === min.major) : [];
  return sameLine.length ? { row: highest(sameLine), approximate: true } : undefined;
}

/** Dependencies of a row as row indexes, following the options' omissions. */
function depsOf(d: Decoded, row: number, opts: NpmOptions): number[] {
  const text = d.depsText[row];
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
 * What npm's cache keeps for a set of installed rows: each tarball, and the registry document of
 * every package it installs or only reads (other platforms' binaries, optional peers).
 */
function cacheOf(d: Decoded, rows: readonly number[]): { cacheContentBytes: number; cacheEntries: number } {
  const distinct = [...new Set(rows)];
  const documents = new Set(distinct.map((r) => d.name[r]));
  for (const r of distinct) {
    for (const dep of (d.depsText[r] ?? '').split(',')) if (dep.startsWith('?')) documents.add(d.packageNames[parseInt(dep.slice(1), 36)] as string);
  }
  const tarballs = distinct.reduce((s, r) => s + d.tarballBytes[r], 0);
  const docs = [...documents].reduce((s, n) => s + (d.byName.get(n)?.documentBytes ?? 0), 0);
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
    if (hit.approximate) approximated.push(`${label} as ${d.version[hit.row]}`);
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
      const missing = d.unknownDeps[r];
      if (missing) for (const n of missing.split(',')) unknown.push(`${n} (needed by ${d.name[r]}@${d.version[r]})`);
      queue.push(...depsOf(d, r, opts));
    }
    return order;
  };
  // Global installs give every named package a tree of its own (npm does not share between them).
  const trees = opts.global ? roots.map((r) => closure([r])) : [closure(roots)];
  const counted = trees.flat();
  const bytes = counted.reduce((s, r) => s + d.bytes[r], 0);
  const files = counted.reduce((s, r) => s + d.files[r], 0);
  const requested = roots.length === 1 ? `${d.name[roots[0]]}@${d.version[roots[0]]}` : `${roots.length} packages`;
  const extra = counted.length - roots.length;
  const basis =
    `unpacked size of ${requested}${extra > 0 ? ` and ${extra} package${extra === 1 ? '' : 's'} it pulls in` : ''}` +
    `${opts.global ? ' (global: one tree per package)' : ''}, from npm registry metadata of ${d.table.generatedOn} ` +
    `(${d.name.length} package versions, ${d.table.platform})` +
    (approximated.length ? `; sized as the nearest version held: ${approximated.join(', ')}` : '');
  return {
    bytes,
    files,
    packages: counted.map((r) => `${d.name[r]}@${d.version[r]}`),
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
      `each downloaded tarball and each package's whole registry document (every version ever published) as npm caches them, ` +
      `from the same registry metadata, plus ${measured.cacheIndexBytesPerEntry} bytes of index per entry (measured with ${measured.basis.split(' cache')[0]}, ${measured.measuredOn})`,
  };
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
  let installed = 0;
  for (const e of installedEntries(lockfile, opts)) {
    installed++;
    const label = `${e.name}@${e.version}`;
    const hit = e.notRegistry || !e.version ? undefined : resolveSpec(d, { name: e.name, range: e.version });
    if (!hit) {
      unknown.push(label);
      continue;
    }
    if (hit.approximate) approximated.push(`${label} as ${d.version[hit.row]}`);
    counted.push(hit.row);
  }
  const sized = counted.length;
  return {
    bytes: counted.reduce((s, r) => s + d.bytes[r], 0),
    files: counted.reduce((s, r) => s + d.files[r], 0),
    packages: counted.map((r) => `${d.name[r]}@${d.version[r]}`),
    unknown,
    approximated,
    ...cacheOf(d, counted),
    installed,
    basis:
      `unpacked size of ${sized} of the ${installed} packages ${lockfile.path} pins${opts.omitDev ? ' (without devDependencies)' : ''}` +
      `${approximated.length ? `, ${approximated.length} of them as another version of the same line` : ''}, from npm registry metadata of ${d.table.generatedOn} ` +
      `(${d.name.length} package versions, ${d.table.platform})`,
  };
}
