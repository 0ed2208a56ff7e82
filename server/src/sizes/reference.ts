/**
 * Image references as Docker reads them: `[host[:port]/]path[:tag][@digest]`.
 *
 * The first path component is a registry host only when it looks like one (it contains `.` or
 * `:`, or is `localhost`); otherwise the image is on Docker Hub, where a one-component path
 * means an official image under `library/`. `docker.io`, `index.docker.io`,
 * `registry-1.docker.io`, `registry.hub.docker.com` and `registry.docker.com` (Rails 7.1's
 * generated Dockerfile) all name Docker Hub. A reference without tag or digest means `:latest`.
 *
 * ARG substitution happens before this (the model does it); a reference that still holds `$`
 * is not parsed.
 */

/** A parsed image reference. */
export interface ImageReference {
  /** The reference as given (trimmed). */
  raw: string;
  /** True for `scratch`, the empty image (no registry, no layers). */
  scratch: boolean;
  /** Registry as written or `docker.io` for Docker Hub (its aliases normalised), e.g. `localhost:5000`. */
  registry: string;
  /** Registry host without port. */
  host: string;
  /** Registry port, when one is written. */
  port?: number;
  /** Repository path inside the registry, with `library/` added on Docker Hub: `library/python`. */
  path: string;
  /** Everything before the last path component (`library`, `a`, `ns/sub`), or '' when none. */
  namespace: string;
  /** Last path component: `python`. */
  name: string;
  /** Tag as written, if any. */
  tag?: string;
  /** Digest as written (`sha256:...`), if any. */
  digest?: string;
  /** The tag Docker resolves: the written one, `latest` when neither tag nor digest is given, undefined for digest-only references. */
  effectiveTag?: string;
  /** True for Docker Hub official images (`library/...`). */
  official: boolean;
  /** Short form Docker prints: `python` for official images, `ns/img` on Hub, `host/path` elsewhere. */
  familiar: string;
}

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'registry.docker.com']);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Fa-f0-9]{32,}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Parses an image reference such as `python:3.12-slim`, `localhost:5000/ns/img:tag@sha256:...`
 * or `ghcr.io/a/b`. Returns undefined when the text is not a valid reference (including
 * unsubstituted `${ARG}`s); errors are values, never exceptions.
 */
export function parseImageReference(ref: string): ImageReference | undefined {
  const raw = ref.trim();
  if (raw === '' || /[\s$]/.test(raw)) return undefined;
  if (raw === 'scratch') {
    return { raw, scratch: true, registry: '', host: '', path: 'scratch', namespace: '', name: 'scratch', official: false, familiar: 'scratch' };
  }

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  let host = DOCKER_HUB;
  let port: number | undefined;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    const written = parts.shift()!;
    const m = /^(.*?)(?::(\d{1,5}))?$/.exec(written)!;
    if (!HOST.test(m[1])) return undefined;
    host = m[1].toLowerCase();
    if (m[2] !== undefined) {
      port = Number(m[2]);
      if (port < 1 || port > 65535) return undefined;
    }
    registry = HUB_ALIASES.has(host) && port === undefined ? DOCKER_HUB : written.toLowerCase();
    if (registry === DOCKER_HUB) host = DOCKER_HUB;
  }
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) return undefined;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');

  const path = parts.join('/');
  const name = parts[parts.length - 1];
  const namespace = parts.slice(0, -1).join('/');
  const official = registry === DOCKER_HUB && namespace === 'library';
  const familiar = registry === DOCKER_HUB ? (official ? name : path) : `${registry}/${path}`;
  const effectiveTag = tag ?? (digest === undefined ? 'latest' : undefined);
  return { raw, scratch: false, registry, host, port, path, namespace, name, tag, digest, effectiveTag, official, familiar };
}

/** Writes a reference back in Docker's short form: `python:3.12-slim`, `ghcr.io/a/b:1@sha256:...`. */
export function formatImageReference(ref: ImageReference, tag = ref.tag, digest = ref.digest): string {
  if (ref.scratch) return 'scratch';
  return `${ref.familiar}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
}
