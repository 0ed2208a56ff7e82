/**
 * The language server's entry point: `node dist/server.js --stdio [--code-cache <folder>]`.
 *
 * The server itself is dist/server-main.js (built from server.ts). Given a folder, this loads it
 * through V8's code cache: the first start compiles as usual and, a few seconds in (or at exit),
 * saves the compiled code, including the functions the first analysis compiled; later starts read
 * it instead of compiling again. On the benchmark's small Dockerfile that cut the CPU time from
 * spawn to first diagnostics by about 30 ms, most of it in the first analysis (docs/performance.md).
 *
 * The VS Code client passes a folder in the extension's global storage. Without `--code-cache`
 * nothing is written anywhere. A cache made by another Node/V8 build or for another server file is
 * never used: the file name carries the Node version, the architecture and the server file's size
 * and modification time, and V8 rejects data from another version or other flags (then the file is
 * written anew). Failing to read or write the cache only costs the time it would have saved.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CODE_CACHE_STATE, type CodeCacheState } from './codeCache';

const MAIN = path.join(__dirname, 'server-main.js');


/** Seconds after start when a new cache is written (if the process has not exited before). */
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

/** Compiles the server with the cache in `folder` and arranges to save a new one; undefined when that fails. */
function compileWithCache(folder: string): vm.Script | undefined {
  try {
    const stat = fs.statSync(MAIN);
    const name = `server-main-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs)}.cache`;
    const file = path.join(folder, name);
    let cached: Buffer | undefined;
    try {
      cached = fs.readFileSync(file);
    } catch {
      cached = undefined;
    }
    const script = new vm.Script(Module.wrap(fs.readFileSync(MAIN, 'utf8')), { filename: MAIN, cachedData: cached });
    const state: CodeCacheState = cached === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
    report(state);
    if (state !== 'accepted') {
      let saved = false;
      const save = () => {
        if (saved) return;
        saved = true;
        try {
          fs.mkdirSync(folder, { recursive: true });
          const temporary = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(temporary, script.createCachedData());
          fs.renameSync(temporary, file);
          // Caches of earlier versions of the server (or of Node) are never read again.
          for (const other of fs.readdirSync(folder)) {
            if (other.startsWith('server-main-') && other !== name && !other.endsWith('.tmp')) fs.rmSync(path.join(folder, other), { force: true });
          }
        } catch {
          report('failed');
        }
      };
      setTimeout(save, SAVE_AFTER_MS).unref();
      process.once('exit', save);
    }
    return script;
  } catch {
    report('failed');
    return undefined;
  }
}

const folder = cacheFolder(process.argv);
const script = folder ? compileWithCache(folder) : undefined;
if (script) {
  const mod = new Module(MAIN, module);
  mod.filename = MAIN;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(mod.exports, mod.exports, Module.createRequire(MAIN), mod, MAIN, path.dirname(MAIN));
} else {
  if (!folder) report('off');
  // A plain require: nothing cached, nothing written.
  module.require(MAIN);
}
