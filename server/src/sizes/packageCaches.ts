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
  bytes: 5_436_834,
  installedBytes: 2_809_770,
  basis: `npm 11 cache (_cacache) after installing ${SET}, du -sb on the host`,
  measuredOn: '2026-11-24',
  source: SOURCE,
};

/** What `yarn cache clean` frees after installing the example set (yarn 1.22). */
export const YARN_CACHE_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 4_731_363,
  installedBytes: 2_799_820,
  basis: `yarn 1.22 cache after installing ${SET}, du -sb on the host`,
  measuredOn: '2026-11-24',
  source: SOURCE,
};

/** What `pnpm store prune` frees right after installing the example set (pnpm 9): the metadata cache. */
export const PNPM_METADATA_EXAMPLE: MeasuredConstant & { installedBytes: number } = {
  bytes: 2_388_333,
  installedBytes: 3_406_257,
  basis: `pnpm 9 metadata cache removed by \`pnpm store prune\` after installing ${SET}, du -sb on the host`,
  measuredOn: '2026-11-24',
  source: SOURCE,
};

/** The pnpm store's own files beyond the hard-linked packages (index files), which prune keeps. */
export const PNPM_STORE_INDEX_EXAMPLE: MeasuredConstant = {
  bytes: 1_108_684,
  basis: `pnpm 9 store beyond the package files hard-linked into node_modules, after installing ${SET}, du -sb on the host`,
  measuredOn: '2026-11-24',
  source: SOURCE,
};
