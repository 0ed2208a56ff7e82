/**
 * Tiny HTTP servers that misbehave on purpose, for the cases a real registry will not produce on
 * demand: a 500, a server that accepts connections and never answers, an endless body, bad JSON.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServer { host: string; hits: number; stop(): Promise<void> }

export async function startFakeServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<FakeServer> {
  const state = { hits: 0 };
  const server = http.createServer((req, res) => { state.hits++; handler(req, res); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get hits() { return state.hits; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Accepts the request and never writes a byte back. */
export const neverAnswers = (): void => undefined;

/** Answers every request with a status and a registry-style error body. */
export const answersStatus = (status: number, code = 'UNKNOWN') => (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code, message: 'fake' }] }));
};

/** Streams `bytes` of JSON-ish garbage without a Content-Length (chunked). */
export const answersEndlessly = (bytes: number) => (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const pump = (): void => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) { res.once('drain', pump); return; }
    }
    res.end();
  };
  pump();
};
