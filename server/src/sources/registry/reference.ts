/**
 * Image reference -> registry host, repository, tag/digest, following the normalisation the
 * Docker CLI applies: a first path component is a registry host only when it contains "." or
 * ":" or is "localhost"; otherwise the image lives on Docker Hub, where a one-part name gets the
 * "library/" prefix. Docker Hub's API is served from registry-1.docker.io, not docker.io.
 *
 * Parsing is strict on purpose: the string comes from a Dockerfile (untrusted text), and the
 * host part decides where a network request goes, so anything unusual (variables, uppercase
 * repositories, spaces) is refused rather than guessed.
 */
import { parseImageReference } from '../../sizes/reference';

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry as users write it, normalised: "docker.io", "ghcr.io", "127.0.0.1:5000". */
  registry: string;
  /** Repository path on that registry: "library/alpine", "owner/app". */
  repository: string;
  /** Tag; "latest" when neither tag nor digest is given. Undefined for digest-only refs. */
  tag?: string;
  /** Content digest ("sha256:<hex>") when the reference pins one. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/**
 * Parses an image reference; returns undefined when it is not a valid, literal reference.
 * The grammar is the size model's (`parseImageReference`, the one parser of references in the
 * project); this adds the limits a network request needs and keeps only what the client uses.
 */
export function parseReference(text: string): ImageReference | undefined {
  const input = text.trim();
  if (input.length > 512) return undefined;
  const ref = parseImageReference(input);
  if (!ref || ref.scratch || ref.path.length > 255) return undefined;
  return {
    registry: ref.registry,
    repository: ref.path,
    ...(ref.effectiveTag !== undefined ? { tag: ref.effectiveTag } : {}),
    ...(ref.digest !== undefined ? { digest: ref.digest } : {}),
  };
}

/** "registry/repository:tag@digest", the canonical long form (used as a cache key). */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The host that serves the registry API for a normalised registry name. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** Host without port and brackets: "127.0.0.1:5000" -> "127.0.0.1", "[::1]:5000" -> "::1". */
export function hostName(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}

/** True for hosts that only reach this machine; those default to plain http like Docker does. */
export function isLoopback(registry: string): boolean {
  const name = hostName(registry).toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
