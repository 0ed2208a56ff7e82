/**
 * Real VS Code without downloading VS Code: code-server 4.100.3 (VS Code 1.100.3's server and
 * web workbench, from npm) driven by Debian's headless Chromium through playwright-core.
 * Shared by the integration runner (test/vscode/run.ts) and the UI test (test/ui/run.ts).
 *
 * Why it looks like this (details in the team guide "VS Code in a browser"):
 * - code-server writes a config with a random password into $HOME unless it gets `--config`
 *   and a private HOME, XDG_* folders and TMPDIR, so every run gets a throw-away sandbox folder;
 * - it has no `--extensionDevelopmentPath` flag; the web workbench reads the same settings from
 *   the `payload` query parameter, and starts an extension host only for a connected browser;
 * - the process is started in its own process group and stopped by that id, so its children
 *   (server, extension host, language server) go with it and nothing else is touched.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags from the guide: no GPU, no network chatter, nothing that waits for a person. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function log(prefix: string, message: string): void {
  process.stdout.write(`[${prefix}] ${message}\n`);
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false> | T | undefined | false, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Rejects with a clear message when `promise` does not settle in time. */
export function withTimeout<T>(what: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The code-server executable: $CODE_SERVER_BIN, else the cache install, installing it there
 * (test/setup/install-code-server.sh, about 70 s) when it is missing.
 */
export function ensureCodeServer(): string {
  if (process.env.CODE_SERVER_BIN) return process.env.CODE_SERVER_BIN;
  const script = path.join(repoRoot, 'test', 'setup', 'install-code-server.sh');
  const output = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  const lines = output.trim().split('\n');
  for (const line of lines.slice(0, -1)) log('setup', line);
  const bin = lines[lines.length - 1];
  if (!bin || !fs.existsSync(bin)) throw new Error(`install-code-server.sh did not report an executable (got "${bin}")`);
  return bin;
}

/** A free loopback port, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** Copies the repository's examples into a fresh temp folder the tests may edit freely. */
export function copyExamples(into: string): string {
  const target = path.join(into, 'examples');
  fs.cpSync(path.join(repoRoot, 'examples'), target, { recursive: true });
  return target;
}

export interface CodeServer {
  port: number;
  origin: string;
  sandbox: string;
  logFile: string;
  /** `vscode-remote://` URI the web workbench uses for a path on the server. */
  remoteUri(absolutePath: string): string;
  /** Workbench URL opening `folder`, with optional development-mode payload entries. */
  url(folder: string, payload?: Array<[string, string]>): string;
  /** The server's user data folder (its logs/ holds the extension hosts' logs); removed by stop(). */
  userDataDir: string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Folder for logs; created if missing. stop() copies the server's logs (extension hosts, output channels) into its `logs/`. */
  logDir: string;
  /** Extra user settings merged over the defaults. */
  settings?: Record<string, unknown>;
  startTimeoutMs?: number;
  /** Extra environment for the server (its extension hosts inherit it). */
  env?: Record<string, string>;
}

/** Starts code-server on a free loopback port in a private sandbox and waits for /healthz. */
export async function startCodeServer(bin: string, options: CodeServerOptions): Promise<CodeServer> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-code-server-'));
  const dirs = {
    home: path.join(sandbox, 'home'),
    config: path.join(sandbox, 'home', '.config'),
    data: path.join(sandbox, 'home', '.local', 'share'),
    cache: path.join(sandbox, 'home', '.cache'),
    tmp: path.join(sandbox, 'tmp'),
    userData: path.join(sandbox, 'user-data'),
    extensions: path.join(sandbox, 'extensions'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'editor.hover.delay': 200,
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    ...options.settings,
  };
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const port = await freePort();
  const configFile = path.join(sandbox, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  // A clean environment: nothing from a surrounding VS Code session (VSCODE_*, ELECTRON_*) may
  // leak into the server or its extension host.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VSCODE_|ELECTRON_)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    ...options.env,
  });

  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const args = [
    '--config', configFile,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  const child: ChildProcess = spawn(bin, args, { env, cwd: sandbox, detached: true, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exited = false;
  child.on('exit', () => (exited = true));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${bin}`);
  runningGroups.set(pid, sandbox);

  const stop = async (): Promise<void> => {
    if (!exited) {
      signalGroup(pid, 'SIGTERM');
      try {
        await poll('code-server to exit', 5000, () => exited);
      } catch {
        signalGroup(pid, 'SIGKILL');
      }
    }
    // Children of the group may outlive the leader for a moment; make sure none stays.
    signalGroup(pid, 'SIGKILL');
    runningGroups.delete(pid);
    // The extension hosts' logs (our output channel among them) outlive the sandbox.
    const logsCopy = path.join(options.logDir, 'logs');
    fs.rmSync(logsCopy, { recursive: true, force: true });
    if (fs.existsSync(path.join(dirs.userData, 'logs'))) fs.cpSync(path.join(dirs.userData, 'logs'), logsCopy, { recursive: true });
    fs.rmSync(sandbox, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await poll('code-server /healthz', options.startTimeoutMs ?? 30_000, async () => {
      if (exited) throw new Error(`code-server exited early; see ${logFile}`);
      return healthy(port);
    }, 150);
  } catch (error) {
    await stop();
    throw error;
  }

  const origin = `http://127.0.0.1:${port}`;
  const remoteUri = (absolutePath: string): string => `vscode-remote://127.0.0.1:${port}${absolutePath}`;
  return {
    port,
    origin,
    sandbox,
    logFile,
    remoteUri,
    url(folder, payload) {
      let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
      if (payload && payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    userDataDir: dirs.userData,
    stop,
  };
}

/**
 * Process groups of the code-servers this process started. Being stopped from outside (Ctrl+C,
 * `timeout` in test/run-all.sh) must not leave them running: they are detached.
 */
const runningGroups = new Map<number, string>();
const interruptCleanups = new Set<() => void>();

/** Registers synchronous cleanup to run if the process is stopped by a signal; returns an unregister function. */
export function onInterrupt(cleanup: () => void): () => void {
  interruptCleanups.add(cleanup);
  return () => interruptCleanups.delete(cleanup);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const [pid, sandbox] of runningGroups) {
      signalGroup(pid, 'SIGKILL');
      fs.rmSync(sandbox, { recursive: true, force: true });
    }
    for (const cleanup of interruptCleanups) cleanup();
    process.exit(130);
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Headless Chromium with a fresh profile inside `sandbox`. Playwright wants the profile folder
 * as launchPersistentContext's first argument, not as a `--user-data-dir` flag.
 */
export async function launchChromium(sandbox: string, viewport = { width: 1280, height: 800 }): Promise<import('playwright-core').BrowserContext> {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(sandbox, 'chromium-profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport,
    timeout: 60_000,
  });
}
