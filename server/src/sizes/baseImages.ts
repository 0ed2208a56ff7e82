/**
 * Base-image sizes: a measured row when the table has the tag, otherwise an estimate from the
 * nearest rows of the same image, with the rows used, how sure it is, and one line saying why.
 *
 * How an estimate is made (docs/size-model.md has the long form): every row of the image is a
 * candidate, priced by how far it is from the asked tag (other patch < other minor < other major
 * version; other distribution; other variant; other platform). A candidate on another platform or
 * of another variant is scaled by a ratio measured on pairs of rows in the table (the same tag on
 * both platforms; both variants of the same version), never by a constant from memory. The
 * cheapest candidates of the same confidence (at most three, close in price) are combined by a
 * geometric mean, which interpolates between the neighbouring versions on either side.
 *
 * Everything that does not depend on the asked reference is indexed once per image, on the first
 * question about it, so a hover costs a scan of one image's rows (a few dozen at most).
 */
import { BASE_IMAGE_ROWS } from './base-images.generated';
import { parseImageReference, type ImageReference } from './reference';
import {
  ARCH_NAMESPACES, DEBIAN_RELEASES, UBUNTU_RELEASES, composeTag, compareVersions, isVersionPrefix, normalizePlatform,
  parseTag, windowsTag, type Kind, type TagInfo,
} from './tags';
import type { BaseImageRow } from './types';

/**
 * How sure an estimate is: `exact` (the tag and platform are in the table), `same-line` (same
 * version line and variant: another patch, another platform, or an alias of a row), `same-variant`
 * (same variant, another version line or base distribution), `guess` (another variant scaled by a
 * ratio, an unlisted platform, or a documented figure without a measured row).
 */
export type Confidence = 'exact' | 'same-line' | 'same-variant' | 'guess';

/** Size of a base image for one platform, with its provenance. */
export interface BaseImageEstimate {
  /** The reference as asked. */
  readonly reference: string;
  /** Image in Docker's short form (`python`, `gcr.io/distroless/static-debian12`, `scratch`). */
  readonly image: string;
  /** Tag the estimate is for (`latest` when none was written); undefined for digest-only references. */
  readonly tag?: string;
  /** Normalised platform the figures are for (`linux/amd64`, `linux/arm64/v8`). */
  readonly platform: string;
  /** Download size: sum of the compressed layers `docker pull` fetches. */
  readonly compressedBytes: number;
  /** Disk size after the pull, as `docker images` shows it. */
  readonly unpackedBytes: number;
  /** True only when the unpacked size is a measured figure of this exact row; false when derived from a ratio. */
  readonly unpackedMeasured: boolean;
  readonly confidence: Confidence;
  /** Table rows the figures rest on, each with source and date (empty for scratch and documented figures). */
  readonly rows: readonly BaseImageRow[];
  /** Rows whose unpacked/compressed ratio gave `unpackedBytes`, when not `rows`: the asked variant's, where the download was scaled from another. */
  readonly unpackedFrom?: readonly BaseImageRow[];
  /** One line for humans: which rows, which ratios, how sure. */
  readonly basis: string;
}

/** A smaller image of the same kind of content, with what switching would save. */
export interface SmallerAlternative {
  /** Reference to write in FROM (the asked one with another tag, or a distroless/scratch image). */
  readonly reference: string;
  readonly estimate: BaseImageEstimate;
  /** Unpacked (disk) bytes saved against the asked image. */
  readonly savingBytes: number;
  /** Download (compressed) bytes saved against the asked image. */
  readonly savingCompressedBytes: number;
  /** What may break when switching (musl, missing shell, missing compilers...). */
  readonly caveat?: string;
}

/** What the caller knows about the stage's content, to decide which alternatives fit. */
export interface AlternativeOptions {
  /** The stage's final content is a static binary (e.g. Go with CGO_ENABLED=0): distroless static and scratch fit. */
  staticBinary?: boolean;
}

/** The asked part of a size lookup, in one place. */
export interface SizeModel {
  estimateBaseImage(reference: string, platform?: string): BaseImageEstimate | undefined;
  smallerAlternatives(reference: string, platform?: string, options?: AlternativeOptions): SmallerAlternative[];
  slimVariant(reference: string): string | undefined;
}

/**
 * Official images that publish a `-slim` variant of every full tag (docker-library/ruby: slim-trixie
 * and slim-bookworm beside trixie and bookworm) while the size table measured none of them: their
 * slim size is the table's full->slim guess.
 */
const SLIM_UNMEASURED = new Set(['ruby']);

// ---------------------------------------------------------------------------------------------
// Row features and indexes

interface Row {
  row: BaseImageRow;
  tag: TagInfo;
  /** Version to compare with: the tag's, else the one recorded in the note (`perl:slim` is 5.44.0). */
  cmpVersion?: number[];
  /** Base distribution: written in the tag, else recorded in the note. */
  distro?: string;
  /** 0 for the newest version line of the image in the table, 1 for the next... */
  rank: number;
}

interface Candidate {
  r: Row;
  cost: number;
  factor: number;
  confidence: Confidence;
  adjustments: string[];
}

const NOTE_VERSION = /^version:\s*(?:BusyBox\s+|jdk-)?v?(\d+(?:\.\d+)*)/;

function noteVersion(note: string): number[] | undefined {
  const m = NOTE_VERSION.exec(note);
  return m ? m[1].split('.').map(Number) : undefined;
}

function noteDistro(note: string): string | undefined {
  const head = note.split('|')[0];
  const ubuntu = /\bubuntu (\d+\.\d+)/.exec(head);
  if (ubuntu) return Object.keys(UBUNTU_RELEASES).find((k) => UBUNTU_RELEASES[k] === ubuntu[1]);
  for (const word of head.split(/[\s()-]+/)) {
    if (word in DEBIAN_RELEASES || word in UBUNTU_RELEASES) return word;
    const alpine = /^alpine(\d+\.\d+)/.exec(word);
    if (alpine) return `alpine${alpine[1]}`;
    if (/^(?:al2023|al2|oraclelinux\d+)$/.test(word)) return word;
  }
  return undefined;
}

function distroFamily(d: string): string {
  if (d in DEBIAN_RELEASES) return 'debian';
  if (d in UBUNTU_RELEASES) return 'ubuntu';
  if (d.startsWith('alpine')) return 'alpine';
  return d;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const variantKey = (kind: Kind, role: string): string => `${kind}/${role}`;
const rowsCompatible = (a: Row, b: Row): boolean =>
  a.tag.channel !== undefined && b.tag.channel !== undefined
    ? a.tag.channel === b.tag.channel
    : a.cmpVersion !== undefined && b.cmpVersion !== undefined &&
      (isVersionPrefix(a.cmpVersion, b.cmpVersion) || isVersionPrefix(b.cmpVersion, a.cmpVersion));

/** Collects ratios under a key while the index is built; then hands out their medians, computed once. */
class Ratios {
  private readonly values = new Map<string, number[]>();
  private frozen?: Map<string, { ratio: number; pairs: number }>;
  add(key: string, value: number): void {
    const list = this.values.get(key);
    if (list) list.push(value);
    else this.values.set(key, [value]);
    this.frozen = undefined;
  }
  medians(): [string, number][] {
    return [...this.values].map(([key, list]) => [key, median(list)]);
  }
  get(key: string): { ratio: number; pairs: number } | undefined {
    this.frozen ??= new Map([...this.values].map(([k, list]) => [k, { ratio: median(list), pairs: list.length }]));
    return this.frozen.get(key);
  }
}

const DISTROLESS_STATIC_BYTES = 2 * 1024 * 1024;
const DISTROLESS_STATIC = 'gcr.io/distroless/static-debian12';
const DISTROLESS_BASIS = 'distroless documentation: the static image is "about 2 MiB" (no measured row in the table; as quoted in shared/data/README.md)';
const OFFICIAL_MIRRORS: readonly string[] = ['public.ecr.aws/docker/library', 'mirror.gcr.io/library'];

/** Builds a size model over the given rows (the bundled table by default; the accuracy test passes subsets). */
export function createSizeModel(rows: readonly BaseImageRow[]): SizeModel {
  // Each image's rows are read (tags parsed, versions ranked, its own ratios collected) the first
  // time it is asked about, and the ratios across images only when an image has none of its own:
  // the first analysis in a new server sized one image or two but read all 107 rows (a third of the
  // first analysis's CPU samples for examples/python-naive, 2026-12-05). Every answer is the same
  // whatever was asked before (test/unit/sizes/baseImages.test.ts checks both orders).
  const rowsOf = new Map<string, BaseImageRow[]>();
  for (const row of rows) {
    const list = rowsOf.get(row.image);
    if (list) list.push(row);
    else rowsOf.set(row.image, [row]);
  }
  const byImage = new Map<string, Row[]>();
  const platformRatios = new Ratios();
  const variantRatios = new Ratios();
  const platforms = new Set(rows.map((r) => r.platform));
  /** The default distribution of each image and kind: the one its rows without a written distro are built on. */
  const defaultDistro = new Map<string, string>();

  /** The rows of `image` read, and its own ratios collected; undefined when the table has no such image. */
  function rowsFor(image: string): Row[] | undefined {
    const done = byImage.get(image);
    if (done) return done;
    const source = rowsOf.get(image);
    if (!source) return undefined;
    const list = source.map((row): Row => {
      const tag = parseTag(row.image, row.tag);
      return { row, tag, cmpVersion: tag.version ?? noteVersion(row.note), distro: tag.distro ?? noteDistro(row.note), rank: 0 };
    });
    byImage.set(image, list);
    const versions = [...new Set(list.filter((r) => r.cmpVersion).map((r) => r.cmpVersion!.join('.')))]
      .map((v) => v.split('.').map(Number))
      .sort((a, b) => compareVersions(b, a));
    for (const r of list) {
      const i = r.cmpVersion ? versions.findIndex((v) => compareVersions(v, r.cmpVersion!) === 0) : -1;
      r.rank = i < 0 ? versions.length : i;
    }
    for (const r of [...list].sort((a, b) => a.rank - b.rank)) {
      const key = `${image}/${r.tag.kind}`;
      if (r.tag.distro === undefined && r.distro !== undefined && !defaultDistro.has(key)) defaultDistro.set(key, r.distro);
    }
    for (const a of list) {
      for (const b of list) {
        if (a === b) continue;
        const ratio = b.row.compressedBytes / a.row.compressedBytes;
        if (a.row.tag === b.row.tag && a.row.platform !== b.row.platform) platformRatios.add(`${image} ${a.row.platform}>${b.row.platform}`, ratio);
        const va = variantKey(a.tag.kind, a.tag.role);
        const vb = variantKey(b.tag.kind, b.tag.role);
        if (va !== vb && a.row.platform === b.row.platform) {
          const pair = `${va}>${vb}`;
          if (rowsCompatible(a, b)) variantRatios.add(`${image} line ${pair}`, ratio);
          variantRatios.add(`${image} any ${pair}`, ratio);
        }
      }
    }
    return list;
  }

  /** Built once every image is read: the ratios across images, and the distribution families the table has -slim rows on. */
  let across: { slimFamilies: Set<string> } | undefined;
  function acrossImages(): { slimFamilies: Set<string> } {
    if (across) return across;
    const all = [...rowsOf.keys()].flatMap((image) => rowsFor(image)!);
    for (const a of all) {
      for (const b of rowsFor(a.row.image)!) {
        if (a !== b && a.row.tag === b.row.tag && a.row.platform !== b.row.platform) platformRatios.add(`* ${a.row.platform}>${b.row.platform}`, b.row.compressedBytes / a.row.compressedBytes);
      }
    }
    // Across images, each image counts once (its median), so python's and node's many pairs do not
    // decide the ratio for haproxy.
    for (const [key, value] of variantRatios.medians()) {
      const m = / line (.*)$/.exec(key);
      if (m) variantRatios.add(`* ${m[1]}`, value);
    }
    // Debian only: the official images publish -slim on no other distribution.
    return (across = { slimFamilies: new Set(all.flatMap((r) => (r.tag.kind === 'slim' && r.distro !== undefined ? [distroFamily(r.distro)] : []))) });
  }
  /** A ratio across images (its key starts with `*`), once every image is read. */
  const acrossRatio = (ratios: Ratios, key: string) => (acrossImages(), ratios.get(key));

  const cache = new Map<string, BaseImageEstimate | undefined>();

  /** Which official image a reference names, accepting Hub aliases, mirrors and per-architecture namespaces. */
  function officialImage(ref: ImageReference): { image: string; platform?: string } | undefined {
    if (ref.official) return { image: ref.name };
    if (ref.registry === 'docker.io' && ARCH_NAMESPACES[ref.namespace] !== undefined) return { image: ref.name, platform: ARCH_NAMESPACES[ref.namespace] };
    if (OFFICIAL_MIRRORS.includes(`${ref.registry}/${ref.namespace}`)) return { image: ref.name };
    return undefined;
  }

  function versionCost(q: TagInfo, r: Row, list: readonly Row[]): { cost: number; sameLine: boolean; exact: boolean } {
    const rv = r.cmpVersion;
    if (q.version === undefined && q.channel === undefined) {
      if (r.tag.version === undefined && r.tag.channel === undefined) return { cost: 0, sameLine: true, exact: true };
      return { cost: 0.01 + 0.03 * Math.min(r.rank, 5), sameLine: r.rank === 0, exact: false };
    }
    if (q.channel !== undefined) {
      if (r.tag.channel === q.channel) return { cost: 0, sameLine: true, exact: true };
      if (!list.some((x) => x.tag.channel === q.channel)) {
        // A channel the table never saw (`lts`, `edge`): size it as the newest line, less sure.
        return { cost: 0.04 + 0.01 * Math.min(r.rank, 9), sameLine: false, exact: false };
      }
      return { cost: 0.06, sameLine: false, exact: false };
    }
    const qv = q.version!;
    if (rv === undefined) return { cost: 0.1, sameLine: false, exact: false };
    if (r.tag.versionText !== undefined && r.tag.versionText === q.versionText) return { cost: 0, sameLine: true, exact: true };
    if (r.tag.version !== undefined && isVersionPrefix(r.tag.version, qv)) {
      // `rust:1` and the like name no line: 1.85 and 1.98 are different releases, so compare minors.
      const noted = noteVersion(r.row.note);
      if (r.tag.version.length === 1 && r.tag.version[0] <= 1 && qv.length >= 2 && noted && noted[1] !== undefined && noted[1] !== qv[1]) {
        return { cost: 0.025 + 0.01 * Math.min(Math.abs(noted[1] - qv[1]), 5), sameLine: false, exact: false };
      }
      return { cost: 0.005, sameLine: true, exact: false };
    }
    if (isVersionPrefix(qv, rv)) return { cost: 0.005 + 0.002 * Math.min(r.rank, 10), sameLine: true, exact: false };
    let i = 0;
    while (i < qv.length && i < rv.length && qv[i] === rv[i]) i++;
    const delta = Math.min(Math.abs((qv[i] ?? 0) - (rv[i] ?? 0)), 5);
    if (i === 0) return { cost: 0.07 + 0.02 * delta, sameLine: false, exact: false };
    const lineDepth = r.tag.version?.length ?? 2;
    if (i >= lineDepth) return { cost: 0.01, sameLine: true, exact: false };
    return { cost: 0.025 + 0.01 * delta, sameLine: false, exact: false };
  }

  function distroCost(image: string, q: TagInfo, r: Row): { cost: number; differs: boolean } {
    const asked = q.distro ?? (r.tag.distro !== undefined ? defaultDistro.get(`${image}/${q.kind}`) : undefined);
    if (asked === undefined || r.distro === asked.replace(/^alpine-/, 'alpine')) return { cost: 0, differs: false };
    if (r.distro === undefined) return { cost: 0.03, differs: true };
    const sameFamily = distroFamily(asked) === distroFamily(r.distro);
    if (sameFamily && distroFamily(asked) === 'alpine') return { cost: 0.015, differs: false };
    return sameFamily ? { cost: 0.03, differs: true } : { cost: 0.08, differs: true };
  }

  function candidatesFor(image: string, q: TagInfo, platform: string, list: readonly Row[]): Candidate[] {
    const out: Candidate[] = [];
    const qv = variantKey(q.kind, q.role);
    for (const r of list) {
      const adjustments: string[] = [];
      let factor = 1;
      let guess = false;
      const v = versionCost(q, r, list);
      const d = distroCost(image, q, r);
      let cost = v.cost + d.cost;

      const rv = variantKey(r.tag.kind, r.tag.role);
      if (rv !== qv) {
        guess = true;
        const pair = `${rv}>${qv}`;
        const line = variantRatios.get(`${image} line ${pair}`);
        const any = line ? undefined : variantRatios.get(`${image} any ${pair}`);
        const hit = line
          ? { ratio: line, c: 0.12, label: `same-version ${image}` }
          : any ? { ratio: any, c: 0.16, label: image } : { ratio: acrossRatio(variantRatios, `* ${pair}`), c: 0.35, label: 'image' };
        if (hit.ratio) {
          factor *= hit.ratio.ratio;
          cost += hit.c;
          const n = hit.ratio.pairs;
          const what = hit.label === 'image' ? `median of ${n} images` : `${n} ${hit.label} pair${n === 1 ? '' : 's'}`;
          adjustments.push(`x ${hit.ratio.ratio.toFixed(2)} ${describeVariant(r.tag)}->${describeVariant(q)} ratio (${what})`);
        } else if (r.tag.kind === q.kind) {
          cost += 0.3; // sibling roles (php cli / fpm / apache) differ by a few MB
          adjustments.push(`${describeVariant(r.tag)} taken as ${describeVariant(q)}`);
        } else continue; // another kind with no measured ratio anywhere: no basis
      }

      if (r.row.platform !== platform) {
        const own = platformRatios.get(`${image} ${r.row.platform}>${platform}`);
        const any = own ?? acrossRatio(platformRatios, `* ${r.row.platform}>${platform}`);
        if (any) {
          factor *= any.ratio;
          cost += own ? 0.015 : 0.025;
          adjustments.push(`x ${any.ratio.toFixed(2)} ${shortPlatform(r.row.platform)}->${shortPlatform(platform)} ratio (${any.pairs} ${own ? `${image} ` : ''}pair${any.pairs === 1 ? '' : 's'})`);
        } else {
          guess = true;
          cost += platforms.has(platform) ? 0.05 : 0.3;
          adjustments.push(`${shortPlatform(platform)} not measured, sized as ${shortPlatform(r.row.platform)}`);
        }
      }
      const confidence: Confidence = guess
        ? 'guess'
        : v.exact && !d.differs && r.row.platform === platform && r.row.tag === q.tag
          ? 'exact'
          : v.sameLine && !d.differs ? 'same-line' : 'same-variant';
      out.push({ r, cost, factor, confidence, adjustments });
    }
    return out.sort((a, b) => a.cost - b.cost || a.r.rank - b.r.rank);
  }

  function estimateOfficial(reference: string, familiar: string, image: string, tagText: string | undefined, platform: string, digestOnly: boolean): BaseImageEstimate | undefined {
    const list = rowsFor(image);
    // The table has no Windows images, and they weigh gigabytes: no basis for a figure.
    if (!list || platform.startsWith('windows/') || windowsTag(tagText ?? '')) return undefined;
    const q = parseTag(image, tagText ?? 'latest');
    const candidates = candidatesFor(image, q, platform, list);
    if (candidates.length === 0) return undefined;
    const best = candidates[0];
    const group = best.confidence === 'exact'
      ? [best]
      : candidates.filter((c) => c.confidence === best.confidence && c.cost <= best.cost + 0.02).slice(0, 3);
    const weights = group.map((c) => 1 / (c.cost + 0.01));
    const wsum = weights.reduce((a, b) => a + b, 0);
    const logMean = (f: (c: Candidate) => number) => Math.exp(group.reduce((acc, c, i) => acc + weights[i] * Math.log(f(c)), 0) / wsum);
    const compressed = Math.round(logMean((c) => c.r.row.compressedBytes * c.factor));
    // A download scaled from another variant unpacks as the asked variant's rows do, where the
    // table has some: eclipse-temurin:17-jre, sized from 17-jdk-alpine, unpacks as a JRE (a JDK's
    // jmods are compressed already).
    const qv = variantKey(q.kind, q.role);
    const asked = list.filter((r) => variantKey(r.tag.kind, r.tag.role) === qv).map((r) => r.row);
    const ratioRows = (c: Candidate) => (asked.length > 0 && variantKey(c.r.tag.kind, c.r.tag.role) !== qv ? asked : [c.r.row]);
    const ratio = logMean((c) => median(ratioRows(c).map((r) => r.uncompressedRatio)));
    const fromRows = [...new Set(group.flatMap(ratioRows))];
    const unpackedFrom = fromRows.some((r, i) => r !== group[i]?.r.row) ? fromRows : undefined;
    const exact = best.confidence === 'exact';
    const confidence: Confidence = digestOnly ? 'guess' : best.confidence;
    const unpacked = exact ? best.r.row.uncompressedBytes : Math.round(compressed * ratio);
    const unpackedMeasured = exact && best.r.row.uncompressedMeasured;
    return {
      reference,
      image: familiar,
      tag: tagText,
      platform,
      compressedBytes: compressed,
      unpackedBytes: unpacked,
      unpackedMeasured,
      confidence,
      rows: group.map((c) => c.r.row),
      ...(unpackedFrom ? { unpackedFrom } : {}),
      basis: basisLine(confidence, group, platform, digestOnly, unpackedMeasured, unpackedFrom),
    };
  }

  function estimate(reference: string, platformArg?: string): BaseImageEstimate | undefined {
    const key = `${reference}\n${platformArg ?? ''}`;
    if (cache.has(key)) return cache.get(key);
    const result = estimateUncached(reference, platformArg);
    if (cache.size >= 2000) cache.clear();
    cache.set(key, result);
    return result;
  }

  function estimateUncached(reference: string, platformArg?: string): BaseImageEstimate | undefined {
    const ref = parseImageReference(reference);
    if (!ref) return undefined;
    let platform = normalizePlatform(platformArg);
    if (ref.scratch) {
      return {
        reference, image: 'scratch', tag: undefined, platform, compressedBytes: 0, unpackedBytes: 0, unpackedMeasured: true,
        confidence: 'exact', rows: [], basis: 'scratch is the empty image: no layers, nothing to download',
      };
    }
    if (isDistrolessStatic(ref)) {
      return {
        reference, image: ref.familiar, tag: ref.effectiveTag, platform, compressedBytes: DISTROLESS_STATIC_BYTES,
        unpackedBytes: DISTROLESS_STATIC_BYTES, unpackedMeasured: false, confidence: 'guess', rows: [], basis: `Guess: ${DISTROLESS_BASIS}`,
      };
    }
    const official = officialImage(ref);
    if (!official) return undefined;
    if (official.platform !== undefined && platformArg === undefined) platform = official.platform;
    return estimateOfficial(reference, official.image, official.image, ref.effectiveTag, platform, ref.effectiveTag === undefined);
  }

  function queryOf(reference: string): { ref: ImageReference; image: string; q: TagInfo; repo: string } | undefined {
    const ref = parseImageReference(reference);
    if (!ref || ref.scratch) return undefined;
    const official = officialImage(ref);
    if (!official || !rowsFor(official.image)) return undefined;
    // Keep the reference as the user wrote it up to the tag; a digest pins the old image, so it goes.
    let repo = ref.raw;
    const at = repo.indexOf('@');
    if (at >= 0) repo = repo.slice(0, at);
    if (ref.tag !== undefined) repo = repo.slice(0, repo.length - ref.tag.length - 1);
    return { ref, image: official.image, q: parseTag(official.image, ref.effectiveTag ?? 'latest'), repo };
  }

  function withTag(repo: string, image: string, q: TagInfo, kind: Kind, role: string): string {
    // An Alpine release stays where the asked tag is Alpine too (21-jdk-alpine-3.21: 21-jre-alpine-3.21).
    const alpine = q.distro !== undefined && distroFamily(q.distro) === 'alpine';
    const distro = kind === 'alpine' ? (alpine ? q.distro : undefined) : alpine ? undefined : q.distro;
    const tag = composeTag(image, { versionText: q.versionText, role: q.roleImplied && role === q.role ? '' : role, kind, distro });
    return tag === undefined ? repo : `${repo}:${tag}`;
  }

  function slimVariant(reference: string): string | undefined {
    const found = queryOf(reference);
    // A digest without a tag (`node@sha256:...`) may pin any variant, a -slim one too: nothing to suggest.
    if (!found || found.q.kind !== 'full' || found.ref.effectiveTag === undefined) return undefined;
    const { image, q, repo } = found;
    if (!SLIM_UNMEASURED.has(image) && !byImage.get(image)!.some((r) => r.tag.kind === 'slim' && r.tag.role === q.role)) return undefined;
    // A tag on another base (`openjdk:21-jdk-oraclelinux8`, `python:3.12-windowsservercore-ltsc2022`)
    // has no -slim variant: the one composed here does not exist, and base-image-not-slim's fix wrote it into FROM.
    if (q.distro !== undefined && !acrossImages().slimFamilies.has(distroFamily(q.distro))) return undefined;
    return withTag(repo, image, q, 'slim', q.role);
  }

  function smallerAlternatives(reference: string, platform?: string, options: AlternativeOptions = {}): SmallerAlternative[] {
    const current = estimate(reference, platform);
    if (!current || current.compressedBytes === 0) return [];
    const out: SmallerAlternative[] = [];
    const push = (alt: string, caveat: string | undefined) => {
      const e = estimate(alt, platform ?? current.platform);
      if (!e || e.compressedBytes >= current.compressedBytes || e.unpackedBytes >= current.unpackedBytes) return;
      out.push({ reference: alt, estimate: e, savingBytes: current.unpackedBytes - e.unpackedBytes, savingCompressedBytes: current.compressedBytes - e.compressedBytes, caveat });
    };
    const found = queryOf(reference);
    // A digest without a tag may pin any variant (see slimVariant): none is known to be smaller.
    if (found && found.ref.effectiveTag !== undefined) {
      const { image, q, repo } = found;
      const kindRank: Record<Kind, number> = { full: 2, slim: 1, alpine: 0 };
      const families = new Map<string, { kind: Kind; role: string }>();
      for (const r of byImage.get(image)!) families.set(variantKey(r.tag.kind, r.tag.role), { kind: r.tag.kind, role: r.tag.role });
      // Published but not measured: offered with the guessed size, as slimVariant does.
      if (SLIM_UNMEASURED.has(image) && q.kind === 'full') families.set(variantKey('slim', q.role), { kind: 'slim', role: q.role });
      for (const f of families.values()) {
        const smallerRole = f.role === q.role || (q.role === 'jdk' && f.role === 'jre');
        if (!smallerRole || kindRank[f.kind] > kindRank[q.kind] || (f.kind === q.kind && f.role === q.role)) continue;
        push(withTag(repo, image, q, f.kind, f.role), caveatFor(image, q, f.kind, f.role));
      }
    }
    if (options.staticBinary) {
      push(DISTROLESS_STATIC, 'No shell or package manager: RUN steps and shell-form CMD/ENTRYPOINT cannot run in it; the binary must be static.');
      push('scratch', 'Empty image: no shell, CA certificates, time zone data or /etc/passwd; copy in what the binary needs.');
    }
    return out.sort((a, b) => a.estimate.unpackedBytes - b.estimate.unpackedBytes || a.estimate.compressedBytes - b.estimate.compressedBytes);
  }

  return { estimateBaseImage: estimate, smallerAlternatives, slimVariant };
}

function isDistrolessStatic(ref: ImageReference): boolean {
  return ref.registry === 'gcr.io' && /^distroless\/static(?:-debian\d+)?$/.test(ref.path);
}

function caveatFor(image: string, q: TagInfo, kind: Kind, role: string): string | undefined {
  const notes: string[] = [];
  if (kind === 'alpine' && q.kind !== 'alpine') {
    if (image === 'python') notes.push('Alpine uses musl libc: most PyPI wheels are built for glibc (manylinux), so packages with native code may compile from source or fail');
    else if (image === 'node') notes.push('Alpine uses musl libc: native modules and prebuilt binaries built for glibc may fail to load or need rebuilding');
    else if (image === 'ruby') notes.push('Alpine uses musl libc: gems with native extensions compile against it and may need build packages');
    else notes.push('Alpine uses musl libc and BusyBox: software built for glibc, and scripts expecting GNU tools, may not work');
  } else if (kind === 'slim' && q.kind === 'full' && image === 'rust') {
    // rust's -slim installs gcc and libc6-dev, which cargo links with.
    notes.push('Slim keeps gcc for linking but has no pkg-config or -dev headers: crates that link a C library (openssl-sys...) need them installed first (or a build stage)');
  } else if (kind === 'slim' && q.kind === 'full') {
    notes.push('Slim has no compilers or -dev headers: packages that build native code need them installed first (or a build stage)');
  }
  if (role === 'jre' && q.role === 'jdk') notes.push('JRE only: no javac, jlink or jshell, so build in a JDK stage');
  return notes.length > 0 ? `${notes.join('. ')}.` : undefined;
}

function shortPlatform(p: string): string {
  return p.startsWith('linux/') ? p.slice(6) : p;
}

function describeVariant(t: TagInfo): string {
  const parts = [t.role, t.kind === 'full' ? '' : t.kind].filter((x) => x !== '');
  return parts.length > 0 ? parts.join('-') : 'full';
}

const LABEL: Record<Confidence, string> = {
  exact: 'Measured',
  'same-line': 'Same version line',
  'same-variant': 'Same variant, nearest versions',
  guess: 'Guess',
};

function basisLine(confidence: Confidence, group: readonly Candidate[], platform: string, digestOnly: boolean, unpackedMeasured: boolean, unpackedFrom?: readonly BaseImageRow[]): string {
  const names = group.map((c) => `${c.r.row.image}:${c.r.row.tag}${c.r.row.platform !== platform ? ` (${shortPlatform(c.r.row.platform)})` : ''}`);
  const version = group.length === 1 ? ` [${group[0].r.row.note.split('|')[0].replace(/^version:\s*/, '').trim()}]` : '';
  const adjustments = [...new Set(group.flatMap((c) => c.adjustments))];
  const dates = [...new Set(group.map((c) => c.r.row.reportedDate))].sort();
  const when = dates.length === 1 ? dates[0] : `${dates[0]} to ${dates[dates.length - 1]}`;
  // The asked variant's rows, where the download was scaled from another (estimateOfficial).
  const ratioRows = unpackedFrom ?? group.map((c) => c.r.row);
  const other = unpackedFrom ? ` of ${[...new Set(unpackedFrom.map((r) => `${r.image}:${r.tag}`))].join(', ')}` : '';
  const unpacked = unpackedMeasured ? 'unpacked measured' : `unpacked from the ${ratioRows.length === 1 && ratioRows[0].uncompressedMeasured ? 'measured' : 'table'} unpacked/compressed ratio${other}`;
  const head = confidence === 'exact' ? `Measured for ${names[0]}` : `${LABEL[confidence]}: from ${names.join(', ')}`;
  const pinned = digestOnly ? '; pinned by digest only, sized as the newest tag' : '';
  return `${head}${version} on ${shortPlatform(platform)}${adjustments.length > 0 ? `, ${adjustments.join(', ')}` : ''}; ${unpacked}; reported ${when}${pinned}`;
}

// ---------------------------------------------------------------------------------------------
// The bundled table's model, which the server, CLI and rules use.

// Built on first use, not at start-up: a session may never size a base image (a .dockerignore,
// a Dockerfile FROM scratch), and building the index costs a few ms.
let bundledModel: SizeModel | undefined;
const bundled = (): SizeModel => (bundledModel ??= createSizeModel(BASE_IMAGE_ROWS));

/**
 * Size of the base image `reference` on `platform` (default `linux/amd64`; `linux/arm64` =
 * `linux/arm64/v8`). The reference must already have its ARGs substituted. Returns undefined for
 * images the table knows nothing about (non-official images, unknown names, invalid references).
 */
export function estimateBaseImage(reference: string, platform?: string): BaseImageEstimate | undefined {
  return bundled().estimateBaseImage(reference, platform);
}

/**
 * The distribution release the size table records for the very tag `reference` names, from the
 * notes of its rows (`python:3.12-slim`: "version: 3.12.13 trixie"), on any platform; undefined
 * when the table has no row of that tag or its rows disagree. A tag moves to newer releases over
 * time: the row's reported date is when it was so.
 */
export function recordedRelease(reference: string, platform?: string): string | undefined {
  const estimate = estimateBaseImage(reference, platform);
  const tag = estimate?.tag;
  if (!tag) return undefined;
  const image = estimate.image;
  const releases = new Set(BASE_IMAGE_ROWS.filter((r) => r.image === image && r.tag === tag).map((r) => noteDistro(r.note)));
  const [only] = releases;
  return releases.size === 1 ? only : undefined;
}

/**
 * The distribution the rows an estimate of `reference` comes from are on, when they agree and the
 * estimate is not a guess from another variant (`mysql:8.0`: oraclelinux9, from mysql:8.4's rows;
 * `haproxy:3`, guessed from Alpine rows, undefined). The tag may be older than the rows.
 */
export function estimatedDistro(reference: string, platform?: string): string | undefined {
  const estimate = estimateBaseImage(reference, platform);
  if (!estimate || estimate.confidence === 'guess') return undefined;
  const distros = new Set(estimate.rows.map((r) => noteDistro(r.note)));
  const [only] = distros;
  return distros.size === 1 ? only : undefined;
}

/**
 * For a tag without a version (`latest`, `slim`, `stable`) that the estimate resolves to one row
 * of the table (`debian:latest`: debian:trixie), that row's release with the row and its date:
 * what the base size is taken from. Undefined for a tag with a version, which may be older than
 * the row (`python:3.12.5-slim` was bookworm), and when the rows are several or disagree.
 */
export function floatingRelease(reference: string, platform?: string): { release: string; row: string; date: string } | undefined {
  const estimate = estimateBaseImage(reference, platform);
  if (!estimate?.tag || /\d/.test(estimate.tag)) return undefined;
  const rows = estimate.rows;
  const names = new Set(rows.map((r) => `${r.image}:${r.tag}`));
  const releases = new Set(rows.map((r) => noteDistro(r.note)));
  const [row] = names;
  const [release] = releases;
  if (names.size !== 1 || releases.size !== 1 || release === undefined) return undefined;
  return { release, row, date: rows.map((r) => r.reportedDate).sort().at(-1)! };
}

/**
 * The releases the size table's rows of `reference`'s image are on where their tag names none
 * (`python:3.12-slim`: trixie, `python:3.9`: bullseye), from their notes, sorted: what a tag of
 * that image that names no release may be built on. For an image all of whose tags name one
 * (`debian`), the releases of all its rows. Empty for an image the table lacks.
 */
export function defaultReleases(reference: string, platform?: string): string[] {
  const image = estimateBaseImage(reference, platform)?.image;
  if (!image) return [];
  const all = BASE_IMAGE_ROWS.filter((r) => r.image === image);
  const unnamed = all.filter((r) => parseTag(r.image, r.tag).distro === undefined);
  return [...new Set((unnamed.length ? unnamed : all).map((r) => noteDistro(r.note)).filter((d): d is string => d !== undefined))].sort();
}

/**
 * Smaller images of the same image that could replace `reference` (slim, alpine, jre...), each
 * with its estimate, saving and caveat, sorted smallest first. Distroless static and scratch are
 * offered only when `options.staticBinary` says the stage's content allows them. Empty when
 * nothing smaller is known.
 */
export function smallerAlternatives(reference: string, platform?: string, options?: AlternativeOptions): SmallerAlternative[] {
  return bundled().smallerAlternatives(reference, platform, options);
}

/**
 * The `-slim` form of a full image where the table shows a slim family of it
 * (`python:3.12` -> `python:3.12-slim`, `python:3.12-bookworm` -> `python:3.12-slim-bookworm`,
 * `node:22` -> `node:22-slim`, `python` -> `python:slim`), written like the input up to the tag;
 * undefined otherwise (already slim or alpine, no slim family, unknown image).
 */
export function slimVariant(reference: string): string | undefined {
  return bundled().slimVariant(reference);
}
