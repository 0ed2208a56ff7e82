/**
 * File events from build contexts that the client does not watch on its own.
 *
 * The VS Code client watches the workspace folders and the folder of each open document outside
 * them (client/src/outsideWatcher.ts). A context that a Compose file or the `buildContext` setting
 * puts in another folder outside the workspace folders is seen by the server only: so the server
 * asks the client to watch that folder's top level for the same names (a `RelativePattern`
 * registered dynamically for `workspace/didChangeWatchedFiles`, LSP 3.17), and unregisters it
 * once no open document's context is there. Only a client that declares both dynamic
 * registration and relative patterns for it is asked; others keep what they watch.
 *
 * Trust does not matter here, as in the client: in an untrusted workspace the server scans no
 * context but still reads its ignore file and the names at its top, so the findings depend on them.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, type Connection, type Disposable, type InitializeParams } from 'vscode-languageserver/node';
import { workspaceFolderOf } from '../sources/context/facts';
import { WATCHED_NAMES } from '../watchedNames';

export class ContextWatchers {
  private supported = false;
  /** Watched folder -> its registration (disposing it unregisters). */
  private readonly registered = new Map<string, Promise<Disposable | undefined>>();

  constructor(
    private readonly connection: Connection,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  init(params: InitializeParams): void {
    const watched = params.capabilities.workspace?.didChangeWatchedFiles;
    this.supported = watched?.dynamicRegistration === true && watched.relativePatternSupport === true;
  }

  /**
   * Brings the registrations in line with the open documents.
   * @param documents the paths of the open documents (the client watches their folders)
   * @param contexts the build context folders of the open documents
   */
  update(documents: readonly string[], contexts: Iterable<string>): void {
    if (!this.supported) return;
    const folders = new Set(documents.map((doc) => path.dirname(doc)));
    const needed = new Set([...contexts].filter((dir) => !folders.has(dir) && workspaceFolderOf(dir, this.workspaceFolders()) === undefined));
    for (const [dir, registration] of this.registered) {
      if (needed.has(dir)) continue;
      this.registered.delete(dir);
      void registration.then((d) => d?.dispose());
    }
    for (const dir of needed) {
      if (this.registered.has(dir)) continue;
      const watchers = [{ globPattern: { baseUri: pathToFileURL(dir).toString(), pattern: WATCHED_NAMES } }];
      this.registered.set(
        dir,
        this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch((e: unknown) => {
          this.connection.console.error(`dockerfile-size-hints: could not ask the client to watch ${dir}: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }),
      );
    }
  }
}
