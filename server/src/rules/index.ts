/**
 * The explicit, sorted registry of rules. A rule that is not listed here does not run; the
 * registry test fails when a rule file exists without an entry, docs or fixtures.
 */
import type { Rule } from './rule';
import { rule as apkCacheKept } from './apk-cache-kept';
import { rule as apkUpdateCacheKept } from './apk-update-cache-kept';
import { rule as apkVirtualNotDeleted } from './apk-virtual-not-deleted';
import { rule as aptCleanKeepsLists } from './apt-clean-keeps-lists';
import { rule as aptListsKept } from './apt-lists-kept';
import { rule as aptRecommends } from './apt-recommends';
import { rule as archiveKept } from './archive-kept';
import { rule as baseImageNotSlim } from './base-image-not-slim';
import { rule as buildToolsInFinalImage } from './build-tools-in-final-image';
import { rule as bunCacheKept } from './bun-cache-kept';
import { rule as bundlerCacheKept } from './bundler-cache-kept';
import { rule as cargoCacheKept } from './cargo-cache-kept';
import { rule as composerCacheKept } from './composer-cache-kept';
import { rule as composerDevDependencies } from './composer-dev-dependencies';
import { rule as condaCacheKept } from './conda-cache-kept';
import { rule as contextLargePaths } from './context-large-paths';
import { rule as contextSecrets } from './context-secrets';
import { rule as contextWithoutDockerignore } from './context-without-dockerignore';
import { rule as copiedArchiveExtracted } from './copied-archive-extracted';
import { rule as copySourceIgnored } from './copy-source-ignored';
import { rule as copyWholeStage } from './copy-whole-stage';
import { rule as corepackDownloadKept } from './corepack-download-kept';
import { rule as dnfCacheKept } from './dnf-cache-kept';
import { rule as filesChangedInLaterLayer } from './files-changed-in-later-layer';
import { rule as gemDocumentation } from './gem-documentation';
import { rule as goBuildCacheKept } from './go-build-cache-kept';
import { rule as gradleCacheKept } from './gradle-cache-kept';
import { rule as imageOverBudget } from './image-over-budget';
import { rule as indexUpdateInSeparateRun } from './index-update-in-separate-run';
import { rule as mavenCacheKept } from './maven-cache-kept';
import { rule as microdnfCacheKept } from './microdnf-cache-kept';
import { rule as npmCacheKept } from './npm-cache-kept';
import { rule as npmDevDependencies } from './npm-dev-dependencies';
import { rule as packageUpgrade } from './package-upgrade';
import { rule as pipCacheKept } from './pip-cache-kept';
import { rule as pipDevRequirements } from './pip-dev-requirements';
import { rule as pipenvCacheKept } from './pipenv-cache-kept';
import { rule as pnpmStoreKept } from './pnpm-store-kept';
import { rule as poetryCacheKept } from './poetry-cache-kept';
import { rule as useraddWithoutNoLogInit } from './useradd-without-no-log-init';
import { rule as uvCacheKept } from './uv-cache-kept';
import { rule as yarnBerryCacheKept } from './yarn-berry-cache-kept';
import { rule as yarnCacheKept } from './yarn-cache-kept';
import { rule as yumCacheKept } from './yum-cache-kept';
import { rule as zypperCacheKept } from './zypper-cache-kept';

export const RULES: readonly Rule[] = [
  apkCacheKept,
  apkUpdateCacheKept,
  apkVirtualNotDeleted,
  aptCleanKeepsLists,
  aptListsKept,
  aptRecommends,
  archiveKept,
  baseImageNotSlim,
  buildToolsInFinalImage,
  bunCacheKept,
  bundlerCacheKept,
  cargoCacheKept,
  composerCacheKept,
  composerDevDependencies,
  condaCacheKept,
  contextLargePaths,
  contextSecrets,
  contextWithoutDockerignore,
  copiedArchiveExtracted,
  copySourceIgnored,
  copyWholeStage,
  corepackDownloadKept,
  dnfCacheKept,
  filesChangedInLaterLayer,
  gemDocumentation,
  goBuildCacheKept,
  gradleCacheKept,
  imageOverBudget,
  indexUpdateInSeparateRun,
  mavenCacheKept,
  microdnfCacheKept,
  npmCacheKept,
  npmDevDependencies,
  packageUpgrade,
  pipCacheKept,
  pipDevRequirements,
  pipenvCacheKept,
  pnpmStoreKept,
  poetryCacheKept,
  useraddWithoutNoLogInit,
  uvCacheKept,
  yarnBerryCacheKept,
  yarnCacheKept,
  yumCacheKept,
  zypperCacheKept,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

export type { Rule } from './rule';
