/**
 * Starts Debian's Docker Engine (`dockerd` from the `docker.io` package) privately for a test or a
 * benchmark, and stops it again. Everything lives in one temporary directory: data root, exec
 * root, pidfile and a unix socket, so it never touches a system engine and leaves nothing behind.
 * The engine gets no bridge network and no NAT rules (`--bridge=none --iptables=false`): builds
 * run with `--network none`, or `--network host` when a RUN must reach Debian's mirror.
 */
import { existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { run, runOk, which, type RunOptions, type RunResult } from './exec';

export interface Engine {
  /** The private directory holding data root, exec root, socket and pidfile. */
  readonly dir: string;
  readonly socket: string;
  readonly pid: number;
  /** Environment for a docker client talking to this engine (DOCKER_HOST, DOCKER_CONFIG). */
  readonly env: NodeJS.ProcessEnv;
  /** The Docker client binary used (Debian's /usr/bin/docker when present). */
  readonly client: string;
  /** Server version as reported by the Engine API (`GET /version`). */
  readonly version: string;
  /** Runs the docker client against this engine. */
  docker(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Like {@link docker} but rejects on a non-zero exit. */
  dockerOk(args: readonly string[], opts?: RunOptions): Promise<string>;
  /** Stops the engine by the PID in its pidfile and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown when the engine cannot run on this machine; callers turn it into a printed skip. */
export class EngineUnavailable extends Error {}

/** GETs a path of the Engine API over the unix socket; resolves with status and body. */
export function engineGet(socket: string, path: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StartOptions {
  /** Give up waiting for readiness after this long (default 30 s). */
  readyTimeoutMs?: number;
}

/**
 * Starts a private dockerd and resolves once `GET /_ping` answers OK.
 * @throws EngineUnavailable when dockerd is not installed or we are not root.
 */
export async function startEngine(opts: StartOptions = {}): Promise<Engine> {
  const dockerd = which('dockerd');
  if (!dockerd) throw new EngineUnavailable('dockerd is not installed (Debian package docker.io; see test/setup/apt-packages.txt)');
  if (process.getuid && process.getuid() !== 0) throw new EngineUnavailable('dockerd needs root here (no rootless setup)');
  const client = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : which('docker');
  if (!client) throw new EngineUnavailable('no docker client found');

  const dir = mkdtempSync(join(tmpdir(), 'dsh-engine-'));
  const socket = join(dir, 'docker.sock');
  const pidfile = join(dir, 'dockerd.pid');
  mkdirSync(join(dir, 'client'));
  // A config file of our own keeps dockerd from reading /etc/docker/daemon.json, and the key path
  // keeps it from writing /etc/docker/key.json.
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }));
  const args = [
    '--config-file', join(dir, 'daemon.json'),
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', pidfile,
    '-H', `unix://${socket}`,
    '--bridge=none', '--iptables=false', '--ip-masq=false', '--userland-proxy=false',
    '--default-ulimit', 'nofile=20000:20000',
  ];
  const log = join(dir, 'dockerd.log');
  const fd = openSync(log, 'a');
  const child = spawn(dockerd, args, { stdio: ['ignore', fd, fd], detached: true });
  child.unref();
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'client'), DOCKER_BUILDKIT: '0' };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    let pid = child.pid ?? 0;
    try {
      pid = Number(readFileSync(pidfile, 'utf8').trim()) || pid;
    } catch {
      /* dockerd may have died before writing its pidfile; fall back to the child's PID */
    }
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (alive(pid) && Date.now() < deadline) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      while (alive(pid)) await sleep(50);
    }
    // dockerd unmounts its overlay layers on a clean exit; a leftover mount would make rm fail,
    // so unmount whatever is still mounted under our directory first.
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m): m is string => !!m && m.startsWith(dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) await run('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  let version = '';
  for (;;) {
    if (child.exitCode !== null) {
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-10).join('\n');
      await stop();
      throw new EngineUnavailable(`dockerd exited with code ${child.exitCode}:\n${tail}`);
    }
    try {
      const ping = await engineGet(socket, '/_ping', 1000);
      if (ping.status === 200) {
        version = (JSON.parse((await engineGet(socket, '/version')).body) as { Version: string }).Version;
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new EngineUnavailable('dockerd did not answer /_ping in time');
    }
    await sleep(100);
  }

  return {
    dir,
    socket,
    pid: child.pid ?? 0,
    env,
    client,
    version,
    docker: (a, o = {}) => run(client, a, { ...o, env: { ...env, ...o.env } }),
    dockerOk: (a, o = {}) => runOk(client, a, { ...o, env: { ...env, ...o.env } }),
    stop,
  };
}
