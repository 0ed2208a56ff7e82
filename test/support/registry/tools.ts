/**
 * Small helpers for tests that drive real programs: find required binaries (failing with the
 * Debian package to install), run a program without a shell, pick a free loopback port, poll.
 */
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Binaries the registry suites need, with the Debian package that provides each. */
export const REGISTRY_TOOLS: ReadonlyArray<[binary: string, debianPackage: string]> = [
  ['docker-registry', 'docker-registry'],
  ['skopeo', 'skopeo'],
  ['umoci', 'umoci'],
  ['htpasswd', 'apache2-utils'],
  ['openssl', 'openssl'],
];

async function onPath(binary: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      await fs.access(path.join(dir, binary), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Throws (failing the suite, not skipping it) when a binary is missing, naming its package. */
export async function requireTools(tools: ReadonlyArray<[string, string]> = REGISTRY_TOOLS): Promise<void> {
  const missing: string[] = [];
  for (const [binary, pkg] of tools) if (!(await onPath(binary))) missing.push(`${binary} (Debian package "${pkg}")`);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: install with apt-get install --no-install-recommends ` +
      `${tools.filter(([b]) => missing.some((m) => m.startsWith(`${b} `))).map(([, p]) => p).join(' ')} ` +
      '(listed in test/setup/apt-packages.txt)');
  }
}

/** Runs a program (no shell) and returns stdout; rejects with its stderr on failure. */
export function run(file: string, args: string[], options: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${String(stderr).slice(-2000)}`));
      else resolve(String(stdout));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns true; throws after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
