/**
 * A build context that a Compose file puts outside the workspace folders, and not in the
 * Dockerfile's folder, is watched through the client: the server registers a watcher for
 * `workspace/didChangeWatchedFiles` with that folder as its base (the client declares dynamic
 * registration and relative patterns, as vscode-languageclient 11 does), an event for the
 * context's `.dockerignore` refreshes the findings, and closing the Dockerfile unregisters it.
 * The pattern covers the names the context scan reports: a likely secret created or deleted
 * there refreshes the findings too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WATCHED_NAMES } from '../../server/src/watchedNames';
import { fileUri, serverInTempFolder, type PublishedDiagnostics } from '../support/lspClient';
import { writeFiles } from '../support/contextTree';
import { watches } from '../support/watchGlob';

const withoutIgnore = (p: PublishedDiagnostics) => p.diagnostics.some((d) => d.code === 'context-without-dockerignore');

/** A server whose workspace folder is `ws`, and outside it a Dockerfile whose Compose file names ../ctx as the context, which holds `ctx`. */
function serverWithOutsideContext(prefix: string, ctx: Record<string, string>) {
  return serverInTempFolder(prefix, (dir) => writeFiles(dir, {
    'ws/README.md': 'the workspace folder\n',
    'outside/proj/compose.yaml': 'services:\n  api:\n    build:\n      context: ../ctx\n      dockerfile: ../proj/api.Dockerfile\n',
    'outside/proj/api.Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n',
    ...Object.fromEntries(Object.entries(ctx).map(([name, text]) => [`outside/ctx/${name}`, text])),
  }), { workspace: 'ws' });
}

describe('build context outside the workspace (watched through the client)', () => {
  const server = serverWithOutsideContext('dsh-context-watch-', { 'package.json': '{"name":"ctx","version":"1.0.0"}\n', 'index.js': 'console.log(1)\n' });

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

    const fileEvents = async () => (await client.request<{ fileEvents: number }>('dockerfileSizeHints/serverInfo', {})).fileEvents;
    const before = await fileEvents();
    fs.writeFileSync(path.join(ctx, '.dockerignore'), 'node_modules\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ctx, '.dockerignore')), type: 1 }] });
    await client.diagnostics(uri, (p) => !withoutIgnore(p));
    // Counted for the VS Code test's failure messages (a lost event and a slow analysis look alike there).
    assert.equal(await fileEvents(), before + 1);

    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.registrationsWhen((c) => c.watchedBases().length === 0);
  });
});

describe('a likely secret in a watched build context', () => {
  const server = serverWithOutsideContext('dsh-secret-watch-', { '.dockerignore': 'node_modules\n', 'index.js': 'console.log(1)\n', id_rsa: 'not a real key\n' });

  const secrets = (p: PublishedDiagnostics) => p.diagnostics.filter((d) => d.code === 'context-secrets').map((d) => d.message).join('\n');

  it('is watched by the pattern the server registers, and the finding follows its deletion and a new .env', async () => {
    const { dir, client } = server;
    const uri = fileUri(path.join(dir, 'outside', 'proj', 'api.Dockerfile'));
    const ctx = path.join(dir, 'outside', 'ctx');
    await client.open(uri, fs.readFileSync(new URL(uri), 'utf8'));
    await client.diagnostics(uri, (p) => /id_rsa \(SSH private key\)/.test(secrets(p)));

    // The client's watcher reports the files the finding names.
    await client.registrationsWhen((c) => c.watchedBases().length > 0);
    const [registration] = [...client.registrations.values()].filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    const [{ globPattern }] = (registration.registerOptions as { watchers: { globPattern: { baseUri: string; pattern: string } }[] }).watchers;
    assert.equal(globPattern.baseUri, fileUri(ctx));
    for (const name of ['id_rsa', '.env']) assert.ok(watches(globPattern.pattern, name), `${name} is not watched: ${globPattern.pattern}`);

    fs.rmSync(path.join(ctx, 'id_rsa'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ctx, 'id_rsa')), type: 3 }] });
    await client.diagnostics(uri, (p) => secrets(p) === '');

    fs.writeFileSync(path.join(ctx, '.env'), 'DB_PASSWORD=x\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(ctx, '.env')), type: 1 }] });
    await client.diagnostics(uri, (p) => /\.env \(environment file/.test(secrets(p)));
  });
});
