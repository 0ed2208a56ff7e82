/**
 * What `apt-get install` adds to a Debian bookworm image, from the bundled table of Debian package
 * metadata (debian-packages.generated.json, built by scripts/build-debian-package-table.mjs from
 * Debian's package index). Resolution follows apt's everyday behaviour closely enough for sizes:
 * a dependency group is satisfied when any alternative (or a package providing it) is already
 * installed or selected, else its first alternative that exists is taken; Recommends are followed
 * for every newly selected package when apt would install them. Versions are ignored (the table
 * holds one version per package, the newest of bookworm, -updates and -security).
 *
 * Pure: the table is bundled data, no fs or network.
 */
import table from './debian-packages.generated.json';
import base from './debian-base-packages.generated.json';
import { PYTHON_BYTECODE } from './constants';

/** Result of {@link estimateAptInstall}. */
export interface AptEstimate {
  /** What the layer gains: `installedBytes + bytecodeBytes`. */
  bytes: number;
  /** Sum of Installed-Size (KiB x 1024) of the packages apt would add. */
  installedBytes: number;
  /**
   * The .pyc files Debian's Python packages write when installed (py3compile in their postinst),
   * which Installed-Size does not count: measured ratio x Installed-Size of those packages.
   */
  bytecodeBytes: number;
  /** The packages apt would add, in selection order (requested first). */
  packages: readonly string[];
  /** Requested names (or hard dependencies) the table does not know: their size is unknown, not zero. */
  unknown: readonly string[];
  /** One line saying where the number comes from. */
  basis: string;
}

export interface AptOptions {
  /** Whether apt follows Recommends (true unless `--no-install-recommends`). */
  recommends: boolean;
  /** Packages already in the image; defaults to {@link OFFICIAL_BASE_PACKAGES}. */
  basePackages?: ReadonlySet<string>;
  /** Bytes of .pyc per byte of byte-compiled packages; defaults to the measured {@link PYTHON_BYTECODE} ratio. */
  bytecodeRatio?: number;
}

/**
 * Debian packages whose files get byte-compiled on install: the interpreter's own packages
 * (python3.11-minimal, libpython3.11-stdlib, ...) and the python3-* modules (dh_python3).
 */
export function isByteCompiled(pkg: string): boolean {
  return /^(lib)?python3/.test(pkg);
}

/** Packages of the official-like `debian:bookworm` base, listed with dpkg-query inside it. */
export const OFFICIAL_BASE_PACKAGES: ReadonlySet<string> = new Set(base.packages);

/** Provenance of the package table, for hovers and docs. */
export const DEBIAN_PACKAGE_TABLE = {
  source: table.source,
  releaseDates: table.releaseDates as Record<string, string>,
  generatedOn: table.generatedOn,
  packages: table.packages,
} as const;

interface Decoded {
  names: string[];
  index: Map<string, number>;
  /** Installed-Size in KiB; undefined for a name that is not a package here. */
  sizeKiB: (i: number) => number | undefined;
  depends: Relations;
  preDepends: Relations;
  recommends: Relations;
  /** For a name, the packages that provide it. */
  providers: Map<number, number[]>;
}

let decoded: Decoded | undefined;
const PREFIX_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One relation column, parsed per package on first access (most packages are never looked at). */
class Relations {
  private readonly lines: string[];
  private readonly parsed = new Map<number, number[][]>();
  constructor(column: string) {
    this.lines = column.split('\n');
  }
  /** The groups of package `i`: each group lists alternatives as name indexes. */
  of(i: number): number[][] {
    let groups = this.parsed.get(i);
    if (!groups) {
      const line = this.lines[i] ?? '';
      groups = line === '' ? [] : line.split(',').map((group) => group.split('|').map((n) => parseInt(n, 36)));
      this.parsed.set(i, groups);
    }
    return groups;
  }
}

/**
 * Decodes the bundled table once, on first use (about 5,500 names). This runs cold, in V8's
 * interpreter, on the first Dockerfile with an apt-get install, so it does as little as it can:
 * one pass over the names that also builds the index, sizes parsed when asked for, and the
 * providers read straight from their column (686 lines are not empty).
 */
function data(): Decoded {
  if (decoded) return decoded;
  const lines = table.names.split('\n');
  const names = new Array<string>(lines.length);
  const index = new Map<string, number>();
  let prev = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Front-coded: the first character (0-9a-zA-Z) is how many leading characters this name
    // shares with the previous one.
    const name = prev.slice(0, PREFIX_DIGITS.indexOf(line.charAt(0))) + line.slice(1);
    names[i] = name;
    index.set(name, i);
    prev = name;
  }
  const sizeLines = table.sizeKiB.split('\n');
  // Parsed when first asked for (most names are never asked about).
  const sizes = new Float64Array(names.length).fill(UNREAD);
  const providers = new Map<number, number[]>();
  const provides = table.provides.split('\n');
  for (let pkg = 0; pkg < provides.length; pkg++) {
    if (provides[pkg] === '') continue;
    // A provided name is one group of one name ("|" never occurs in this column).
    for (const group of provides[pkg].split(',')) {
      const name = parseInt(group, 36);
      const list = providers.get(name);
      if (list) list.push(pkg);
      else providers.set(name, [pkg]);
    }
  }
  decoded = {
    names,
    index,
    sizeKiB: (i) => {
      let kib = sizes[i];
      if (kib === UNREAD) kib = sizes[i] = sizeLines[i] ? Number(sizeLines[i]) : NO_SIZE;
      return kib === NO_SIZE ? undefined : kib;
    },
    depends: new Relations(table.depends),
    preDepends: new Relations(table.preDepends),
    recommends: new Relations(table.recommends),
    providers,
  };
  return decoded;
}

/**
 * Turns an `apt-get install` operand into a package name: drops `=version`, `/release` and
 * `:arch`; returns undefined for operands that are not a plain name (globs, `pkg-` removals,
 * variables, paths to .deb files). A trailing `+` (apt's "install this" marker) is kept because it
 * is also part of real names (`g++`); the estimator tries the name without it when needed.
 */
export function aptOperandName(operand: string): string | undefined {
  let name = operand.replace(/=.*$/, '').replace(/\/.*$/, '').replace(/:[a-z0-9]+$/, '');
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name) || name.endsWith('-')) return undefined;
  name = name.toLowerCase();
  return name;
}

/**
 * Estimates what `apt-get install <packages>` adds to an image: the named packages and everything
 * apt would pull in with them (Depends, Pre-Depends, and Recommends when `opts.recommends`), minus
 * what the base image already has.
 */
export function estimateAptInstall(packages: readonly string[], opts: AptOptions): AptEstimate {
  // Rules ask again on every keystroke in the stage; the answer depends on these inputs only.
  if (opts.basePackages !== undefined && opts.basePackages !== OFFICIAL_BASE_PACKAGES) return computeAptInstall(packages, opts);
  const key = `${+opts.recommends}${opts.basePackages ? 'O' : '-'}${opts.bytecodeRatio ?? ''}\n${packages.join('\n')}`;
  let estimate = estimates.get(key);
  if (!estimate) {
    if (estimates.size >= MAX_KEPT_ESTIMATES) estimates.clear();
    estimate = computeAptInstall(packages, opts);
    estimates.set(key, estimate);
  }
  return estimate;
}

const NONE: readonly number[] = [];
/** Marks in the parsed sizes: not parsed yet, and not a package here (a virtual name). */
const UNREAD = -2;
const NO_SIZE = -1;

/** Per base package set: 1 for each name index the set holds (kept while the set lives). */
const baseMasks = new WeakMap<ReadonlySet<string>, Uint8Array>();

function baseMask(d: Decoded, installed: ReadonlySet<string>): Uint8Array {
  let mask = baseMasks.get(installed);
  if (!mask) {
    mask = new Uint8Array(d.names.length);
    for (const name of installed) {
      const i = d.index.get(name);
      if (i !== undefined) mask[i] = 1;
    }
    baseMasks.set(installed, mask);
  }
  return mask;
}

/** Estimates already made, by their inputs (for the default base package set). */
const estimates = new Map<string, AptEstimate>();
const MAX_KEPT_ESTIMATES = 2_000;

function computeAptInstall(packages: readonly string[], opts: AptOptions): AptEstimate {
  const d = data();
  // Flags by name index (5,505 names): what the base image has, what this install chose. A
  // closure with Recommends reaches hundreds of packages, each asked about several times.
  const present = baseMask(d, opts.basePackages ?? OFFICIAL_BASE_PACKAGES).slice();
  const selected: number[] = [];
  const unknown: string[] = [];

  const has = (i: number) => present[i] === 1;
  const isPackage = (i: number) => d.sizeKiB(i) !== undefined;
  /** Already satisfied: the name itself, or any package providing it, is present. */
  const satisfied = (i: number) => (isPackage(i) && has(i)) || (d.providers.get(i) ?? NONE).some(has);
  /** The package apt would pick for a name: itself when real, else its first provider. */
  const candidate = (i: number): number | undefined => (isPackage(i) ? i : d.providers.get(i)?.[0]);

  const select = (i: number) => {
    if (has(i)) return;
    present[i] = 1;
    selected.push(i);
  };

  for (const raw of packages) {
    const name = aptOperandName(raw);
    const i = name === undefined ? undefined : (d.index.get(name) ?? d.index.get(name.replace(/\+$/, '')));
    if (i !== undefined && satisfied(i)) continue;
    // apt refuses to choose for a named virtual package with several providers ("You should
    // explicitly select one"), so only a real package or a sole provider counts.
    const ambiguous = i !== undefined && !isPackage(i) && (d.providers.get(i)?.length ?? 0) > 1;
    const pick = i === undefined || ambiguous ? undefined : candidate(i);
    if (pick === undefined) unknown.push(raw);
    else select(pick);
  }

  const follow = (groups: number[][], hard: boolean, owner: number) => {
    for (const group of groups) {
      if (group.some(satisfied)) continue;
      let pick: number | undefined;
      for (const alt of group) {
        pick = candidate(alt);
        if (pick !== undefined) break;
      }
      if (pick !== undefined) select(pick);
      else if (hard) unknown.push(`${group.map((g) => d.names[g]).join(' | ')} (needed by ${d.names[owner]})`);
    }
  };
  // `selected` is the queue too: packages are followed in the order they were selected.
  for (let next = 0; next < selected.length; next++) {
    const i = selected[next];
    follow(d.preDepends.of(i), true, i);
    follow(d.depends.of(i), true, i);
    if (opts.recommends) follow(d.recommends.of(i), false, i);
  }

  const names = selected.map((i) => d.names[i] as string);
  const sizeOf = (i: number) => (d.sizeKiB(i) ?? 0) * 1024;
  const installedBytes = selected.reduce((sum, i) => sum + sizeOf(i), 0);
  const compiled = selected.filter((i) => isByteCompiled(d.names[i] as string)).reduce((sum, i) => sum + sizeOf(i), 0);
  const bytecodeBytes = Math.round(compiled * (opts.bytecodeRatio ?? PYTHON_BYTECODE.ratio));
  const requested = packages.length === 1 ? packages[0] : `${packages.length} packages`;
  const extra = names.length - (packages.length - unknown.filter((u) => !u.includes('(needed by')).length);
  const basis =
    `Installed-Size of ${requested}${extra > 0 ? ` and ${extra} package${extra === 1 ? '' : 's'} it pulls in` : ''} ` +
    `(${opts.recommends ? 'with' : 'without'} Recommends) from Debian bookworm's package index of ${table.releaseDates['bookworm-updates'] ?? table.generatedOn}, ` +
    `less what ${opts.basePackages ? 'the base image' : 'debian:bookworm'} already has` +
    (bytecodeBytes > 0 ? `, plus the .pyc files Python packages compile on install (measured ratio)` : '');
  return Object.freeze({ bytes: installedBytes + bytecodeBytes, installedBytes, bytecodeBytes, packages: Object.freeze(names), unknown: Object.freeze(unknown), basis });
}

/**
 * What Recommends add to `apt-get install <packages>`: the estimate with Recommends minus the one
 * without (the saving of `--no-install-recommends`). `packages` lists the extra packages.
 */
export function recommendsCost(packages: readonly string[], opts: Omit<AptOptions, 'recommends'> = {}): AptEstimate {
  const withRec = estimateAptInstall(packages, { ...opts, recommends: true });
  const without = estimateAptInstall(packages, { ...opts, recommends: false });
  const lean = new Set(without.packages);
  const extra = withRec.packages.filter((p) => !lean.has(p));
  return {
    bytes: withRec.bytes - without.bytes,
    installedBytes: withRec.installedBytes - without.installedBytes,
    bytecodeBytes: withRec.bytecodeBytes - without.bytecodeBytes,
    packages: extra,
    unknown: withRec.unknown,
    basis: `Installed-Size of the ${extra.length} package${extra.length === 1 ? '' : 's'} that Recommends add (from Debian bookworm's package index)`,
  };
}
