/**
 * Which instruction wrote which paths. Layer rules ask "was this path, deleted or chmod-ed here,
 * written by an earlier layer of the same image?" and "which archive did this RUN download?".
 *
 * Only writes we can recognise statically are tracked: COPY/ADD destinations, and RUN commands
 * with an explicit target (`curl -o`, `wget -O`, `tar -x -C`, `unzip -d`, `git clone`, `cp`,
 * `mv`) plus the package-manager caches they leave unless the same RUN removes them. Anything
 * else (a build writing into the working directory, redirections) is unknown and never flagged.
 */
import type { Copy } from 'dockerfile-ast';
import { cleansNpmCache, firstRanAfter, hasCacheMount, hasFlag, isAptUpdate, isPipCachePurge, lastCovering, normalizeCachePath, operands, pipFillsCache, ranCommands, ranIndex } from './commands';
import { jsonForm } from './execForm';
import type { DockerfileModel, Instr, Stage } from './model';
import { expandVars, homeOf, homeRelative, inHome, pipCacheDir, pipKeepsCache, removesAfter, shellVariables, userSwitchOf } from './packageManagers';
import { inLoginScript } from './userSwitch';
import { patternText, programArgs, programName, shownText, type ShellCommand, type ShellRedirect, type ShellWord } from './shell';
import type { Range } from './types';
import { normalizePath, resolvePath, symbolicPath, workdirAt } from './workdir';

// ---------------------------------------------------------------------------------------------
// Path arithmetic

/**
 * A path pattern as `rm`/`chmod` receive it, made absolute (`path`; the prefix when the rest holds a
 * variable), and its folder before the first glob character (`prefix`): `/tmp/*.log` -> `{ prefix:
 * '/tmp', glob: true, path: '/tmp/*.log' }`; `/opt/x.tgz` -> prefix and path `/opt/x.tgz`.
 */
export function pathPattern(p: string, cwd: string, resolve = resolvePath): { prefix: string; glob: boolean; path: string } | undefined {
  const g = p.search(/[*?[]/);
  const r = resolve(g < 0 ? p : p.slice(0, p.lastIndexOf('/', g) + 1) || '.', cwd);
  return r === undefined ? undefined : { prefix: r, glob: g >= 0, path: resolve(p, cwd) ?? r };
}

/** `p` and the folders above it, `/` first. */
export function andParents(p: string): string[] {
  return p.split('/').map((_, i, names) => names.slice(0, i + 1).join('/') || '/');
}

/** True when `inner` is `outer` or lies below it. */
export function isAtOrBelow(inner: string, outer: string): boolean {
  return inner === outer || outer === '/' || inner.startsWith(outer + '/');
}

// ---------------------------------------------------------------------------------------------
// Working directory

/**
 * The directory `cmd` of `instr`'s RUN runs in: the WORKDIR, moved by the `cd`s the RUN runs before
 * it (`RUN cd /tmp && rm -rf build` removes /tmp/build). Undefined after a cd that cannot be
 * followed: to a variable, `cd` alone or `cd -`, `pushd`/`popd`, and one that may not apply to what
 * follows (in a subshell or group, a pipeline, the background, a condition, a -c script's hidden
 * commands, whose scripts end where their shell does).
 */
export function commandCwd(instr: Instr, cmd: ShellCommand): string | undefined {
  let cwds = runCwds.get(instr);
  if (!cwds) runCwds.set(instr, (cwds = workOutCwds(instr)));
  return cwds.before.has(cmd) ? cwds.before.get(cmd) : cwds.end;
}

/**
 * Per instruction (of one model): the directory before each command its RUN runs, and after the
 * last, worked out in one pass. Asked for every command by several rules, the walk from the RUN's
 * start for each was quadratic in a RUN's commands, and with a repeated relative `cd x` (a path that
 * grows with each) worse: 1,000 `cd x && npm ci` in one RUN took 12.3 s in the CLI.
 */
const runCwds = new WeakMap<Instr, { before: Map<ShellCommand, string | undefined>; end: string | undefined }>();

function workOutCwds(instr: Instr): { before: Map<ShellCommand, string | undefined>; end: string | undefined } {
  let cwd = workdirAt(instr);
  const before = new Map<ShellCommand, string | undefined>();
  const run = instr.run;
  if (!run) return { before, end: cwd };
  for (const c of ranCommands(run)) {
    // A login script (or `sudo -i`'s command) starts in its user's home, and its `cd` ends with it.
    if (inLoginScript(c) || userSwitchOf(c)?.login) {
      before.set(c, undefined);
      continue;
    }
    before.set(c, cwd);
    if (cwd === undefined) continue;
    const name = programName(c);
    if (name !== 'cd' && name !== 'pushd' && name !== 'popd') continue;
    const ops = operands(c);
    const ends = c.ends ?? c.after;
    const plain = name === 'cd' && !run.hidden && !c.group && !c.conditional && c.before !== '|' && ends !== '|' && ends !== '&' && ops.length === 1;
    cwd = plain ? resolvePath(ops[0].value, cwd) : undefined;
  }
  return { before, end: cwd };
}

/**
 * The absolute path a command's word names (for a pattern, the folder its first wildcard is in),
 * with the variables it sees expanded and `~` or `$HOME` as its home; undefined when it cannot be
 * resolved. The home is that of the user the command runs as ({@link homeOf}).
 */
export function namedPath(instr: Instr, cmd: ShellCommand, word: string): string | undefined {
  const env = shellVariables(instr, cmd);
  // The word's quotes go wherever they are (`"$D"/pip`); a value comes without its assignment's
  // (the builder and the shell walk took them off: eda7cc9).
  let p = expandVars(word.replace(/["']/g, ''), env);
  // (expandVars writes `${HOME}` as `$HOME`.)
  const home = /^(~|\$HOME)(?=\/|$)/.exec(p);
  if (home) {
    const dir = homeOf(instr, cmd);
    if (dir === undefined) return undefined;
    p = dir + p.slice(home[0].length);
  }
  if (/[$`~]/.test(p)) return undefined;
  const cwd = p.startsWith('/') ? '/' : commandCwd(instr, cmd);
  return cwd === undefined ? undefined : pathPattern(p, cwd)?.prefix;
}

// ---------------------------------------------------------------------------------------------
// COPY / ADD

export interface CopySpec {
  /** Sources as written (context paths, stage paths or URLs). */
  sources: string[];
  /** Destination as written. */
  dest: string;
  /** Destination resolved against WORKDIR; undefined when it uses a variable. */
  destPath?: string;
  /** True when the destination is a directory into which sources keep their names. */
  destIsDir: boolean;
  /** `--from` value, if any. */
  from?: string;
  /** Flag name (lower-case) -> value. */
  flags: Map<string, string>;
  /** Range of the whole argument list (sources and destination). */
  argsRange: Range;
}

/**
 * A source of a COPY --from with a drive as the path it names here: Docker on Windows roots the
 * file system at C:\, so `C:\app` and `c:/app` are `/app`. Other words as written (no Linux file
 * system has a C: folder at its root).
 */
export function driveless(word: string): string {
  return /^[a-z]:[\\/]/i.test(word) ? word.slice(2).replace(/\\/g, '/') : word;
}

/**
 * Reads a COPY/ADD in shell or JSON form; undefined for heredoc forms and malformed lines. (The
 * model is no longer read: the instruction's node holds all it needs.)
 */
export function copySpec(_model: DockerfileModel, instr: Instr): CopySpec | undefined {
  if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return undefined;
  const node = instr.node as Copy;
  if (node.getHeredocs().length > 0) return undefined;
  const args = node.getArguments();
  if (args.length < 2 && !(args[0]?.getValue().startsWith('['))) return undefined;
  const flags = new Map<string, string>();
  for (const f of node.getFlags()) flags.set(f.getName().toLowerCase(), f.getValue() ?? '');
  let words: string[];
  let argsRange = { start: args[0].getRange().start, end: args[args.length - 1].getRange().end };
  if (args[0].getValue().startsWith('[')) {
    // Docker's JSON form: the text after the array is dropped (leadingJsonArray).
    const json = jsonForm(node);
    if (!json || json.words.length < 2) return undefined;
    words = json.words;
    argsRange = { start: argsRange.start, end: json.end };
  } else {
    words = args.map((a) => a.getValue());
  }
  const sources = words.slice(0, -1);
  const dest = words[words.length - 1];
  const cwd = workdirAt(instr);
  const destPath = cwd === undefined ? undefined : resolvePath(dest, cwd);
  const destIsDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
  return { sources, dest, destPath, destIsDir, from: flags.get('from'), flags, argsRange };
}

// ---------------------------------------------------------------------------------------------
// Writes

export type WriteKind = 'copy' | 'download' | 'extract' | 'clone' | 'copy-in-run' | 'cache';

export interface Write {
  /** Absolute path written (a file, or a directory whose content was written). */
  path: string;
  instr: Instr;
  kind: WriteKind;
  /** What wrote it, for messages (`COPY`, `curl -o`, `apt-get update`...). */
  how: string;
  /** The command that wrote it, for RUN writes; one of the RUN's `hidden` commands (placed nowhere) when not among its `commands`. */
  command?: ShellCommand;
  /**
   * For COPY/ADD and `cp`/`mv` writes: true when `path` is a copied file (`COPY app.py /app.py`,
   * `mv /tmp/a.bin /opt/a.bin`), false when it is a directory of copies, undefined when the source
   * may be either (`COPY bin/tool /tool`) or the destination may be a folder it went into (`mv a.bin /opt`).
   */
  exactFile?: boolean;
  /** For a copy from the build context whose source may be either (`COPY app /srv/`): that source, and where a file would land. */
  maybeFile?: { source: string; at: string };
}

/**
 * Value of a short option (`-o x`, `-ox`) or long option (`--output x`, `--output=x`). With
 * `clusters`, also `-fsSLo x` (flags grouped before the option, as curl and wget allow).
 */
export function optionValue(args: readonly ShellWord[], short: string[], long: string[], clusters = false): ShellWord | undefined {
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    for (const l of long) {
      if (v === l) return args[i + 1];
      if (v.startsWith(l + '=')) return { value: v.slice(l.length + 1), start: args[i].start + l.length + 1, end: args[i].end };
    }
    for (const s of short) {
      if (v === s) return args[i + 1];
      // A cluster of flags ending with the option (`curl -fsSLo FILE`): the value is the next word.
      if (clusters && /^-[A-Za-z]+$/.test(v) && v.endsWith(s.slice(1)) && v.length > 2) return args[i + 1];
      if (v.startsWith(s) && !v.startsWith('--') && v.length > s.length) return { value: v.slice(s.length), start: args[i].start + s.length, end: args[i].end };
    }
  }
  return undefined;
}

/** The last path segment of a URL without query or fragment (`https://x/a.tar.gz?x=1` -> `a.tar.gz`). */
export function urlBasename(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(?:[^?#]*\/)?([^/?#]+)(?:[?#].*)?$/i.exec(url);
  return m?.[1];
}

/** URL operands of a download command. */
function urls(cmd: ShellCommand): ShellWord[] {
  return programArgs(cmd).filter((w) => /^(https?|ftp):\/\//i.test(w.value));
}

/** True when the tar command extracts (`-x`, `x` in a leading cluster, `--extract`, `--get`). */
export function isTarExtract(cmd: ShellCommand): boolean {
  if (programName(cmd) !== 'tar') return false;
  const args = programArgs(cmd);
  return args.some((w, i) => w.value === '--extract' || w.value === '--get' || (/^-[A-Za-z]+$/.test(w.value) && w.value.includes('x')) || (i === 0 && /^[A-Za-z]+$/.test(w.value) && w.value.includes('x')));
}

/** The archive a tar command reads (`-f FILE`, `-xzf FILE`, `--file=FILE`, `xzf FILE`). */
export function tarArchive(cmd: ShellCommand): ShellWord | undefined {
  const args = programArgs(cmd);
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '--file') return args[i + 1];
    if (v.startsWith('--file=')) return { value: v.slice(7), start: args[i].start + 7, end: args[i].end };
    const cluster = /^-?([A-Za-z]+)$/.exec(v);
    if (cluster && (v.startsWith('-') || i === 0) && cluster[1].includes('f')) {
      // In a cluster, `f` takes the next word (or the rest of the cluster when it is last: `-fFILE` is rare and ignored).
      if (cluster[1].endsWith('f')) return args[i + 1];
    }
  }
  return undefined;
}

/**
 * A COPY source or a `cp`/`mv` operand that names a folder's content or several paths: a trailing
 * slash, the current folder, a wildcard.
 */
const dirLike = (src: string) => /\/$|^\.?$|[*?[]/.test(src) || src === './';
/**
 * One that names a file, by its extension (`app.py`, `dist/tool.tar.gz`) or a project file's
 * name (`Gemfile`, `Makefile`): a guess, as a folder may have one.
 */
const fileLike = (src: string) => !dirLike(src) && /(^|\/)([^/.][^/]*\.[A-Za-z0-9]+|Gemfile|Pipfile|Procfile|Rakefile|Makefile|Justfile|Brewfile|LICENSE)$/.test(src);

/** Paths one RUN command writes, by the recognised patterns (relative paths against `cwd`); `exactFile` as for {@link Write}. */
export function commandWrites(cmd: ShellCommand, cwd: string): { path: string; kind: WriteKind; how: string; exactFile?: boolean }[] {
  const name = programName(cmd);
  const args = programArgs(cmd);
  const out: { path: string; kind: WriteKind; how: string; exactFile?: boolean }[] = [];
  const add = (p: string | undefined, kind: WriteKind, how: string, exactFile?: boolean) => {
    // A download's name keeps its variables (symbolicPath): archive-kept finds it extracted and removed by the same name.
    const r = p === undefined ? undefined : (kind === 'download' ? symbolicPath : resolvePath)(p, cwd);
    if (r !== undefined && r !== '/' && p !== '-' && p !== '/dev/null') out.push({ path: r, kind, how, ...(exactFile === undefined ? {} : { exactFile }) });
  };
  if (name === 'curl') {
    const o = optionValue(args, ['-o'], ['--output'], true);
    if (o) add(o.value, 'download', 'curl -o');
    else if (hasFlag(cmd, '-O', '--remote-name') || args.some((w) => /^-[A-Za-z]*O[A-Za-z]*$/.test(w.value))) {
      for (const u of urls(cmd)) add(urlBasename(u.value), 'download', 'curl -O');
    } else if (urls(cmd).length > 0) {
      // To standard output: a file only where that is redirected to one (`curl -fsSL URL > app.tgz`).
      add(stdoutFile(cmd)?.value, 'download', 'curl >');
    }
  } else if (name === 'wget') {
    // `-qO-` / `-O -` write to standard output (usually piped into tar): a file only where that
    // is redirected to one (`wget -qO- URL > app.tgz`).
    if (args.some((w, i) => /^-[A-Za-z]*O-$/.test(w.value) || (/^-[A-Za-z]*O$/.test(w.value) && args[i + 1]?.value === '-'))) {
      add(stdoutFile(cmd)?.value, 'download', 'wget -O- >');
      return out;
    }
    const o = optionValue(args, ['-O'], ['--output-document'], true);
    const dir = optionValue(args, ['-P'], ['--directory-prefix'])?.value;
    if (o) add(o.value, 'download', 'wget -O');
    else for (const u of urls(cmd)) {
      const base = urlBasename(u.value);
      if (base) add(dir ? `${dir}/${base}` : base, 'download', 'wget');
    }
  } else if (name === 'tar' && isTarExtract(cmd)) {
    const dir = optionValue(args, ['-C'], ['--directory']);
    if (dir) add(dir.value, 'extract', 'tar -x -C');
  } else if (name === 'unzip') {
    const dir = optionValue(args, ['-d'], []);
    if (dir) add(dir.value, 'extract', 'unzip -d');
  } else if (name === 'git' && operands(cmd)[0]?.value === 'clone') {
    // Drop the values of clone's options that take one (`--depth 1`, `-b main`).
    const ops = operands(cmd).slice(1).filter((w) => !/^(-b|--branch|--depth|-c|--config|-o|--origin|--reference|-j|--jobs|--filter|--template)$/.test(args[args.indexOf(w) - 1]?.value ?? ''));
    const url = ops[0]?.value;
    const dest = ops[1]?.value ?? (url ? /([^/:]+?)(?:\.git)?\/?$/.exec(url)?.[1] : undefined);
    add(dest, 'clone', 'git clone');
  } else if ((name === 'cp' || name === 'mv') && !hasFlag(cmd, '-t', '--target-directory')) {
    const ops = operands(cmd);
    if (ops.length === 2 && !/[*?[]/.test(ops[1].value)) {
      const [src, dest] = ops.map((w) => w.value);
      // `mv a dir/` writes dir/a and nothing else of dir; `mv a b` writes b, or b/a when b is a
      // folder already, so b is the file only when -T says so or its name has an extension.
      const base = src.replace(/\/+$/, '').split('/').pop() ?? '';
      const file = fileLike(src) || undefined;
      if (dest.endsWith('/') && base !== '' && base !== '.' && base !== '..' && !/[*?[$`~]/.test(base)) add(dest + base, 'copy-in-run', name, file);
      else add(dest, 'copy-in-run', name, file && (hasFlag(cmd, '-T', '--no-target-directory') || fileLike(dest) || undefined));
    }
  }
  return out;
}

/** Package-manager caches a RUN leaves in its layer (not removed in the same RUN, no cache mount). */
function cacheWrites(model: DockerfileModel, instr: Instr): { path: string; how: string; command: ShellCommand }[] {
  const run = instr.run!;
  const out: { path: string; how: string; command: ShellCommand }[] = [];
  // Only a removal after the command counts: `rm -rf /var/lib/apt/lists/* && apt-get update` keeps the lists.
  const kept = (cmd: ShellCommand, p: string) => !removesAfter(instr, cmd, p) && !hasCacheMount(instr, p);
  // The home of the user the command runs as, as the RUN may write it: `/root/.cache/pip`,
  // `~/.cache/pip`, `$HOME/.cache/pip`. Not listed where that home is not known. `bulk` is the
  // folder inside it that holds the cache's bytes: removing it counts as removing the cache.
  const keptInHome = (cmd: ShellCommand, p: string, bulk = p) => {
    const home = homeOf(instr, cmd);
    return home !== undefined && kept(cmd, `${home}/${bulk}`) && kept(cmd, `~/${bulk}`) && kept(cmd, `$HOME/${bulk}`) && kept(cmd, `\${HOME}/${bulk}`) ? `${home}/${p}` : undefined;
  };
  // Where pip-cache-kept says pip caches (pipCacheDir: --cache-dir, PIP_CACHE_DIR, $XDG_CACHE_HOME/pip,
  // ~/.cache/pip); not listed where that is not a known absolute folder.
  const keptPipCache = (cmd: ShellCommand) => {
    const written = pipCacheDir(instr, cmd);
    if (inHome(written)) return keptInHome(cmd, homeRelative(written));
    const dir = normalizeCachePath(written);
    return dir.startsWith('/') && !/[$`]/.test(dir) && kept(cmd, dir) ? dir : undefined;
  };
  const ran = ranCommands(run);
  for (const cmd of ran) {
    if (isAptUpdate(cmd) && kept(cmd, '/var/lib/apt/lists')) out.push({ path: '/var/lib/apt/lists', how: 'apt-get update', command: cmd });
    const fills = pipFillsCache(cmd);
    const pip = fills && pipKeepsCache(model, instr, cmd, fills.command) && keptPipCache(cmd);
    if (pip && !firstRanAfter(run, cmd, isPipCachePurge)) out.push({ path: pip, how: `pip ${fills.command}`, command: cmd });
    const name = programName(cmd);
    const npm = name === 'npm' && /^(install|i|ci|add)$/.test(operands(cmd)[0]?.value ?? '') && keptInHome(cmd, '.npm', '.npm/_cacache');
    if (npm && !firstRanAfter(run, cmd, cleansNpmCache)) out.push({ path: npm, how: `npm ${operands(cmd)[0].value}`, command: cmd });
  }
  return out;
}

/**
 * True when an `rm` that `instr`'s RUN runs after `after` removes `path` (so nothing of it stays in
 * the layer): it, a folder above it, or a pattern naming one ({@link pathCovers}: `rm -rf dir/*`
 * empties `dir`), read in the rm's folder with variables by name. Looked up in an index made once
 * per RUN ({@link lastCovering}): a walk over the later commands for each write was quadratic.
 */
function removedLaterInRun(instr: Instr, after: ShellCommand, path: string): boolean {
  let last = laterRemovals.get(instr);
  if (!last) {
    const rms = ranCommands(instr.run!).flatMap((c, at) => {
      const cwd = programName(c) === 'rm' ? commandCwd(instr, c) : undefined;
      return cwd === undefined ? [] : operands(c).flatMap((w) => symbolicPath(shownText(patternText(w)), cwd) ?? []).map((path) => ({ at, path }));
    });
    laterRemovals.set(instr, (last = lastCovering(rms)));
  }
  return last(path) > ranIndex(instr.run!, after);
}

const laterRemovals = new WeakMap<Instr, (dir: string) => number>();

/**
 * Every recognised write of the stages whose layers form `stage`'s image (its FROM chain), in
 * instruction order, excluding what the writing RUN itself removes.
 */
export function writesInImage(model: DockerfileModel, stage: Stage): Write[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.from.stage) chain.unshift(s);
  return chain.length === 1 ? ownWrites(model, stage) : chain.flatMap((s) => ownWrites(model, s));
}

/** The file a command's standard output is redirected to (`> f`, `>> f`, `1> f`, `>| f`, bash's `&> f`), the last one. */
export function stdoutFile(cmd: ShellCommand): ShellRedirect | undefined {
  return cmd.redirects?.filter((r) => /^(?:1?>>?|1?>\||&>>?)$/.test(r.op)).at(-1);
}

/** Memo of {@link ownWrites}: stages belong to one model version, so they key it safely. */
const writesCache = new WeakMap<Stage, Write[]>();

/**
 * False when no instruction of `stage` can write a download: downloads come from an `ADD <url>`
 * and from the `curl` and `wget` commands of a RUN (commandWrites). A rule about downloads can then
 * skip working out the stage's writes, which reads every COPY and every command.
 */
export function mayDownload(stage: Stage): boolean {
  return stage.instructions.some((i) => i.keyword === 'ADD' || (i.run !== undefined && ranCommands(i.run).some((c) => DOWNLOADERS.has(programName(c)))));
}

/** The programs commandWrites reads downloads from. */
const DOWNLOADERS = new Set(['curl', 'wget']);

/** The recognised writes of `stage`'s own instructions (not those of the stages it is built FROM). */
export function ownWrites(model: DockerfileModel, stage: Stage): Write[] {
  let list = writesCache.get(stage);
  if (!list) {
    list = stageWrites(model, stage);
    writesCache.set(stage, list);
  }
  return list;
}

/**
 * The write of a COPY source that may be a file or a folder: the folder's content in the
 * destination, or the file at `at`. Not for ADD, which unpacks a local archive whatever its name.
 */
function maybeFile(spec: CopySpec, dest: string, instr: Instr, source: string, at: string): Write {
  return { path: dest, instr, kind: 'copy', how: instr.keyword, ...(instr.keyword === 'COPY' && spec.from === undefined && { maybeFile: { source, at: normalizePath(at) } }) };
}

/** The recognised writes of one stage's own instructions. */
function stageWrites(model: DockerfileModel, s: Stage): Write[] {
  const out: Write[] = [];
  for (const instr of s.instructions) {
    if (instr.keyword === 'COPY' || instr.keyword === 'ADD') {
      const spec = copySpec(model, instr);
      if (!spec?.destPath) continue;
      if (instr.keyword === 'ADD' && spec.sources.length === 1 && /^https?:\/\//i.test(spec.sources[0])) {
        // ADD <url> stores the download as a file (remote archives are not extracted).
        const base = urlBasename(spec.sources[0]);
        const path = spec.destIsDir ? (base ? normalizePath(`${spec.destPath}/${base}`) : undefined) : spec.destPath;
        if (path) out.push({ path, instr, kind: 'download', how: 'ADD <url>', exactFile: true });
        continue;
      }
      if (spec.sources.some((src) => /^[a-z]+:\/\//i.test(src) || src.startsWith('git@'))) continue;
      if (spec.destIsDir) {
        // A file source lands as dest/<name>; a directory's content lands in dest itself.
        for (const src of spec.sources) {
          const base = src.split('/').pop() ?? '';
          if (fileLike(src)) out.push({ path: normalizePath(`${spec.destPath}/${base}`), instr, kind: 'copy', how: instr.keyword, exactFile: true });
          else if (dirLike(src)) out.push({ path: spec.destPath, instr, kind: 'copy', how: instr.keyword, exactFile: false });
          else out.push(maybeFile(spec, spec.destPath, instr, src, `${spec.destPath}/${base}`));
        }
      } else {
        // `COPY . /app` or `COPY src/ /app` copies a directory's content; `COPY app.py /app.py` a file.
        const src = spec.sources[0];
        if (dirLike(src) || fileLike(src)) out.push({ path: spec.destPath, instr, kind: 'copy', how: instr.keyword, exactFile: !dirLike(src) });
        else out.push(maybeFile(spec, spec.destPath, instr, src, spec.destPath));
      }
    } else if (instr.run && instr.run.form !== 'exec') {
      // Also those of a -c script the reader cannot place (hidden): such a command is placed nowhere.
      const ran = ranCommands(instr.run);
      for (const cmd of ran) {
        const cwd = commandCwd(instr, cmd);
        if (cwd === undefined) continue;
        for (const w of commandWrites(cmd, cwd)) {
          if (!removedLaterInRun(instr, cmd, w.path)) out.push({ ...w, instr, command: cmd });
        }
      }
      for (const c of cacheWrites(model, instr)) out.push({ path: c.path, instr, kind: 'cache', how: c.how, command: c.command });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Archives

/** Archive names by extension: tar in any compression, and zip. */
export const ARCHIVE = /\.(tar(\.(gz|bz2|xz|zst|lz4|lzma|Z))?|tgz|tbz2?|txz|tzst|zip)$/i;
/** The tar archives Docker's ADD unpacks when they are local files (identity, gzip, bzip2, xz). */
export const ADD_EXTRACTS = /\.(tar(\.(gz|bz2|xz))?|tgz|tbz2?|txz)$/i;

/** The archive path a command extracts (`tar -x -f P`, `unzip P`), resolved against `cwd`. */
export function extractedArchive(cmd: ShellCommand, cwd: string): string | undefined {
  const name = programName(cmd);
  let word: string | undefined;
  if (name === 'tar' && isTarExtract(cmd)) word = tarArchive(cmd)?.value;
  else if (name === 'unzip') {
    const args = programArgs(cmd);
    // unzip's options with a value: -d DIR, -x FILES (after the archive), -P PASSWORD.
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      if (v === '-d' || v === '-P') i++;
      else if (!v.startsWith('-')) {
        word = v;
        break;
      }
    }
  }
  return word === undefined || word === '-' ? undefined : symbolicPath(word, cwd);
}

