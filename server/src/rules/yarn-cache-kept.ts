/**
 * yarn-cache-kept (hadolint DL3060): yarn classic (1.x) keeps an unpacked copy and the tarball of
 * every package in its cache folder. Yarn 2+ ("berry") works differently: with Plug'n'Play its
 * cache *is* the installed packages, so the rule stays quiet wherever the Dockerfile shows berry.
 * `corepack enable` alone is no such sign: in a project whose package.json has no packageManager,
 * corepack 0.34.6 (Node 20's) ran yarn 1.22.22, and so with `packageManager: "yarn@1.22.22"`
 * (measured). After it the rule speaks only where it sees that package.json.
 */
import { appendRepair, cacheRule, defaultFolder, flagValue, runsAsRoot, yarnCacheFolder, yarnCacheFolderSet, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { berryProjectKey, copiesBerryProject, corepackMayRunBerry, usesYarnBerry, yarnCacheClean, yarnConfiguredCacheFolder, yarnInstall } from '../core/yarn';
import { formatBytes } from '../sizes';
import { YARN_CACHE_EXAMPLE as EX } from '../sizes/packageCaches';

const CLEAN = 'yarn cache clean';
const EXAMPLE = `it grows with the dependencies; for express@4.21.2 it was about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with yarn 1.22)`;
/** Berry's global cache folders (yarn classic's is {@link yarnCacheFolder}). */
const BERRY_DIRS = ['~/.yarn/berry/cache', '~/.yarn/cache'];

/** The folder named for this install: --cache-folder, a variable, else `yarn config set cache-folder` (yarn 1.22.22's order, measured). */
function namedFolder({ instr, cmd, env }: CacheCommandContext): string | undefined {
  return flagValue(cmd, '--cache-folder') ?? yarnCacheFolderSet(env) ?? yarnConfiguredCacheFolder(instr, cmd);
}

/** The folder this install caches in: the one named, else yarn classic's for the RUN's user and environment. */
function cacheFolder(c: CacheCommandContext): string {
  return namedFolder(c) ?? yarnCacheFolder(c.env, runsAsRoot(c.instr));
}

export const rule = cacheRule({
  id: 'yarn-cache-kept',
  title: "yarn's cache left in the layer",
  severity: 'warning',
  hadolint: 'DL3060',
  docs: {
    summary: '`yarn install` without `yarn cache clean` in the same RUN (yarn classic).',
    why: "yarn 1.x keeps every package it installs twice more in its cache folder (/usr/local/share/.cache/yarn for root, ~/.cache/yarn for other users; $XDG_CACHE_HOME/yarn for both when set): the tarball and an unpacked copy. The running app only needs node_modules. With yarn 2+ (berry) and Plug'n'Play the installed packages live in the cache: cleaning it breaks the app. The rule stays quiet where the Dockerfile shows berry (`.yarnrc.yml` or `.yarn/` copied in, also by `COPY . .` of a context that has one, yarn 2 or later named by a package.json's `packageManager` or a `corepack` command, `yarn set version`, `yarn dlx`, `--immutable`, a `nodeLinker` setting); yarn-berry-cache-kept covers berry. After a `corepack enable` naming no version, corepack runs the yarn of package.json's `packageManager`, else yarn 1.22 (corepack 0.34, Node 20): the rule then speaks only where the build context's package.json, copied before the install, names no yarn 2+.",
    incorrect: 'RUN yarn install --frozen-lockfile --production',
    correct: 'RUN yarn install --frozen-lockfile --production \\\n    && yarn cache clean\n# or keep it out of the image:\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile --production',
    sizeImpact: `Often larger than node_modules: ${EXAMPLE}; basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN. Not offered with \`--cache-folder\` (clean that folder with \`rm -rf\` instead). A cache mount on the cache folder, \`YARN_CACHE_FOLDER\` (\`yarn_cache_folder\`, \`npm_config_cache_folder\`, in any case) or \`yarn config set cache-folder\` pointing at a folder the RUN removes, or removing the folder (\`rm -rf\`, a \`find\` deleting all it holds) also do.`,
  },
  words: ['yarn'],
  fills: yarnInstall,
  // The build context's .yarnrc.yml, or a package.json naming yarn 2+ as its packageManager, copied in (by `COPY . .` too): berry, which yarn-berry-cache-kept covers.
  // After `corepack enable`, a package.json that cannot be seen may name berry too.
  optsOut: ({ instr, cmd, context }) => copiesBerryProject(instr, cmd, context) || corepackMayRunBerry(instr, cmd, context),
  contextKey: ({ context }) => berryProjectKey(context),
  cleans: yarnCacheClean,
  cacheHandled: (handled, c) => {
    // root's folder is not another user's: `rm -rf /usr/local/share/.cache/yarn` after USER node cleans nothing,
    // nor ~/.cache/yarn when XDG_CACHE_HOME=/cache moved it to /cache/yarn (yarn 1.22.22), nor ~/.cache/yarn
    // as root, whose cache is in /usr/local/share/.cache/yarn whatever HOME says (yarn 1.22.22, HOME=/root and /tmp/hh).
    // yarn 1.22 keeps it all in <cache folder>/v6 (what `yarn cache dir` prints): removing that, or the folder, empties it.
    const emptied = (d: string) => handled(`${d}/v6`);
    // Berry's folders where none is named.
    return [cacheFolder(c), ...(namedFolder(c) !== undefined ? [] : BERRY_DIRS)].some(emptied);
  },
  // Yarn classic as root caches in /usr/local/share/.cache/yarn (its home for root is /usr/local/share).
  holds: (c) => namedPath(c.instr, c.cmd, cacheFolder(c)),
  message: (c) => {
    const dir = namedFolder(c) ?? defaultFolder(c.instr, 'yarn', yarnCacheFolder(c.env, runsAsRoot(c.instr)));
    return `yarn leaves its cache${dir ? ` (${dir})` : ''} in this layer: ${EXAMPLE}. Add \`${CLEAN}\` to the same RUN.`;
  },
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: { basis: `depends on the dependencies; example: ${EX.basis}` },
  applies: (model) => !usesYarnBerry(model),
  repair: ({ model, instr, cmd }) => (flagValue(cmd, '--cache-folder') === undefined ? appendRepair(model, instr, CLEAN) : undefined),
});
