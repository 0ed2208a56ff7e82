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
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
// host[:port] with a DNS name, IPv4 address or bracketed IPv6 address.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Parses an image reference; returns undefined when it is not a valid, literal reference. */
export function parseReference(text: string): ImageReference | undefined {
  const input = text.trim();
  if (input === '' || input.length > 512 || /[\s$]/.test(input)) return undefined;

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return undefined;
  }

  let registry = DOCKER_HUB;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      if (!HOST.test(first)) return undefined;
      registry = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  if (HUB_ALIASES.has(registry)) registry = DOCKER_HUB;

  if (rest === '' || rest.length > 255 || !rest.split('/').every((c) => COMPONENT.test(c))) return undefined;
  const repository = registry === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest;

  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
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
