/**
 * A client for the OCI distribution API that answers one question: for this image reference and
 * platform, which manifest would be pulled and how many compressed bytes do its layers weigh?
 *
 * Flow of one lookup (all under one time limit):
 *   1. GET /v2/<repo>/manifests/<tag|digest> with an Accept header listing OCI index, Docker
 *      manifest list, OCI manifest and Docker v2 manifest (without it a registry may answer 404
 *      for OCI manifests or down-convert Docker manifests to schema 1, which has no sizes).
 *   2. On 401, read the challenge: Bearer -> get a token from the realm (anonymously, or with
 *      the user's Docker credentials) and retry; Basic -> retry with the user's credentials.
 *   3. An index / manifest list is resolved to the platform's entry and that manifest fetched by
 *      digest. A single manifest's platform is read from its (small) config blob.
 *   4. Digests are checked against the bytes received; compressed size = sum of layer sizes.
 * Every failure is returned as `{ ok: false, reason, detail }`; nothing here throws.
 */
import type * as Crypto from 'node:crypto';
import { DockerConfigCredentials, type Credential, type CredentialSource } from './credentials';
import { describe, request, type HttpResponse } from './http';
import { formatPlatform, hostPlatform, normalisePlatform, parsePlatform, platformMatches, selectPlatform, type Platform } from './platform';
import { apiHost, isLoopback, parseReference, type ImageReference } from './reference';
import { failure, type LayerInfo, type RegistryFailure, type RegistryResult } from './types';
import { parseWwwAuthenticate, type Challenge } from './wwwAuthenticate';

/** node:crypto, loaded on the first registry answer rather than at start-up (most sessions never ask). */
const sha256 = () => (require('node:crypto') as typeof Crypto).createHash('sha256');

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

const ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest]);

export interface RegistryClientOptions {
  /** Time limit for a whole lookup, all requests included (default 8000 ms). */
  timeoutMs?: number;
  /** Largest response body accepted (default 4 MiB); manifests are a few kB. */
  maxBodyBytes?: number;
  /** Where credentials come from (default: the user's Docker config). */
  credentials?: CredentialSource;
  /** http or https per registry (default: http for loopback hosts, https for all others). */
  scheme?: (registry: string) => 'http' | 'https';
  /** Clock for `fetchedAt` and token expiry (tests). */
  now?: () => Date;
  userAgent?: string;
}

interface CachedToken { value: string; expiresAt: number }

/** Settings and shared state every lookup of one client uses. */
interface ClientState {
  maxBodyBytes: number;
  credentials: CredentialSource;
  scheme: (registry: string) => 'http' | 'https';
  now: () => Date;
  userAgent: string;
  /** Bearer tokens by realm, service, scope and user: several tags of one repository share one. */
  tokens: Map<string, CachedToken>;
}

export class RegistryClient {
  private readonly timeoutMs: number;
  private readonly state: ClientState;

  constructor(options: RegistryClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 8000;
    this.state = {
      maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
      credentials: options.credentials ?? new DockerConfigCredentials(),
      scheme: options.scheme ?? ((registry) => (isLoopback(registry) ? 'http' : 'https')),
      now: options.now ?? (() => new Date()),
      userAgent: options.userAgent ?? 'dockerfile-size-hints',
      tokens: new Map(),
    };
  }

  /** Looks an image up; `platform` is "os/arch[/variant]" (default: the host's). Never rejects. */
  async lookup(reference: string | ImageReference, platform?: string | Platform): Promise<RegistryResult> {
    const ref = typeof reference === 'string' ? parseReference(reference) : reference;
    if (!ref) return failure('malformed', `not a literal image reference: ${String(reference).slice(0, 100)}`);
    const wanted = platform === undefined ? hostPlatform() : typeof platform === 'string' ? parsePlatform(platform) : normalisePlatform(platform);
    if (!wanted) return failure('malformed', `not a platform: ${String(platform).slice(0, 50)}`);
    try {
      return await new Lookup(this.state, ref, wanted, AbortSignal.timeout(this.timeoutMs)).run();
    } catch (error) {
      // Defensive: a bug must not become a rejected promise in the editor.
      return failure('malformed', `unexpected error: ${error instanceof Error ? error.name : 'unknown'}`);
    }
  }
}

/** The state of one lookup: its reference, deadline and the Authorization it earned. */
class Lookup {
  private readonly base: string;
  private authorization: string | undefined;
  private authTried = false;
  private credential: Credential | undefined | null = null; // null = not read yet

  constructor(private readonly env: ClientState, private readonly ref: ImageReference, private readonly wanted: Platform, private readonly signal: AbortSignal) {
    this.base = `${env.scheme(ref.registry)}://${apiHost(ref.registry)}/v2/${ref.repository}`;
  }

  async run(): Promise<RegistryResult> {
    const asked = this.ref.digest ?? this.ref.tag!;
    const top = await this.fetchManifest(asked, this.ref.digest);
    if (!top.ok) return top;

    let manifest = top;
    let indexDigest: string | undefined;
    let platform: Platform | undefined;
    let platformMatched = true;

    if (INDEX_TYPES.has(top.mediaType)) {
      const entries = descriptors(top.json.manifests);
      if (!entries) return failure('malformed', `index of ${this.name()} has no valid "manifests" list`);
      const chosen = selectPlatform(entries, this.wanted);
      if (!chosen) {
        const has = entries.filter((e) => e.platform && e.platform.architecture !== 'unknown').map((e) => formatPlatform(normalisePlatform(e.platform!)));
        return failure('not-found', `${this.name()} has no ${formatPlatform(this.wanted)} image (index lists ${has.join(', ') || 'no platforms'})`);
      }
      const inner = await this.fetchManifest(chosen.digest, chosen.digest);
      if (!inner.ok) return inner;
      if (!MANIFEST_TYPES.has(inner.mediaType)) return failure('malformed', `index entry ${chosen.digest} is ${inner.mediaType}, not an image manifest`);
      manifest = inner;
      indexDigest = top.digest;
      platform = normalisePlatform(chosen.platform!);
    } else if (MANIFEST_TYPES.has(top.mediaType)) {
      platform = await this.configPlatform(top.json.config);
      platformMatched = platform === undefined || platformMatches(this.wanted, platform);
    } else {
      const schema1 = top.json.schemaVersion === 1 ? ' (schema 1 manifests carry no sizes)' : '';
      return failure('malformed', `unsupported manifest type ${top.mediaType || 'unknown'} for ${this.name()}${schema1}`);
    }

    const layers = layerList(manifest.json.layers);
    if (!layers) return failure('malformed', `manifest ${manifest.digest} has no valid "layers" list`);
    return {
      ok: true,
      registry: this.ref.registry,
      repository: this.ref.repository,
      reference: asked,
      digest: manifest.digest,
      ...(indexDigest !== undefined ? { indexDigest } : {}),
      mediaType: manifest.mediaType,
      ...(platform !== undefined ? { platform } : {}),
      platformMatched,
      compressedBytes: layers.reduce((sum, l) => sum + l.size, 0),
      layers,
      fetchedAt: this.env.now().toISOString(),
    };
  }

  private name(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  private async fetchManifest(reference: string, expectDigest: string | undefined): Promise<RegistryFailure | { ok: true; json: Record<string, unknown>; mediaType: string; digest: string }> {
    const res = await this.get(`${this.base}/manifests/${reference}`, ACCEPT);
    if (!res.ok) return res;
    const json = parseJson(res.body);
    if (!json) return failure('malformed', `manifest ${this.name()}:${reference} is not a JSON object`);
    const digest = `sha256:${sha256().update(res.body).digest('hex')}`;
    if (expectDigest?.startsWith('sha256:') && expectDigest.toLowerCase() !== digest) {
      return failure('malformed', `manifest bytes do not match ${expectDigest} (got ${digest})`);
    }
    const header = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const declared = typeof json.mediaType === 'string' ? json.mediaType : '';
    let mediaType = declared || header;
    if (!INDEX_TYPES.has(mediaType) && !MANIFEST_TYPES.has(mediaType)) {
      // OCI allows omitting mediaType; fall back on the shape.
      if (Array.isArray(json.manifests)) mediaType = MEDIA_TYPES.ociIndex;
      else if (json.schemaVersion === 2 && Array.isArray(json.layers) && typeof json.config === 'object') mediaType = MEDIA_TYPES.ociManifest;
    }
    return { ok: true, json, mediaType, digest };
  }

  /** Platform from a single manifest's config blob; undefined if it cannot be read. */
  private async configPlatform(config: unknown): Promise<Platform | undefined> {
    const digest = (config as { digest?: unknown } | undefined)?.digest;
    if (typeof digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
    const res = await this.get(`${this.base}/blobs/${digest}`, '*/*');
    if (!res.ok) return undefined;
    if (`sha256:${sha256().update(res.body).digest('hex')}` !== digest) return undefined;
    const json = parseJson(res.body);
    if (!json || typeof json.os !== 'string' || typeof json.architecture !== 'string') return undefined;
    return normalisePlatform({ os: json.os, architecture: json.architecture, ...(typeof json.variant === 'string' ? { variant: json.variant } : {}) });
  }

  /** GET with the auth dance; maps statuses to failure reasons. */
  private async get(urlText: string, accept: string): Promise<HttpResponse | RegistryFailure> {
    const url = new URL(urlText);
    let res = await this.send(url, accept);
    if (res.ok && res.status === 401 && !this.authTried) {
      this.authTried = true;
      const auth = await this.authorise(res.headers.get('www-authenticate') ?? '');
      if (auth) return auth;
      res = await this.send(url, accept);
    }
    if (!res.ok) return res;
    if (res.status >= 200 && res.status < 300) return res;
    const code = registryErrorCode(res.body);
    const where = `${describe(url)} answered ${res.status}${code ? ` ${code}` : ''}`;
    if (res.status === 401 || res.status === 403) return failure('unauthorised', `${where} ${this.authorization ? 'with the credentials/token used' : 'to an anonymous request'}`);
    if (res.status === 404) return failure('not-found', where);
    if (res.status === 429) return failure('server-error', `${where} (rate limited)`);
    return failure('server-error', where);
  }

  private send(url: URL, accept: string): Promise<HttpResponse | RegistryFailure> {
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': this.env.userAgent };
    if (this.authorization) headers.Authorization = this.authorization;
    return request({ url, headers, signal: this.signal, maxBodyBytes: this.env.maxBodyBytes });
  }

  /** Sets `this.authorization` from a 401 challenge; returns a failure when that is impossible. */
  private async authorise(header: string): Promise<RegistryFailure | undefined> {
    const challenges = parseWwwAuthenticate(header);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    const credential = await this.getCredential();
    if (bearer) return this.bearerToken(bearer, credential);
    if (basic) {
      if (credential?.kind !== 'basic') return failure('unauthorised', `${this.ref.registry} requires a login and the Docker config has none for it`);
      this.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      return undefined;
    }
    return failure('unauthorised', `${this.ref.registry} answered 401 without a usable challenge`);
  }

  private async getCredential(): Promise<Credential | undefined> {
    if (this.credential === null) {
      try {
        this.credential = await this.env.credentials.get(this.ref.registry, this.signal);
      } catch {
        this.credential = undefined;
      }
    }
    return this.credential;
  }

  private async bearerToken(challenge: Challenge, credential: Credential | undefined): Promise<RegistryFailure | undefined> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm!);
    } catch {
      return failure('malformed', `${this.ref.registry} sent a token realm that is not a URL`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') return failure('malformed', `token realm has unsupported scheme ${realm.protocol}`);
    // Never send a secret in clear text to a host that is not this machine.
    if (realm.protocol === 'http:' && !isLoopback(realm.host)) credential = undefined;

    const service = challenge.params.service ?? '';
    const scope = `repository:${this.ref.repository}:pull`;
    const who = credential?.kind === 'basic' ? credential.username : credential ? 'identity-token' : '';
    const key = `${realm.href}\n${service}\n${scope}\n${who}`;
    const cached = this.env.tokens.get(key);
    if (cached && cached.expiresAt > this.env.now().getTime()) {
      this.authorization = `Bearer ${cached.value}`;
      return undefined;
    }

    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.env.userAgent };
    let res: HttpResponse | RegistryFailure;
    if (credential?.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', service, scope, client_id: this.env.userAgent, refresh_token: credential.token });
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      res = await request({ method: 'POST', url: realm, headers, body: form.toString(), signal: this.signal, maxBodyBytes: 256 * 1024 });
    } else {
      const url = new URL(realm.href);
      if (service) url.searchParams.set('service', service);
      url.searchParams.set('scope', scope);
      if (credential) headers.Authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      res = await request({ url, headers, signal: this.signal, maxBodyBytes: 256 * 1024 });
    }
    if (!res.ok) return res;
    if (res.status === 401 || res.status === 403) {
      return failure('unauthorised', `token server ${describe(realm)} refused ${credential ? 'the credentials from the Docker config' : 'an anonymous token'} (${res.status})`);
    }
    if (res.status < 200 || res.status >= 300) return failure('server-error', `token server ${describe(realm)} answered ${res.status}`);
    const json = parseJson(res.body);
    const token = typeof json?.token === 'string' ? json.token : typeof json?.access_token === 'string' ? json.access_token : '';
    if (!token) return failure('malformed', `token server ${describe(realm)} sent no token`);
    const lifetime = typeof json?.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
    this.env.tokens.set(key, { value: token, expiresAt: this.env.now().getTime() + Math.max(0, lifetime - 10) * 1000 });
    this.authorization = `Bearer ${token}`;
    return undefined;
  }
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The first `errors[].code` of a registry error body ("MANIFEST_UNKNOWN"), if any. */
function registryErrorCode(body: Buffer): string | undefined {
  const code = (parseJson(body)?.errors as Array<{ code?: unknown }> | undefined)?.[0]?.code;
  return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : undefined;
}

interface Descriptor { digest: string; mediaType?: string; platform?: Platform }

function descriptors(value: unknown): Descriptor[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: Descriptor[] = [];
  for (const item of value) {
    const d = item as { digest?: unknown; mediaType?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } };
    if (typeof d?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(d.digest)) return undefined;
    const p = d.platform;
    const platform = p && typeof p.os === 'string' && typeof p.architecture === 'string'
      ? { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' ? { variant: p.variant } : {}) }
      : undefined;
    out.push({ digest: d.digest, ...(typeof d.mediaType === 'string' ? { mediaType: d.mediaType } : {}), ...(platform ? { platform } : {}) });
  }
  return out;
}

function layerList(value: unknown): LayerInfo[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: LayerInfo[] = [];
  for (const item of value) {
    const l = item as { digest?: unknown; size?: unknown; mediaType?: unknown };
    if (typeof l?.digest !== 'string' || typeof l.size !== 'number' || !Number.isSafeInteger(l.size) || l.size < 0) return undefined;
    out.push({ digest: l.digest, size: l.size, mediaType: typeof l.mediaType === 'string' ? l.mediaType : '' });
  }
  return out;
}
