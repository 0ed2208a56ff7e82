/**
 * Public face of the size model. The language server, the CLI and the rules import only from
 * here: base-image estimates with their provenance, smaller alternatives, the slim form of a tag,
 * reference and tag parsing, byte formatting, and the measured constants the rules cite.
 */
export {
  estimateBaseImage, recordedRelease, estimatedDistro, floatingRelease, defaultReleases, smallerAlternatives, slimVariant, createSizeModel,
  type BaseImageEstimate, type Confidence, type SmallerAlternative, type AlternativeOptions, type SizeModel,
} from './baseImages';
export { parseImageReference, formatImageReference, type ImageReference } from './reference';
export { parseTag, composeTag, normalizePlatform, DEFAULT_PLATFORM, type TagInfo, type Kind } from './tags';
export { countOf, formatBytes, formatCount } from './format';
export { BASE_IMAGE_ROWS, BASE_IMAGE_TABLE_SHA256 } from './base-images.generated';
export type { BaseImageRow } from './types';
export * from './constants';
export { estimateAptInstall, recommendsCost, aptOperandName, OFFICIAL_BASE_PACKAGES, DEBIAN_PACKAGE_TABLE, type AptEstimate, type AptOptions } from './apt';
export { estimateNpmInstall, estimateNpmCache, npmCacheFigure, estimateNpmLockfile, parseNpmSpec, npmPackageTable, type NpmEstimate, type NpmOptions, type NpmSpec, type NpmLockEntry } from './npm';
