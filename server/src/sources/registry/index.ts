/** Registry lookups: exact compressed sizes of images from any OCI distribution registry. */
export { RegistryClient, MEDIA_TYPES, type RegistryClientOptions } from './client';
export {
  CachedRegistryLookup, DisabledRegistryLookup, createRegistryLookup, isRegistryAllowed,
  DEFAULT_ALLOWED_REGISTRIES, CACHE_FILE_NAME, type CachedLookupOptions, type RegistrySettings,
} from './cache';
export { DockerConfigCredentials, anonymous, type Credential, type CredentialSource } from './credentials';
export { parseReference, formatReference, type ImageReference } from './reference';
export { parsePlatform, formatPlatform, hostPlatform, type Platform } from './platform';
export type { RegistryLookup, RegistryResult, RegistryImage, RegistryFailure, FailureReason, LayerInfo } from './types';
