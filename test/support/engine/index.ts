/** A private Docker Engine and Debian base images for tests and benchmarks (see ./dockerd, ./base-image). */
export { startEngine, engineGet, EngineUnavailable, type Engine, type StartOptions } from './dockerd';
export { ensureBaseImages, ensureNodeImage, importBareImage, debootstrapTarball, applyOfficialConfig, cacheDir, OFFICIAL_CONFIG, BARE_IMAGE, OFFICIAL_LIKE_IMAGE, NODE_IMAGE, type BaseImages } from './base-image';
export { run, runOk, which, type RunResult, type RunOptions } from './exec';
