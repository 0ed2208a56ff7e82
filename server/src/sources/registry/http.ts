/**
 * One HTTP GET/POST with the limits every registry request needs: the caller's abort signal (the
 * lookup's overall time limit), a cap on the body size, and redirects followed by hand so that
 * the Authorization header is dropped when a redirect leaves the origin (blob downloads are
 * redirected to CDNs with signed URLs). Failures come back as values with a reason.
 */
import { failure, type RegistryFailure } from './types';

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  maxBodyBytes: number;
}

export interface HttpResponse {
  ok: true;
  status: number;
  headers: Headers;
  body: Buffer;
  /** Final URL after redirects. */
  url: URL;
}

const MAX_REDIRECTS = 5;
const OFFLINE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE',
  'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL',
]);

export async function request(req: HttpRequest): Promise<HttpResponse | RegistryFailure> {
  let url = req.url;
  const headers = { ...req.headers };
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method ?? 'GET',
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        redirect: 'manual',
        signal: req.signal,
      });
    } catch (error) {
      return networkFailure(error, req.signal, url);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
      await res.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) return failure('server-error', `too many redirects from ${describe(req.url)}`);
      const next = new URL(res.headers.get('location')!, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') return failure('malformed', `redirect to unsupported URL scheme ${next.protocol}`);
      if (next.origin !== url.origin) delete headers.Authorization;
      url = next;
      continue;
    }
    const body = await readBounded(res, req.maxBodyBytes, req.signal, url);
    if (!Buffer.isBuffer(body)) return body;
    return { ok: true, status: res.status, headers: res.headers, body, url };
  }
}

async function readBounded(res: Response, max: number, signal: AbortSignal, url: URL): Promise<Buffer | RegistryFailure> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return failure('too-large', `${describe(url)} declares ${declared} bytes, over the ${max}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        return failure('too-large', `${describe(url)} sent more than the ${max}-byte limit`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    return networkFailure(error, signal, url);
  }
  return Buffer.concat(chunks, total);
}

function networkFailure(error: unknown, signal: AbortSignal, url: URL): RegistryFailure {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
    return failure(timedOut ? 'timeout' : 'offline', `${describe(url)}: ${timedOut ? 'no answer within the time limit' : 'cancelled'}`);
  }
  const code = errorCode(error);
  if (code && OFFLINE_CODES.has(code)) return failure('offline', `${describe(url)}: cannot connect (${code})`);
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) return failure('offline', `${describe(url)}: TLS failed (${code})`);
  return failure('offline', `${describe(url)}: request failed${code ? ` (${code})` : ''}`);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Origin and path only: query strings may carry scopes or signed tokens, user info is dropped. */
export function describe(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
