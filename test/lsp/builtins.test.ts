/**
 * Start-up cost: the server must not load Node built-ins it never uses on the stdio path. The
 * language-server library requires child_process and crypto when it loads (for global module
 * lookups and pipe names); the build leaves the module lookups out, with child_process
 * (scripts/build.mjs, LEFT_OUT), and replaces crypto with an object that loads it on first use
 * (LAZY_BUILTINS). The server's own file reads go through Node's callback API
 * (server/src/sources/fsAsync.ts), not `fs.promises`, whose first use loads fs/promises with file
 * handles, watchers and readline (about 2.2 ms of a fresh process), nor timers/promises. A session
 * that opens, hovers, asks for code actions and edits must end without any of them in Node's list
 * of loaded modules.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';
import { fileUri, LspTestClient, SERVER_BUNDLE } from '../support/lspClient';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

describe('start-up: built-ins the server does not use stay unloaded', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-builtins-'));
    fs.cpSync(path.join(EXAMPLES, 'node-app'), path.join(dir, 'app'), { recursive: true });
    // Preloaded into the server: writes the modules Node loaded when the process exits.
    fs.writeFileSync(path.join(dir, 'record.js'), `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'loaded.txt'))}, process.moduleLoadList.join('\\n')));\n`);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never loads child_process, crypto, fs/promises or timers/promises in an editing session', async () => {
    const client = await LspTestClient.start({ args: [...SERVER_NODE_OPTIONS, '-r', path.join(dir, 'record.js'), SERVER_BUNDLE, '--stdio'], rootPath: path.join(dir, 'app') });
    const file = path.join(dir, 'app', 'Dockerfile');
    const uri = fileUri(file);
    const text = fs.readFileSync(file, 'utf8');
    await client.open(uri, text);
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } });
    await client.request('textDocument/codeAction', { textDocument: { uri }, range: published.diagnostics[0].range, context: { diagnostics: published.diagnostics.slice(0, 1) } });
    await client.change(uri, 2, `${text}RUN echo done\n`);
    await client.diagnostics(uri, (p) => p.version === 2);
    const exited = new Promise<void>((resolve) => client.child.once('exit', () => resolve()));
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    await client.stop();
    const loaded = fs.readFileSync(path.join(dir, 'loaded.txt'), 'utf8').split('\n');
    // Sanity: the list is Node's (the server did load the modules it needs).
    assert.ok(loaded.includes('NativeModule fs'), 'no module list recorded');
    for (const name of ['child_process', 'crypto', 'internal/fs/promises', 'timers/promises']) assert.ok(!loaded.includes(`NativeModule ${name}`), `the server loaded ${name}`);
  });
});
