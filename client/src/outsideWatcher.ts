/**
 * File events from the folders of open documents that lie outside every workspace folder.
 *
 * VS Code's glob watchers (`createFileSystemWatcher('**' + '/...')`) cover the workspace folders
 * only, so a Dockerfile opened from elsewhere (File > Open File, the terminal, a window without a
 * folder) would keep the findings it had when its `.dockerignore` was created, changed or deleted.
 * This watcher watches the folder of each such document (a `RelativePattern` with that folder as
 * its base) for the same names as the workspace watcher, and is itself a `FileSystemWatcher`: the
 * language client takes it in `synchronize.fileEvents` beside the workspace watcher and forwards
 * its events exactly as it forwards those (`workspace/didChangeWatchedFiles`, batched, hooked
 * again after a server restart).
 *
 * Why the document's folder, and only its top level: for a Dockerfile outside the workspace
 * folders the server takes that folder as the build context unless a Compose file above it names
 * another one (server/src/sources/context/facts.ts), and reads the ignore file there
 * (`<name>.dockerignore` beside the Dockerfile, else `.dockerignore` in the context), the Compose
 * and config files from that folder up, the lockfile and the names at the top of the context. A
 * `.dockerignore` document's context is its own folder. So the folder's top level holds what the
 * findings depend on in the usual case. A non-recursive watch costs one watch per folder, where a
 * recursive one on a folder such as the home directory would watch every folder below it. A
 * context that a Compose file or the `buildContext` setting puts elsewhere is watched on the
 * server's request (server/src/lsp/contextWatchers.ts, a dynamic registration the language client
 * handles); config files in parent folders and changes deeper than the top level are not seen.
 *
 * The watchers follow the open documents: made when a matching document outside the workspace
 * folders opens (or a workspace folder that held it is removed), disposed when none needs the
 * folder any more. Trust does not matter here: the events only make the server read again what
 * it reads anyway (it scans no context in an untrusted workspace).
 */
import { Disposable, EventEmitter, languages, RelativePattern, Uri, workspace, type DocumentSelector, type FileSystemWatcher } from 'vscode';

export class OutsideWorkspaceWatcher implements FileSystemWatcher {
  readonly ignoreCreateEvents = false;
  readonly ignoreChangeEvents = false;
  readonly ignoreDeleteEvents = false;
  private readonly created = new EventEmitter<Uri>();
  private readonly changed = new EventEmitter<Uri>();
  private readonly deleted = new EventEmitter<Uri>();
  readonly onDidCreate = this.created.event;
  readonly onDidChange = this.changed.event;
  readonly onDidDelete = this.deleted.event;
  /** Watched folder (its URI as a string) -> the watcher and its listeners. */
  private readonly watchers = new Map<string, Disposable>();
  private readonly subscriptions: Disposable[];

  /**
   * @param selector the documents whose folders need watching (the language client's selector)
   * @param pattern the names to watch in each folder: a glob without `/` or `**`, so that VS Code
   *   watches the folder's top level only
   */
  constructor(
    private readonly selector: DocumentSelector,
    private readonly pattern: string,
  ) {
    const update = () => this.update();
    this.subscriptions = [workspace.onDidOpenTextDocument(update), workspace.onDidCloseTextDocument(update), workspace.onDidChangeWorkspaceFolders(update)];
    this.update();
  }

  /** The folders watched now (file system paths). */
  get folders(): string[] {
    return [...this.watchers.keys()].map((key) => Uri.parse(key).fsPath).sort();
  }

  /** Brings the watchers in line with the open documents: derived afresh on each event (a handful of documents). */
  private update(): void {
    const needed = new Map<string, Uri>();
    for (const document of workspace.textDocuments) {
      const { uri } = document;
      if (uri.scheme !== 'file' || workspace.getWorkspaceFolder(uri) || languages.match(this.selector, document) === 0) continue;
      const folder = Uri.joinPath(uri, '..');
      needed.set(folder.toString(), folder);
    }
    for (const [key, watcher] of this.watchers) {
      if (needed.has(key)) continue;
      watcher.dispose();
      this.watchers.delete(key);
    }
    for (const [key, folder] of needed) {
      if (!this.watchers.has(key)) this.watchers.set(key, this.watch(folder));
    }
  }

  private watch(folder: Uri): Disposable {
    const watcher = workspace.createFileSystemWatcher(new RelativePattern(folder, this.pattern));
    return Disposable.from(
      watcher.onDidCreate((uri) => this.created.fire(uri)),
      watcher.onDidChange((uri) => this.changed.fire(uri)),
      watcher.onDidDelete((uri) => this.deleted.fire(uri)),
      watcher,
    );
  }

  dispose(): void {
    for (const d of [...this.subscriptions, ...this.watchers.values(), this.created, this.changed, this.deleted]) d.dispose();
    this.subscriptions.length = 0;
    this.watchers.clear();
  }
}
