/**
 * The VS Code side: start one language client on the bundled server, and show what the server
 * computes (the size status bar item and breakdown view, the apply-all command). The client knows
 * nothing about Dockerfiles; it only says which documents the server should see.
 *
 * Activation does not wait for the server: VS Code's extension host moves on at once, and the
 * language client queues requests until the server is up. The time activation takes is measured
 * here and exported (`activationTime`); the VS Code suite checks it against 100 ms. Most of it is
 * loading the language client library, which `activate()` does through a V8 code cache in the
 * extension's global storage (clientLibrary.ts).
 */
// First import: starts the activation clock before the other modules load.
import { gcPausesWithin, LOAD_START, LOAD_START_CPU, LOAD_START_THREAD_CPU, stopObservingGc, threadCpuMs, type GcPause } from './loadStart';
import * as path from 'node:path';
import { commands, version, window, workspace, type ExtensionContext } from 'vscode';
import { OutsideWorkspaceWatcher } from './outsideWatcher';
import { SizeView } from './sizeView';
import { stopClient } from './stopClient';
import { registerEngineCommands } from './engineCommands';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { clientCodeCache, clientLibrary, saveClientCodeCache, type ClientCodeCache } from './clientLibrary';
import { SERVER_NODE_OPTIONS, serverArgs } from '../../server/src/launch';
import { WATCHED_NAMES } from '../../server/src/watchedNames';

let client: LanguageClient | undefined;
/** The client's start, its failure shown to the user (settles either way). */
let started: Promise<void> = Promise.resolve();

/** The documents the server sees. */
const DOCUMENTS = [
  { language: 'dockerfile' },
  { language: 'dockerignore' },
  { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,Containerfile.*}' },
  { pattern: '**/{.dockerignore,*.dockerignore}' },
];
/** All imports are loaded once this module's own code runs. */
const LOADED = performance.now();
const LOAD_CPU = process.cpuUsage(LOAD_START_CPU);
const LOAD_THREAD_CPU = spent(LOAD_START_THREAD_CPU, threadCpuMs());

/** What activation cost, in milliseconds, from {@link LOAD_START}. */
export interface ActivationTime {
  /** Loading the bundle: from its first module to the end of its imports (our code). */
  loadMs: number;
  /**
   * `activate()` from its call until it returned, loading the language client library included
   * (the server starts afterwards, asynchronously).
   */
  activateMs: number;
  /** `loadMs + activateMs`: the extension's own share of its activation, in wall time. */
  totalMs: number;
  /**
   * CPU time of the extension host process over the same two spans. Both spans are synchronous,
   * so nothing else runs on the main thread meanwhile; the figure counts all the process's threads
   * (V8 compiles and collects garbage for us on helper threads; any other thread's work counts
   * too, so it errs high). Unlike wall time it does not grow when other processes hold the cores.
   */
  cpuMs: number;
  /**
   * CPU time of the extension host's main thread over the same two spans: the time the
   * extension kept that thread (where every extension's code runs) busy, without the other
   * threads' work that `cpuMs` counts. Undefined where the thread's clock cannot be read (see
   * `threadCpuMs` in loadStart.ts: Linux only).
   */
  threadCpuMs: number | undefined;
  /** The part of `cpuMs` spent loading the language client library (see clientLibrary.ts). */
  libraryCpuMs: number;
  /**
   * The garbage collections that started in the two spans (wall-time pauses of the main thread).
   * The extension host's heap is every extension's, so one of them may spend most of its time on
   * other extensions' objects; they are reported so that a slow activation can be told apart.
   */
  gc: GcPause[];
}

/** `end - start` of a clock that may be missing. */
function spent(start: number | undefined, end: number | undefined): number | undefined {
  return start === undefined || end === undefined ? undefined : end - start;
}

/** What the extension exports (for tests and other extensions): where the server runs, and what activation cost. */
/** What the server says of itself (for fault tests and bug reports). */
export interface ServerInfo {
  pid: number;
  version: string;
  execArgv: string[];
  codeCache: string;
  /** Unhandled promise rejections in the server since it started (the last few in full). */
  unhandledRejections: { count: number; last: string[] };
}

export interface Api {
  serverInfo(): Promise<ServerInfo>;
  activationTime(): ActivationTime;
  /** What the code cache of the language client library did on this activation. */
  clientCodeCache(): ClientCodeCache;
  /** The folders outside the workspace folders watched for file events now (those of open documents). */
  watchedOutsideFolders(): string[];
}

export async function activate(context: ExtensionContext): Promise<Api> {
  const activateStart = performance.now();
  const activateStartCpu = process.cpuUsage();
  const activateStartThreadCpu = threadCpuMs();
  const { LanguageClient, TransportKind } = clientLibrary(path.join(context.globalStorageUri.fsPath, 'client-code-cache'), version);
  const libraryCpu = process.cpuUsage(activateStartCpu);
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, args: serverArgs(context.globalStorageUri.fsPath), options: { execArgv: [...SERVER_NODE_OPTIONS] } },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  // The files the server's findings depend on, in the workspace folders and in the folders of
  // open documents outside them (see outsideWatcher.ts); the language client forwards both.
  const outside = new OutsideWorkspaceWatcher(DOCUMENTS, WATCHED_NAMES);
  const watchers = [workspace.createFileSystemWatcher(`**/${WATCHED_NAMES}`), outside];
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    // The server makes network lookups only when told the workspace is trusted.
    initializationOptions: { trusted: workspace.isTrusted, storagePath: context.globalStorageUri.fsPath },
    synchronize: {
      configurationSection: 'dockerfileSizeHints',
      fileEvents: watchers,
    },
  };
  const running = new LanguageClient('dockerfileSizeHints', 'Dockerfile Size Hints', serverOptions, clientOptions);
  client = running;
  // Stopped through stopClient (not pushed itself: VS Code disposes the subscriptions without
  // waiting for deactivate, and a bare stop() races with requests in flight).
  context.subscriptions.push({ dispose: () => void stopClient(running, started) });
  // The palette command passes the active editor to the server's command; the server computes
  // and applies the edit, so this file stays free of Dockerfile knowledge.
  context.subscriptions.push(
    commands.registerCommand('dockerfileSizeHints.applyAllFixes', async () => {
      const uri = window.activeTextEditor?.document.uri.toString();
      if (!uri) return;
      const result = (await commands.executeCommand('dockerfileSizeHints.server.applyAllFixes', uri)) as { applied?: number; complete?: boolean } | undefined;
      // complete false with nothing applied: the text changed meanwhile, or the CPU cap came first.
      if (result?.complete === false) void window.showInformationMessage(`Dockerfile Size Hints: applied ${result.applied ?? 0} fixes; more remain (run the command again).`);
      else if (!result?.applied) void window.showInformationMessage('Dockerfile Size Hints: no fix to apply here.');
    }),
  );
  context.subscriptions.push(...registerEngineCommands(context, client));
  context.subscriptions.push(
    new SizeView(client),
    workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('dockerfileSizeHints/trustChanged', { trusted: true })),
  );
  started = running.start().catch((e: unknown) => {
    void window.showErrorMessage(`Dockerfile Size Hints: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
  });
  // The library's code compiled by the time the client has started goes into its cache.
  void started.then(() => setTimeout(saveClientCodeCache, 1_000));
  const loadMs = LOADED - LOAD_START;
  const activateMs = performance.now() - activateStart;
  const activateCpu = process.cpuUsage(activateStartCpu);
  const activateThreadCpu = spent(activateStartThreadCpu, threadCpuMs());
  const threadMs = LOAD_THREAD_CPU === undefined || activateThreadCpu === undefined ? undefined : LOAD_THREAD_CPU + activateThreadCpu;
  const cpuMs = (LOAD_CPU.user + LOAD_CPU.system + activateCpu.user + activateCpu.system) / 1000;
  const libraryCpuMs = (libraryCpu.user + libraryCpu.system) / 1000;
  const activateEnd = activateStart + activateMs;
  const time: Omit<ActivationTime, 'gc'> = { loadMs, activateMs, totalMs: loadMs + activateMs, cpuMs, threadCpuMs: threadMs, libraryCpuMs };
  // Node reports collections after the fact; those of activation are in by the time the client has started.
  void started.then(() => setTimeout(stopObservingGc, 1_000));
  return {
    serverInfo: async () => {
      await started;
      return running.sendRequest<ServerInfo>('dockerfileSizeHints/serverInfo');
    },
    activationTime: () => ({ ...time, gc: gcPausesWithin(LOAD_START, activateEnd) }),
    clientCodeCache,
    watchedOutsideFolders: () => outside.folders,
  };
}

export async function deactivate(): Promise<void> {
  if (client) await stopClient(client, started);
  client = undefined;
}
