/**
 * The language server's entry point: `node dist/server.js --stdio [--code-cache <folder>]`.
 *
 * The server itself is dist/server-main.js (built from server.ts). Given a folder, this loads it
 * (and the parser library) through V8's code cache: the first start compiles as usual and, once
 * the server has published its first diagnostics (or at exit after that), saves the compiled
 * code, including the functions the first analysis compiled; later starts read it instead of
 * compiling again. On the benchmark's small Dockerfile that cut the CPU time from spawn to first
 * diagnostics by about 30 ms, most of it in the first analysis (docs/performance.md).
 *
 * The VS Code client passes a folder in the extension's global storage. Without `--code-cache`
 * nothing is written anywhere. A cache is used only by the build of the file it was made from:
 * its name carries a hash of the file's content (made when the bundles are built), the Node
 * version and the architecture; V8 also rejects data from another version or other flags, and
 * with its checksum check on (below) a damaged file. A rejected file is written anew. Failing to
 * read or write a cache only costs the time it would have saved.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CODE_CACHE_SAVE, CODE_CACHE_STATE, type CodeCacheState } from './codeCache';

/**
 * The files compiled with a code cache, by name relative to dist/, with a hash of their content:
 * filled in by scripts/build.mjs after it built them (the list, and why the language-server
 * library is not on it, is there). Unset in builds that do not provide them: then nothing is
 * cached (a cache keyed by size and time alone could run old code of a same-length file).
 */
declare const __CODE_CACHE_KEYS__: Record<string, string> | undefined;
const KEYS: Record<string, string> = typeof __CODE_CACHE_KEYS__ === 'object' ? __CODE_CACHE_KEYS__ : {};

const MAIN = path.join(__dirname, 'server-main.js');

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
 * Makes Node compile the files in {@link KEYS} with their code caches in `folder`, and arranges
 * to write a cache when V8 did not accept one.
 */
function cacheCompiledFiles(folder: string): void {
  // Release builds of V8 do not verify a code cache's checksum: a file damaged past its header
  // would be accepted and crash the deserializer at every start. With the check, it is rejected.
  v8.setFlagsFromString('--verify-snapshot-checksum');
  /** A cached file's name in the folder starts with its path in dist/, flattened. */
  const stem = (file: string) => file.replace(/[\\/]/g, '_');
  const cached = new Map(Object.entries(KEYS).map(([f, key]) => [path.join(__dirname, f), `${stem(f)}-${key}-${process.version}-${process.arch}.cache`]));
  const toSave: Compiled[] = [];
  const moduleProto = Module.prototype as unknown as { _compile(content: string, filename: string, ...rest: unknown[]): unknown };
  const compile = moduleProto._compile;
  moduleProto._compile = function (this: Module, content: string, filename: string, ...rest: unknown[]) {
    const name = cached.get(filename);
    if (name === undefined) return compile.call(this, content, filename, ...rest);
    let script: vm.Script;
    try {
      let data: Buffer | undefined;
      try {
        data = fs.readFileSync(path.join(folder, name));
      } catch {
        data = undefined;
      }
      script = new vm.Script(Module.wrap(content), { filename, cachedData: data });
      const accepted = data !== undefined && !script.cachedDataRejected;
      if (!accepted) toSave.push({ name, script });
      // The server file's outcome is the one reported.
      if (filename === MAIN) report(data === undefined ? 'none' : accepted ? 'accepted' : 'rejected');
    } catch {
      // Compiled the usual way instead: the cache only saves time.
      return compile.call(this, content, filename, ...rest);
    }
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
    return run.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };

  let analysed = false;
  const save = () => {
    const pending = toSave.splice(0);
    if (pending.length === 0) return;
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch {
      report('failed');
      return;
    }
    for (const { name, script } of pending) {
      const file = path.join(folder, name);
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, file);
      } catch {
        report('failed');
        fs.rmSync(temporary, { force: true, recursive: true });
      }
    }
    // Caches of other builds of these files (or made by another Node), and temporary files a
    // process left when it died while writing, are never read again.
    const current = new Set(cached.values());
    const ours = Object.keys(KEYS).map(stem);
    try {
      for (const other of fs.readdirSync(folder)) {
        const stale = other.endsWith('.cache') && !current.has(other) && ours.some((o) => other.startsWith(`${o}-`));
        const leftover = other.endsWith('.tmp') && !other.endsWith(`.${process.pid}.tmp`) && Date.now() - fs.statSync(path.join(folder, other)).mtimeMs > 60_000;
        if (stale || leftover) fs.rmSync(path.join(folder, other), { force: true, recursive: true });
      }
    } catch {
      // Cleaning up is best effort.
    }
  };
  // Written once the server has analysed something (so the analysis code is in the cache; a cache
  // written before that would be accepted and never grow), and at exit if there is more by then.
  (globalThis as Record<symbol, unknown>)[CODE_CACHE_SAVE] = () => {
    if (analysed) return;
    analysed = true;
    setTimeout(save, 1_000).unref();
  };
  process.once('exit', () => {
    if (analysed) save();
  });
}

const folder = cacheFolder(process.argv);
if (folder && Object.keys(KEYS).length > 0) {
  try {
    cacheCompiledFiles(folder);
  } catch {
    report('failed');
  }
} else report('off');
module.require(MAIN);
