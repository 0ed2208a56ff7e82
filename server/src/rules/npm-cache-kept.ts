/**
 * npm-cache-kept: `npm install` / `npm ci` copy every package tarball and the registry's metadata
 * document of every package into npm's cache (~/.npm/_cacache) and leave them there.
 */
import { appendRepair, cacheRule, defaultFolder, envFor, flagValue, npmInstallWord, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { installsGlobally, npmPackageOperands, omitsOptional, omitsPeer } from '../core/npmCommand';
import { lockfileKey, NPM_UPDATE, projectInstall } from '../core/npmLockfile';
import { cleansNpmCache } from '../core/commands';
import { countOf, estimateNpmInstall, formatBytes, formatCount, npmCacheFigure } from '../sizes';
import type { SizeEstimate } from '../core/types';
import { NPM_CACHE_EXAMPLE as EX } from '../sizes/packageCaches';

const CLEAN = 'npm cache clean --force';
const EXAMPLE = `it grows with the dependencies; for express@4.21.2 it was about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with npm 11)`;

interface OwnCache {
  bytes: number;
  basis: string;
  installed: number;
  /** What the figure is for: "these packages", "the 57 packages of package-lock.json". */
  what: string;
  /** Set when the table lacks some packages: the figures are lower bounds, and it lacks these. */
  lacks?: string;
}

/**
 * The cache this command leaves, when the npm package table knows at least half of the packages
 * it installs (a lower bound when it lacks some): the packages it names, or those of the build
 * context's lockfile when it installs from one copied before this RUN (the model of the
 * whole-image estimate); undefined otherwise.
 */
function ownCache(c: CacheCommandContext): OwnCache | undefined {
  // The message and the saving of one finding both ask; `c` is made once per command and check.
  if (!asked.has(c)) asked.set(c, estimateOwnCache(c));
  return asked.get(c);
}

const asked = new WeakMap<CacheCommandContext, OwnCache | undefined>();

function estimateOwnCache(c: CacheCommandContext): OwnCache | undefined {
  const word = npmInstallWord(c.cmd);
  if (!word) return undefined;
  const project = projectInstall({ context: c.context ?? {} }, c.instr, c.cmd, word);
  const names = project ? [] : npmPackageOperands(c.cmd, word).map((w) => w.value);
  if (!project && (names.length === 0 || NPM_UPDATE.has(word.value))) return undefined;
  const est = project?.estimate ?? estimateNpmInstall(names, { global: installsGlobally(c.cmd), omitOptional: omitsOptional(c.instr, c.cmd), omitPeer: omitsPeer(c.instr, c.cmd) });
  const cache = npmCacheFigure(est);
  if (!cache) return undefined;
  const n = est.unknown.length;
  // The lockfile counts the packages the table lacks; without one their own dependencies are unseen.
  const lacks = !cache.least ? undefined : project?.fromLockfile ? 'the others' : est.unknown.slice(0, 2).join(', ') + (n > 2 ? ', ...' : '');
  let what = 'these packages';
  if (project?.fromLockfile) what = `the ${lacks ? `${formatCount(est.packages.length)} of ` : ''}${countOf(project.count, 'package')} of ${project.path} it installs`;
  else if (project) what = `${lacks ? `${formatCount(project.count)} of the packages` : `the ${countOf(project.count, 'package')}`} ${project.path} installs without a lockfile`;
  return { bytes: cache.bytes, basis: project ? `${cache.basis}; for ${what}` : cache.basis, installed: est.bytes, what, lacks };
}

/**
 * Whether this command installs from a lockfile or package.json of the build context that lists
 * no package at all (`"dependencies": {}`): npm then downloads nothing, and its cache stays empty.
 */
function installsNothing(c: CacheCommandContext): boolean {
  const word = npmInstallWord(c.cmd);
  if (!word) return false;
  const est = projectInstall({ context: c.context ?? {} }, c.instr, c.cmd, word)?.estimate;
  return est !== undefined && est.packages.length === 0 && est.unknown.length === 0;
}

/** The folder this install caches in when `--cache` or npm_config_cache sets it; else npm's default (~/.npm, %LocalAppData%\npm-cache on Windows). */
const cacheDir = ({ instr, cmd }: CacheCommandContext) => flagValue(cmd, '--cache') ?? envFor(instr, cmd, 'npm_config_cache', true);

function message(c: CacheCommandContext, own = ownCache(c)): string {
  const least = own?.lacks ? 'at least ' : '';
  const cost = own ? `${least}about ${formatBytes(own.bytes)} for ${own.what} (beside ${least}about ${formatBytes(own.installed)} installed; from the npm package table${least && `, which lacks ${own.lacks}`})` : EXAMPLE;
  return `npm leaves its cache (${cacheDir(c) ?? defaultFolder(c.instr, 'npm', '~/.npm')}) in this layer: ${cost}. Add \`${CLEAN}\` to the same RUN.`;
}

// For packages named on the command line, or a lockfile of the context the table knows, the npm
// model sizes the cache; otherwise an example from another project is no estimate for this one:
// no `bytes`, the example stays in the basis.
function saving(c: CacheCommandContext, own = ownCache(c)): SizeEstimate {
  return own ? { bytes: own.bytes, basis: own.basis } : { basis: `depends on the dependencies; example: ${EX.basis}` };
}

export const rule = cacheRule({
  id: 'npm-cache-kept',
  title: "npm's cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`npm ci` / `npm install` without `npm cache clean --force` (or a cache mount on ~/.npm) in the same RUN.',
    why: 'npm keeps each tarball and registry document (all versions) it downloads in ~/.npm. The running app never reads them.',
    incorrect: 'RUN npm ci --omit=dev',
    correct: 'RUN npm ci --omit=dev \\\n    && npm cache clean --force\n# or keep it out of the image and reuse it across builds:\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev',
    sizeImpact: `The RUN's installs' cache, from the npm package table when it knows at least half of the packages ("at least" when not all): those named, else those of the build context's package-lock.json (or npm-shrinkwrap.json) copied before the RUN, or, for \`npm install\`, of its package.json alone (ranges resolved against the table). Otherwise an example: ${EXAMPLE}; basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN (with the same \`--cache\` folder when the install names one). Removing ~/.npm, a cache mount on it, or \`npm_config_cache\` pointing at a folder the RUN removes also do.`,
  },
  words: ['npm'],
  fills: npmInstallWord,
  // An install of a project that lists no package leaves nothing in the cache.
  optsOut: installsNothing,
  // The lockfile of the build context sizes the cache of `npm ci` / `npm install` without names.
  contextKey: lockfileKey,
  cleans: cleansNpmCache,
  cacheHandled: (handled, c) => {
    const dir = cacheDir(c);
    // The tarballs and documents are in <cache>/_cacache: removing it (or the cache) empties it; _logs is not it.
    return dir !== undefined ? dir === '/dev/null' || handled(`${dir}/_cacache`) : handled('~/.npm/_cacache');
  },
  message: (c) => message(c),
  // Several installs of the RUN fill the one cache: their figures add up (a package two of them download is counted twice).
  combine: (seen) => {
    const own = seen.map((c) => ownCache(c));
    const known = own.filter((o) => o !== undefined);
    const n = own.length - known.length;
    const add = (f: (o: OwnCache) => number) => known.reduce((t, o) => t + f(o), 0);
    const sum = known.length ? { bytes: add((o) => o.bytes), installed: add((o) => o.installed), basis: (n ? 'at least: ' : '') + [...new Set(known.map((o) => o.basis))].join('; '), what: `${own.length} installs`, lacks: n ? `${n} of them` : known.find((o) => o.lacks)?.lacks } : undefined;
    return { message: message(seen[0], sum), saving: saving(seen[0], sum) };
  },
  holds: (c) => namedPath(c.instr, c.cmd, cacheDir(c) ?? '~/.npm'),
  saving,
  repair: ({ model, instr, cmd }) => {
    const dir = flagValue(cmd, '--cache');
    return appendRepair(model, instr, dir ? `${CLEAN} --cache ${dir}` : CLEAN);
  },
});
