/**
 * Starts Debian's `docker-registry` (CNCF distribution) on a free loopback port with its storage
 * in a temp directory, optionally with htpasswd (Basic) or token (Bearer) auth, and stops it by
 * PID. Readiness = `GET /v2/` answers at all (200, or 401 when auth is on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { freePort, waitFor } from './tools';

export type RegistryAuth =
  | { htpasswd: string }
  | { token: { realm: string; service: string; issuer: string; rootCertBundle: string } };

export interface RegistryProcess {
  /** "127.0.0.1:PORT", usable as the registry part of a reference. */
  host: string;
  pid: number;
  /** Root of the registry's filesystem storage. */
  dataDir: string;
  /** Size in bytes of a stored blob, read from the registry's storage. */
  blobSize(digest: string): Promise<number>;
  stop(): Promise<void>;
}

export interface RegistryTls { certificate: string; key: string }

export async function startRegistry(dir: string, auth?: RegistryAuth, tls?: RegistryTls): Promise<RegistryProcess> {
  await fs.mkdir(dir, { recursive: true });
  const port = await freePort();
  const dataDir = path.join(dir, 'data');
  const lines = [
    'version: 0.1',
    'log: {level: warn, accesslog: {disabled: true}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(dataDir)}}, delete: {enabled: true}}`,
    tls
      ? `http: {addr: "127.0.0.1:${port}", tls: {certificate: ${JSON.stringify(tls.certificate)}, key: ${JSON.stringify(tls.key)}}}`
      : `http: {addr: "127.0.0.1:${port}"}`,
  ];
  if (auth && 'htpasswd' in auth) lines.push(`auth: {htpasswd: {realm: test-realm, path: ${JSON.stringify(auth.htpasswd)}}}`);
  if (auth && 'token' in auth) {
    const t = auth.token;
    lines.push(`auth: {token: {realm: ${JSON.stringify(t.realm)}, service: ${JSON.stringify(t.service)}, issuer: ${JSON.stringify(t.issuer)}, rootcertbundle: ${JSON.stringify(t.rootCertBundle)}}}`);
  }
  const config = path.join(dir, 'registry.yml');
  await fs.writeFile(config, `${lines.join('\n')}\n`);

  const log = createWriteStream(path.join(dir, 'registry.log'));
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  if (child.pid === undefined) throw new Error('docker-registry did not start');
  const pid = child.pid;
  const host = `127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (!exited) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => { if (!exited) process.kill(pid, 'SIGKILL'); }, 3000);
      await exit;
      clearTimeout(killer);
    }
    log.end();
  };

  try {
    await waitFor(`docker-registry on ${host}`, async () => {
      if (exited) throw new Error(`docker-registry exited early; see ${path.join(dir, 'registry.log')}`);
      const status = await probeStatus(`${tls ? 'https' : 'http'}://${host}/v2/`);
      return status === 200 || status === 401;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    host, pid, dataDir, stop,
    async blobSize(digest: string) {
      const hex = digest.replace(/^sha256:/, '');
      const stat = await fs.stat(path.join(dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data'));
      return stat.size;
    },
  };
}

/** HTTP status of a GET (certificate not checked: this only asks "is it up?"); 0 on error. */
function probeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { rejectUnauthorized: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
