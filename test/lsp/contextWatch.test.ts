/**
 * A build context that a Compose file puts outside the workspace folders, and not in the
 * Dockerfile's folder, is watched through the client: the server registers a watcher for
 * `workspace/didChangeWatchedFiles` with that folder as its base (the client declares dynamic
 * registration and relative patterns, as vscode-languageclient 11 does), an event for the
 * context's `.dockerignore` refreshes the findings, and closing the Dockerfile unregisters it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WATCHED_NAMES } from '../../server/src/watchedNames';
import { fileUri, serverInTempFolder, type PublishedDiagnostics } from '../support/lspClient';
import { writeFiles } from '../support/contextTree';

const withoutIgnore = (p: PublishedDiagnostics) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore');

describe('build context outside the workspace (watched through the client)', () => {
  const server = serverInTempFolder('dsh-context-watch-', (dir) => writeFiles(dir, {
    'ws/README.md': 'the workspace folder\n',
    // The Dockerfile's folder is outside the workspace; its Compose file names ../ctx as the context.
    'outside/proj/compose.yaml': 'services:\n  api:\n    build:\n      context: ../ctx\n      dockerfile: ../proj/api.Dockerfile\n',
    'outside/proj/api.Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
    'outside/ctx/package.json': '{"name":"ctx","version":"1.0.0"}\n',
    'outside/ctx/index.js': 'console.log(1)\n',
  }), { workspace: 'ws' });

  it('registers a watcher for the context folder, refreshes on its .dockerignore, and unregisters on close', async () => {
    const { dir, client } = server;
    const uri = fileUri(path.join(dir, 'outside', 'proj', 'api.Dockerfile'));
    const ctx = path.join(dir, 'outside', 'ctx');
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    await client.diagnostics(uri, withoutIgnore);

    // Only the context: the workspace folder and the Dockerfile's own folder are the client's.
    await client.registrationsWhen((c) => c.watchedBases().length > 0);
    assert.deepEqual(client.watchedBases(), [fileUri(ctx)]);
    const [registration] = [...client.registrations.values()].filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.deepEqual(registration.registerOptions, { watchers: [{ globPattern: { baseUri: fileUri(ctx), pattern: WATCHED_NAMES } }] });

    fs.writeFileSync(path.join(ctx, '.dockerignore'), 'node_modules\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ctx, '.dockerignore')), type: 1 }] });
    await client.diagnostics(uri, (p) => !withoutIgnore(p));

    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.registrationsWhen((c) => c.watchedBases().length === 0);
  });
});
