/**
 * Workspace folders added or removed while the server runs (VS Code's "Add Folder to Workspace"):
 * the server resolves build contexts again, since the `buildContext` setting is relative to the
 * workspace folder that holds the Dockerfile (or to the Dockerfile's folder outside any).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder, type PublishedDiagnostics } from '../support/lspClient';
import { writeFiles } from '../support/contextTree';

const withoutIgnore = (p: PublishedDiagnostics) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore');

describe('workspace folders added and removed', () => {
  const server = serverInTempFolder('dsh-folders-', (dir) => writeFiles(dir, {
    'a/README.md': 'the first workspace folder\n',
    // With buildContext ".", the context is the workspace folder that holds the Dockerfile
    // (b, which has a .dockerignore), else the Dockerfile's own folder (b/docker, which has none).
    'b/.dockerignore': 'node_modules\n',
    'b/package.json': '{"name":"b","version":"1.0.0"}\n',
    'b/docker/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\n',
  }), { workspace: 'a', configuration: { buildContext: '.' } });

  it('resolves build contexts again when a folder is added or removed', async () => {
    const { dir, client } = server;
    const uri = fileUri(path.join(dir, 'b', 'docker', 'Dockerfile'));
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    // Outside the workspace folders: the context is b/docker, without an ignore file.
    await client.diagnostics(uri, withoutIgnore);
    const b = { uri: fileUri(path.join(dir, 'b')), name: 'b' };
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [b], removed: [] } });
    // Inside b now: the context is b, whose .dockerignore is in force.
    await client.diagnostics(uri, (p) => !withoutIgnore(p));
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [b] } });
    await client.diagnostics(uri, withoutIgnore);
  });
});
