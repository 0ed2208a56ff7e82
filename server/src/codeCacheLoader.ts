/**
 * Loading our bundle files through V8's code cache: the first load compiles as usual and, when
 * asked (`save`), writes the compiled code, including the functions compiled since; later loads
 * read it instead of compiling again. Used by the language server's entry (entry.ts: the server
 * and its parser library, in the server's own process) and by the VS Code client
 * (client/src/clientLibrary.ts: the language client library, in the extension host, which other
 * extensions share, so there the hook is removed as soon as the library has loaded).
 *
 * A cache is used only by the build of the file it was made from: its name carries a hash of the
 * file's content (made when the bundles are built), the Node version and the architecture; V8
 * also rejects data from another version or other flags. A damaged file is rejected by its CRC-32
 * (below) before V8 sees it. A rejected file is written anew. Failing to read or write a cache
 * only costs the time it would have saved.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { CodeCacheState } from './codeCache';

/**
 * The files a bundle loads with a code cache, by name relative to dist/, with a hash of their
 * content: filled in by scripts/build.mjs for each bundle that loads some (the server's entry and
 * the client; the lists, and why, are there). Unset in builds that do not provide them (tsc's
 * out/): then nothing is cached (a cache keyed by size and time alone could run old code of a
 * same-length file).
 */
declare const __CODE_CACHE_KEYS__: Record<string, string> | undefined;
export const BUILD_KEYS: Readonly<Record<string, string>> = typeof __CODE_CACHE_KEYS__ === 'object' ? __CODE_CACHE_KEYS__ : {};

/** What Node's loader puts before and after a CommonJS file's content (Module.wrap). */
const [WRAP_HEAD, WRAP_TAIL] = Module.wrap('\0').split('\0');

/**
 * A CommonJS file's content wrapped as Node's loader wraps it, as one string made from one buffer;
 * undefined for a file that starts with a byte order mark (Node's loader drops it), or that is
 * shorter than its size said. Wrapping a string read first (`Module.wrap(content)`) makes V8 copy
 * it into a second flat string, and the first, as large as the bundle, stays in the heap's
 * large-object space until a full collection: 792 KB of the server's memory at startup for
 * server-main.js (two such mappings in /proc/<pid>/smaps with the cache against one without).
 */
function readWrapped(filename: string): string | undefined {
  const fd = fs.openSync(filename, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.byteLength(WRAP_HEAD);
    const buffer = Buffer.allocUnsafe(head + size + Buffer.byteLength(WRAP_TAIL));
    buffer.write(WRAP_HEAD, 0);
    let read = 0;
    for (let n = -1; read < size && n !== 0; read += n) n = fs.readSync(fd, buffer, head + read, size - read, read);
    if (read !== size || (buffer[head] === 0xef && buffer[head + 1] === 0xbb && buffer[head + 2] === 0xbf)) return undefined;
    buffer.write(WRAP_TAIL, head + size);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A cache file is a CRC-32 of V8's data (4 bytes, little-endian) and the data. Release builds of
 * V8 do not verify a code cache's own checksum: data damaged past its header was accepted and
 * crashed the deserializer at every start. V8's `--verify-snapshot-checksum` flag made it check,
 * but the flag is process-wide (the extension host is shared), and set alone, with no cache used,
 * it made loading the language client library about 8 ms of CPU slower in plain Node 20 (46 ->
 * 54 ms, medians of 8 fresh processes; 2026-12-03). `zlib.crc32` takes about 0.05 ms for the
 * largest cache. zlib is loaded when a cache is read or written (about 1.7 ms in plain Node), so
 * a start without caches does not pay for it. A Node without `zlib.crc32` (before 20.15) reads
 * and writes no cache.
 */
const CRC_BYTES = 4;

/** zlib's CRC-32, if this Node has it. */
function crc32(data: Buffer): number | undefined {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data) : undefined;
}

/** A cache file holding `data`, or undefined without a CRC-32 to make it with. */
function withCrc(data: Buffer): Buffer | undefined {
  const crc = crc32(data);
  if (crc === undefined) return undefined;
  const header = Buffer.alloc(CRC_BYTES);
  header.writeUInt32LE(crc, 0);
  return Buffer.concat([header, data]);
}

/** V8's data from a cache file, or undefined when the file is damaged (or cannot be checked). */
function checkedData(file: Buffer): Buffer | undefined {
  if (file.length <= CRC_BYTES) return undefined;
  const data = file.subarray(CRC_BYTES);
  const crc = crc32(data);
  return crc !== undefined && crc === file.readUInt32LE(0) ? data : undefined;
}

/**
 * Whether this process's V8 accepts `cacheFile`, a cache made for `filename`, read as the loader
 * reads both (the VS Code test checks the client's caches with it).
 */
export function cacheAccepted(filename: string, cacheFile: string): boolean {
  const source = readWrapped(filename);
  const data = checkedData(fs.readFileSync(cacheFile));
  return source !== undefined && data !== undefined && !new vm.Script(source, { filename, cachedData: data }).cachedDataRejected;
}

/** The loads of one process that go through the code cache. */
export interface CodeCacheLoads {
  /** What happened to the cache of each file loaded so far, by absolute path. */
  readonly states: ReadonlyMap<string, CodeCacheState>;
  /**
   * Writes the caches V8 did not accept (or that did not exist), with the code compiled by now,
   * and removes the caches of other builds of these files. False when something was not written.
   */
  save(): boolean;
  /** Gives Node's loader its own .js loader back (files loaded later compile without the cache). */
  uninstall(): void;
}

/** A file compiled in this process whose cache is to be written: its cache file's name and script. */
interface Compiled {
  name: string;
  script: vm.Script;
}

/** A cached file's name in the folder starts with its path in dist/, flattened. */
const stem = (file: string) => file.replace(/[\\/]/g, '_');

/**
 * Makes Node's loader compile the files of `keys` (paths relative to `root`, the dist/ folder)
 * with their code caches in `folder`, until `uninstall`. Throws only if the hook cannot be set.
 */
export function loadWithCodeCache(folder: string, root: string, keys: Readonly<Record<string, string>>): CodeCacheLoads {
  const cached = new Map(Object.entries(keys).map(([f, key]) => [path.join(root, f), `${stem(f)}-${key}-${process.version}-${process.arch}.cache`]));
  const states = new Map<string, CodeCacheState>();
  const toSave: Compiled[] = [];
  // Node's loader for .js files, which reads the file and compiles it: ours reads the files of
  // `keys` itself (readWrapped), so their text is in memory once.
  const extensions = (Module as unknown as { _extensions: Record<string, (this: unknown, module: Module, filename: string) => void> })._extensions;
  const loadJs = extensions['.js'];
  const hook = function (this: unknown, module: Module, filename: string) {
    const name = cached.get(filename);
    if (name === undefined) return loadJs.call(this, module, filename);
    let script: vm.Script;
    try {
      const source = readWrapped(filename);
      if (source === undefined) return loadJs.call(this, module, filename);
      let file: Buffer | undefined;
      try {
        file = fs.readFileSync(path.join(folder, name));
      } catch {
        file = undefined;
      }
      const data = file && checkedData(file);
      script = new vm.Script(source, { filename, cachedData: data });
      const accepted = data !== undefined && !script.cachedDataRejected;
      if (!accepted) toSave.push({ name, script });
      states.set(filename, file === undefined ? 'none' : accepted ? 'accepted' : 'rejected');
    } catch {
      // Loaded the usual way instead: the cache only saves time.
      return loadJs.call(this, module, filename);
    }
    // The module's own require, as Node's loader makes it: what it loads becomes its child, with it
    // as the parent (createRequire's require would give them a Module of its own). The rest resolves
    // from the same file and folders.
    const made = Module.createRequire(filename);
    const moduleRequire = Object.assign((id: string) => module.require(id), { resolve: made.resolve, main: made.main, extensions: made.extensions, cache: made.cache });
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
    run.call(module.exports, module.exports, moduleRequire, module, filename, path.dirname(filename));
  };
  extensions['.js'] = hook;

  const save = (): boolean => {
    const pending = toSave.splice(0);
    if (pending.length === 0) return true;
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch {
      return false;
    }
    let written = true;
    for (const { name, script } of pending) {
      const file = path.join(folder, name);
      const temporary = `${file}.${process.pid}.tmp`;
      try {
        const content = withCrc(script.createCachedData());
        if (!content) throw new Error('no zlib.crc32 in this Node');
        fs.writeFileSync(temporary, content);
        fs.renameSync(temporary, file);
      } catch {
        written = false;
        fs.rmSync(temporary, { force: true, recursive: true });
      }
    }
    // Caches of other builds of these files (or made by another Node), and temporary files a
    // process left when it died while writing, are never read again.
    const current = new Set(cached.values());
    const ours = Object.keys(keys).map(stem);
    try {
      for (const other of fs.readdirSync(folder)) {
        const stale = other.endsWith('.cache') && !current.has(other) && ours.some((o) => other.startsWith(`${o}-`));
        const leftover = other.endsWith('.tmp') && !other.endsWith(`.${process.pid}.tmp`) && Date.now() - fs.statSync(path.join(folder, other)).mtimeMs > 60_000;
        if (stale || leftover) fs.rmSync(path.join(folder, other), { force: true, recursive: true });
      }
    } catch {
      // Cleaning up is best effort.
    }
    return written;
  };
  const uninstall = () => {
    if (extensions['.js'] === hook) extensions['.js'] = loadJs;
  };
  return { states, save, uninstall };
}
