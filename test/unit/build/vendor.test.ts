/**
 * The server's bundles in dist/ (built by `npm run compile` or `npm run package`) hold each library
 * once: vscode-languageserver-types, which both the language-server library and dockerfile-ast
 * require, is its own file in dist/vendor/ (scripts/build.mjs, RESOLVE_FROM).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(__dirname, '../../../../dist');
/** A message only vscode-languageserver-types' Range.create holds. */
const TYPES_MARKER = 'Range#create called with invalid arguments';

describe('server bundles in dist/', () => {
  it('hold one copy of vscode-languageserver-types, required by the language-server library and dockerfile-ast', function () {
    if (!existsSync(join(dist, 'server-main.js'))) {
      console.log('      skipped: no dist/ (run `npm run compile` first)');
      this.skip();
    }
    // dist/vendor/vscode-languageclient.js is the client's (another process) and keeps its own copy.
    const server = ['server.js', 'server-main.js', ...readdirSync(join(dist, 'vendor')).filter((f) => f.endsWith('.js') && f !== 'vscode-languageclient.js').map((f) => `vendor/${f}`)];
    const holding = server.filter((f) => readFileSync(join(dist, f), 'utf8').includes(TYPES_MARKER));
    assert.deepEqual(holding, ['vendor/vscode-languageserver-types.js']);
    for (const user of ['vendor/dockerfile-ast.js', 'vendor/vscode-languageserver.js']) {
      assert.ok(readFileSync(join(dist, user), 'utf8').includes('require("./vscode-languageserver-types.js")'), `${user} does not require the shared copy`);
    }
  });
});
