/**
 * The benchmark's LSP driver: spawns a server as a plain `node` process (so the pid we sample in
 * /proc is the server itself), speaks JSON-RPC over stdio, and counts diagnostics publications per
 * document so a latency is always "request sent -> the next publication for that document".
 * Counting instead of matching versions keeps it fair: the peer server does not echo versions.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { keystrokeRange, type Keystroke } from './generate';

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  code?: string | number;
  source?: string;
  severity?: number;
}

export interface ProcStats {
  /** Resident set size now, in kB (VmRSS). */
  rssKb: number;
  /**
   * The anonymous part of it (RssAnon: heaps, stacks), in kB. The rest is file pages, mostly of
   * the node binary, and how many of those a process maps depends on what other processes already
   * read into the page cache (the kernel maps neighbouring cached pages on each fault).
   */
  anonKb: number;
  /** Peak resident set size since start, in kB (VmHWM). */
  peakRssKb: number;
  /** User + system CPU time of the process, in ms. */
  cpuMs: number;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Reads VmRSS, VmHWM and utime+stime of a live process from /proc (Linux only). */
export function procStats(pid: number): ProcStats {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3; utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  return { rssKb: kb('VmRSS'), anonKb: kb('RssAnon'), peakRssKb: kb('VmHWM'), cpuMs: (cpuTicks * 1000) / ticksPerSecond() };
}

export class BenchServer {
  readonly connection: MessageConnection;
  private readonly counts = new Map<string, number>();
  /** Set once the server has sent a publication with a document version (ours does, the peer does not). */
  private echoesVersions = false;
  private readonly last = new Map<string, Diagnostic[]>();
  private readonly waiters: { uri: string; count: number; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly stderr: string[] = [];

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      const n = (this.counts.get(p.uri) ?? 0) + 1;
      if (p.version !== undefined) this.echoesVersions = true;
      this.counts.set(p.uri, n);
      this.last.set(p.uri, p.diagnostics);
      for (const w of [...this.waiters]) {
        // A server that echoes versions (ours) must answer for the version sent, not an older one.
        const versionOk = w.version === undefined || (this.echoesVersions ? p.version !== undefined && p.version >= w.version : true);
        if (w.uri === p.uri && n >= w.count && versionOk) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    // Both servers pull settings. No user settings: ours reads `{}` as its defaults; the peer needs
    // `null` for its defaults (all checks on as warnings); with `{}` it would switch every check off.
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section?.startsWith('docker.') ? null : {})));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns `node [nodeArgs] script [serverArgs] --stdio` and completes the initialize handshake. */
  static async start(script: string, nodeArgs: string[] = [], rootUri: string | null = null, serverArgs: string[] = []): Promise<BenchServer> {
    const child = spawn(process.execPath, [...nodeArgs, script, ...serverArgs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const server = new BenchServer(child);
    await server.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
      capabilities: {
        workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true }, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        },
      },
    });
    await server.connection.sendNotification('initialized', {});
    return server;
  }

  publications(uri: string): number {
    return this.counts.get(uri) ?? 0;
  }

  lastDiagnostics(uri: string): Diagnostic[] {
    return this.last.get(uri) ?? [];
  }

  /** Resolves when `uri` has had at least `count` publications in total (for `version` or newer, when the server says). */
  waitPublications(uri: string, count: number, timeoutMs: number, version?: number): Promise<Diagnostic[]> {
    if (this.publications(uri) >= count && version === undefined) return Promise.resolve(this.lastDiagnostics(uri));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics #${count} for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ uri, count, version, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  /** didOpen, then the time until the document's next publication. */
  async timeOpen(uri: string, text: string, timeoutMs: number): Promise<number> {
    const next = this.publications(uri) + 1;
    const t0 = performance.now();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    await this.waitPublications(uri, next, timeoutMs, 1);
    return performance.now() - t0;
  }

  /** One incremental didChange, then the time until the document's next publication. */
  async timeKeystroke(uri: string, version: number, k: Keystroke, timeoutMs: number): Promise<number> {
    const next = this.publications(uri) + 1;
    const range = keystrokeRange(k);
    const t0 = performance.now();
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, rangeLength: k.deleteLength, text: k.text }] });
    await this.waitPublications(uri, next, timeoutMs, version);
    return performance.now() - t0;
  }

  /** Times one request; resolves with the duration and the result. */
  async timeRequest<T>(method: string, params: unknown): Promise<{ ms: number; result: T }> {
    const t0 = performance.now();
    const result = (await this.connection.sendRequest(method, params)) as T;
    return { ms: performance.now() - t0, result };
  }

  /** didClose, then the publication that clears the document (both servers send one), so it cannot be counted later. */
  async close(uri: string): Promise<void> {
    const next = this.publications(uri) + 1;
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await this.waitPublications(uri, next, 5_000).catch(() => undefined);
  }

  /** Asks the server to shut down and exit (so `--cpu-prof` gets written), then makes sure it is gone. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), delay(5000)]);
      await this.connection.sendNotification('exit');
    } catch {
      // Already gone: the kill below is a no-op then.
    }
    await Promise.race([exited, delay(5000)]);
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
