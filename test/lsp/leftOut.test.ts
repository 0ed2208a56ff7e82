/**
 * The client's bundle replaces the language client library's features for every request our server
 * offers no provider for with inert ones (scripts/build.mjs, STUBBED): pulled diagnostics, notebook
 * sync and file operation events (and so minimatch, which only they call), and completion,
 * formatting, symbols, semantic tokens and the other providers (UNOFFERED). Our server must then
 * offer only what the bundle keeps: it declares no other capability when it starts, and registers
 * nothing else while a Dockerfile and a .dockerignore of a project are open and edited (what it
 * does register, settings changes and file watchers, needs no glob matching in the client: VS Code
 * matches watchers' globs). The server's bundle leaves out the language server library's side of
 * the same features (scripts/build.mjs, SERVER_UNUSED: mixins that add nothing), so what this test
 * holds for the capabilities and registrations holds for it too.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

/** The server capabilities whose client features the bundle keeps (experimental ones are ours to read). */
const KEPT_CAPABILITIES = ['textDocumentSync', 'hoverProvider', 'codeActionProvider', 'codeLensProvider', 'executeCommandProvider', 'inlayHintProvider', 'workspace', 'experimental'];
/** Of `workspace`, only the folders. */
const KEPT_WORKSPACE = ['workspaceFolders'];
/** The methods of dynamic registrations whose client features the bundle keeps. */
const KEPT_METHODS = ['workspace/didChangeConfiguration', 'workspace/didChangeWatchedFiles', 'workspace/didChangeWorkspaceFolders', 'workspace/executeCommand'];

describe('server features whose client side the client bundle leaves out (inert stand-ins)', function () {
  this.timeout(30_000);
  const server = serverInTempFolder('dsh-left-out-', (dir) => fs.cpSync(path.join(EXAMPLES, 'node-app'), dir, { recursive: true }));

  it('are neither offered at initialize nor registered in an editing session', async () => {
    const { client, dir } = server;
    assert.deepEqual(Object.keys(client.capabilities).filter((c) => !KEPT_CAPABILITIES.includes(c)), []);
    assert.deepEqual(Object.keys(client.capabilities.workspace ?? {}).filter((c) => !KEPT_WORKSPACE.includes(c)), []);

    const dockerfile = fileUri(path.join(dir, 'Dockerfile'));
    const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    await client.open(dockerfile, text);
    await client.diagnostics(dockerfile, (p) => p.diagnostics.length > 0);
    const ignore = fileUri(path.join(dir, '.dockerignore'));
    await client.open(ignore, 'node_modules\n*.log\n', 'dockerignore');
    await client.diagnostics(ignore);
    await client.change(dockerfile, 2, `${text}RUN echo done\n`);
    await client.diagnostics(dockerfile, (p) => p.version === 2);
    // Sanity: the server's own registration (for settings changes) has come.
    await client.registrationsWhen((c) => [...c.registrations.values()].some((r) => r.method === 'workspace/didChangeConfiguration'));

    const registered = [...client.registrations.values()].map((r) => r.method);
    assert.deepEqual(registered.filter((m) => !KEPT_METHODS.includes(m)), []);
  });
});
