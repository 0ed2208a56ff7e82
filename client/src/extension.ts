/**
 * The VS Code side: start one language client on the bundled server and nothing else. The
 * client knows nothing about Dockerfiles; it only says which documents the server should see.
 */
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dockerfile' },
      { language: 'dockerignore' },
      { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,Containerfile.*}' },
      { pattern: '**/{.dockerignore,*.dockerignore}' },
    ],
    synchronize: {
      configurationSection: 'dockerfileSizeHints',
      fileEvents: workspace.createFileSystemWatcher('**/{.dockerignore,*.dockerignore,package.json,requirements.txt,pyproject.toml,go.mod,pom.xml,Cargo.toml}'),
    },
  };
  client = new LanguageClient('dockerfileSizeHints', 'Dockerfile Size Hints', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
