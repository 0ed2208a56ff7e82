/**
 * The language server's entry point: `node dist/server.js --stdio [--code-cache <folder>]`.
 *
 * The server itself is dist/server-main.js (built from server.ts). Given a folder, this loads it
 * (and the parser library) through V8's code cache: the first start compiles as usual and, a few seconds in (or at exit),
 * saves the compiled code, including the functions the first analysis compiled; later starts read
 * it instead of compiling again. On the benchmark's small Dockerfile that cut the CPU time from
 * spawn to first diagnostics by about 30 ms, most of it in the first analysis (docs/performance.md).
 *
 * The VS Code client passes a folder in the extension's global storage. Without `--code-cache`
 * nothing is written anywhere. A cache made by another Node/V8 build or for another file is never
 * used: the cache file's name carries the Node version, the architecture and the server file's
 * size and modification time, and V8 rejects data from another version or other flags (then
 * the file is written anew). Failing to read or write a cache only costs the time it would have
 * saved.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CODE_CACHE_STATE, type CodeCacheState } from './codeCache';

const MAIN = path.join(__dirname, 'server-main.js');

/**
 * The files compiled with a code cache: the server and the parser library it runs on every
 * analysis. The language-server library (dist/vendor/vscode-languageserver.js) is left out: with
 * it, RSS after startup rose from 54.5 to 59 MB in the LSP benchmark (peer: 55.5), for about 15 ms
 * less CPU; the parser library alone took another 10-20 ms off at the same RSS (startup bench,
 * two runs of 10 startups each, 2026-12-03).
 */
const CACHED = new Set([MAIN, path.join(__dirname, 'vendor', 'dockerfile-ast.js'), path.join(__dirname, 'vendor', 'vscode-languageserver-textdocument.js')]);

/** Milliseconds after start when new caches are written (if the process has not exited before). */
const SAVE_AFTER_MS = 5_000;

function cacheFolder(argv: string[]): string | undefined {
  const i = argv.indexOf('--code-cache');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  const joined = argv.find((a) => a.startsWith('--code-cache='));
  return joined ? joined.slice('--code-cache='.length) || undefined : undefined;
}

function report(state: CodeCacheState): void {
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATE] = state;
}

/** A file compiled in this process whose cache is to be written: its cache file's name and script. */
interface Compiled {
  name: string;
  script: vm.Script;
}

/**
 * Makes Node compile the files in {@link CACHED} with their code caches in `folder`, and arranges
 * to write a cache when V8 did not accept one.
 */
function cacheCompiledFiles(folder: string): void {
  const toSave: Compiled[] = [];
  const kept = new Set<string>();
  const moduleProto = Module.prototype as unknown as { _compile(content: string, filename: string): unknown };
  const compile = moduleProto._compile;
  moduleProto._compile = function (this: Module, content: string, filename: string) {
    if (!CACHED.has(filename)) return compile.call(this, content, filename);
    let script: vm.Script;
    try {
      const stat = fs.statSync(filename);
      const name = `${path.relative(__dirname, filename).replace(/[\\/]/g, '_')}-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}.cache`;
      let cached: Buffer | undefined;
      try {
        cached = fs.readFileSync(path.join(folder, name));
      } catch {
        cached = undefined;
      }
      script = new vm.Script(Module.wrap(content), { filename, cachedData: cached });
      const accepted = cached !== undefined && !script.cachedDataRejected;
      kept.add(name);
      if (!accepted) toSave.push({ name, script });
      // The server file's outcome is the one reported.
      if (filename === MAIN) report(cached === undefined ? 'none' : accepted ? 'accepted' : 'rejected');
    } catch {
      // Compiled the usual way instead: the cache only saves time.
      return compile.call(this, content, filename);
    }
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
    return run.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };

  const save = () => {
    const pending = toSave.splice(0);
    if (pending.length === 0) return;
    try {
      fs.mkdirSync(folder, { recursive: true });
      for (const { name, script } of pending) {
        const file = path.join(folder, name);
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, file);
      }
      // Caches of other versions of the files loaded here (or made by another Node) are never
      // read again.
      const sourceOf = (name: string) => name.replace(/-v\d+\.\d+\.\d+-.*$/, '');
      const loaded = new Set([...kept].map(sourceOf));
      for (const other of fs.readdirSync(folder)) {
        if (other.endsWith('.cache') && !kept.has(other) && loaded.has(sourceOf(other))) fs.rmSync(path.join(folder, other), { force: true });
      }
    } catch {
      report('failed');
    }
  };
  setTimeout(save, SAVE_AFTER_MS).unref();
  process.once('exit', save);
}

const folder = cacheFolder(process.argv);
if (folder) {
  try {
    cacheCompiledFiles(folder);
  } catch {
    report('failed');
  }
} else report('off');
module.require(MAIN);
