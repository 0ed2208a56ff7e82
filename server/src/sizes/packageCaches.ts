/**
 * JavaScript package-manager caches measured by hand on the development machine (the Docker bench
 * cannot reach the npm registry). One small dependency set, so the rules cite these as an example
 * of the proportion, never as the size of the user's cache. Raw figures and commands:
 * test/bench/measure/manual-npm-cache.md.
 */
import type { MeasuredConstant } from './constants';

const SOURCE = 'test/bench/measure/manual-npm-cache.md';
const SET = 'express@4.21.2 (72 packages)';

/** What `npm cache clean --force` frees after installing the example set (npm 11). */
export const NPM_CACHE_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 3_327_498,
  installedBytes: 2_252_700,
  basis: `npm 11 cache (_cacache) after installing ${SET}, files' bytes`,
  measuredOn: '2026-12-05',
  source: SOURCE,
};

/** What `yarn cache clean` frees after installing the example set (yarn 1.22): tarballs, unpacked copies, metadata. */
export const YARN_CACHE_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 3_572_546,
  installedBytes: 2_238_634,
  basis: `yarn 1.22 cache after installing ${SET}, files' bytes`,
  measuredOn: '2026-12-05',
  source: SOURCE,
};

/** What `pnpm store prune` frees right after installing the example set (pnpm 9): the metadata cache (update check off). */
export const PNPM_METADATA_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 2_375_862,
  installedBytes: 2_229_980,
  basis: `pnpm 9 metadata cache removed by \`pnpm store prune\` after installing ${SET}, files' bytes`,
  measuredOn: '2026-12-05',
  source: SOURCE,
};

/** corepack 0.34.6's home after `corepack <tool>@<version> --version`: du -sb of v1/<tool>/<version> (2026-12-05). */
const corepackRun = (tool: string, bytes: number): MeasuredConstant & { tool: string } => ({
  bytes,
  tool,
  basis: `corepack 0.34.6 home after \`corepack ${tool.replace(' ', '@')} --version\`: du -sb of v1/${tool.replace(' ', '/')} on the host`,
  measuredOn: '2026-12-05',
  source: SOURCE,
});

/**
 * What corepack 0.34.6 (Node 20.20.2's) downloads when nothing names a version: yarn 1.22.22, its
 * yarn 4 for `yarn init`/`dlx` (4.12.0), pnpm 10.28.1 (`COREPACK_DEFAULT_TO_LATEST=0`; a corepack
 * that may look up the latest takes the npm registry's). yarn 2+ from @yarnpkg/cli-dist, with
 * COREPACK_NPM_REGISTRY set.
 */
export const COREPACK_YARN_EXAMPLE = corepackRun('yarn 1.22.22', 5_353_026);
export const COREPACK_YARN_BERRY_EXAMPLE = corepackRun('yarn 4.12.0', 3_001_273);
export const COREPACK_PNPM_EXAMPLE = corepackRun('pnpm 10.28.1', 18_533_432);

/**
 * Other versions a package.json's packageManager or a corepack command pins, measured the same
 * way (a packageManager naming pnpm 9.15.0 or yarn 1.22.19 left the same bytes).
 */
export const COREPACK_VERSIONS = [
  corepackRun('pnpm 7.33.7', 14_375_556),
  corepackRun('pnpm 8.15.9', 15_974_299),
  corepackRun('pnpm 9.15.0', 18_456_419),
  corepackRun('pnpm 9.15.9', 18_383_215),
  corepackRun('pnpm 10.34.9', 20_952_762),
  corepackRun('yarn 1.22.19', 5_338_757),
  corepackRun('yarn 3.8.7', 2_249_689),
  corepackRun('yarn 4.18.1', 3_793_350),
];

/**
 * What the pnpm store keeps beyond node_modules, which a prune keeps: its index files (one per
 * package; the package files are hard links into node_modules), the same with the lockfile
 * (`--frozen-lockfile`, `pnpm fetch`, `--offline`) and without it. With the lockfile pnpm resolves
 * nothing, so the only metadata it may write is its update check's ({@link PNPM_UPDATE_CHECK_EXAMPLE}).
 */
export const PNPM_STORE_INDEX_EXAMPLE: MeasuredConstant = {
  bytes: 117_452,
  basis: `pnpm 9 and 10 store's 72 index files (not linked into node_modules) after installing ${SET}, lockfile or not, files' bytes`,
  measuredOn: '2026-12-05',
  source: SOURCE,
};

/**
 * What pnpm's daily update check writes on an install, with a lockfile too: the registry's document
 * of pnpm itself (~/.cache/pnpm/metadata-v1.3/registry.npmjs.org/pnpm.json; it grows as pnpm publishes),
 * which `pnpm store prune` removes. Not written by `pnpm fetch` or `--offline`, with `CI` set or
 * `update-notifier=false`, or within a day of the last check (~/.local/state/pnpm/pnpm-state.json).
 */
export const PNPM_UPDATE_CHECK_EXAMPLE: MeasuredConstant = {
  bytes: 1_683_672,
  basis: "pnpm 9.15.4 and 10.34.9 update check's ~/.cache/pnpm after `pnpm install --frozen-lockfile` in a fresh HOME, files' bytes",
  measuredOn: '2026-12-05',
  source: SOURCE,
};

/** devDependencies of an example TypeScript service: what `--omit=dev` saves there (npm 11). */
export const NPM_DEV_DEPENDENCIES_EXAMPLE: MeasuredConstant & { runtimeBytes: number } = {
  bytes: 58_744_832,
  runtimeBytes: 3_102_630,
  basis: 'devDependencies typescript 5.7.2, jest 29.7.0, eslint 9.17.0, @types/express, @types/node next to express 4.21.2: node_modules 61.8 MB with them, 3.1 MB after `npm prune --omit=dev` (npm 11, du -sb on the host)',
  measuredOn: '2026-11-24',
  source: SOURCE,
};

/**
 * What `yarn cache clean --all` frees after installing the example set with Yarn 4 and
 * `nodeLinker: node-modules`: the global cache's zip archives (~/.yarn/berry/cache). The metadata
 * cache beside it (~/.yarn/berry/metadata, 902,058 B here) stays; `rm -rf ~/.yarn/berry` takes both.
 */
export const YARN_BERRY_CACHE_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 2_350_216,
  installedBytes: 2_247_221,
  basis: `yarn 4.18 global cache (zip archives) after installing ${SET} with nodeLinker: node-modules, file bytes`,
  measuredOn: '2026-12-04',
  source: SOURCE,
};

/**
 * What bun's install cache costs in the layer beyond node_modules after installing the example
 * set (bun 1.4.5, default backend): the package files are hard links shared with node_modules, so
 * only the 70 registry manifests (*.npm) cost; `bun pm cache rm` shrank the layer's tar by 1,310,720 B
 * (the manifests, and a tar header for each hard link and folder).
 */
export const BUN_CACHE_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 781_048,
  installedBytes: 2_227_832,
  basis: `bun 1.4 cache beyond the files it hard-links into node_modules (the registry manifests) after installing ${SET}, file bytes`,
  measuredOn: '2026-12-04',
  source: SOURCE,
};

/**
 * The package files bun's install cache keeps beyond node_modules when it copies them
 * (`--backend=copyfile`): a second copy of the installed files (bun 1.4.5, the example set). The
 * registry manifests ({@link BUN_CACHE_EXAMPLE}) come on top unless `--no-cache` skips them.
 */
export const BUN_COPIED_FILES_EXAMPLE: MeasuredConstant = {
  bytes: 2_227_832,
  basis: `bun 1.4 cache with --backend=copyfile --no-cache (a copy of every package file, no manifests) after installing ${SET}, file bytes`,
  measuredOn: '2026-12-04',
  source: SOURCE,
};

/**
 * virtualenv's app data that a Poetry or pipenv run making a virtualenv leaves
 * (~/.local/share/virtualenv): pip's wheel unpacked once for the seeding, which the venv copies.
 * Debian trixie, virtualenv 20.31.2, pip 25.1.1, Poetry 2.1.2 (pipenv 2024.0.1: 4,980,007 B).
 * Raw figures and commands: test/bench/measure/manual-poetry-pipenv.md.
 */
export const SEED_WHEELS: MeasuredConstant = {
  bytes: 4_982_292,
  basis: "virtualenv 20.31's app data after a Poetry 2.1 (or pipenv 2024.0) venv, Debian trixie",
  measuredOn: '2026-12-06',
  source: 'test/bench/measure/manual-poetry-pipenv.md',
};
