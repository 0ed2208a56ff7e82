/**
 * The bundles in dist/ (built by `npm run compile` or `npm run package`) hold each library once:
 * vscode-languageserver-types, which the protocol library and dockerfile-ast require, and the
 * protocol library with vscode-jsonrpc, on which both the language client and the language server
 * library are built, and semver, which the language client library and our npm size model use,
 * are files of their own in dist/v/ (scripts/build.mjs, VENDOR.shared).
 * dist/cli.js is left out: it is one file by design.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(__dirname, '../../../../dist');
/** A message only vscode-languageserver-types' Range.create holds. */
const TYPES_MARKER = 'Range#create called with invalid arguments';
/** A message only semver's Comparator holds. */
const SEMVER_MARKER = 'Invalid comparator';
/** A message only vscode-jsonrpc's message reader holds. */
const JSONRPC_MARKER = 'Header must provide a Content-Length property';
/** A message only minimatch holds. */
const MINIMATCH_MARKER = 'pattern is too long';

describe('bundles in dist/', () => {
  let bundles: string[];
  const holding = (marker: string) => bundles.filter((f) => readFileSync(join(dist, f), 'utf8').includes(marker));
  const requires = (user: string, file: string) => readFileSync(join(dist, user), 'utf8').includes(`require("./${file}")`);

  before(function () {
    if (!existsSync(join(dist, 'server-main.js'))) {
      console.log('      skipped: no dist/ (run `npm run compile` first)');
      this.skip();
    }
    bundles = [
      ...readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'cli.js'),
      ...readdirSync(join(dist, 'v')).filter((f) => f.endsWith('.js')).map((f) => `v/${f}`),
    ];
  });

  it('hold one copy of vscode-languageserver-types, required by the protocol library and dockerfile-ast', () => {
    assert.deepEqual(holding(TYPES_MARKER), ['v/lst.js']);
    for (const user of ['v/ast.js', 'v/lsp.js']) {
      assert.ok(requires(user, 'lst.js'), `${user} does not require the shared copy`);
    }
  });

  it('hold one copy of the protocol library and vscode-jsonrpc, required by the language client and server libraries', () => {
    assert.deepEqual(holding(JSONRPC_MARKER), ['v/lsp.js']);
    for (const user of ['v/lc.js', 'v/ls.js']) {
      assert.ok(requires(user, 'lsp.js'), `${user} does not require the shared copy`);
    }
  });

  it('bundle every name of js-yaml that server/src/core/yaml.ts uses (scripts/build.mjs bundles only those in ONLY_EXPORTS)', () => {
    const source = readFileSync(resolve(__dirname, '../../../../server/src/core/yaml.ts'), 'utf8');
    const used = [...new Set([...source.matchAll(/\byaml\.(\w+)/g)].map((m) => m[1]))];
    assert.ok(used.includes('loadAll'), `names read from core/yaml.ts: ${used.join(', ')}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(join(dist, 'v', 'yaml.js')) as Record<string, unknown>;
    assert.deepEqual(used.filter((name) => bundled[name] === undefined), []);
  });

  it('hold one copy of semver, whose functions the language client library and our npm size model require by path', () => {
    assert.deepEqual(holding(SEMVER_MARKER), ['v/semver.js']);
    assert.ok(requires('v/lc.js', 'semver.js'), 'the language client library does not require the shared copy');
    assert.ok(requires('server-main.js', 'v/semver.js'), 'the server does not require the shared copy');
  });

  it("replace the language client library's notebook sync, pulled diagnostics and file operation features with inert ones, and so leave out minimatch, which only they call (scripts/build.mjs, STUBBED; test/lsp/leftOut.test.ts)", () => {
    assert.deepEqual(holding(MINIMATCH_MARKER), []);
    assert.deepEqual(holding('Sending DidOpenNotebookDocumentNotification failed'), []);
    assert.deepEqual(holding('da348dc5-c30a-4515-9d98-31ff3be38d14'), []);
    assert.ok(readFileSync(join(dist, 'v', 'lc.js'), 'utf8').includes('vscode-notebook-cell'), "the notebook stand-in lacks the cell scheme the client asks for");
  });

  it("leave out the protocol library's parts for what nothing bundled uses, each export of which throws if read, but the notebook sync's method (scripts/build.mjs, PROTOCOL_UNUSED)", () => {
    const protocolDir = join(resolve(__dirname, '../../../../node_modules'), 'vscode-languageserver-protocol', 'lib', 'common');
    const others = bundles.filter((f) => f !== 'v/lsp.js').map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(join(dist, 'v', 'lsp.js')) as Record<string, unknown>;
    const parts = ['callHierarchy', 'diagnostic', 'fileOperations', 'inlineCompletion', 'inlineValue', 'linkedEditingRange', 'moniker', 'notebook', 'textDocumentContent', 'typeHierarchy'];
    for (const part of parts) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const names = Object.keys(require(join(protocolDir, `protocol.${part}.js`)) as object).filter((name) => name !== 'NotebookDocumentSyncRegistrationType');
      assert.ok(names.length > 0, part);
      assert.deepEqual(names.filter((name) => new RegExp(`\\b${name}\\b`).test(others)), [], `names of protocol.${part} in the other bundles`);
      for (const name of names) assert.throws(() => bundled[name], new RegExp(`${name} of \\./protocol\\.${part}, which vscode-languageserver-protocol requires, is not bundled`));
    }
    assert.deepEqual(holding('textDocument/diagnostic'), []);
    assert.equal((bundled.NotebookDocumentSyncRegistrationType as { method: string }).method, 'notebookDocument/sync');
  });

  it("leave out vscode-languageserver's module lookups (Files), which our server never calls, with the child_process they required (scripts/build.mjs, LEFT_OUT)", () => {
    const server = readFileSync(join(dist, 'v', 'ls.js'), 'utf8');
    assert.ok(!server.includes('child_process'), 'the language server library requires child_process');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Files } = require(join(dist, 'v', 'ls.js')) as { Files: Record<string, () => unknown> };
    for (const name of ['uriToFilePath', 'resolve', 'resolveGlobalNodePath', 'resolveGlobalYarnPath', 'resolveModulePath']) {
      assert.throws(() => Files[name](), /\.\/files, which vscode-languageserver\/node requires, is not bundled/, name);
    }
  });

  it("gives the protocol library version 4 UUIDs for its ids without crypto (scripts/build.mjs, STAND_INS; test/lsp/builtins.test.ts checks crypto stays unloaded)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RAL } = require(join(dist, 'v', 'lsp.js')) as { RAL: () => { crypto: { randomUUID(): string } } };
    const ids = Array.from({ length: 1000 }, () => RAL().crypto.randomUUID());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
