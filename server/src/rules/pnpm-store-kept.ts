/**
 * pnpm-store-kept: `pnpm install` leaves its package store and a metadata cache in the layer.
 * The store's package files are hard links into node_modules when both sit on one filesystem
 * (the default), so they cost little; the metadata cache and the store's index files do cost.
 */
import { optionFreeOperands } from '../core/commands';
import { appendRepair, cacheRule, flagValue, isTruthy, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programArgs, programName, type ShellCommand, type ShellWord } from '../core/shell';
import { formatBytes } from '../sizes';
import { PNPM_METADATA_EXAMPLE as EX, PNPM_STORE_INDEX_EXAMPLE as INDEX, PNPM_UPDATE_CHECK_EXAMPLE as CHECK } from '../sizes/packageCaches';

const PRUNE = 'pnpm store prune';
const EXAMPLE = `for express@4.21.2 the metadata cache was about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with pnpm 9)`;
const INDEX_EXAMPLE = `for express@4.21.2 they were about ${formatBytes(INDEX.bytes)} (measured with pnpm 9 and 10)`;
const installFlag = (cmd: ShellCommand, flag: string) => programArgs(cmd).some((w) => w.value === flag || w.value === `${flag}=true`);

/**
 * The pnpm command that puts packages or metadata into the store or the cache. Not an install with
 * --offline, which takes what an earlier `pnpm fetch` stored and adds nothing (pnpm 9.15.0 after a
 * fetch of express@4.21.2: the same store files, sizes, times and link counts before and after).
 */
function fills(cmd: ShellCommand): ShellWord | undefined {
  const sub = subcommandOf(cmd, /^pnpm$/, ['install', 'i', 'add', 'fetch', 'update', 'up', 'upgrade']);
  return sub && (sub.value === 'install' || sub.value === 'i') && installFlag(cmd, '--offline') ? undefined : sub;
}

/** Whether pnpm reads only the lockfile: `pnpm fetch`, or an install with --frozen-lockfile. It resolves nothing then. */
function lockfileOnly(cmd: ShellCommand): boolean {
  return fills(cmd)?.value === 'fetch' || installFlag(cmd, '--frozen-lockfile');
}

/**
 * Whether pnpm reads only the lockfile and writes no metadata at all, so `pnpm store prune` frees
 * nothing ("Removed 0 files", "Removed 0 packages"): `pnpm fetch`, or a frozen install whose update
 * check is off (`CI`, `npm_config_update_notifier=false`). Else a frozen install writes the
 * check's document of pnpm ({@link CHECK}), which a prune removes.
 */
function writesNothing({ cmd, env }: CacheCommandContext): boolean {
  const notifier = env('npm_config_update_notifier', true);
  return fills(cmd)?.value === 'fetch' || (lockfileOnly(cmd) && (isTruthy(env('CI')) || (notifier !== undefined && !isTruthy(notifier))));
}
const STORES = ['~/.local/share/pnpm/store', '~/.pnpm-store', '/pnpm/store'];

/** The store folder the command or its environment names, if any. */
function namedStore({ cmd, env }: CacheCommandContext): string | undefined {
  return flagValue(cmd, '--store-dir') ?? env('npm_config_store_dir') ?? (env('PNPM_HOME') && `${env('PNPM_HOME')}/store`);
}

export const rule = cacheRule({
  id: 'pnpm-store-kept',
  title: "pnpm's store and metadata cache left in the layer",
  severity: 'info',
  docs: {
    summary: '`pnpm install` without `pnpm store prune` or a cache mount on the store in the same RUN.',
    why: "pnpm downloads packages into a content-addressed store and links them into node_modules. On one filesystem the links are hard links, so the package files are stored once in the layer; what remains is pnpm's metadata cache (the registry documents it resolved with) and the store's index files. `pnpm store prune` removes the metadata cache and any package no project links to. A cache mount on the store keeps all of it out of the image (pnpm then copies the files into node_modules).",
    incorrect: 'RUN pnpm install --frozen-lockfile --prod',
    correct: 'RUN --mount=type=cache,id=pnpm,target=/pnpm/store \\\n    pnpm install --frozen-lockfile --prod --store-dir /pnpm/store',
    sizeImpact: `Smaller than npm's or yarn's cache: ${EXAMPLE}; basis: ${EX.basis}; the store's index files stay even after a prune: ${INDEX_EXAMPLE}; basis: ${INDEX.basis}. Where pnpm reads only the lockfile (\`pnpm fetch\`, \`--frozen-lockfile\`) it resolves nothing, so only they stay (\`--offline\` adds nothing and is not reported); a frozen install's update check (not with \`CI\` set) adds the registry's document of pnpm, which a prune removes: ${formatBytes(CHECK.bytes)}; basis: ${CHECK.basis}.`,
    fix: `Appends \`&& ${PRUNE}\` to the RUN; not where pnpm writes no metadata cache (\`pnpm fetch\`, or \`--frozen-lockfile\` with \`CI\` set). A cache mount on the store (or \`rm -rf\` of it) also satisfies the rule; the fix writes none: where the store is depends on \`PNPM_HOME\` and \`--store-dir\`.`,
  },
  words: ['pnpm'],
  fills,
  cleans: (cmd) => programName(cmd) === 'pnpm' && optionFreeOperands(cmd)[0]?.value === 'store' && optionFreeOperands(cmd)[1]?.value === 'prune',
  cacheHandled: (handled, c) => {
    const dir = namedStore(c);
    return dir ? handled(dir) : STORES.some(handled);
  },
  // Only a store the Dockerfile names: the default one moved between pnpm versions.
  holds: (c) => {
    const dir = namedStore(c);
    return dir ? namedPath(c.instr, c.cmd, dir) : undefined;
  },
  cleansNothing: writesNothing,
  message: (c) =>
    writesNothing(c)
      ? `pnpm leaves its store's index files in this layer: with the lockfile alone it writes no metadata cache, and the package files are hard links into node_modules, stored once; ${INDEX_EXAMPLE}, and \`${PRUNE}\` frees none of it. Use a cache mount on the store.`
      : lockfileOnly(c.cmd)
        ? `pnpm's update check leaves the registry's document of pnpm in this layer (about ${formatBytes(CHECK.bytes)}, measured with pnpm 9 and 10), beside the store's index files; ${INDEX_EXAMPLE}. Add \`${PRUNE}\`, which removes the document.`
        : `pnpm leaves its metadata cache and store index in this layer: ${EXAMPLE}. Add \`${PRUNE}\` or a cache mount on the store.`,
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  // The update check's document is pnpm's, the same whatever the project installs.
  saving: (c) => (writesNothing(c) || !lockfileOnly(c.cmd) ? { basis: `depends on the dependencies; example: ${(writesNothing(c) ? INDEX : EX).basis}` } : { bytes: CHECK.bytes, basis: CHECK.basis }),
  repair: (c) => (writesNothing(c) ? undefined : appendRepair(c.model, c.instr, PRUNE)),
});
