/**
 * bun-cache-kept: `bun install` keeps its global cache (~/.bun/install/cache) in the layer. On
 * Linux bun hard-links the package files from the cache into node_modules, so a layer stores them
 * once (measured in a container-like overlay); what costs is the registry manifests beside them,
 * and everything again when bun copies (`--backend=copyfile`). With `--backend=symlink`
 * node_modules points into the cache, which is then the install: the rule stays quiet there
 * (`bun pm cache rm` after it leaves every package a dangling link; bun 1.4.5, checked).
 *
 * `--no-cache` only skips the manifests (bun 1.4.5, measured): the cache folder still gets the
 * package files, as hard links, which cost a layer nothing but tar headers; quiet then, unless bun
 * copies. A cache folder of /dev/null (flag or BUN_INSTALL_CACHE_DIR) turns nothing off: bun puts
 * the cache in node_modules/.cache instead, manifests included, where `bun pm cache rm` fails
 * (ENOTDIR, exit 1). bunfig.toml's `[install.cache] disable = true` does the same as `--no-cache`
 * in node_modules/.cache; the rule does not read bunfig.toml.
 */
import { hasFlag, operands } from '../core/commands';
import { appendRepair, cacheRule, flagValue, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { formatBytes } from '../sizes';
import { BUN_CACHE_EXAMPLE as EX, BUN_COPIED_FILES_EXAMPLE as COPIED } from '../sizes/packageCaches';

const CLEAN = 'bun pm cache rm';
const FOR = (cache: number) => `for express@4.21.2 about ${formatBytes(cache)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with bun 1.4)`;
const EXAMPLE = `the package files are hard links shared with node_modules, the registry manifests are not: ${FOR(EX.bytes)}`;
/** Where bun keeps the cache when its cache folder is /dev/null: the install folder's node_modules/.cache. */
const IN_NODE_MODULES = 'node_modules/.cache';

/** The cache folder the install's `--cache-dir` or BUN_INSTALL_CACHE_DIR names (bun 1.4.5: the flag wins). */
const namedCacheDir = ({ cmd, env }: CacheCommandContext) => (flagValue(cmd, '--cache-dir') || env('BUN_INSTALL_CACHE_DIR'))?.replace(/["']/g, '') || undefined;
const intoNodeModules = (c: CacheCommandContext) => namedCacheDir(c) === '/dev/null';
const copies = (cmd: ShellCommand) => flagValue(cmd, '--backend') === 'copyfile';

/** What the cache holds beyond node_modules, with the example's figures. */
function contents(cmd: ShellCommand): string {
  if (!copies(cmd)) return EXAMPLE;
  return hasFlag(cmd, '--no-cache')
    ? `--no-cache skips only the registry manifests, and with --backend=copyfile the cache keeps a second copy of every package file: ${FOR(COPIED.bytes)}`
    : `with --backend=copyfile it keeps a second copy of every package file and the registry manifests: ${FOR(COPIED.bytes + EX.bytes)}`;
}

export const rule = cacheRule({
  id: 'bun-cache-kept',
  title: "bun's install cache left in the layer",
  severity: 'info',
  docs: {
    summary: '`bun install` without `bun pm cache rm`, `--no-cache`, removal of the cache folder or a cache mount in the same RUN.',
    why: "bun keeps every package in its global cache (~/.bun/install/cache, `BUN_INSTALL_CACHE_DIR`) with the registry manifests. On Linux it hard-links the package files into node_modules, so a layer stores them once and removing the cache frees the manifests; with `--backend=copyfile` the files are there twice. `--no-cache` skips the manifests only (the package files still go through the cache, as hard links), so it is enough unless bun copies. A cache folder of /dev/null does not turn the cache off: bun keeps it in node_modules/.cache instead, manifests included, where `bun pm cache rm` fails.",
    incorrect: 'RUN bun install --frozen-lockfile --production',
    correct: 'RUN bun install --frozen-lockfile --production && bun pm cache rm\n# or leave out the manifests:\nRUN bun install --frozen-lockfile --production --no-cache\n# or keep it out of the image:\nRUN --mount=type=cache,target=/root/.bun/install/cache bun install --frozen-lockfile --production',
    sizeImpact: `Less than du of the cache says: ${EXAMPLE}. With --backend=copyfile the cache holds the package files again (${formatBytes(COPIED.bytes)} there, ${formatBytes(COPIED.bytes + EX.bytes)} with the manifests). With --no-cache and the default backend, only tar headers of the links stay (about 18 kB gzip-compressed there). Basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN (not offered with \`--cache-dir\` or a cache folder of /dev/null, where it fails). A cache mount on the cache folder or \`rm -rf\` of it (node_modules/.cache for /dev/null) also satisfy the rule. Quiet with \`--backend=symlink\`, where node_modules links into the cache.`,
  },
  words: ['bun'],
  fills: (cmd) => subcommandOf(cmd, /^bun$/, ['install', 'i', 'add', 'a', 'update']),
  // --no-cache leaves only hard links to node_modules' files in the cache folder (bun 1.4.5: the tar of a layer grew by their headers, 17,737 B gzip-compressed for the example).
  optsOut: ({ cmd }) => flagValue(cmd, '--backend') === 'symlink' || (hasFlag(cmd, '--no-cache') && !copies(cmd)),
  // `bun pm cache rm --dry-run` only prints what it would delete.
  cleans: (cmd) => programName(cmd) === 'bun' && operands(cmd).slice(0, 3).map((w) => w.value).join(' ') === 'pm cache rm' && !programArgs(cmd).some((w) => w.value === '--dry-run'),
  // --cache-dir or BUN_INSTALL_CACHE_DIR first (/dev/null: node_modules/.cache); else the one under BUN_INSTALL or XDG_CACHE_HOME, or HOME's (any of them handled will do).
  cacheHandled: (handled, c) => {
    if (intoNodeModules(c)) return handled(IN_NODE_MODULES) || handled(namedPath(c.instr, c.cmd, IN_NODE_MODULES) ?? IN_NODE_MODULES);
    const dir = namedCacheDir(c);
    if (dir) return handled(dir);
    const { env } = c;
    const xdg = env('XDG_CACHE_HOME');
    return [env('BUN_INSTALL'), xdg && `${xdg}/.bun`, '~/.bun'].some((b) => !!b && handled(`${b}/install/cache`));
  },
  // Only the folder BUN_INSTALL_CACHE_DIR names, or HOME's when nothing else may move it.
  holds: (c) => {
    const { instr, cmd, env } = c;
    const dir = intoNodeModules(c) ? IN_NODE_MODULES : (namedCacheDir(c) ?? (env('BUN_INSTALL') === undefined && env('XDG_CACHE_HOME') === undefined ? '~/.bun/install/cache' : undefined));
    return dir === undefined ? undefined : namedPath(instr, cmd, dir);
  },
  message: (c) =>
    intoNodeModules(c)
      ? `bun cannot use /dev/null as its cache folder and keeps the cache in ${IN_NODE_MODULES} instead, where \`${CLEAN}\` fails: ${contents(c.cmd)}. Remove ${IN_NODE_MODULES} in the same RUN${copies(c.cmd) ? '' : ' or use `--no-cache`'}.`
      : `bun leaves its install cache in this layer: ${contents(c.cmd)}. Add \`${CLEAN}\` to the same RUN${copies(c.cmd) ? '' : ', use `--no-cache`'} or a cache mount.`,
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: { basis: `depends on the dependencies; example: ${EX.basis}` },
  // A plain `bun pm cache rm` empties the default folder, not the one --cache-dir named, and fails (exit 1) where the cache folder is /dev/null.
  repair: (c) => (flagValue(c.cmd, '--cache-dir') === undefined && !intoNodeModules(c) ? appendRepair(c.model, c.instr, CLEAN) : undefined),
});
