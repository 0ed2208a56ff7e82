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
import { APT_LAYER_BOOKKEEPING, CA_CERTIFICATES_GENERATED, DEBCONF_TEMPLATES_BACKUP, PYTHON_BYTECODE } from './constants';

/** Result of {@link estimateAptInstall}. */
export interface AptEstimate {
  /** What the layer gains: `installedBytes + bytecodeBytes + bookkeepingBytes`. */
  bytes: number;
  /** Sum of Installed-Size (KiB x 1024) of the packages apt would add. */
  installedBytes: number;
  /**
   * The .pyc files Debian's Python packages write when installed (py3compile in their postinst),
   * which Installed-Size does not count: measured ratio x Installed-Size of those packages.
   */
  bytecodeBytes: number;
  /**
   * What dpkg, debconf and apt write beside the packages' files, which Installed-Size does not
   * count (0 when nothing is added): about {@link APT_LAYER_BOOKKEEPING} for any install (dpkg's
   * status file and debconf's template cache rewritten whole into the layer, the packages' dpkg
   * records, logs, ld.so.cache, less Installed-Size's rounding of each file up to a KiB), plus
   * {@link DEBCONF_TEMPLATES_BACKUP} when a package registers debconf templates (debconf then also
   * keeps the previous cache as templates.dat-old), plus {@link CA_CERTIFICATES_GENERATED} when
   * ca-certificates is installed (the bundle and links its postinst writes to /etc/ssl/certs).
   */
  bookkeepingBytes: number;
  /** Which parts of `bookkeepingBytes` count: the per-layer records, the debconf backup, the CA bundle. */
  bookkeepingParts?: { layer: number; debconfTemplates: number; caCertificates: number };
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
  /**
   * The install made just before this one in the same image (its estimate, from this function):
   * this one is then sized against the base's packages plus what that install and the ones it was
   * sized after added, so a dependency they share counts once, in the install that added it first.
   */
  after?: AptEstimate;
  /** Bytes for {@link APT_LAYER_BOOKKEEPING}, {@link DEBCONF_TEMPLATES_BACKUP} and {@link CA_CERTIFICATES_GENERATED}; default the measured ones (the bench fits its own). */
  bookkeeping?: { layer: number; debconfTemplates: number; caCertificates: number };
}

/**
 * Debian packages whose files get byte-compiled on install: the interpreter's own packages
 * (python3.11-minimal, libpython3.11-stdlib, ...) and the python3-* modules (dh_python3).
 */
export function isByteCompiled(pkg: string): boolean {
  return /^(lib)?python3/.test(pkg);
}

/**
 * Packages with debconf templates: debhelper gives them `Depends: debconf (>= 0.5) | debconf-2.0`
 * (the virtual name appears in no other form). Checked on the bench's installs, 2026-12-04: every
 * added package with that dependency had a templates file in dpkg's info, and no other had one.
 */
function registersDebconfTemplates(d: Decoded, i: number): boolean {
  const virtual = d.debconfVirtual;
  return virtual !== undefined && (d.depends.of(i).some((group) => group.includes(virtual)) || d.preDepends.of(i).some((group) => group.includes(virtual)));
}

/** Per name index: 0 not looked at yet, else TRAIT_KNOWN plus the traits below (kept for the server's life, 5,505 bytes). */
let traitsOf: Uint8Array | undefined;
const TRAIT_KNOWN = 1;
const TRAIT_BYTE_COMPILED = 2;
const TRAIT_DEBCONF = 4;

function traits(d: Decoded, i: number): number {
  traitsOf ??= new Uint8Array(d.count);
  let t = traitsOf[i];
  if (t === 0) {
    t = TRAIT_KNOWN | (isByteCompiled(d.name(i)) ? TRAIT_BYTE_COMPILED : 0) | (registersDebconfTemplates(d, i) ? TRAIT_DEBCONF : 0);
    traitsOf[i] = t;
  }
  return t;
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
  /** How many names the table has. */
  count: number;
  /** The name at index `i`. */
  name(i: number): string;
  /** The index of `name`; undefined when the table does not know it. */
  indexOf(name: string): number | undefined;
  /** Installed-Size in KiB; undefined for a name that is not a package here. */
  sizeKiB(i: number): number | undefined;
  depends: Relations;
  preDepends: Relations;
  recommends: Relations;
  /** For a name, the packages that provide it. */
  providers: Map<number, number[]>;
  /** The index of `debconf-2.0`, the virtual name packages with debconf templates depend on. */
  debconfVirtual: number | undefined;
}

let decoded: Decoded | undefined;
const PREFIX_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Where each line of `column` starts, and one past its end for the last: line `i` is `[at[i], at[i + 1] - 1)`. */
function lineStarts(column: string, count: number): Int32Array {
  const at = new Int32Array(count + 1);
  let line = 1;
  for (let k = column.indexOf('\n'); k >= 0 && line < count; k = column.indexOf('\n', k + 1)) at[line++] = k + 1;
  // A column with fewer lines than names (trailing empty lines) ends its missing lines at its end.
  for (; line <= count; line++) at[line] = column.length + 1;
  return at;
}

/** One relation column, parsed per package on first access (most packages are never looked at). */
class Relations {
  private readonly at: Int32Array;
  private readonly parsed = new Map<number, number[][]>();
  constructor(
    private readonly column: string,
    count: number,
  ) {
    this.at = lineStarts(column, count);
  }
  /** The groups of package `i`: each group lists alternatives as name indexes. */
  of(i: number): number[][] {
    let groups = this.parsed.get(i);
    if (!groups) {
      const line = i >= 0 && i + 1 < this.at.length ? this.column.slice(this.at[i], Math.max(this.at[i], this.at[i + 1] - 1)) : '';
      groups = line === '' ? [] : line.split(',').map((group) => group.split('|').map((n) => parseInt(n, 36)));
      this.parsed.set(i, groups);
    }
    return groups;
  }
}

/**
 * Decodes the bundled table once, on first use (about 5,500 names). This runs cold, in V8's
 * interpreter, on the first Dockerfile with an apt-get install, so it does little: one pass over
 * the names, the sizes parsed into one typed array, the relation columns kept as they are with the
 * start of each line, and the providers read straight from their column.
 *
 * It stays in memory for the server's life, so it is kept compact: the names as one string with
 * their offsets (looked up by binary search: the table lists them sorted), not a string and a map
 * entry each. What the first estimate leaves on the heap (node --expose-gc, gc() before and after
 * an estimate of curl, python3-pip and build-essential with Recommends, 2026-12-03): 1.02-1.03 MB
 * with the table decoded into an array of names, a Map from name to index and the columns split
 * into arrays of lines, 0.25 MB as it is decoded now.
 */
function data(): Decoded {
  if (decoded) return decoded;
  const lines = table.names.split('\n');
  const count = lines.length;
  const offsets = new Int32Array(count + 1);
  let prev = '';
  let length = 0;
  for (let i = 0; i < count; i++) {
    const line = lines[i];
    // Front-coded: the first character (0-9a-zA-Z) is how many leading characters this name
    // shares with the previous one.
    const name = prev.slice(0, PREFIX_DIGITS.indexOf(line.charAt(0))) + line.slice(1);
    lines[i] = name;
    offsets[i] = length;
    length += name.length + 1;
    prev = name;
  }
  offsets[count] = length;
  const all = lines.join('\n');
  // Each name as a string of its own once asked (an estimate with Recommends lists hundreds, and
  // slicing them again for every estimate was much of what an analysis's apt work allocated).
  const names: (string | undefined)[] = new Array(count);
  const name = (i: number) => (names[i] ??= all.slice(offsets[i], offsets[i + 1] - 1));
  /** `name` against name `i`, by UTF-16 code units as the table is sorted: negative when `name` sorts first. */
  const compare = (target: string, i: number) => {
    const start = offsets[i];
    const len = offsets[i + 1] - 1 - start;
    const n = Math.min(len, target.length);
    for (let k = 0; k < n; k++) {
      const diff = target.charCodeAt(k) - all.charCodeAt(start + k);
      if (diff !== 0) return diff;
    }
    return target.length - len;
  };
  const indexOf = (target: string) => {
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(target, mid);
      if (c === 0) return mid;
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return undefined;
  };
  const sizes = new Float64Array(count).fill(NO_SIZE);
  const sizeAt = lineStarts(table.sizeKiB, count);
  for (let i = 0; i < count; i++) if (sizeAt[i + 1] - 1 > sizeAt[i]) sizes[i] = Number(table.sizeKiB.slice(sizeAt[i], sizeAt[i + 1] - 1));
  const providers = new Map<number, number[]>();
  const provides = table.provides.split('\n');
  for (let pkg = 0; pkg < provides.length; pkg++) {
    if (provides[pkg] === '') continue;
    // A provided name is one group of one name ("|" never occurs in this column).
    for (const group of provides[pkg].split(',')) {
      const provided = parseInt(group, 36);
      const list = providers.get(provided);
      if (list) list.push(pkg);
      else providers.set(provided, [pkg]);
    }
  }
  decoded = {
    count,
    name,
    indexOf,
    sizeKiB: (i) => (sizes[i] === NO_SIZE ? undefined : sizes[i]),
    depends: new Relations(table.depends, count),
    preDepends: new Relations(table.preDepends, count),
    recommends: new Relations(table.recommends, count),
    providers,
    debconfVirtual: indexOf('debconf-2.0'),
  };
  return decoded;
}

/** For tests: every name of the bundled table in its order, and the index a name is found at. */
export const aptTableForTests = {
  names: (): string[] => Array.from({ length: data().count }, (_, i) => data().name(i)),
  indexOf: (name: string): number | undefined => data().indexOf(name),
};

const PLAIN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * Turns an `apt-get install` operand into a package name: drops `=version`, `/release` and
 * `:arch`; returns undefined for operands that are not a plain name (globs, `pkg-` removals,
 * variables, paths to .deb files). A trailing `+` (apt's "install this" marker) is kept because it
 * is also part of real names (`g++`); the estimator tries the name without it when needed.
 */
export function aptOperandName(operand: string): string | undefined {
  // Most operands are plain names already (the replacements below then change nothing).
  if (PLAIN_NAME.test(operand)) return operand.endsWith('-') ? undefined : operand;
  let name = operand.replace(/=.*$/, '').replace(/\/.*$/, '').replace(/:[a-z0-9]+$/, '');
  if (!PLAIN_NAME.test(name) || name.endsWith('-')) return undefined;
  name = name.toLowerCase();
  return name;
}

/**
 * Estimates what `apt-get install <packages>` adds to an image: the named packages and everything
 * apt would pull in with them (Depends, Pre-Depends, and Recommends when `opts.recommends`), minus
 * what the base image already has and, with `opts.after`, what the earlier installs added.
 */
export function estimateAptInstall(packages: readonly string[], opts: AptOptions): AptEstimate {
  // Rules ask again on every keystroke in the stage; the answer depends on these inputs only. An
  // estimate made after another is keyed by that one's number: estimates are frozen, so the same
  // object always stands for the same packages added before.
  if (opts.basePackages !== undefined && opts.basePackages !== OFFICIAL_BASE_PACKAGES) return computeAptInstall(packages, opts);
  const key = `${opts.after ? chainNumber(opts.after) : ''}${+opts.recommends}${opts.basePackages ? 'O' : '-'}${opts.bytecodeRatio ?? ''}${opts.bookkeeping ? `/${opts.bookkeeping.layer}/${opts.bookkeeping.debconfTemplates}/${opts.bookkeeping.caCertificates}` : ''}\n${packages.join('\n')}`;
  let estimate = estimates.get(key);
  if (!estimate) {
    if (estimates.size >= MAX_KEPT_ESTIMATES) estimates.clear();
    estimate = computeAptInstall(packages, opts);
    estimates.set(key, estimate);
  }
  return estimate;
}

const NONE: readonly number[] = [];
/** The size of a name that is not a package here (a virtual name). */
const NO_SIZE = -1;

/** Per base package set: 1 for each name index the set holds (kept while the set lives). */
const baseMasks = new WeakMap<ReadonlySet<string>, Uint8Array>();

function baseMask(d: Decoded, installed: ReadonlySet<string>): Uint8Array {
  let mask = baseMasks.get(installed);
  if (!mask) {
    mask = new Uint8Array(d.count);
    for (const name of installed) {
      const i = d.indexOf(name);
      if (i !== undefined) mask[i] = 1;
    }
    baseMasks.set(installed, mask);
  }
  return mask;
}

/** For an estimate made after another (`AptOptions.after`): that one. */
const madeAfter = new WeakMap<AptEstimate, AptEstimate>();
/** A number for each estimate some other was made after, for the memo's keys. */
const chainNumbers = new WeakMap<AptEstimate, number>();
let nextChainNumber = 1;

function chainNumber(estimate: AptEstimate): number {
  let n = chainNumbers.get(estimate);
  if (n === undefined) chainNumbers.set(estimate, (n = nextChainNumber++));
  return n;
}

/** Estimates already made, by their inputs (for the default base package set). */
const estimates = new Map<string, AptEstimate>();
const MAX_KEPT_ESTIMATES = 2_000;

/**
 * Scratch flags shared by all estimates (they never run inside one another): index `i` is added
 * by this estimate or by an install before it since the last checkpoint when `added[i] === stamp`.
 * Copying the whole 5,505-byte set of flags per estimate made two typed arrays' backing stores per
 * install, much of an analysis's apt work in the collector.
 */
let added: Int32Array | undefined;
let stamp = 0;
/** A stamp no flag holds yet. */
function nextMark(d: Decoded): number {
  added ??= new Int32Array(d.count);
  if (stamp === 0x7fffffff) {
    added.fill(0);
    stamp = 0;
  }
  return ++stamp;
}
/** The name indexes each estimate selected, in its order (its `packages`), for the estimates after it. */
const selectedOf = new WeakMap<AptEstimate, readonly number[]>();

function computeAptInstall(packages: readonly string[], opts: AptOptions): AptEstimate {
  const d = data();
  // Flags by name index (5,505 names): what the base image has, what this install chose. A
  // closure with Recommends reaches hundreds of packages, each asked about several times.
  const base = opts.basePackages ?? OFFICIAL_BASE_PACKAGES;
  // The installs before, back to one that kept its flags (see checkpoints): a walk of all of them
  // per install was quadratic in a stage's installs.
  let from: Checkpoint | undefined;
  const walked: AptEstimate[] = [];
  for (let e = opts.after; e; e = madeAfter.get(e)) {
    const kept = checkpoints.get(e);
    if (kept?.base === base) {
      from = kept;
      break;
    }
    walked.push(e);
  }
  const before = from ? from.present : baseMask(d, base);
  const mark = nextMark(d);
  const flags = added!;
  const earlier = (from?.earlier ?? 0) + walked.length;
  for (const e of walked) {
    const indexes = selectedOf.get(e);
    if (indexes) for (let k = 0; k < indexes.length; k++) flags[indexes[k]] = mark;
    else {
      for (const name of e.packages) {
        const i = d.indexOf(name);
        if (i !== undefined) flags[i] = mark;
      }
    }
  }
  const selected: number[] = [];
  const unknown: string[] = [];

  const has = (i: number) => before[i] === 1 || flags[i] === mark;
  const isPackage = (i: number) => d.sizeKiB(i) !== undefined;
  /** Already satisfied: the name itself, or any package providing it, is present. */
  const satisfied = (i: number) => (isPackage(i) && has(i)) || (d.providers.get(i) ?? NONE).some(has);
  /** The package apt would pick for a name: itself when real, else its first provider. */
  const candidate = (i: number): number | undefined => (isPackage(i) ? i : d.providers.get(i)?.[0]);

  const select = (i: number) => {
    if (has(i)) return;
    flags[i] = mark;
    selected.push(i);
  };

  for (const raw of packages) {
    const name = aptOperandName(raw);
    const i = name === undefined ? undefined : (d.indexOf(name) ?? d.indexOf(name.replace(/\+$/, '')));
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
      else if (hard) unknown.push(`${group.map((g) => d.name(g)).join(' | ')} (needed by ${d.name(owner)})`);
    }
  };
  // `selected` is the queue too: packages are followed in the order they were selected.
  for (let next = 0; next < selected.length; next++) {
    const i = selected[next];
    follow(d.preDepends.of(i), true, i);
    follow(d.depends.of(i), true, i);
    if (opts.recommends) follow(d.recommends.of(i), false, i);
  }

  const names = selected.map((i) => d.name(i));
  const sizeOf = (i: number) => (d.sizeKiB(i) ?? 0) * 1024;
  const installedBytes = selected.reduce((sum, i) => sum + sizeOf(i), 0);
  const compiled = selected.filter((i) => traits(d, i) & TRAIT_BYTE_COMPILED).reduce((sum, i) => sum + sizeOf(i), 0);
  const bytecodeBytes = Math.round(compiled * (opts.bytecodeRatio ?? PYTHON_BYTECODE.ratio));
  const book = opts.bookkeeping ?? { layer: APT_LAYER_BOOKKEEPING.bytes, debconfTemplates: DEBCONF_TEMPLATES_BACKUP.bytes, caCertificates: CA_CERTIFICATES_GENERATED.bytes };
  const templates = selected.some((i) => traits(d, i) & TRAIT_DEBCONF);
  const certificates = selected.includes(d.indexOf('ca-certificates') ?? -1);
  const bookkeepingParts = { layer: selected.length === 0 ? 0 : book.layer, debconfTemplates: selected.length > 0 && templates ? book.debconfTemplates : 0, caCertificates: selected.length > 0 && certificates ? book.caCertificates : 0 };
  const bookkeepingBytes = bookkeepingParts.layer + bookkeepingParts.debconfTemplates + bookkeepingParts.caCertificates;
  const requested = packages.length === 1 ? packages[0] : `${packages.length} packages`;
  const extra = names.length - (packages.length - unknown.filter((u) => !u.includes('(needed by')).length);
  const basis =
    `Installed-Size of ${requested}${extra > 0 ? ` and ${extra} package${extra === 1 ? '' : 's'} it pulls in` : ''} ` +
    `(${opts.recommends ? 'with' : 'without'} Recommends) from Debian bookworm's package index of ${table.releaseDates['bookworm-updates'] ?? table.generatedOn}, ` +
    `less what ${opts.basePackages ? 'the base image' : 'debian:bookworm'}${earlier > 0 ? ` and the ${earlier === 1 ? 'apt-get install' : `${earlier} apt-get installs`} before this one` : ''} already ${earlier > 0 ? 'have' : 'has'}` +
    (bytecodeBytes > 0 ? `, plus the .pyc files Python packages compile on install (measured ratio)` : '') +
    (bookkeepingBytes > 0 ? `, plus about ${Math.round(bookkeepingBytes / 100_000) / 10} MB of dpkg and debconf records${certificates ? " and ca-certificates' generated bundle" : ''} (measured)` : '');
  const estimate = Object.freeze({ bytes: installedBytes + bytecodeBytes + bookkeepingBytes, installedBytes, bytecodeBytes, bookkeepingBytes, bookkeepingParts: Object.freeze(bookkeepingParts), packages: Object.freeze(names), unknown: Object.freeze(unknown), basis });
  if (opts.after) madeAfter.set(estimate, opts.after);
  selectedOf.set(estimate, selected);
  if ((earlier + 1) % CHECKPOINT_EVERY === 0) {
    // The flags after this install: the ones before it, the installs walked and its own.
    const present = before.slice();
    for (let i = 0; i < present.length; i++) if (flags[i] === mark) present[i] = 1;
    checkpoints.set(estimate, { base, present, earlier: earlier + 1 });
  }
  return estimate;
}

/** An estimate's flags after it (its base set, the installs before it and its own), and how many installs they hold. */
interface Checkpoint {
  base: ReadonlySet<string>;
  present: Uint8Array;
  earlier: number;
}

/** The flags of every CHECKPOINT_EVERY-th estimate of a chain (5,505 bytes each): an estimate walks at most that many back. */
const checkpoints = new WeakMap<AptEstimate, Checkpoint>();
const CHECKPOINT_EVERY = 16;

/**
 * What Recommends add to `apt-get install <packages>`: the estimate with Recommends minus the one
 * without (the saving of `--no-install-recommends`). `packages` lists the extra packages.
 */
export function recommendsCost(packages: readonly string[], opts: Omit<AptOptions, 'recommends'> = {}): AptEstimate {
  const withRec = estimateAptInstall(packages, { ...opts, recommends: true });
  const without = estimateAptInstall(packages, { ...opts, recommends: false });
  // Estimates are frozen and memoised by their inputs: the same two give the same cost (an install's
  // fix asks it for each recommendation it may keep).
  const known = costs.get(withRec);
  if (known?.without === without) return known.cost;
  const extra = packagesBeyond(withRec, without);
  const cost: AptEstimate = Object.freeze({
    bytes: withRec.bytes - without.bytes,
    installedBytes: withRec.installedBytes - without.installedBytes,
    bytecodeBytes: withRec.bytecodeBytes - without.bytecodeBytes,
    bookkeepingBytes: withRec.bookkeepingBytes - without.bookkeepingBytes,
    packages: Object.freeze(extra),
    unknown: withRec.unknown,
    basis:
      `Installed-Size of the ${extra.length} package${extra.length === 1 ? '' : 's'} that Recommends add (from Debian bookworm's package index)` +
      (withRec.bookkeepingBytes > without.bookkeepingBytes ? ', plus the files their install scripts write (measured)' : ''),
  });
  costs.set(withRec, { without, cost });
  return cost;
}

/** The packages of `more` that `less` does not have, in `more`'s order: by name index, with the estimates' scratch flags (no set of names per install). */
function packagesBeyond(more: AptEstimate, less: AptEstimate): string[] {
  const d = data();
  const mark = nextMark(d);
  for (const i of selectedOf.get(less)!) added![i] = mark;
  return selectedOf.get(more)!.filter((i) => added![i] !== mark).map(d.name);
}

/** {@link recommendsCost}'s answers, by the estimate with Recommends (and the one without they were made with). */
const costs = new WeakMap<AptEstimate, { without: AptEstimate; cost: AptEstimate }>();
