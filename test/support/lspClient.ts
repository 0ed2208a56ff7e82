/**
 * A minimal LSP client for tests and benchmarks: spawns a server over stdio and speaks JSON-RPC
 * with vscode-jsonrpc, the same library VS Code's client uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc/node';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';
import { reportRejection } from './noUnhandledRejections';

export const SERVER_BUNDLE = path.resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity?: number; code?: string; source?: string; message: string; codeDescription?: { href: string } }[];
}

/** A dynamic registration of the server (client/registerCapability). */
export interface Registration {
  id: string;
  method: string;
  registerOptions?: unknown;
}

export interface StartOptions {
  command?: string;
  args?: string[];
  rootPath?: string;
  configuration?: unknown;
  initializationOptions?: unknown;
  /** Added to this process's environment for the server (the test-only DSH_* variables). */
  env?: Record<string, string>;
}

export class LspTestClient {
  readonly connection: MessageConnection;
  private readonly waiters: { uri: string; pred: (p: PublishedDiagnostics) => boolean; resolve: (p: PublishedDiagnostics) => void }[] = [];
  readonly latest = new Map<string, PublishedDiagnostics>();
  readonly stderr: string[] = [];

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on('data', (d) => this.stderr.push(String(d)));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.latest.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    // The server logs its unhandled rejections (server/src/server.ts); each one fails the test.
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      if (/unhandled rejection/i.test(p.message)) reportRejection(`language server (pid ${child.pid})`, p.message);
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.configuration));
    this.connection.onRequest('client/registerCapability', (p: { registrations: Registration[] }) => {
      for (const r of p.registrations) this.registrations.set(r.id, r);
      for (const wake of this.registrationWaiters.splice(0)) wake();
      return null;
    });
    this.connection.onRequest('client/unregisterCapability', (p: { unregisterations: { id: string }[] }) => {
      for (const r of p.unregisterations) this.registrations.delete(r.id);
      for (const wake of this.registrationWaiters.splice(0)) wake();
      return null;
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/applyEdit', (p: { edit: unknown }) => {
      this.appliedEdits.push(p.edit);
      return { applied: true };
    });
    this.connection.onRequest('workspace/codeLens/refresh', () => {
      this.codeLensRefreshes++;
      for (const wake of this.refreshWaiters.splice(0)) wake();
      return null;
    });
    this.connection.onNotification('dockerfileSizeHints/sizeChanged', (p: { uri: string; version: number }) => void this.sizeChanges.push(p));
    this.connection.listen();
  }

  configuration: unknown = {};
  /** The capabilities the server answered `initialize` with. */
  capabilities: Record<string, unknown> = {};
  /** The server's dynamic registrations in force (client/registerCapability minus client/unregisterCapability), by id. */
  readonly registrations = new Map<string, Registration>();
  private readonly registrationWaiters: (() => void)[] = [];
  /** The server's window/logMessage notifications, in order (type 1 = error). */
  readonly logs: { type: number; message: string }[] = [];
  /** Edits the server asked the client to apply (workspace/applyEdit), in order. */
  readonly appliedEdits: unknown[] = [];
  /** How many workspace/codeLens/refresh requests the server sent (the client declares support, as VS Code's does). */
  codeLensRefreshes = 0;
  private readonly refreshWaiters: (() => void)[] = [];
  /** The server's dockerfileSizeHints/sizeChanged notifications, in order. */
  readonly sizeChanges: { uri: string; version: number }[] = [];

  /** Starts `node <bundle> --stdio` (or another server command), with `env` added to this process's environment, and initialises it. */
  static async start(opts: StartOptions = {}): Promise<LspTestClient> {
    // Our server as the VS Code client starts it: with its Node options.
    const child = spawn(opts.command ?? process.execPath, opts.args ?? [...SERVER_NODE_OPTIONS, SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    const client = new LspTestClient(child);
    if (opts.configuration !== undefined) client.configuration = opts.configuration;
    const root = opts.rootPath ? pathToFileURL(opts.rootPath).toString() : null;
    const initialized = await client.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: root ? [{ uri: root, name: 'root' }] : null,
      initializationOptions: opts.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
          didChangeConfiguration: { dynamicRegistration: true },
          // As vscode-languageclient 11 declares it.
          didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
          codeLens: { refreshSupport: true },
        },
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } }, publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true } },
        window: { workDoneProgress: true },
        // As our VS Code client declares it (client/src/sizeView.ts).
        experimental: { sizeChanged: true },
      },
    });
    client.capabilities = initialized.capabilities;
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, text: string, languageId = 'dockerfile', version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Resolves with the first diagnostics for `uri` that satisfy `pred` (the latest one if it already does). */
  diagnostics(uri: string, pred: (p: PublishedDiagnostics) => boolean = () => true, timeoutMs = 10_000): Promise<PublishedDiagnostics> {
    const have = this.latest.get(uri);
    if (have && pred(have)) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.latest.get(uri))}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  /** Sends a request; cancelling `token` sends $/cancelRequest for it. */
  request<T>(method: string, params: unknown, token?: CancellationToken): Promise<T> {
    return (token ? this.connection.sendRequest(method, params, token) : this.connection.sendRequest(method, params)) as Promise<T>;
  }

  /**
   * The CodeLenses of `uri` once `ok` accepts them: asked for again after each
   * workspace/codeLens/refresh of the server, as an editor does (never on a timer). Rejects with
   * the last lenses when no refresh came within `timeoutMs` of the start.
   */
  async codeLensesWhen<T extends { command?: { title: string } }>(uri: string, ok: (lenses: T[]) => boolean, timeoutMs = 10_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.codeLensRefreshes;
      const lenses = await this.request<T[]>('textDocument/codeLens', { textDocument: { uri } });
      if (ok(lenses)) return lenses;
      if (this.codeLensRefreshes > seen) continue;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no CodeLens refresh within ${timeoutMs} ms; last lenses: ${JSON.stringify(lenses.map((l) => l.command?.title))}`)), Math.max(0, deadline - Date.now()));
        this.refreshWaiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** The base URIs of the file watchers the server registered and has not unregistered. */
  watchedBases(): string[] {
    return [...this.registrations.values()]
      .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
      .flatMap((r) => (r.registerOptions as { watchers: { globPattern: { baseUri?: string } | string }[] }).watchers)
      .flatMap((w) => (typeof w.globPattern === 'string' || !w.globPattern.baseUri ? [] : [w.globPattern.baseUri]));
  }

  /** Resolves once `ok` accepts the registrations in force (checked after each (un)registration); rejects after `timeoutMs`. */
  async registrationsWhen(ok: (client: LspTestClient) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok(this)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`registrations not as expected within ${timeoutMs} ms: ${JSON.stringify([...this.registrations.values()])}`)), Math.max(0, deadline - Date.now()));
        this.registrationWaiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; killing it below is enough.
    }
    this.connection.dispose();
    this.child.kill();
  }
}

/**
 * For the mocha `describe` block it is called in: a server over stdio whose workspace is a new
 * temporary folder (`prepare` fills it before the server starts; `start` adds options such as
 * `env`, and `workspace` makes a folder inside it the workspace folder), stopped and removed after
 * the block. The folder and client are there once the block's first `before` hook has run.
 */
export function serverInTempFolder(prefix: string, prepare?: (dir: string) => void, start: Omit<StartOptions, 'rootPath'> & { workspace?: string } = {}): { readonly dir: string; readonly client: LspTestClient } {
  let dir: string | undefined;
  let client: LspTestClient | undefined;
  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    prepare?.(dir);
    const { workspace, ...options } = start;
    client = await LspTestClient.start({ ...options, rootPath: workspace === undefined ? dir : path.join(dir, workspace) });
  });
  after(async () => {
    await client?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('serverInTempFolder: asked before its before hook ran');
    return value;
  };
  return {
    get dir() {
      return ready(dir);
    },
    get client() {
      return ready(client);
    },
  };
}

export function fileUri(p: string): string {
  return pathToFileURL(p).toString();
}
