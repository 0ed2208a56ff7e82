/**
 * yarn-berry-cache-kept (hadolint DL3060): Yarn 2+ with `nodeLinker: node-modules` unpacks every
 * package into node_modules and keeps its zip archive in the global cache (~/.yarn/berry/cache),
 * which nothing reads afterwards. With Plug'n'Play (berry's default) the app runs from that cache,
 * so the rule speaks only when it can see the node-modules linker: the build context's .yarnrc.yml
 * copied before the install, YARN_NODE_LINKER, or `yarn config set nodeLinker`. A project cache
 * (enableGlobalCache false, a cacheFolder) is left alone: projects that set one usually mean it.
 */
import { identityKey } from '../core/buildContext';
import { operands } from '../core/commands';
import { appendRepair, cacheRule, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import type { DockerfileModel } from '../core/model';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { yarnCacheClean, yarnInstall, yarnSetting } from '../core/yarn';
import { formatBytes } from '../sizes';
import { YARN_BERRY_CACHE_EXAMPLE as EX } from '../sizes/packageCaches';

const CLEAN = 'yarn cache clean --all';
const EXAMPLE = `for express@4.21.2 its zip archives were about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with yarn 4.18)`;

/** yarnInstall, and berry's `yarn workspaces focus`, which installs one workspace's dependencies. */
function berryInstall(cmd: ShellCommand) {
  const ops = operands(cmd);
  return yarnInstall(cmd) ?? (programName(cmd) === 'yarn' && ops[0]?.value === 'workspaces' && ops[1]?.value === 'focus' ? ops[1] : undefined);
}

/**
 * `--immutable-cache` fails when an install would add to the cache, so a build can use it only
 * after an earlier RUN filled the cache (or on a cache mount): cleaning that RUN's cache would
 * break the later one (yarn 4.18.1: "Cache entry required but missing"). Such files get no finding.
 */
const usesImmutableCache = (model: DockerfileModel) =>
  model.text.includes('--immutable-cache') && model.instructions.some((i) => i.run?.commands.some((c) => programName(c) === 'yarn' && programArgs(c).some((w) => w.value === '--immutable-cache')));

const setting = ({ instr, cmd, env, context }: CacheCommandContext, key: 'nodeLinker' | 'enableGlobalCache' | 'cacheFolder' | 'globalFolder') => yarnSetting(instr, cmd, key, env, context)?.trim().replace(/^["']|["']$/g, '');

/** The global cache: `<globalFolder>/cache`, ~/.yarn/berry/cache by default. */
const cacheFolder = (c: CacheCommandContext) => `${setting(c, 'globalFolder') ?? '~/.yarn/berry'}/cache`;

export const rule = cacheRule({
  id: 'yarn-berry-cache-kept',
  title: "Yarn 2+'s cache beside node_modules left in the layer",
  severity: 'warning',
  hadolint: 'DL3060',
  docs: {
    summary: 'Yarn 2+ with `nodeLinker: node-modules`: `yarn install` without `yarn cache clean --all` or a cache mount in the same RUN.',
    why: "Yarn 4 keeps every package as a zip archive in its global cache (~/.yarn/berry/cache). With `nodeLinker: node-modules` it unpacks them into node_modules and the archives stay unused. With Plug'n'Play (the default) the app runs from them, so the rule speaks only when it sees node-modules (the context's .yarnrc.yml copied before the install, `YARN_NODE_LINKER`, `yarn config set nodeLinker`), and not for a project cache (`enableGlobalCache: false`, `cacheFolder`).",
    incorrect: 'COPY package.json yarn.lock .yarnrc.yml ./\nRUN yarn install --immutable',
    correct: 'RUN yarn install --immutable && yarn cache clean --all\n# or keep it out of the image:\nRUN --mount=type=cache,target=/root/.yarn/berry/cache yarn install --immutable',
    sizeImpact: `About the size of node_modules again: ${EXAMPLE}; basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN (the metadata cache beside it stays; \`rm -rf ~/.yarn/berry\` takes both). A cache mount on the cache folder or its removal in the same RUN also satisfy the rule. Quiet in a file that runs yarn with \`--immutable-cache\`, which needs the cache an earlier RUN filled.`,
  },
  applies: (model) => !usesImmutableCache(model),
  words: ['yarn'],
  fills: berryInstall,
  optsOut: (c) => setting(c, 'nodeLinker') !== 'node-modules' || /^(false|0)$/i.test(setting(c, 'enableGlobalCache') ?? '') || setting(c, 'cacheFolder') !== undefined,
  contextKey: ({ context }) => (context.yarnrc ? identityKey(context.yarnrc) : ''),
  cleans: yarnCacheClean,
  cacheHandled: (handled, c) => handled(cacheFolder(c)),
  holds: (c) => namedPath(c.instr, c.cmd, cacheFolder(c)),
  message: () => `Yarn leaves its zip archives in this layer beside node_modules: ${EXAMPLE}. Add \`${CLEAN}\` to the same RUN or a cache mount.`,
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: { basis: `depends on the dependencies; example: ${EX.basis}` },
  repair: ({ model, instr }) => appendRepair(model, instr, CLEAN),
});
