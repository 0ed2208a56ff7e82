/** The local Docker Engine: exact unpacked sizes, per-layer history mapped to Dockerfile lines, wasted space. */
export { EngineClient, createEngineClient, isPlausibleRef, DEFAULT_EXPORT_LIMITS, type EngineResult, type EngineFailure, type EngineFailureReason, type ImageInspect, type HistoryItem, type ImageSummary, type EngineClientOptions } from './client';
export { chooseEndpoint, endpointCandidates, parseHost, describeEndpoint, type EngineEndpoint } from './endpoint';
export { parseCreatedBy, normaliseScript, type ParsedCreatedBy } from './createdBy';
export { mapHistory, isExactBuild, instructionText, stageChain, historyInstructions, type HistoryEntry, type HistoryMapping, type MappedLayer } from './mapping';
export { findWastedSpace, type WastedFile, type WastedSpace } from './wasted';
export { ImageArchiveReader, normalisePath, type LayerFiles, type ImageLayers, type ConfigHistoryEntry, type ExportLimits } from './layers';
export { TarReader, TarFormatError, type TarHeader } from './tar';
export { parseEngineSettings, DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './settings';
