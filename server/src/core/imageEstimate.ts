/**
 * What the whole image will weigh: the base image from the size model plus what each instruction
 * adds, where the model has a basis for it. Parts without a basis are "not sized", never zero,
 * so a total is a lower bound when any part is unknown, and says so.
 *
 * Sized today: apt installs (Debian package metadata), apt lists left behind (measured), npm
 * installs that name their packages (npm registry metadata) and the npm cache they leave, RUNs
 * that only remove, move or set up metadata (0 bytes), copies whose sources the caller measured
 * (build-context facts), and what the rules size in a layer (a chmod/chown storing copied files
 * again, the lastlog of an older useradd with a large UID). Everything else is listed as not sized.
 */
import { aptPackages, isAptInstall, isAptRemoval, isAptUpdate, operands, packagesRemovedAfter, ranCommands, hasCacheMount } from './commands';
import { contextCopyBytes, contextNote, contextSources, ignoreFileName } from './buildContext';
import { NPM_UPDATE, projectInstall } from './npmLockfile';
import type { AnalysisEnvironment } from './environment';
import { finalStage, rootStage, type DockerfileModel, type Instr, type Stage } from './model';
import type { Copy } from 'dockerfile-ast';
import { programName, runsWheneverScriptSucceeds, type ShellCommand, type ShellWord } from './shell';
import { installsGlobally, npmPackageOperands, omitsOptional, omitsPeer } from './npmCommand';
import { npmInstallWord, removesAfter, removesHere, windowsImage } from './packageManagers';
import { APT_LISTS, APT_LISTS_SECOND_UPDATE, countOf, defaultReleases, estimateAptInstall, estimatedDistro, floatingRelease, estimateBaseImage, npmCacheFigure, estimateNpmInstall, formatBytes, OFFICIAL_BASE_PACKAGES, parseImageReference, recordedRelease, slimVariant, type AptEstimate, type NpmEstimate } from '../sizes';
import { APT_LISTS_BY_RELEASE, INDEX_DIFFERENCE } from '../sizes/aptLists';
import { DEBIAN_RELEASES, UBUNTU_RELEASES } from '../sizes/tags';
import { rule as npmCacheKept } from '../rules/npm-cache-kept';
import { devInstalledAgain } from '../rules/npm-dev-dependencies';
import { restoredBytes, type StoredAgain } from '../rules/files-changed-in-later-layer';
import { addsRepo, installsRecommends } from '../rules/apt-recommends';
import { lastlogWritten } from '../rules/useradd-without-no-log-init';

export interface SizedPart {
  label: string;
  /** Undefined when the model has no basis for a figure. */
  bytes?: number;
  basis: string;
  /** False when `bytes` is a lower bound: the layer is then not complete. */
  complete?: false;
}

export interface LayerEstimate {
  instr: Instr;
  parts: SizedPart[];
  /** Sum of the sized parts; undefined when no part is sized. */
  bytes?: number;
  /** True when every part is sized. */
  complete: boolean;
  /** False when the stage's layers do not end up in the final image. */
  inFinalImage: boolean;
}

export interface StageEstimate {
  stage: Stage;
  /** `complete` is false when the base is an earlier stage whose estimate is a lower bound (a layer or its own base not sized). */
  base?: SizedPart & { reference: string; complete?: boolean };
  layers: LayerEstimate[];
  /** Base (when known) plus the sized layer parts. */
  knownBytes: number;
  /** Layers (instructions that make one) with at least one part not sized. */
  unsizedLayers: number;
  /** True when the base and every layer are sized. */
  complete: boolean;
  /** True when the image at the root of the FROM chain is not sized: then the figure is the layers' only. */
  baseUnsized: boolean;
}

/** Instructions that only change metadata: no layer content. */
const METADATA = new Set(['ENV', 'ARG', 'LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'USER', 'WORKDIR', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD', 'MAINTAINER']);
/** Programs whose effect on the filesystem is negligible (metadata-sized files or removals); `chmod` and `chown` of files earlier layers wrote are not, nor an older `useradd` with a large UID (runParts). */
const NEGLIGIBLE = new Set(['rm', 'mv', 'ln', 'mkdir', 'chmod', 'chown', 'true', 'echo', 'set', 'cd', 'export', 'useradd', 'groupadd', 'adduser', 'addgroup', 'id', 'test', '[', 'ls', 'cat', 'printf', 'touch', 'apt-get', 'apt', 'exit']);

/** The npm installs whose cache stays in their layer (where the npm-cache-kept rule reports), per model. */
const NPM_CACHE_KEPT = new WeakMap<DockerfileModel, Set<string>>();
function npmCacheStays(model: DockerfileModel, env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand): boolean {
  let kept = NPM_CACHE_KEPT.get(model);
  if (!kept) {
    // A finding stands for every install of its RUN that fills the cache (`also`: after the first).
    kept = new Set(npmCacheKept.check({ model, env, settings: {} }).flatMap((f) => [f.data?.commandStart, ...((f.data?.also as unknown[]) ?? [])].map((at) => `${f.instr?.index}:${at}`)));
    NPM_CACHE_KEPT.set(model, kept);
  }
  return kept.has(`${instr.index}:${cmd.start}`);
}

/** npm subcommands that add nothing worth counting: they empty the cache or write a line of configuration. */
const NPM_NEGLIGIBLE = new Set(['cache', 'config', 'set', 'get', 'version', '']);

/** What an `npm install` / `npm ci` command adds: the packages it names, and npm's cache when it stays. */
function npmParts(model: DockerfileModel, env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, sub: ShellWord): SizedPart[] {
  const names = npmPackageOperands(cmd, sub).map((w) => w.value);
  const global = installsGlobally(cmd);
  const label = `npm ${sub.value}${global ? ' -g' : ''} ${names.join(' ')}`.trim().slice(0, 80);
  const cacheStays = npmCacheStays(model, env, instr, cmd);
  const lockfile = env.context.npmLockfile;
  const project = projectInstall(env, instr, cmd, sub);
  if (project) {
    const est = project.estimate;
    const parts: SizedPart[] = [];
    if (est.packages.length > 0) {
      parts.push(
        project.fromLockfile
          ? { label: `${label} (${project.path}: ${project.count} packages)`, bytes: est.bytes, basis: est.basis }
          : { label: `${label} (${project.path}, no lockfile: ${project.count} packages)`, bytes: est.bytes, basis: `${est.basis}; ${project.path}'s ranges resolved as npm does against the versions the table holds (a build takes the newest that fit, which may differ)` },
      );
    }
    if (est.unknown.length > 0) {
      const some = est.unknown.slice(0, 5).join(', ') + (est.unknown.length > 5 ? ', ...' : '');
      parts.push({ label: `${countOf(est.unknown.length, 'package')} of ${project.path} not in the npm package table`, basis: `the npm package table holds neither these versions nor their lines: ${some}` });
    }
    if (cacheStays) parts.push(cachePart(est));
    return parts;
  }
  if (names.length === 0 || NPM_UPDATE.has(sub.value)) {
    const why = NPM_UPDATE.has(sub.value) ? 'updates to versions the registry has at build time' : lockfile ? `${lockfile.path} of the build context is not copied before this RUN` : 'no npm lockfile (lockfileVersion 2 or 3) at the top of the build context';
    const parts: SizedPart[] = [{ label, basis: `installs what package.json and its lockfile list; ${why}` }];
    if (cacheStays) parts.push({ label: NPM_CACHE_LABEL, basis: 'depends on what the install downloads' });
    return parts;
  }
  const est = estimateNpmInstall(names, { global, omitOptional: omitsOptional(instr, cmd), omitPeer: omitsPeer(instr, cmd) });
  const parts: SizedPart[] = [];
  if (est.packages.length > 0) parts.push({ label: `${label}${global ? ' (under /usr/local/lib/node_modules)' : ''}`, bytes: est.bytes, basis: est.basis });
  if (est.unknown.length > 0) parts.push({ label: `npm packages not in the table: ${est.unknown.join(', ')}`.slice(0, 120), basis: `the npm package table holds ${est.unknown.length === 1 ? 'neither this version nor its line' : 'neither these versions nor their lines'}` });
  const again = !global && devInstalledAgain(model, env, instr, cmd);
  if (again) parts.push({ label: 'devDependencies installed again', ...again });
  if (cacheStays) parts.push(cachePart(est));
  return parts;
}

const NPM_CACHE_LABEL = 'npm cache left in the layer (~/.npm)';

/** npm's cache after an install the model sized: a lower bound when the table lacks some packages, not sized when it lacks more than half (npmCacheFigure, as npm-cache-kept). */
function cachePart(est: NpmEstimate): SizedPart {
  const cache = npmCacheFigure(est);
  if (!cache) return { label: NPM_CACHE_LABEL, basis: 'depends on the packages the table does not hold' };
  return { label: NPM_CACHE_LABEL, bytes: cache.bytes, basis: cache.basis, ...(cache.least ? { complete: false as const } : {}) };
}

/**
 * The apt installs of an image so far, as estimateStage walks its stages in order: the last one
 * sized (each was sized after the one before it), undefined when none was or after a removal.
 */
interface AptSoFar {
  last?: AptEstimate;
}

/** apt-get (or apt, aptitude) purge, remove, autoremove or autopurge, or dpkg -r / -P: packages leave the image. */
function removesAptPackages(cmd: ShellCommand): boolean {
  return isAptRemoval(cmd) || (programName(cmd) === 'dpkg' && cmd.words.some((w) => /^(-[a-zA-Z]*[rP]|--remove|--purge)$/.test(w.value)));
}

/**
 * The apt-get install `cmd` of `instr`, sized as the image estimate sizes it, leaving it in `apt`
 * as the last install of the image: 'other' on a base the Debian table does not describe, 'full'
 * on a full language image (not sized), 'removedAgain' when the RUN removes packages it installs,
 * 'repo' after the image adds an apt repository, whose packages may take the place of Debian's
 * (NodeSource's nodejs holds node and npm; Debian's is 4 MB beside a libnode).
 */
function aptInstallStep(model: DockerfileModel, instr: Instr, cmd: ShellCommand, debianBase: AptBase, apt: AptSoFar): AptEstimate | 'other' | 'full' | 'removedAgain' | 'repo' {
  if (debianBase === 'other' || debianBase === 'full') return debianBase;
  if (packagesRemovedAfter(instr.run!, cmd, 'apt')) return 'removedAgain';
  if (addsRepo(instr, cmd)) return 'repo';
  // As apt-recommends reads it: the flag, `-o APT::Install-Recommends=false`, or apt's configuration.
  const recommends = installsRecommends(model, instr, cmd);
  // Against the base's packages and what the image's earlier installs added: a dependency
  // they share counts once, in the layer that added it first.
  const est = estimateAptInstall(aptPackages(cmd).map((w) => w.value), { recommends, basePackages: OFFICIAL_BASE_PACKAGES, after: apt.last });
  apt.last = est;
  return est;
}

/**
 * What a RUN's command does to the image's apt state (`apt.last`): an install sized after the
 * earlier ones becomes the last, and a removal forgets them all, since what it leaves is not
 * modelled: later installs are then sized against the base alone again, counting again what stays
 * of the earlier installs rather than assuming all of it stayed.
 */
function aptStateStep(model: DockerfileModel, instr: Instr, cmd: ShellCommand, debianBase: AptBase, apt: AptSoFar): void {
  if (removesAptPackages(cmd)) apt.last = undefined;
  else if (isAptInstall(cmd)) aptInstallStep(model, instr, cmd, debianBase, apt);
}

/**
 * Per model, from one walk of the stages (see {@link aptStateBefore}): each stage's apt state after
 * its last instruction, and the state before each apt install its RUNs run. Walking the stage again
 * for every install the rules ask about was quadratic in a stage's installs, and cubic in one RUN's.
 */
interface AptWalk {
  atEnd: Map<Stage, AptEstimate | undefined>;
  before: Map<ShellCommand, AptEstimate | undefined>;
}
const APT_WALKS = new WeakMap<DockerfileModel, AptWalk>();

function aptAtEnd(model: DockerfileModel, walk: AptWalk, stage: Stage, depth: number): AptEstimate | undefined {
  if (walk.atEnd.has(stage)) return walk.atEnd.get(stage);
  const apt: AptSoFar = { last: stage.from.stage && depth < 64 ? aptAtEnd(model, walk, stage.from.stage, depth + 1) : undefined };
  const base = aptBase(stage);
  for (const instr of stage.instructions) {
    for (const cmd of instr.run ? ranCommands(instr.run) : []) {
      if (isAptInstall(cmd)) walk.before.set(cmd, apt.last);
      aptStateStep(model, instr, cmd, base, apt);
    }
  }
  walk.atEnd.set(stage, apt.last);
  return apt.last;
}

/**
 * The last apt install the image estimate sized before the apt install `cmd` of `instr` (earlier
 * RUNs of the stage and of the stages it builds on, and earlier commands of the same RUN), for
 * rules that size an install the same way: undefined when there is none, a removal came after it,
 * or `cmd` is no apt install the RUN runs ({@link ranCommands}).
 */
export function aptStateBefore(model: DockerfileModel, instr: Instr, cmd: ShellCommand): AptEstimate | undefined {
  if (!instr.stage) return undefined;
  let walk = APT_WALKS.get(model);
  if (!walk) APT_WALKS.set(model, (walk = { atEnd: new Map(), before: new Map() }));
  aptAtEnd(model, walk, instr.stage, 0);
  return walk.before.get(cmd);
}

function runParts(model: DockerfileModel, env: AnalysisEnvironment, instr: Instr, debianBase: AptBase, apt: AptSoFar): SizedPart[] {
  const run = instr.run!;
  const parts: SizedPart[] = [];
  const unknown = new Set<string>();
  let lastlog: ReturnType<typeof lastlogWritten>;
  // What a chmod or chown of this RUN already stored again, by writer (restoredBytes).
  const storedAgain: StoredAgain = new Map();
  // What a -c script the reader cannot place installs counts too (hidden, ranCommands).
  const ran = ranCommands(run);
  // dpkg's and debconf's records, the debconf backup and the CA bundle are files of the layer:
  // a second apt-get install in the same RUN rewrites them, so each counts once per RUN.
  const booked = { layer: 0, debconfTemplates: 0, caCertificates: 0 };
  for (const cmd of ran) {
    const name = programName(cmd);
    if (removesAptPackages(cmd)) apt.last = undefined;
    const npmSub = npmInstallWord(cmd);
    if (npmSub) {
      parts.push(...npmParts(model, env, instr, cmd, npmSub));
      continue;
    }
    if (isAptInstall(cmd)) {
      const est = aptInstallStep(model, instr, cmd, debianBase, apt);
      if (est === 'other') {
        unknown.add('apt-get install on a base the Debian package table does not describe');
        continue;
      }
      const label = `apt-get install ${aptPackages(cmd).map((w) => w.value).join(' ')}`.slice(0, 80);
      if (typeof est === 'string') {
        parts.push({ label, basis: est === 'full' ? fullImageBasis(instr.stage!) : est === 'repo' ? 'may come from an apt repository the image added, which no table lists' : 'the RUN removes packages it installs again; what stays is not modelled' });
        continue;
      }
      let again = 0;
      for (const k of ['layer', 'debconfTemplates', 'caCertificates'] as const) {
        const part = est.bookkeepingParts?.[k] ?? 0;
        again += Math.min(part, booked[k]);
        booked[k] = Math.max(booked[k], part);
      }
      const basis = again > 0 ? `${est.basis}, less ${formatBytes(again)} of those records, which an earlier apt-get install of this RUN already counts` : est.basis;
      parts.push({ label, bytes: est.unknown.length ? undefined : est.bytes - again, basis: aptBasis(est.unknown.length ? `${basis}; unknown: ${est.unknown.join(', ')}` : basis, instr.stage!) });
      continue;
    }
    if (name === 'useradd' || name === 'adduser') {
      // A UID on an older useradd (or Debian's adduser, which runs it) fills /var/log/lastlog and
      // faillog (useradd-without-no-log-init's figure); the files are as long as the largest UID,
      // so one RUN's useradds count once.
      const written = lastlogWritten(instr.stage, cmd);
      if (written && (!lastlog || written.uid > lastlog.uid)) lastlog = written;
      continue;
    }
    if (name === 'chmod' || name === 'chown') {
      // Files an earlier layer wrote are stored again in this one (files-changed-in-later-layer).
      const again = restoredBytes(model, instr, cmd, env, storedAgain);
      if (again) parts.push({ label: `${name} of files an earlier layer wrote (stored again)`, bytes: again.bytes, basis: again.basis });
      continue;
    }
    if (name === '' || NEGLIGIBLE.has(name)) continue;
    if (name === 'npm' && NPM_NEGLIGIBLE.has(operands(cmd)[0]?.value ?? '')) continue;
    unknown.add(name);
  }
  // Only a removal after the RUN's last update takes the lists away (as apt-lists-kept reads it).
  const update = ran.filter(isAptUpdate).at(-1);
  if (update && !removesAfter(instr, update, '/var/lib/apt/lists') && !hasCacheMount(instr, '/var/lib/apt/lists')) {
    const lists = aptListsAt(model, instr);
    parts.push({ label: 'apt lists left in the layer', bytes: lists.bytes, basis: lists.basis });
  }
  if (lastlog) parts.push({ label: `useradd -u ${lastlog.uid}: /var/log/lastlog and faillog`, bytes: lastlog.saving.bytes, basis: lastlog.saving.basis });
  for (const name of unknown) parts.push({ label: name, basis: 'no size model for this command' });
  return parts;
}

function copyParts(model: DockerfileModel, instr: Instr, env: AnalysisEnvironment): SizedPart[] {
  // A here-document's file is the Dockerfile's own text (labelled by the first line: the body is no label).
  const label = `${instr.keyword} ${instr.node.getArgumentsContent() ?? ''}`.split('\n')[0].slice(0, 80);
  const docs = (instr.node as Copy).getHeredocs();
  if (docs.length > 0) {
    const bytes = docs.reduce((n, h) => {
      const r = h.getContentRange();
      return n + (r ? model.lines.offsetAt(r.end) - model.lines.offsetAt(r.start) + 1 : 0); // and its last newline
    }, 0);
    return [{ label, bytes, basis: "the here-document's text" }];
  }
  const sized = env.context.copySizes?.[instr.index] ?? contextCopyBytes(instr, env.context);
  if (sized !== undefined) {
    // The ignore file in force by its name (`app.Dockerfile.dockerignore`), and none when there is none.
    const after = env.context.ignoreFile ? `after ${ignoreFileName(env.context)}` : 'no ignore file';
    return [{ label: 'files copied from the build context', bytes: sized, basis: `sum of the file sizes in the build context${contextNote(env.context)}, ${after}` }];
  }
  const why = contextSources(instr).length > 0 ? env.context.ignoreFile?.notEvaluated : undefined;
  const basis = `the copied files, not measured${why === undefined ? '' : ` since ${ignoreFileName(env.context)} is not evaluated: ${why}`}`;
  return [{ label, basis }];
}

function layerOf(model: DockerfileModel, instr: Instr, env: AnalysisEnvironment, debianBase: AptBase, apt: AptSoFar): LayerEstimate | undefined {
  if (METADATA.has(instr.keyword)) return undefined;
  let parts: SizedPart[];
  if (instr.keyword === 'RUN') parts = runParts(model, env, instr, debianBase, apt);
  else if (instr.keyword === 'COPY' || instr.keyword === 'ADD') parts = copyParts(model, instr, env);
  else return undefined;
  const sized = parts.filter((p) => p.bytes !== undefined);
  return {
    instr,
    parts,
    bytes: sized.length ? sized.reduce((s, p) => s + p.bytes!, 0) : parts.length === 0 ? 0 : undefined,
    complete: sized.length === parts.length && parts.every((p) => p.complete !== false),
    inFinalImage: instr.stage?.layersInFinal ?? false,
  };
}

/**
 * How apt sizes can be computed on a stage's base: 'debian' for Debian and the slim official
 * images (their package set is close to debian:bookworm's; sized from bookworm's figures, which
 * say so on another release: {@link StandIn}), 'ubuntu' for Ubuntu and the images
 * built on it (sized with Debian's figures, which says so: Ubuntu's packages and lists were not
 * measured here), 'full' for the full language images built on buildpack-deps (many packages
 * already present: not sized), 'other' for non-Debian bases.
 */
export type AptBase = 'debian' | 'ubuntu' | 'full' | 'other';

/** Said after a figure from Debian's table or measurements when the base is Ubuntu. */
export const UBUNTU_STAND_IN = "Debian bookworm's figure standing in for the Ubuntu base's, which was not measured";

/** Ubuntu's release names as tags use them (`-jammy`, `noble`), or the word itself (`-ubuntu22.04`). */
const UBUNTU_REFERENCE = /ubuntu|temurin|\b(?:trusty|xenial|bionic|focal|jammy|noble|oracular|plucky|questing)\b/;
/**
 * Images whose default tags are built on Ubuntu: Eclipse Temurin's, and Maven's and Gradle's, which
 * build on it (their -alpine, -ubi and -amazoncorretto tags are not, and are 'other' first, as
 * are Ubuntu's chiselled images, which have no apt).
 */
const UBUNTU_IMAGES = new Set(['ubuntu', 'eclipse-temurin', 'maven', 'gradle']);
/**
 * Repositories whose images build on Ubuntu LTS: the Rocker project's R images (r-ver and the
 * rstudio, tidyverse, verse, shiny... built on it; r-base and r-devel follow Debian testing) and
 * the Jupyter Docker Stacks.
 */
const UBUNTU_REPOSITORIES = /^(?:rocker\/(?!r-base$|r-devel$)|(?:quay\.io\/)?jupyter\/)/;

/**
 * What Debian bookworm's apt figures (its package index, its measured lists) stand in for on a
 * stage's base, when they are not the base's own: an Ubuntu base, a Debian release other than
 * bookworm, or a Debian image whose tag names no release while the size table has that image's
 * unnamed tags on another one, or a base that is not Debian at all. Undefined on bookworm and on
 * a Debian base nothing tells the release of.
 */
interface StandIn {
  /** Said after a basis. */
  caveat: string;
  /** Said after the bookworm lists' figure in a message. */
  listsNote: string;
  /** Whose package index differs from bookworm's: "Ubuntu's", "trixie's". */
  index: string;
}

/** The Debian release of the image at the root of `stage`'s FROM chain, and the releases its unnamed tags are on in the size table. */
interface DebianRelease {
  /** Named by the tag (`-slim-trixie`, `debian:12`) or recorded in the size table for that tag (`python:3.12-slim`: trixie). */
  release?: string;
  /** For a tag without a version: the size-table row `release` is read from, with its date ({@link floatingRelease}). */
  row?: string;
  /** When `release` is not known: the releases the table has the image's tags that name none on ({@link defaultReleases}). */
  defaults: string[];
}

const RELEASE_BY_NUMBER = new Map(Object.entries(DEBIAN_RELEASES).map(([name, n]) => [n, name]));

/**
 * What only the root stage's image reference and platform decide, worked out once per reference:
 * the release and the apt base are asked for every stage of every family a rule runs on, and each
 * answer filters the size table's rows. A file names few images; at 2,000 the memo starts again.
 */
function byImage<T>(compute: (image: string, platform: string | undefined) => T): (stage: Stage) => T {
  const memo = new Map<string, T>();
  return (stage) => {
    const { from } = rootStage(stage);
    const image = (from.image ?? '').toLowerCase();
    const key = `${image}\u0000${from.platform ?? ''}`;
    let value = memo.get(key);
    if (value === undefined && !memo.has(key)) {
      if (memo.size >= 2_000) memo.clear();
      memo.set(key, (value = compute(image, from.platform)));
    }
    return value as T;
  };
}

/** {@link DebianRelease} of `stage`'s base image; `release` undefined for an ARG or an image nothing tells it of. Shared: do not change it. */
export const debianRelease: (stage: Stage) => DebianRelease = byImage((image, platform) => {
  const r = readRelease(image, platform);
  Object.freeze(r.defaults);
  return Object.freeze(r);
});

function readRelease(image: string, platform: string | undefined): DebianRelease {
  if (!image) return { defaults: [] };
  const ref = parseImageReference(image);
  const tokens = ref?.tag?.split('-') ?? [];
  const named = tokens.find((t) => Object.hasOwn(DEBIAN_RELEASES, t)) ?? (ref?.name === 'debian' ? RELEASE_BY_NUMBER.get(Number(/^\d+/.exec(tokens[0] ?? '')?.[0])) : undefined);
  const release = named ?? recordedRelease(image, platform);
  if (release !== undefined && Object.hasOwn(DEBIAN_RELEASES, release)) return { release, defaults: [] };
  const floating = release === undefined ? floatingRelease(image, platform) : undefined;
  if (floating && Object.hasOwn(DEBIAN_RELEASES, floating.release)) return { release: floating.release, row: `${floating.row}, reported ${floating.date}`, defaults: [] };
  return { defaults: release === undefined ? defaultReleases(image, platform).filter((d) => Object.hasOwn(DEBIAN_RELEASES, d)) : [] };
}

const STAND_INS = new WeakMap<Stage, StandIn | null>();

/** {@link StandIn} for `stage`, worked out once per stage. */
function standIn(stage: Stage): StandIn | undefined {
  let s = STAND_INS.get(stage);
  if (s === undefined) STAND_INS.set(stage, (s = findStandIn(stage) ?? null));
  return s ?? undefined;
}

function findStandIn(stage: Stage): StandIn | undefined {
  const base = aptBase(stage);
  if (base === 'ubuntu') return { caveat: UBUNTU_STAND_IN, listsNote: " on Debian bookworm; an Ubuntu base's lists were not measured", index: "Ubuntu's" };
  if (base === 'other') return { caveat: "Debian bookworm's figure; the base is not Debian", listsNote: ' on Debian bookworm; this base is not Debian', index: "the base's" };
  const { release, defaults } = debianRelease(stage);
  if (release !== undefined) {
    return release === 'bookworm' ? undefined : { caveat: `Debian bookworm's figure standing in for ${release}'s, ${releaseSource(stage)}${INDEX_DIFFERENCE[release] ?? ''}`, listsNote: ` on Debian bookworm; ${release}'s lists were not measured`, index: `${release}'s` };
  }
  if (!defaults.some((d) => d !== 'bookworm')) return undefined;
  const name = parseImageReference(rootStage(stage).from.image!.toLowerCase())?.name ?? '';
  return {
    caveat: `Debian bookworm's figure standing in for the base's release, which its tag does not name (the size table has ${name} on ${defaults.join(', ').replace(/, (?=[^,]*$)/, ' and ')})`,
    listsNote: " on Debian bookworm; the base's release is not known",
    index: "the base release's",
  };
}

/** Where the base's release comes from: its tag or the table's row of it, or the row the base size comes from ({@link DebianRelease.row}). */
function releaseSource(stage: Stage): string {
  const row = debianRelease(stage).row;
  return row ? `the release of the row the base size comes from (${row})` : "the base's release";
}

/** A sized part's basis from Debian bookworm's figures, with the caveat when they stand in for the base's ({@link StandIn}). */
export function aptBasis(basis: string, stage: Stage): string {
  const s = standIn(stage);
  return s ? `${basis}; ${s.caveat}` : basis;
}

/** Said in a message after a figure from bookworm's package index when it stands in for the base's: " by Debian bookworm's package index (trixie's differs)". */
export function aptIndexNote(stage: Stage): string {
  const s = standIn(stage);
  return s ? ` by Debian bookworm's package index (${s.index} differs)` : '';
}

/**
 * The apt lists an `apt-get update` leaves on the stage's base: the release's measured figure
 * (bookworm, trixie), else bookworm's with the caveat; `note` is said after the figure in a message.
 */
export function aptLists(stage: Stage): { bytes: number; basis: string; note: string } {
  const release = aptBase(stage) === 'ubuntu' ? undefined : debianRelease(stage).release;
  const own = release === undefined ? undefined : APT_LISTS_BY_RELEASE[release];
  const row = release === undefined ? undefined : debianRelease(stage).row;
  if (own && row) return { bytes: own.bytes, basis: `${own.basis}; ${release}: ${releaseSource(stage)}`, note: ` on ${release}, ${releaseSource(stage)}` };
  if (own) return { bytes: own.bytes, basis: own.basis, note: '' };
  return { bytes: APT_LISTS.bytes, basis: aptBasis(APT_LISTS.basis, stage), note: standIn(stage)?.listsNote ?? '' };
}

const LISTS = '/var/lib/apt/lists';

/** Per model: for each instruction, the latest earlier RUN of its image whose layer kept the apt lists, none removing them since ({@link listsKeptBefore}). */
const listsKeepers = new WeakMap<DockerfileModel, Map<Instr, Instr | undefined>>();

/**
 * The latest RUN before `instr` in its image (its stage, then the stages it is built on) whose
 * `apt-get update` left the lists in its layer, with no RUN since removing them: a second update
 * then finds them there. Worked out for every instruction at once, per model, in one walk of the
 * stages in file order (a stage names only earlier ones).
 */
export function listsKeptBefore(model: DockerfileModel, instr: Instr): Instr | undefined {
  let keepers = listsKeepers.get(model);
  if (!keepers) {
    keepers = new Map();
    listsKeepers.set(model, keepers);
    const atEnd = new Map<Stage, Instr | undefined>();
    for (const stage of model.stages) {
      let keeper = stage.from.stage && atEnd.get(stage.from.stage);
      for (const at of stage.instructions) {
        keepers.set(at, keeper);
        if (!at.run || hasCacheMount(at, LISTS)) continue;
        const ran = ranCommands(at.run);
        // As the estimate reads a RUN: only a removal after its last update takes the lists away.
        // An update a build may skip (in an `if`, after an `||`) leaves no lists to count on, and
        // a removal that may run leaves none either: the next update may fetch them all.
        const update = ran.filter(isAptUpdate).at(-1);
        const kept = update && !removesAfter(at, update, LISTS);
        if (kept && runsWheneverScriptSucceeds(ran, update)) keeper = at;
        else if (!kept && ran.some((c) => removesHere(at, c, [LISTS]))) keeper = undefined;
      }
      atEnd.set(stage, keeper);
    }
  }
  return keepers.get(instr);
}

/**
 * What the lists of the `apt-get update` of `instr` add to its layer: {@link aptLists}, unless an
 * earlier RUN of the image kept them ({@link listsKeptBefore}). Then the update rewrites the
 * InRelease files and only the lists the mirror changed since: measured, a second update minutes
 * after the first wrote 241,248 bytes (APT_LISTS_SECOND_UPDATE) where the first wrote 19.9 MB; a
 * first layer built (and cached) long before can have all its lists written again.
 */
export function aptListsAt(model: DockerfileModel, instr: Instr): { bytes: number; basis: string; note: string } {
  const lists = aptLists(instr.stage!);
  const keeper = listsKeptBefore(model, instr);
  if (!keeper) return lists;
  const line = keeper.range.start.line + 1;
  return {
    bytes: APT_LISTS_SECOND_UPDATE.bytes,
    // No line number here: a family's stored findings move the numbers of messages only.
    basis: `${aptBasis(APT_LISTS_SECOND_UPDATE.basis, instr.stage!)}; up to the whole lists if the mirror changed (${formatBytes(lists.bytes)}: ${lists.basis})`,
    note: ` when the mirror has not changed since line ${line}'s RUN kept the lists, up to about ${formatBytes(lists.bytes)}${lists.note} when it has`,
  };
}

/**
 * Why an apt install on a 'full' base is not sized: the packages buildpack-deps (or the image's
 * own build dependencies) already hold are in none of the bundled tables, whose Debian base is a
 * minbase debootstrap; the -slim variant, where one exists, is sized. The wording names no distribution, which differs between these images.
 */
function fullImageBasis(stage: Stage): string {
  const image = rootStage(stage).from.image ?? '';
  const slim = slimVariant(image);
  return `${image} already has packages no table here lists: what this adds is unknown${slim ? ` (on ${slim} it is sized)` : ''}`;
}

export const aptBase: (stage: Stage) => AptBase = byImage(readAptBase);

function readAptBase(image: string, platform: string | undefined): AptBase {
  if (/alpine|scratch|distroless|chiseled|ubi|fedora|centos|rocky|alma|amazonlinux|corretto|busybox|opensuse|archlinux|oraclelinux/.test(image) || windowsImage(image, platform)) return 'other';
  const name = image.replace(/^docker\.io\/(library\/)?/, '').split(/[:@]/)[0];
  if (name === 'openjdk' && oracleLinuxOpenjdk(image)) return 'other';
  if (notDebianInTable(image, platform)) return 'other';
  if (FULL_IMAGES.has(name) && !/slim/.test(image)) return 'full';
  return UBUNTU_IMAGES.has(name) || UBUNTU_REPOSITORIES.test(name) || UBUNTU_REFERENCE.test(image) ? 'ubuntu' : 'debian';
}

/**
 * True for an openjdk tag on Oracle Linux: from 16 on (and latest), the tags that name no Debian
 * release and are not -slim were oraclelinux8 (docker-library/openjdk); 11 and 8 were Debian.
 */
function oracleLinuxOpenjdk(image: string): boolean {
  const ref = parseImageReference(image);
  if (!ref || (ref.tag === undefined && ref.digest !== undefined)) return false;
  const tag = ref.tag ?? 'latest';
  if (/slim|bullseye|buster|bookworm|stretch/.test(tag)) return false;
  const major = /^(\d+)/.exec(tag)?.[1];
  return major === undefined || Number(major) >= 16;
}

/**
 * True when the size table's rows behind the base's estimate are on a distribution without apt
 * (mysql:8.4 and its nearest versions: Oracle Linux 9) and the tag names no Debian or Ubuntu
 * release (`mysql:8.0-debian` stays Debian).
 */
function notDebianInTable(image: string, platform?: string): boolean {
  const distro = estimatedDistro(image, platform);
  if (distro === undefined || !/^(?:oraclelinux|al2|alpine)/.test(distro)) return false;
  const tag = parseImageReference(image)?.tag ?? '';
  return !tag.split('-').some((t) => t === 'debian' || t === 'ubuntu' || Object.hasOwn(DEBIAN_RELEASES, t) || Object.hasOwn(UBUNTU_RELEASES, t));
}

const FULL_IMAGES = new Set(['python', 'node', 'ruby', 'perl', 'golang', 'rust', 'php', 'buildpack-deps', 'gcc', 'openjdk', 'erlang', 'elixir', 'haskell', 'julia', 'r-base']);

/** Estimates a stage: its base (or the stage it builds on) plus its layers. */
export function estimateStage(model: DockerfileModel, stage: Stage, env: AnalysisEnvironment): StageEstimate {
  return sizeStage(model, stage, env, 0, {});
}

/** {@link estimateStage}, leaving in `apt` the last apt install of the stage's image (its FROM chain). */
function sizeStage(model: DockerfileModel, stage: Stage, env: AnalysisEnvironment, depth: number, apt: AptSoFar): StageEstimate {
  let base: StageEstimate['base'];
  let inherited: StageEstimate | undefined;
  if (stage.from.stage && depth < 64) {
    inherited = sizeStage(model, stage.from.stage, env, depth + 1, apt);
  } else if (stage.from.scratch) {
    base = { reference: 'scratch', label: 'scratch', bytes: 0, basis: 'the empty image' };
  } else if (stage.from.image) {
    const e = estimateBaseImage(stage.from.image, stage.from.platform);
    base = { reference: stage.from.image, label: stage.from.image, bytes: e?.unpackedBytes, basis: e ? e.basis : 'not in the size table' };
  } else {
    base = { reference: stage.from.raw, label: stage.from.raw, basis: 'a build argument without a default' };
  }
  const debian = aptBase(stage);
  const layers = stage.instructions.map((i) => layerOf(model, i, env, debian, apt)).filter((l): l is LayerEstimate => l !== undefined);
  const own = layers.reduce((s, l) => s + (l.bytes ?? 0), 0);
  const unsized = layers.filter((l) => !l.complete).length;
  if (inherited) {
    return {
      stage,
      base: { reference: stage.from.raw, label: `stage ${stage.from.raw}`, bytes: inherited.knownBytes, basis: 'the estimate of that stage', ...(inherited.complete ? {} : { complete: false }) },
      layers,
      knownBytes: inherited.knownBytes + own,
      unsizedLayers: inherited.unsizedLayers + unsized,
      complete: inherited.complete && unsized === 0,
      baseUnsized: inherited.baseUnsized,
    };
  }
  return { stage, base, layers, knownBytes: (base?.bytes ?? 0) + own, unsizedLayers: unsized, complete: base?.bytes !== undefined && unsized === 0, baseUnsized: base?.bytes === undefined };
}

/** The final image's estimate, or undefined for a file without stages. */
export function estimateImage(model: DockerfileModel, env: AnalysisEnvironment): StageEstimate | undefined {
  const final = finalStage(model);
  return final && estimateStage(model, final, env);
}

/**
 * True when the estimate gives no figure for the image: nothing in it is sized (and it is not
 * complete, as FROM scratch alone is), or its base image is not (a conda or in-house base of
 * hundreds of MB with 11 KB of sized layers is no "at least about 11 KB" image).
 */
export function nothingSized(e: StageEstimate): boolean {
  return (!e.complete && e.knownBytes === 0) || e.baseUnsized;
}

/** A part's figure as people read it: "about 3.3 MB", "at least about 3.3 MB" for a lower bound, or "not sized". */
export function describePart(p: SizedPart): string {
  return p.bytes === undefined ? 'not sized' : `${p.complete === false ? 'at least ' : ''}about ${formatBytes(p.bytes)}`;
}

/** "after 1 fix", "after 4 fixes": how the CodeLens and the breakdown name the image after Apply all size fixes. */
export const afterFixesLabel = (fixes: number) => `after ${fixes} fix${fixes === 1 ? '' : 'es'}`;

/** How a figure says how far it can be trusted: "about", or "at least about" for a lower bound (parts not sized). */
export function aboutOrAtLeast(e: StageEstimate): string {
  return e.complete ? 'about' : 'at least about';
}

/** "about 1.2 GB (base 1.1 GB + 45 MB of layers; 2 layers not sized)", or "not sized (...)" when the figure would mean nothing ({@link nothingSized}). */
export function describeEstimate(e: StageEstimate): string {
  const layerBytes = e.knownBytes - (e.base?.bytes ?? 0);
  const base = e.base?.bytes !== undefined && !e.baseUnsized ? `base ${formatBytes(e.base.bytes)}` : 'base not sized';
  const unsized = e.unsizedLayers > 0 ? `; ${countOf(e.unsizedLayers, 'layer')} not sized` : '';
  // No figure for the image; what the layers add is still said (all of the known bytes, as the base gave none).
  if (nothingSized(e)) return `not sized (${base}${e.knownBytes > 0 ? ` + ${formatBytes(e.knownBytes)} of layers` : ''}${unsized})`;
  return `${aboutOrAtLeast(e)} ${formatBytes(e.knownBytes)} (${base} + ${formatBytes(layerBytes)} of layers${unsized})`;
}
