/**
 * Wires one LSP connection: capabilities, documents, settings, and one handler per feature.
 * Handlers stay short; the work happens in core/ through the per-document analysis cache.
 */
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, isDockerignore } from './analysisCache';
import { DiagnosticsPublisher } from './diagnostics';
import { APPLY_ALL_FIXES_COMMAND, codeActions, CODE_ACTION_KINDS, fixAllActions, fixAllEdit } from './codeActions';
import * as path from 'node:path';
import { hover } from './hover';
import { RegistryHover } from './registryHover';
import { ENGINE_CAPABILITIES, EngineFeatures } from './engineFeatures';
import { codeLenses } from './codeLens';
import { IMAGE_SIZE_REQUEST, sizeBreakdown } from './sizeBreakdown';
import { SizeRefresh } from './sizeRefresh';
import { AfterFixesEstimates } from './afterFixes';
import { Settings } from './settings';
import { FileSystemContextFacts } from '../sources/workspace';
import { ConfigCache } from '../sources/config';
import { ContextScans } from '../sources/context/scans';
import { scanProgress } from './scanProgress';
import { CODE_CACHE_STATE } from '../codeCache';
import { rejections } from './rejections';
import { ContextWatchers } from './contextWatchers';

/** Sent by the client when the user trusts the workspace (network lookups become possible). */
export const TRUST_NOTIFICATION = 'dockerfileSizeHints/trustChanged';

export function startSession(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const settings = new Settings(connection);
  let workspaceFolders: string[] = [];
  /** The client sends workspace/didChangeWorkspaceFolders (it declared workspace folders). */
  let foldersChange = false;
  // Context scans run in the background; when one finishes, the documents that wait for it are
  // analysed again with its figures (the others keep their analysis).
  const scans = new ContextScans({
    progress: (dir) => scanProgress(connection, dir),
    onDone: (_dir, requesters) => {
      for (const uri of requesters) {
        const doc = documents.get(uri);
        if (!doc) continue;
        cache.invalidate(uri);
        diagnostics.schedule(doc);
      }
    },
  });
  // A client that says the workspace is untrusted (VS Code's Restricted Mode) gets no scan of the
  // build context; a client that says nothing about trust keeps it (it only reads files).
  let untrusted = false;
  const contextFacts = new FileSystemContextFacts(scans, () => workspaceFolders, () => !untrusted);
  // Contexts outside every workspace folder, and not the folder of an open document, are watched
  // through the client on request (the client watches the others itself).
  const watchers = new ContextWatchers(connection, () => workspaceFolders);
  const watchContexts = () =>
    watchers.update(
      documents.all().flatMap((d) => AnalysisCache.pathOf(d.uri) ?? []),
      [...contextFacts.contexts].flatMap(([uri, dir]) => (documents.get(uri) ? [dir] : [])),
    );
  contextFacts.onContextsChanged = watchContexts;
  const configs = new ConfigCache();
  const cache = new AnalysisCache(settings, contextFacts, configs, () => workspaceFolders);
  const diagnostics = new DiagnosticsPublisher(connection, cache);
  // The client shows sizes it asked for; when they change without a new version (an analysis
  // replaced, the estimate after the fixes arrived), it is told to ask again.
  const refresh = new SizeRefresh(connection, () => cache.analysing);
  cache.onSettled = (current, idle) => {
    if (current) refresh.analysed(current);
    if (idle) refresh.settled();
  };
  const afterFixes = new AfterFixesEstimates({
    wanted: (doc) => documents.get(doc.uri)?.version === doc.version && cache.isCurrent(doc.uri, doc.version) && cache.isLatest(doc.uri, doc.analysis!),
    // Dropped while its version is still the document's: the analysis was replaced (a context scan
    // finished, settings changed). The client shows the old one's figures and asks again only
    // when told to; the new analysis's estimate starts with that request.
    dropped: (doc) => {
      if (documents.get(doc.uri)?.version === doc.version) refresh.queue(doc, true);
    },
    changed: (doc, lenses) => refresh.changed(doc, lenses),
    error: (doc, e) => connection.console.error(`dockerfile-size-hints: the estimate after the fixes failed for ${doc.uri}: ${e instanceof Error ? e.stack : String(e)}`),
  });

  let trusted = false;
  let registryHover = new RegistryHover();
  const engine = new EngineFeatures(connection, documents, cache, settings, () => trusted);
  engine.register();
  connection.onInitialize((params): InitializeResult => {
    settings.init(params);
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folders.map((u) => AnalysisCache.pathOf(u)).filter((p): p is string => p !== undefined);
    foldersChange = params.capabilities.workspace?.workspaceFolders === true;
    const init = (params.initializationOptions ?? {}) as { trusted?: unknown; storagePath?: unknown; registryTimeoutMs?: unknown };
    refresh.init(params);
    watchers.init(params);
    // Network lookups need a client that says the workspace is trusted; other clients get none.
    trusted = init.trusted === true;
    untrusted = init.trusted === false;
    if (typeof init.storagePath === 'string' || typeof init.registryTimeoutMs === 'number') {
      registryHover = new RegistryHover(
        typeof init.storagePath === 'string' ? path.join(init.storagePath, 'registry') : undefined,
        typeof init.registryTimeoutMs === 'number' ? init.registryTimeoutMs : undefined,
      );
    }
    return {
      capabilities: {
        // Saves are reported: a Dockerfile's context may be inferred from what it copies, as saved.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
        executeCommandProvider: { commands: [APPLY_ALL_FIXES_COMMAND] },
        codeLensProvider: { resolveProvider: false },
        ...ENGINE_CAPABILITIES,
        // Workspace folders decide build contexts (the buildContext setting is relative to its
        // folder, a Compose file is looked for up to it) and which contexts the client watches.
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'dockerfile-size-hints' },
    };
  });
  connection.onInitialized(() => {
    settings.registerForChanges();
    if (foldersChange) connection.workspace.onDidChangeWorkspaceFolders((e) => changeWorkspaceFolders(e.added.map((f) => f.uri), e.removed.map((f) => f.uri)));
  });

  /** Every open document analysed anew (its facts or settings changed), its diagnostics published again. */
  function analyseAllAgain(): void {
    cache.clear();
    documents.all().forEach((d) => diagnostics.schedule(d));
  }

  /** Folders added to or removed from the workspace: contexts are resolved again and every open document analysed again. */
  function changeWorkspaceFolders(added: string[], removed: string[]): void {
    const paths = (uris: string[]) => uris.map((u) => AnalysisCache.pathOf(u)).filter((p): p is string => p !== undefined);
    const gone = new Set(paths(removed));
    workspaceFolders = [...workspaceFolders.filter((f) => !gone.has(f)), ...paths(added).filter((f) => !workspaceFolders.includes(f))];
    contextFacts.invalidate();
    configs.clear();
    analyseAllAgain();
    watchContexts();
  }

  settings.onDidChange(() => {
    analyseAllAgain();
  });
  documents.onDidOpen((e) => {
    diagnostics.schedule(e.document);
    watchContexts();
    // An ignore file the context facts do not know yet (a quick fix just created it): read again
    // now rather than wait for the client's watcher.
    const opened = isDockerignore(e.document.uri, e.document.languageId) ? AnalysisCache.pathOf(e.document.uri) : undefined;
    if (opened) void contextFacts.outranksKnown(opened).then((stale) => {
      if (!stale) return;
      contextFacts.invalidate(opened);
      analyseAllAgain();
    });
  });
  documents.onDidChangeContent((e) => diagnostics.schedule(e.document));
  documents.onDidSave((e) => {
    const saved = AnalysisCache.pathOf(e.document.uri);
    if (!saved || isDockerignore(e.document.uri, e.document.languageId)) return;
    contextFacts.dockerfileSaved(saved);
    // The saved Dockerfile and the open ignore files (one beside it may be read or not now).
    for (const d of documents.all()) {
      if (d.uri !== e.document.uri && !isDockerignore(d.uri, d.languageId)) continue;
      cache.invalidate(d.uri);
      diagnostics.schedule(d);
    }
  });
  documents.onDidClose((e) => {
    cache.forget(e.document.uri);
    afterFixes.forget(e.document.uri);
    refresh.forget(e.document.uri);
    contextFacts.release(e.document.uri);
    watchContexts();
    diagnostics.clear(e.document.uri);
  });
  /** Watched-file changes received (for serverInfo: tells a lost event from a slow analysis). */
  let fileEvents = 0;
  connection.onDidChangeWatchedFiles((p) => {
    fileEvents += p.changes.length;
    for (const change of p.changes) contextFacts.invalidate(AnalysisCache.pathOf(change.uri));
    configs.clear();
    analyseAllAgain();
  });

  // For fault tests and bug reports: which process serves this session (and how many context scans it ran).
  connection.onRequest('dockerfileSizeHints/serverInfo', () => ({ pid: process.pid, version: process.version, execArgv: process.execArgv, codeCache: (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] ?? 'off', unhandledRejections: rejections(), contextScans: { ...scans.stats }, analyses: cache.stats.analyses, fileEvents, afterFixes: { ...afterFixes.stats } }));
  connection.onNotification(TRUST_NOTIFICATION, (p: { trusted?: unknown }) => {
    trusted = p?.trusted === true;
    if (untrusted && trusted) {
      // The context scans the analyses went without can run now.
      untrusted = false;
      analyseAllAgain();
    }
  });
  connection.onHover(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const analysis = await cache.get(doc);
    return hover(analysis, p.position, { hover: registryHover, settings: await settings.get(), trusted, engine });
  });
  connection.onCodeAction(async (p, token) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const analysis = await cache.get(doc);
    const version = doc.version;
    // A source.fixAll the client cancels (the save went on without it) stops at the next slice.
    return [...codeActions(analysis, p), ...(await fixAllActions(analysis, p, () => !token.isCancellationRequested && documents.get(p.textDocument.uri)?.version === version))];
  });

  connection.onCodeLens(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const analysis = await cache.get(doc);
    refresh.answered(analysis);
    return codeLenses(analysis, afterFixes);
  });
  connection.onRequest(IMAGE_SIZE_REQUEST, async (p: { uri: string }) => {
    const doc = documents.get(p.uri);
    if (!doc) return null;
    const analysis = await cache.get(doc);
    refresh.answered(analysis);
    return sizeBreakdown(analysis, afterFixes);
  });
  connection.onExecuteCommand(async (p) => {
    if (p.command !== APPLY_ALL_FIXES_COMMAND) return null;
    const uri = typeof p.arguments?.[0] === 'string' ? p.arguments[0] : undefined;
    const doc = uri ? documents.get(uri) : undefined;
    const version = doc?.version;
    const edit = doc && (await fixAllEdit(await cache.get(doc), () => documents.get(uri!)?.version === version));
    if (!edit) return { applied: 0 };
    if (!edit.edit) return { applied: 0, complete: false };
    const result = await connection.workspace.applyEdit({ label: 'Apply all size fixes', edit: edit.edit });
    return { applied: result.applied ? edit.count : 0, complete: edit.complete };
  });

  connection.onShutdown(() => scans.dispose());
  documents.listen(connection);
  connection.listen();
}
