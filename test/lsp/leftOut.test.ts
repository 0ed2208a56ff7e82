/**
 * The client's bundle replaces the language client library's features for pulled diagnostics,
 * notebook sync and file operation events with inert ones, and so leaves out minimatch, which only
 * they call (scripts/build.mjs, STUBBED): our server must then never offer those features. It offers none of them when it starts, and registers none while a
 * Dockerfile and a .dockerignore of a project are open and edited (what it does register, settings
 * changes and file watchers, needs no glob matching in the client: VS Code matches watchers' globs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

/** Capabilities, and methods of dynamic registrations, whose client side is inert in our bundle. */
const GLOB_CAPABILITIES = ['diagnosticProvider', 'notebookDocumentSync'];
const GLOB_METHODS = [
  'textDocument/diagnostic', 'notebookDocument/sync',
  'workspace/didCreateFiles', 'workspace/didRenameFiles', 'workspace/didDeleteFiles',
  'workspace/willCreateFiles', 'workspace/willRenameFiles', 'workspace/willDeleteFiles',
];

describe('server features whose client side the client bundle leaves out (inert stand-ins)', function () {
  this.timeout(30_000);
  const server = serverInTempFolder('dsh-left-out-', (dir) => fs.cpSync(path.join(EXAMPLES, 'node-app'), dir, { recursive: true }));

  it('are neither offered at initialize nor registered in an editing session', async () => {
    const { client, dir } = server;
    const offered = Object.keys(client.capabilities).filter((c) => GLOB_CAPABILITIES.includes(c));
    assert.deepEqual(offered, []);
    assert.equal((client.capabilities.workspace as { fileOperations?: unknown } | undefined)?.fileOperations, undefined);

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
    assert.deepEqual(registered.filter((m) => GLOB_METHODS.includes(m)), []);
  });
});
