/**
 * A small Docker-style token server for `docker-registry`'s token auth: GET /token?service=&scope=
 * (anonymous or with Basic credentials) and POST /token with grant_type=refresh_token (identity
 * tokens), answering RS256 JWTs whose header carries the signing certificate in `x5c`. The
 * registry trusts them because the same self-signed certificate (made with `openssl`) is its
 * `rootcertbundle`. Every request is recorded so tests can check what the client sent.
 */
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { run } from './tools';

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** user -> password accepted on GET (Basic). */
  users: Record<string, string>;
  /** Refresh (identity) tokens accepted on POST, mapped to the user they stand for. */
  refreshTokens?: Record<string, string>;
  /** Whether anonymous requests get a pull token (like public images on Docker Hub). */
  anonymousPull: boolean;
}

export interface TokenRequest { method: string; scope: string; service: string; user?: string; grantType?: string; status: number }

export interface TokenServer {
  realm: string;
  certFile: string;
  requests: TokenRequest[];
  stop(): Promise<void>;
}

export async function startTokenServer(dir: string, options: TokenServerOptions): Promise<TokenServer> {
  await fs.mkdir(dir, { recursive: true });
  const keyFile = path.join(dir, 'token-key.pem');
  const certFile = path.join(dir, 'token-cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=dsh-test-token-signer']);
  const key = createPrivateKey(await fs.readFile(keyFile));
  const certDer = new X509Certificate(await fs.readFile(certFile)).raw;
  const requests: TokenRequest[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const params = req.method === 'POST' ? form : url.searchParams;
      const scope = params.get('scope') ?? '';
      const service = params.get('service') ?? '';
      let user: string | undefined;
      let authenticated = false;
      const grantType = req.method === 'POST' ? form.get('grant_type') ?? '' : undefined;
      if (req.method === 'POST') {
        user = grantType === 'refresh_token' ? options.refreshTokens?.[form.get('refresh_token') ?? ''] : undefined;
        authenticated = user !== undefined;
      } else {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        if (basic) {
          const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          user = decoded.slice(0, colon);
          authenticated = colon > 0 && options.users[user] === decoded.slice(colon + 1);
        }
      }
      const record = (status: number): void => { requests.push({ method: req.method ?? '', scope, service, ...(user !== undefined ? { user } : {}), ...(grantType !== undefined ? { grantType } : {}), status }); };
      const presentedCredentials = req.headers.authorization !== undefined || req.method === 'POST';
      if ((presentedCredentials && !authenticated) || (!authenticated && !options.anonymousPull) || service !== options.service) {
        record(401);
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      // Grant what was asked: pull for everyone, push too for logged-in users (skopeo pushes).
      const access = scope.split(' ').filter(Boolean).map((s) => {
        const [type, name, actions] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1, s.lastIndexOf(':')), s.slice(s.lastIndexOf(':') + 1)];
        const granted = actions.split(',').filter((a) => a === 'pull' || (authenticated && (a === 'push' || a === '*')));
        return { type, name, actions: granted };
      });
      const token = jwt(key, certDer, { iss: options.issuer, sub: user ?? '', aud: service, access });
      record(200);
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certFile,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function jwt(key: KeyObject, certDer: Buffer, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
  const body = { ...claims, iat: now, nbf: now - 10, exp: now + 300, jti: randomUUID() };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(body))}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), key))}`;
}

