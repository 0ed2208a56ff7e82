/**
 * bun-cache-kept: `bun install` keeps its global cache (~/.bun/install/cache) in the layer. On
 * Linux bun hard-links the package files from the cache into node_modules, so a layer stores them
 * once (measured in a container-like overlay); what costs is the registry manifests beside them,
 * and everything again when bun copies (`--backend=copyfile`). With `--backend=symlink`
 * node_modules points into the cache, which is then the install: the rule stays quiet there
 * (`bun pm cache rm` after it leaves every package a dangling link; bun 1.4.5, checked).
 */
import { operands } from '../core/commands';
import { appendRepair, cacheRule, flagValue, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programArgs, programName } from '../core/shell';
import { formatBytes } from '../sizes';
import { BUN_CACHE_EXAMPLE as EX } from '../sizes/packageCaches';

const CLEAN = 'bun pm cache rm';
const EXAMPLE = `the package files are hard links shared with node_modules, the registry manifests are not: for express@4.21.2 they were about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with bun 1.4)`;

/** The cache folder the install's `--cache-dir` or BUN_INSTALL_CACHE_DIR names (bun 1.4.5: the flag wins). */
const namedCacheDir = ({ cmd, env }: CacheCommandContext) => flagValue(cmd, '--cache-dir') || env('BUN_INSTALL_CACHE_DIR') || undefined;

export const rule = cacheRule({
  id: 'bun-cache-kept',
  title: "bun's install cache left in the layer",
  severity: 'info',
  docs: {
    summary: '`bun install` without `bun pm cache rm`, removal of the cache folder or a cache mount in the same RUN.',
    why: "bun keeps every package in its global cache (~/.bun/install/cache, `BUN_INSTALL_CACHE_DIR`) with the registry manifests. On Linux it hard-links the package files into node_modules, so a layer stores them once and removing the cache frees the manifests; with `--backend=copyfile` the files are there twice.",
    incorrect: 'RUN bun install --frozen-lockfile --production',
    correct: 'RUN bun install --frozen-lockfile --production && bun pm cache rm\n# or keep it out of the image:\nRUN --mount=type=cache,target=/root/.bun/install/cache bun install --frozen-lockfile --production',
    sizeImpact: `Less than du of the cache says: ${EXAMPLE}; basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN (not offered with \`--cache-dir\`). A cache mount on the cache folder or \`rm -rf\` of it also satisfy the rule. Quiet with \`--backend=symlink\`, where node_modules links into the cache.`,
  },
  fills: (cmd) => subcommandOf(cmd, /^bun$/, ['install', 'i', 'add', 'a', 'update']),
  optsOut: ({ cmd }) => flagValue(cmd, '--backend') === 'symlink',
  // `bun pm cache rm --dry-run` only prints what it would delete.
  cleans: (cmd) => programName(cmd) === 'bun' && operands(cmd).slice(0, 3).map((w) => w.value).join(' ') === 'pm cache rm' && !programArgs(cmd).some((w) => w.value === '--dry-run'),
  // --cache-dir or BUN_INSTALL_CACHE_DIR first; else the one under BUN_INSTALL or XDG_CACHE_HOME, or HOME's (any of them handled will do).
  cacheHandled: (handled, c) => {
    const dir = namedCacheDir(c);
    if (dir) return handled(dir);
    const { env } = c;
    const xdg = env('XDG_CACHE_HOME');
    return [env('BUN_INSTALL'), xdg && `${xdg}/.bun`, '~/.bun'].some((b) => !!b && handled(`${b}/install/cache`));
  },
  // Only the folder BUN_INSTALL_CACHE_DIR names, or HOME's when nothing else may move it.
  holds: (c) => {
    const { instr, cmd, env } = c;
    const dir = namedCacheDir(c) ?? (env('BUN_INSTALL') === undefined && env('XDG_CACHE_HOME') === undefined ? '~/.bun/install/cache' : undefined);
    return dir === undefined ? undefined : namedPath(instr, cmd, dir);
  },
  message: () => `bun leaves its install cache in this layer: ${EXAMPLE}. Add \`${CLEAN}\` to the same RUN or a cache mount.`,
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: { basis: `depends on the dependencies; example: ${EX.basis}` },
  // A plain `bun pm cache rm` empties the default folder, not the one --cache-dir named.
  repair: ({ model, instr, cmd }) => (flagValue(cmd, '--cache-dir') === undefined ? appendRepair(model, instr, CLEAN) : undefined),
});
