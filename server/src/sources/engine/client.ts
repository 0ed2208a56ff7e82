/**
 * A Docker Engine API client over the engine's socket (or plain TCP), using only `node:http`:
 * no docker CLI and no shell, so nothing from a Dockerfile ever reaches a command line. It
 * negotiates the API version once (`GET /version`), puts a time limit and a size cap on every
 * request, and returns failures as values.
 *
 * Podman's Docker-compatible API answers the same endpoints, so its sockets work too.
 */
import type { IncomingMessage } from 'node:http';
import type * as Http from 'node:http';
import { existsSync } from 'node:fs';
import { chooseEndpoint, describeEndpoint, type EngineEndpoint } from './endpoint';
import { ExportLimitError, ImageArchiveReader, type ExportLimits, type ImageLayers } from './layers';
import { TarFormatError } from './tar';

export type EngineFailureReason = 'no-engine' | 'unreachable' | 'timeout' | 'not-found' | 'engine-error' | 'malformed' | 'too-large';
export type EngineFailure = { ok: false; reason: EngineFailureReason; detail: string };
export type EngineResult<T> = { ok: true; value: T } | EngineFailure;

export interface ImageInspect {
  id: string;
  repoTags: string[];
  /** Unpacked bytes of all layers (what `docker images` shows). */
  size: number;
  created: string;
  labels: Record<string, string>;
  layers: string[];
}

/** One `GET /images/{name}/history` entry; the API lists them newest first. */
export interface HistoryItem {
  id: string;
  created: number;
  createdBy: string;
  size: number;
  tags: string[];
  comment: string;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  created: number;
  size: number;
  labels: Record<string, string>;
}

export interface EngineClientOptions {
  /** Per-request time limit for small JSON answers (default 3 s). */
  timeoutMs?: number;
  /** Cap on a JSON answer (default 16 MB). */
  maxJsonBytes?: number;
}

/** API versions we speak: every endpoint used here exists since 1.24 (Docker 1.12). */
const MIN_API = [1, 24] as const;
const MAX_API = [1, 43] as const;

export const DEFAULT_EXPORT_LIMITS: ExportLimits & { timeoutMs: number } = { maxBytes: 8e9, maxEntries: 2_000_000, timeoutMs: 180_000 };

function fail(reason: EngineFailureReason, detail: string): EngineFailure {
  return { ok: false, reason, detail };
}

export class EngineClient {
  private apiPrefix: Promise<EngineResult<string>> | undefined;
  private readonly timeoutMs: number;
  private readonly maxJsonBytes: number;

  constructor(readonly endpoint: EngineEndpoint, opts: EngineClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.maxJsonBytes = opts.maxJsonBytes ?? 16 << 20;
  }

  /** Where this client talks to, for messages. */
  get address(): string {
    return describeEndpoint(this.endpoint);
  }

  /** `/v1.NN`, the lower of the engine's API version and ours; asked once and remembered (failures are asked again). */
  private prefix(): Promise<EngineResult<string>> {
    this.apiPrefix ??= this.getJson<{ ApiVersion?: string; Version?: string }>('/version').then((r) => {
      if (!r.ok) {
        this.apiPrefix = undefined;
        return r;
      }
      const m = /^(\d+)\.(\d+)$/.exec(r.value.ApiVersion ?? '');
      if (!m) return fail('malformed', `the engine at ${this.address} reports no API version`);
      const server = [Number(m[1]), Number(m[2])] as const;
      if (cmp(server, MIN_API) < 0) return fail('engine-error', `the engine's API ${m[0]} is older than ${MIN_API.join('.')}`);
      const use = cmp(server, MAX_API) < 0 ? server : MAX_API;
      return { ok: true, value: `/v${use[0]}.${use[1]}` };
    });
    return this.apiPrefix;
  }

  async version(): Promise<EngineResult<{ version: string; apiVersion: string }>> {
    const r = await this.getJson<{ Version?: string; ApiVersion?: string }>('/version');
    return r.ok ? { ok: true, value: { version: r.value.Version ?? '', apiVersion: r.value.ApiVersion ?? '' } } : r;
  }

  async imageInspect(ref: string): Promise<EngineResult<ImageInspect>> {
    const r = await this.api<{ Id?: string; RepoTags?: string[] | null; Size?: number; Created?: string; Config?: { Labels?: Record<string, string> | null }; RootFS?: { Layers?: string[] } }>(`/images/${encodeRef(ref)}/json`);
    if (!r.ok) return r;
    const v = r.value;
    if (typeof v.Id !== 'string' || typeof v.Size !== 'number') return fail('malformed', 'image inspect without Id or Size');
    return { ok: true, value: { id: v.Id, repoTags: v.RepoTags ?? [], size: v.Size, created: v.Created ?? '', labels: v.Config?.Labels ?? {}, layers: v.RootFS?.Layers ?? [] } };
  }

  /** The image's history, newest entry first (as the engine sends it). */
  async imageHistory(ref: string): Promise<EngineResult<HistoryItem[]>> {
    const r = await this.api<{ Id?: string; Created?: number; CreatedBy?: string; Size?: number; Tags?: string[] | null; Comment?: string }[]>(`/images/${encodeRef(ref)}/history`);
    if (!r.ok) return r;
    if (!Array.isArray(r.value)) return fail('malformed', 'history is not a list');
    return {
      ok: true,
      value: r.value.map((h) => ({ id: h.Id ?? '', created: h.Created ?? 0, createdBy: h.CreatedBy ?? '', size: typeof h.Size === 'number' ? h.Size : 0, tags: h.Tags ?? [], comment: h.Comment ?? '' })),
    };
  }

  /** Local images (not intermediate ones), optionally only those with all the given labels (`key` or `key=value`). */
  async listImages(filter: { labels?: string[] } = {}): Promise<EngineResult<ImageSummary[]>> {
    const query = filter.labels?.length ? `?filters=${encodeURIComponent(JSON.stringify({ label: filter.labels }))}` : '';
    const r = await this.api<{ Id?: string; RepoTags?: string[] | null; Created?: number; Size?: number; Labels?: Record<string, string> | null }[]>(`/images/json${query}`);
    if (!r.ok) return r;
    if (!Array.isArray(r.value)) return fail('malformed', 'image list is not a list');
    return { ok: true, value: r.value.map((i) => ({ id: i.Id ?? '', repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), created: i.Created ?? 0, size: i.Size ?? 0, labels: i.Labels ?? {} })) };
  }

  /**
   * Streams `GET /images/{name}/get` (the `docker save` archive) through the archive reader and
   * returns each layer's file list with the config's history. Bounded in bytes, files and time.
   */
  async exportLayers(ref: string, limits: Partial<typeof DEFAULT_EXPORT_LIMITS> = {}): Promise<EngineResult<ImageLayers>> {
    const lim = { ...DEFAULT_EXPORT_LIMITS, ...limits };
    const prefix = await this.prefix();
    if (!prefix.ok) return prefix;
    const reader = new ImageArchiveReader(lim);
    const res = await this.open(`${prefix.value}/images/${encodeRef(ref)}/get`, lim.timeoutMs);
    if (!res.ok) return res;
    const msg = res.value;
    if (msg.statusCode !== 200) return this.statusFailure(msg.statusCode ?? 0, await readBody(msg, 64 << 10).catch(() => ''));
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: EngineResult<ImageLayers>) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        msg.destroy();
        resolve(r);
      };
      const timer = setTimeout(() => finish(fail('timeout', `exporting ${ref} took longer than ${lim.timeoutMs / 1000} s`)), lim.timeoutMs);
      msg.on('data', (c: Buffer) => {
        try {
          reader.write(c);
        } catch (e) {
          finish(fail(e instanceof ExportLimitError ? 'too-large' : 'malformed', errorText(e)));
        }
      });
      msg.on('error', (e) => finish(fail('unreachable', errorText(e))));
      msg.on('end', () => {
        try {
          finish({ ok: true, value: reader.result(ref) });
        } catch (e) {
          finish(fail(e instanceof TarFormatError ? 'malformed' : 'malformed', errorText(e)));
        }
      });
    });
  }

  private async api<T>(path: string): Promise<EngineResult<T>> {
    const prefix = await this.prefix();
    if (!prefix.ok) return prefix;
    return this.getJson<T>(`${prefix.value}${path}`);
  }

  private async getJson<T>(path: string): Promise<EngineResult<T>> {
    const res = await this.open(path, this.timeoutMs);
    if (!res.ok) return res;
    const msg = res.value;
    let body: string;
    try {
      body = await withTimeout(readBody(msg, this.maxJsonBytes), this.timeoutMs, () => msg.destroy());
    } catch (e) {
      return fail(e instanceof BodyTooLarge ? 'too-large' : e instanceof TimeoutError ? 'timeout' : 'unreachable', errorText(e));
    }
    if (msg.statusCode !== 200) return this.statusFailure(msg.statusCode ?? 0, body);
    try {
      return { ok: true, value: JSON.parse(body) as T };
    } catch {
      return fail('malformed', `${path}: the engine sent something that is not JSON`);
    }
  }

  private statusFailure(status: number, body: string): EngineFailure {
    let message = body.trim();
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      /* plain text */
    }
    return fail(status === 404 ? 'not-found' : 'engine-error', `${status}: ${message.slice(0, 300)}`);
  }

  /** Sends a GET and resolves once the response headers arrived (or the time limit passed). */
  private open(path: string, timeoutMs: number): Promise<EngineResult<IncomingMessage>> {
    return new Promise((resolve) => {
      const target = this.endpoint.kind === 'unix' ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.host, port: this.endpoint.port };
      let settled = false;
      const settle = (r: EngineResult<IncomingMessage>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      // node:http is loaded on the first engine call, not at start-up (most sessions make none).
      const req = (require('node:http') as typeof Http).request({ ...target, path, method: 'GET', headers: { Host: 'docker', Accept: 'application/json' } }, (res) => settle({ ok: true, value: res }));
      const timer = setTimeout(() => {
        req.destroy();
        settle(fail('timeout', `the engine at ${this.address} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        const missing = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES';
        settle(fail(missing ? 'no-engine' : 'unreachable', `${this.address}: ${e.code ?? e.message}`));
      });
      req.end();
    });
  }
}

/** Creates a client for the engine the environment points at, or says why there is none. */
export function createEngineClient(opts: EngineClientOptions & { host?: string; env?: NodeJS.ProcessEnv; exists?: (p: string) => boolean } = {}): EngineResult<EngineClient> {
  const choice = chooseEndpoint(opts.env ?? process.env, opts.exists ?? existsSync, opts.host);
  return choice.ok ? { ok: true, value: new EngineClient(choice.endpoint, opts) } : fail('no-engine', choice.detail);
}

/** Image references go into the URL path encoded; anything odd is refused before a request is made. */
function encodeRef(ref: string): string {
  return encodeURIComponent(ref);
}

export function isPlausibleRef(ref: string): boolean {
  return ref.length > 0 && ref.length <= 512 && /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/.test(ref);
}

function cmp(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

class BodyTooLarge extends Error {}
class TimeoutError extends Error {}

function readBody(msg: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    msg.on('data', (c: Buffer) => {
      total += c.length;
      if (total > max) {
        msg.destroy();
        reject(new BodyTooLarge(`answer larger than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    msg.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    msg.on('error', reject);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new TimeoutError(`no complete answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
