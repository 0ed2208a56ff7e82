// Bundles the shipped entry points with esbuild. Type checking is `tsc -b`'s job;
// esbuild only strips types, so the two run independently and the bundle stays small.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
};

/**
 * Libraries bundled into files of their own in dist/vendor/, which the entry bundles (and the
 * other vendor files) require; each library is bundled once.
 *
 * Server: V8 compiles every file as one script, and the parser's peak memory grows with the
 * script. A single 1.6 MB server bundle left about 3 MB of freed parser memory that glibc kept in
 * the process, so the server started at 60 MB resident against the peer's 56 MB; split this way
 * no file exceeds about 0.7 MB and the same startup measures about 55 MB (docs/performance.md).
 * Client: dist/client.js holds only our code, so the activation clock it starts (loadStart.ts)
 * also covers loading the language client library.
 */
const VENDOR = {
  server: {
    'vscode-languageserver/node': 'vscode-languageserver',
    'vscode-languageserver-textdocument': 'vscode-languageserver-textdocument',
    'dockerfile-ast': 'dockerfile-ast',
    // Both the language-server library and dockerfile-ast require it; bundled once, see RESOLVE_FROM.
    'vscode-languageserver-types': 'vscode-languageserver-types',
    yaml: 'yaml',
    // Loaded only when an ignore pattern needs linear-time matching (core/dockerignore/pattern.ts).
    re2js: 're2js',
  },
  client: { 'vscode-languageclient/node': 'vscode-languageclient' },
};

/**
 * Vendored packages taken from the copy another package installs rather than the top-level one.
 * vscode-languageserver pins vscode-languageserver-types 3.18.4 (npm nests that copy under it),
 * and dockerfile-ast asks for ^3.17.3, which the top level fills with 3.18.5: bundled as npm
 * installed them, the server carried two copies, about 28 KB minified each. 3.18.4 satisfies both,
 * and dockerfile-ast calls only Range.create and Position.create, the same in both versions.
 */
const RESOLVE_FROM = { 'vscode-languageserver-types': 'vscode-languageserver' };

/** The folder a RESOLVE_FROM package is bundled from, once every vendored package that depends on it accepts its version. */
function resolveFrom(pkg) {
  const owner = join(process.cwd(), 'node_modules', RESOLVE_FROM[pkg]);
  const dir = [join(owner, 'node_modules', pkg), join(process.cwd(), 'node_modules', pkg)].find((d) => existsSync(join(d, 'package.json')));
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const user of Object.keys(VENDOR.server)) {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'node_modules', user.match(/^(@[^/]+\/)?[^/]+/)[0], 'package.json'), 'utf8'));
    const range = manifest.dependencies?.[pkg];
    if (range && !semver.satisfies(version, range)) throw new Error(`build: ${user} needs ${pkg}@${range}, but the copy ${RESOLVE_FROM[pkg]} uses is ${version}`);
  }
  return owner;
}

/** Resolves the packages of `vendor` (except `self`) to their dist/vendor file, relative to `fromDir`. */
function vendorPlugin(vendor, fromDir, self) {
  const names = Object.keys(vendor).filter((name) => name !== self);
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/.-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'vendor',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: `${fromDir}${vendor[args.path]}.js`, external: true }));
    },
  };
}

/**
 * Node built-ins that a vendored library requires when it loads but uses only on paths our server
 * never takes. vscode-languageserver requires child_process (to ask npm and yarn where global
 * modules live) and crypto (random names for pipe transports) at load; we talk over stdio. Loading
 * them cost the server's start-up about 20 of Node's internal modules (crypto's, child_process with
 * dgram and its socket list), compiled at every start. Each is replaced by an object that requires
 * the built-in on first use (the library only reads properties of them, e.g. `crypto_1.randomBytes`).
 */
const LAZY_BUILTINS = { 'vscode-languageserver/node': ['child_process', 'crypto'] };

function lazyBuiltinsPlugin(names) {
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-builtin' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `let loaded;\nconst load = () => (loaded ??= require(${JSON.stringify(`node:${args.path}`)}));\nmodule.exports = new Proxy({}, { get: (_t, key) => load()[key], has: (_t, key) => key in load() });\n`,
        loader: 'js',
      }));
    },
  };
}

/** One bundle per vendored library: dist/vendor/<file>.js exports what `require(pkg)` gives. */
function vendorBuilds(vendor, options = {}) {
  return Object.entries(vendor).map(([pkg, file]) =>
    build({
      ...common,
      ...options,
      stdin: {
        contents: `module.exports = require(${JSON.stringify(pkg)});`,
        resolveDir: RESOLVE_FROM[pkg] ? resolveFrom(pkg) : process.cwd(),
        sourcefile: `${file}.vendor.js`,
      },
      outfile: `dist/vendor/${file}.js`,
      plugins: [vendorPlugin(vendor, './', pkg), ...(LAZY_BUILTINS[pkg] ? [lazyBuiltinsPlugin(LAZY_BUILTINS[pkg])] : [])],
    }),
  );
}

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], plugins: [vendorPlugin(VENDOR.client, './vendor/')] }),
  ...vendorBuilds(VENDOR.client, { external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server-main.js', plugins: [vendorPlugin(VENDOR.server, './vendor/'), packedTablesPlugin(), ruleDocsPlugin()] }),
  ...vendorBuilds(VENDOR.server),
  // The CLI stays one file: it is the package's `bin`, run once per invocation.
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { __VERSION__: JSON.stringify(version) }, plugins: [packedTablesPlugin()] }),
]);

// dist/server.js is the entry: it loads dist/server-main.js, through V8's code cache when the
// client gives it a folder (server/src/entry.ts). It is built last, with a hash of each file it
// caches, so that a cache is only ever used by the build it was made from. Cached: the server and
// the parser library it runs on every analysis. The language-server library is left out: with it,
// RSS after startup rose from 54.5 to 59 MB in the LSP benchmark (peer: 55.5) for about 15 ms less
// CPU; the parser library took another 10-20 ms off at the same RSS (docs/performance.md).
const cached = ['server-main.js', 'vendor/dockerfile-ast.js', 'vendor/vscode-languageserver-textdocument.js'];
const keys = Object.fromEntries(cached.map((f) => [f, createHash('sha256').update(readFileSync(`dist/${f}`)).digest('hex').slice(0, 16)]));
await build({ ...common, entryPoints: ['server/src/entry.ts'], outfile: 'dist/server.js', define: { __CODE_CACHE_KEYS__: JSON.stringify(keys) } });
