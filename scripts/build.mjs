// Bundles the shipped entry points with esbuild. Type checking is `tsc -b`'s job;
// esbuild only strips types, so the two run independently and the bundle stays small.
import { build } from 'esbuild';
import { minify } from 'terser';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import semver from 'semver';
import { packedTablesPlugin } from './packedTables.mjs';
import { ruleDocsPlugin } from './ruleDocs.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `--production` (used by `npm run package`): minified, no source maps, for the smallest .vsix.
  sourcemap: process.argv.includes('--production') ? false : 'linked',
  minify: process.argv.includes('--minify') || process.argv.includes('--production'),
  logLevel: 'warning',
  // Which packages' code each bundle holds, for dist/THIRD_PARTY_NOTICES.txt (writeNotices).
  metafile: true,
};
const production = process.argv.includes('--production');

/**
 * `--production`: the shipped files, minified by esbuild, go through terser as well (two compress
 * passes, top-level names mangled: each file is a CommonJS module, whose top level is its own).
 * terser, the minifier most bundled VS Code extensions ship through (webpack's default), finds what
 * esbuild's single pass leaves: 2026-12-04, gzip -9 of each file: server-main.js 238,364 -> 233,250
 * bytes, the language client library 41,633 -> 37,357, the protocol library 22,845 -> 20,503, the
 * parser 12,564 -> 11,695. The .vsix is the product's own example of a small image (issue #2's
 * 400 KB target). The CLI (dist/cli.js) is not shipped in the .vsix and is left as esbuild wrote it.
 */
async function terse(files) {
  await Promise.all(
    files.map(async (f) => {
      const { code } = await minify(readFileSync(f, 'utf8'), { compress: { passes: 2 }, mangle: { toplevel: true }, toplevel: true, format: { comments: false } });
      writeFileSync(f, code);
    }),
  );
}

/**
 * Libraries bundled into files of their own in dist/v/ (VENDOR_DIR), which the entry bundles (and the
 * other vendor files) require; each library is bundled once.
 *
 * Server: V8 compiles every file as one script, and the parser's peak memory grows with the
 * script. A single 1.6 MB server bundle left about 3 MB of freed parser memory that glibc kept in
 * the process, so the server started at 60 MB resident against the peer's 56 MB; split this way
 * no file exceeds about 0.7 MB and the same startup measures about 55 MB (docs/performance.md).
 * Client: dist/client.js holds only our code, so the activation clock it starts (loadStart.ts)
 * also covers loading the language client library.
 * Shared: the language client and server libraries are built on the same protocol library (with
 * vscode-jsonrpc inside it), and the protocol on vscode-languageserver-types, which dockerfile-ast
 * and the text-document library's users need too; one file each in dist/v/, which both the
 * client's and the server's files require (each process loads its own).
 * File names: short, since a zip holds each name twice, uncompressed (local header and central
 * directory), and each bundle that requires a file names it: dist/vendor/<package name>.js gave
 * the .vsix about 380 bytes more than dist/v/<these>.js (2026-12-06). `ls`, `lc`, `lsp`, `lst`, `td`:
 * the language server, the language client, the protocol (with vscode-jsonrpc), the types and the
 * text-document libraries.
 */
const VENDOR = {
  server: {
    'vscode-languageserver/node': 'ls',
    'dockerfile-ast': 'ast',
    'js-yaml': 'yaml',
  },
  client: { 'vscode-languageclient/node': 'lc' },
  shared: {
    semver: 'semver',
    'vscode-languageserver-protocol/node': 'lsp',
    'vscode-languageserver-types': 'lst',
    'vscode-languageserver-textdocument': 'td',
  },
};

/** The folder of dist/ that holds the vendored libraries' files (.vscodeignore ships dist/v/*.js). */
const VENDOR_DIR = 'v';

/**
 * Names that are served by another vendored entry point. The libraries require the protocol's
 * common part (`vscode-languageserver-protocol`) beside its Node part, which holds the common part
 * (by a relative require, so it cannot be a file of its own) and exports all of it; the only names
 * the Node part exports differently, createProtocolConnection and createMessageConnection, accept
 * streams as well and pass message readers and writers on as the common ones do.
 */
const ALIASES = { 'vscode-languageserver-protocol': 'vscode-languageserver-protocol/node' };

/**
 * Vendored libraries of which only the names listed are bundled, taken from the library's ES module
 * build so that esbuild leaves out the rest: of js-yaml, the loader without the dumper and the
 * schemas we do not use (63 -> 47 KB minified, about 5 KB less in the .vsix). The list must hold
 * every name server/src/core/yaml.ts uses; test/unit/build/vendor.test.ts checks that it does.
 */
const ONLY_EXPORTS = {
  'js-yaml': ['CORE_SCHEMA', 'defineMappingTag', 'defineScalarTag', 'defineSequenceTag', 'loadAll', 'mapTag', 'mergeTag', 'seqTag'],
};

/**
 * Vendored libraries that the bundles require by module path, each path for one function: the
 * vendor file exports these functions by name (and bundles only them), and a module required by
 * its path becomes one line that takes its function from that file. semver: the language client
 * library asks for parse and satisfies, our npm size model (server/src/sizes/npm.ts) for the
 * ranges functions; both bundled a copy of semver's classes before (about 20 KB minified each).
 */
const VENDORED_PATHS = {
  semver: {
    'semver/functions/major': 'major',
    'semver/functions/parse': 'parse',
    'semver/functions/satisfies': 'satisfies',
    'semver/ranges/max-satisfying': 'maxSatisfying',
    'semver/ranges/min-version': 'minVersion',
    'semver/ranges/valid': 'validRange',
  },
};

/** The package a module specifier belongs to: `@scope/name` or `name`. */
const packageOf = (specifier) => specifier.match(/^(@[^/]+\/)?[^/]+/)[0];
const manifestOf = (pkg) => JSON.parse(readFileSync(join(process.cwd(), 'node_modules', pkg, 'package.json'), 'utf8'));

/**
 * Every vendored library is bundled from the top-level copy in node_modules/. A vendored library
 * whose manifest asks for a version of another vendored library that the top-level copy does not
 * satisfy (npm then nests its own copy under it) would get the wrong one: the build fails instead.
 */
function checkVendorVersions() {
  const pkgs = [...new Set(Object.values(VENDOR).flatMap((v) => Object.keys(v).map(packageOf)))];
  for (const user of pkgs) {
    for (const [dep, range] of Object.entries(manifestOf(user).dependencies ?? {})) {
      if (!pkgs.includes(dep)) continue;
      const { version } = manifestOf(dep);
      if (!semver.satisfies(version, range)) throw new Error(`build: ${user} needs ${dep}@${range}, but the top-level copy bundled once is ${version}`);
    }
  }
}

/** A regexp that matches exactly the given module specifiers. */
const specifiers = (names) => new RegExp(`^(${names.map((n) => n.replace(/[/.-]/g, '\\$&')).join('|')})$`);

/**
 * Resolves the packages of `vendor` and their ALIASES (except `self`) to their dist/v file,
 * relative to `fromDir`, and their VENDORED_PATHS to a module that takes the function from it.
 */
function vendorPlugin(vendor, fromDir, self) {
  const files = { ...vendor };
  for (const [alias, target] of Object.entries(ALIASES)) if (vendor[target]) files[alias] = vendor[target];
  const names = Object.keys(files).filter((name) => (ALIASES[name] ?? name) !== self);
  const paths = Object.assign({}, ...Object.keys(VENDORED_PATHS).filter((pkg) => names.includes(pkg)).map((pkg) => VENDORED_PATHS[pkg]));
  return {
    name: 'vendor',
    setup(b) {
      b.onResolve({ filter: specifiers(names) }, (args) => ({ path: `${fromDir}${files[args.path]}.js`, external: true }));
      if (Object.keys(paths).length === 0) return;
      b.onResolve({ filter: specifiers(Object.keys(paths)) }, (args) => ({ path: args.path, namespace: 'vendored-path' }));
      b.onLoad({ filter: /.*/, namespace: 'vendored-path' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(packageOf(args.path))}).${paths[args.path]};`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Node built-ins that a vendored library requires when it loads but uses only on paths our server
 * never takes. The protocol's vscode-jsonrpc requires crypto (random names for pipe transports; the
 * UUIDs it asks crypto for come from a stand-in, STAND_INS below) at load; we talk over stdio.
 * Loading it (and child_process, which vscode-languageserver's module lookups required before
 * LEFT_OUT took them out) cost the server's start-up about 20 of Node's internal modules, compiled
 * at every start. Each is replaced by an object that requires the built-in on first use (the
 * library only reads properties of them, e.g. `crypto_1.randomBytes`).
 */
const LAZY_BUILTINS = { 'vscode-languageserver-protocol/node': ['crypto'] };

/**
 * A version 4 UUID made with Math.random, in the form crypto.randomUUID gives. vscode-jsonrpc 10
 * asks crypto for one for every id the language-server library makes (each dynamic registration,
 * from the first `initialized` on, and each progress token); loading crypto for them would cost
 * every start 17 more of Node's internal modules, about 3 ms of CPU and 0.9 MB of RSS (node 20, in
 * a process that had loaded stream, net and readline as the server has; 2026-12-03). The ids only
 * need to be unique within one connection; vscode-languageserver 10 made them with Math.random too.
 */
function randomUUID() {
  const hex = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}

/** Functions of a lazily loaded built-in that are answered without loading it. */
const STAND_INS = { crypto: { randomUUID } };

function lazyBuiltinsPlugin(names) {
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-builtin' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: [
          'let loaded;',
          `const load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));`,
          `const standIns = { ${Object.entries(STAND_INS[args.path] ?? {}).map(([key, f]) => `${key}: ${f}`).join(', ')} };`,
          'module.exports = new Proxy({}, { get: (_t, key) => (Object.hasOwn(standIns, key) ? standIns[key] : load()[key]), has: (_t, key) => Object.hasOwn(standIns, key) || key in load() });',
          '',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * Modules that a vendored library requires but uses only on paths our extension never takes, left
 * out of its bundle: each is replaced by a module whose exports (the names the library reads) throw,
 * naming the module, if they are ever called. A relative path is one of the library's own files.
 * - vscode-languageserver's ./files: helpers to resolve modules and npm's and yarn's global folders
 *   (with child_process), which the library only exports (as `Files`) and our server never calls.
 *   dist/vendor/vscode-languageserver.js 49,316 -> 45,320 bytes minified; the .vsix 389,340 -> 388,071 bytes.
 * (minimatch, which the language client library required for three features, was the first entry
 * here, 2026-12-04: 271,649 -> 242,911 bytes minified; those features are now inert, STUBBED below,
 * and nothing requires it.)
 */
const LEFT_OUT = {
  'vscode-languageserver/node': { './files': ['uriToFilePath', 'resolve', 'resolveGlobalNodePath', 'resolveGlobalYarnPath', 'resolveModulePath'] },
};

/**
 * Features of the language client library for protocol parts our server never offers, replaced by
 * features that do nothing (a static feature that declares no client capability and registers
 * nothing): notebook document sync (`notebookDocumentSync`), pulled diagnostics
 * (`diagnosticProvider`) and file operation events (`workspace.fileOperations`). The server offers
 * none of them, statically or by registration (test/lsp/leftOut.test.ts), so the real features
 * would only have declared capabilities and waited. The client library still asks the notebook
 * feature's `CellScheme` (a notebook cell's URI scheme) and whether a notebook feature handles a
 * document (none is registered under the notebook method, so none does); `vsdiag` and
 * `DiagnosticPullMode`, which the library re-exports, become empty namespaces (our client reads
 * neither). Only these features called minimatch, so it is not bundled either. Measured
 * 2026-12-04: dist/vendor/vscode-languageclient.js 242,955 -> 197,243 bytes minified (50,499 ->
 * 41,633 deflated); the .vsix 396,650 -> 386,727 bytes. test/vscode and test/ui pass with it (the
 * client in a real VS Code).
 */
const INERT = 'class Inert { fillClientCapabilities() {} initialize() {} getState() { return { kind: "static" }; } clear() {} }';
/** A module of the language client library whose feature classes `names` are all inert. */
const inert = (names) => `${INERT}\n${names.map((n) => `exports.${n} = class ${n} extends Inert {};`).join('\n')}\n`;
/**
 * The language client library's features, by module, for the requests our server offers no
 * provider for (completion, formatting, symbols, semantic tokens...): inert as well, since the
 * server declares none of their capabilities and registers none of them (test/lsp/leftOut.test.ts
 * checks every capability and registration it sends against the features the bundle keeps).
 * Measured 2026-12-04: dist/vendor/vscode-languageclient.js 193,350 -> 149,574 bytes minified
 * (37,357 -> 31,878 after gzip -9); the .vsix 399,216 -> 393,912 bytes. test/vscode and test/ui
 * pass with it (the client in a real VS Code).
 */
const UNOFFERED = {
  completion: ['CompletionItemFeature'],
  signatureHelp: ['SignatureHelpFeature'],
  definition: ['DefinitionFeature'],
  reference: ['ReferencesFeature'],
  documentHighlight: ['DocumentHighlightFeature'],
  documentSymbol: ['DocumentSymbolFeature'],
  workspaceSymbol: ['WorkspaceSymbolFeature'],
  formatting: ['DocumentFormattingFeature', 'DocumentRangeFormattingFeature', 'DocumentOnTypeFormattingFeature'],
  rename: ['RenameFeature'],
  documentLink: ['DocumentLinkFeature'],
  typeDefinition: ['TypeDefinitionFeature'],
  implementation: ['ImplementationFeature'],
  colorProvider: ['ColorProviderFeature'],
  foldingRange: ['FoldingRangeFeature'],
  declaration: ['DeclarationFeature'],
  selectionRange: ['SelectionRangeFeature'],
  callHierarchy: ['CallHierarchyFeature'],
  semanticTokens: ['SemanticTokensFeature'],
  linkedEditingRange: ['LinkedEditingFeature'],
  typeHierarchy: ['TypeHierarchyFeature'],
  inlineValue: ['InlineValueFeature'],
  inlineCompletion: ['InlineCompletionItemFeature'],
  textDocumentContent: ['TextDocumentContentFeature'],
};
/**
 * The language server library's features for requests and notifications our server neither
 * handles nor sends (it uses only `languages.inlayHint` of them): each is a mixin that adds its
 * methods (`connection.languages.semanticTokens.on`, `connection.window.showDocument`,
 * `connection.notebooks.synchronization`...) to a part of the connection, and becomes one that adds
 * nothing. The library's re-exports of their helper classes (`SemanticTokensBuilder`,
 * `NotebookDocuments`) become undefined; our server reads none of them. test/lsp/leftOut.test.ts
 * checks that the server registers no handler these would have served.
 */
const SERVER_UNUSED = {
  callHierarchy: ['CallHierarchyFeature'],
  semanticTokens: ['SemanticTokensFeature'],
  showDocument: ['ShowDocumentFeature'],
  fileOperations: ['FileOperationsFeature'],
  linkedEditingRange: ['LinkedEditingRangeFeature'],
  typeHierarchy: ['TypeHierarchyFeature'],
  inlineValue: ['InlineValueFeature'],
  foldingRange: ['FoldingRangeFeature'],
  diagnostic: ['DiagnosticFeature'],
  notebook: ['NotebookSyncFeature'],
  moniker: ['MonikerFeature'],
  inlineCompletion: ['InlineCompletionFeature'],
  textDocumentContent: ['TextDocumentContentFeature'],
};
/**
 * Modules of the protocol library for parts of the protocol that nothing bundled uses once the
 * features above are stubbed: neither the language client and server libraries nor our code name
 * any of their exports (test/unit/build/vendor.test.ts checks the built files). Each becomes a
 * module whose exports throw, naming the module, if they are ever read; but for the notebook sync's
 * registration type, whose `method` the client library reads at every document event it syncs (a
 * feature registered under it would sync the document instead; none is). Measured 2026-12-06:
 * dist/vendor/vscode-languageserver-protocol.js 110,141 -> 102,628 bytes minified (19,767 -> 18,819
 * deflated); the .vsix 399,189 -> 398,242 bytes. Left in: the parts whose requests the language
 * server library names in the `connection.languages.on...` methods our server never calls
 * (declaration, folding ranges, colours...): 87 bytes more of the .vsix, for a weaker guarantee.
 */
const PROTOCOL_UNUSED = ['callHierarchy', 'diagnostic', 'fileOperations', 'inlineCompletion', 'inlineValue', 'linkedEditingRange', 'moniker', 'notebook', 'textDocumentContent', 'typeHierarchy'];
const PROTOCOL_KEPT = { NotebookDocumentSyncRegistrationType: '{ method: "notebookDocument/sync" }' };
/** The stand-in for the protocol library's module `protocol.<part>.js`: its export names, read from the module. */
function unusedProtocolPart(part) {
  const file = join(process.cwd(), 'node_modules', 'vscode-languageserver-protocol', 'lib', 'common', `protocol.${part}.js`);
  const names = Object.keys(createRequire(import.meta.url)(file));
  return [
    `function unbundled(name) { throw new Error(\`\${name} of ./protocol.${part}, which vscode-languageserver-protocol requires, is not bundled (scripts/build.mjs, PROTOCOL_UNUSED)\`); }`,
    ...names.map((n) => (PROTOCOL_KEPT[n] ? `exports.${n} = ${PROTOCOL_KEPT[n]};` : `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => unbundled(${JSON.stringify(n)}) });`)),
    '',
  ].join('\n');
}

const STUBBED = {
  'vscode-languageserver-protocol/node': Object.fromEntries(PROTOCOL_UNUSED.map((part) => [`./protocol.${part}`, unusedProtocolPart(part)])),
  'vscode-languageserver/node': Object.fromEntries(Object.entries(SERVER_UNUSED).map(([file, names]) => [`./${file}`, `${names.map((n) => `exports.${n} = (Base) => Base;`).join('\n')}\n`])),
  'vscode-languageclient/node': {
    // The library's VS Code version check, without loading semver for a plain version (client/src/semverForClient.ts).
    ...Object.fromEntries(['parse', 'satisfies'].map((name) => [`semver/functions/${name}`, `module.exports = require(${JSON.stringify(join(process.cwd(), 'client', 'src', 'semverForClient.ts'))}).${name};\n`])),
    './notebook': `${INERT}\nclass NotebookDocumentSyncFeature extends Inert {}\nNotebookDocumentSyncFeature.CellScheme = "vscode-notebook-cell";\nexports.NotebookDocumentSyncFeature = NotebookDocumentSyncFeature;\n`,
    './diagnostic': `${INERT}\nexports.DiagnosticFeature = class DiagnosticFeature extends Inert {};\nexports.vsdiag = {};\nexports.DiagnosticPullMode = {};\n`,
    './fileOperations': inert(['DidCreateFilesFeature', 'DidRenameFilesFeature', 'DidDeleteFilesFeature', 'WillCreateFilesFeature', 'WillRenameFilesFeature', 'WillDeleteFilesFeature']),
    ...Object.fromEntries(Object.entries(UNOFFERED).map(([file, names]) => [`./${file}`, inert(names)])),
  },
};

/** Replaces the modules of {@link STUBBED}[pkg] (by the path the library requires them with) by their given source. */
function stubbedPlugin(modules) {
  return {
    name: 'stubbed',
    setup(b) {
      b.onResolve({ filter: specifiers(Object.keys(modules)) }, (args) => ({ path: args.path, namespace: 'stubbed' }));
      b.onLoad({ filter: /.*/, namespace: 'stubbed' }, (args) => ({ contents: modules[args.path], loader: 'js', resolveDir: process.cwd() }));
    },
  };
}

function leftOutPlugin(pkg, modules) {
  return {
    name: 'left-out',
    setup(b) {
      b.onResolve({ filter: specifiers(Object.keys(modules)) }, (args) => ({ path: args.path, namespace: 'left-out' }));
      b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: [
          // A function, not an arrow: `new Minimatch(...)` throws this error rather than a TypeError.
          `function unbundled() { throw new Error(${JSON.stringify(`${args.path}, which ${pkg} requires, is not bundled (scripts/build.mjs, LEFT_OUT)`)}); }`,
          ...modules[args.path].map((name) => `exports.${name} = unbundled;`),
          '',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * One bundle per vendored library of `own`: dist/v/<file>.js exports what `require(pkg)`
 * gives, requiring the files of `own` and `shared` for the other vendored libraries.
 */
function vendorBuilds(own, shared, options = {}) {
  const vendor = { ...own, ...shared };
  return Object.entries(own).map(([pkg, file]) =>
    build({
      ...common,
      ...options,
      stdin: {
        contents: ONLY_EXPORTS[pkg]
          ? `export { ${ONLY_EXPORTS[pkg].join(', ')} } from ${JSON.stringify(pkg)};`
          : VENDORED_PATHS[pkg]
            ? `module.exports = { ${Object.entries(VENDORED_PATHS[pkg]).map(([path, name]) => `${name}: require(${JSON.stringify(path)})`).join(', ')} };`
            : `module.exports = require(${JSON.stringify(pkg)});`,
        resolveDir: process.cwd(),
        sourcefile: `${file}.vendor.js`,
      },
      outfile: `dist/${VENDOR_DIR}/${file}.js`,
      plugins: [
        // First: a stub may stand for a path the vendor plugin would resolve (semver's functions).
        ...(STUBBED[pkg] ? [stubbedPlugin(STUBBED[pkg])] : []),
        vendorPlugin(vendor, './', pkg),
        ...(LAZY_BUILTINS[pkg] ? [lazyBuiltinsPlugin(LAZY_BUILTINS[pkg])] : []),
        ...(LEFT_OUT[pkg] ? [leftOutPlugin(pkg, LEFT_OUT[pkg])] : []),
      ],
    }),
  );
}

/**
 * dist/THIRD_PARTY_NOTICES.txt, shipped in the .vsix: the name, version and license text of every
 * npm package whose code the shipped bundles hold (from esbuild's metafiles: the `node_modules/<package>`
 * of each input). The bundles, minified or not, hold no license headers of their own (only js-yaml
 * has one), and the MIT and ISC licenses of these packages ask that their notice go with every copy.
 */
function writeNotices(results) {
  const packages = new Map();
  for (const { metafile } of results) {
    if (Object.keys(metafile.outputs).some((o) => o.endsWith('dist/cli.js'))) continue;
    for (const input of Object.keys(metafile.inputs)) {
      // The package folder (the last node_modules/ of the path, for a nested copy) and its name.
      const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
      if (m) packages.set(m[1], m[2]);
    }
  }
  const sections = [...packages].sort(([, a], [, b]) => a.localeCompare(b)).map(([dir, name]) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^licen[cs]e(\.(txt|md))?$/i.test(f));
    if (!file) throw new Error(`build: ${name} has no license file in ${dir}, for dist/THIRD_PARTY_NOTICES.txt`);
    return `==== ${name} ${manifest.version} (${manifest.license}) ====\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
  });
  writeFileSync('dist/THIRD_PARTY_NOTICES.txt', `Dockerfile Size Hints ships code of these npm packages, bundled into its files in dist/. Their licenses follow.\n\n${sections.join('\n')}`);
}

checkVendorVersions();
const bundled = await Promise.all([
  ...vendorBuilds(VENDOR.client, VENDOR.shared, { external: ['vscode'] }),
  // The size tables' brotli streams in a file of their own beside it (scripts/packedTables.mjs).
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server-main.js', plugins: [vendorPlugin({ ...VENDOR.server, ...VENDOR.shared }, `./${VENDOR_DIR}/`), packedTablesPlugin({ streamsFile: 'dist/tables.br' }), ruleDocsPlugin()] }),
  ...vendorBuilds(VENDOR.server, VENDOR.shared),
  ...vendorBuilds(VENDOR.shared, {}),
  // The CLI stays one file: it is the package's `bin`, run once per invocation.
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { __VERSION__: JSON.stringify(version) }, plugins: [packedTablesPlugin()] }),
]);

// A vendor file of a library this build no longer vendors (left by the build of an older checkout)
// would go into the .vsix, whose allow-list takes dist/v/*.js: removed, with its source map; and
// dist/vendor/, where the vendored files were before they were named as in VENDOR (2026-12-06).
const vendored = new Set(Object.values(VENDOR).flatMap((v) => Object.values(v)));
for (const f of readdirSync(`dist/${VENDOR_DIR}`)) if (!vendored.has(f.replace(/\.js(\.map)?$/, ''))) rmSync(join('dist', VENDOR_DIR, f));
rmSync('dist/vendor', { recursive: true, force: true });
if (production) await terse(['dist/server-main.js', ...[...vendored].map((f) => `dist/${VENDOR_DIR}/${f}.js`)]);

/** A hash of a built file's content, which names its code cache (server/src/codeCacheLoader.ts). */
const codeCacheKeys = (files) => Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(`dist/${f}`)).digest('hex').slice(0, 16)]));

// dist/server.js is the entry: it loads dist/server-main.js, through V8's code cache when the
// client gives it a folder (server/src/entry.ts). It is built last, with a hash of each file it
// caches, so that a cache is only ever used by the build it was made from. Cached: the server and
// the parser library it runs on every analysis. The language-server library is left out: with it,
// RSS after startup rose from 54.5 to 59 MB in the LSP benchmark (peer: 55.5) for about 15 ms less
// CPU; the parser library took another 10-20 ms off at the same RSS (docs/performance.md).
// The client likewise loads the language client library and the vendor files it requires (all
// that dist/client.js requires at activation) through a code cache (client/src/clientLibrary.ts).
const entries = await Promise.all([
  build({
    ...common,
    entryPoints: ['server/src/entry.ts'],
    outfile: 'dist/server.js',
    define: { __CODE_CACHE_KEYS__: JSON.stringify(codeCacheKeys(['server-main.js', ...[VENDOR.server['dockerfile-ast'], VENDOR.shared['vscode-languageserver-textdocument']].map((f) => `${VENDOR_DIR}/${f}.js`)])) },
  }),
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/client.js',
    external: ['vscode'],
    plugins: [vendorPlugin({ ...VENDOR.client, ...VENDOR.shared }, `./${VENDOR_DIR}/`)],
    define: { __CODE_CACHE_KEYS__: JSON.stringify(codeCacheKeys([...Object.values(VENDOR.client), ...Object.values(VENDOR.shared)].map((f) => `${VENDOR_DIR}/${f}.js`))) },
  }),
]);
if (production) await terse(['dist/server.js', 'dist/client.js']);
writeNotices([...bundled, ...entries]);
