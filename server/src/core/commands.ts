/**
 * Questions rules ask about RUN scripts ("is this an `apt-get install`?", "does this RUN remove
 * the apt lists?", "is there a cache mount on pip's cache?"), and the edits their fixes make to
 * a RUN, written once so every rule answers them the same way.
 */
import type { Run } from 'dockerfile-ast';
import type { DockerfileModel, Instr, RunScript, Stage } from './model';
import { closesCompound, expansionText, patternText, mayRunInBackground, operandsWithoutValues, opensHereDocument, OPENING_WORDS, programArgs, programName, programOperands, redirectsBothOutputs, redirectsOnlyStreams, runInBackground, textEnd, type ShellCommand, type ShellWord } from './shell';
import type { Range, TextEdit } from './types';
import { firstIndex } from './text';
import { resolvePath, workdirAt } from './workdir';

/** Arguments that are not options (`-y`, `--no-cache`), in order. */
export function operands(cmd: ShellCommand): readonly ShellWord[] {
  return programOperands(cmd);
}

/** The first operand, i.e. the subcommand of tools like `apt-get`, `apk`, `pip` (for apt and pnpm, after the values of their options: {@link optionFreeOperands}). */
export function subcommand(cmd: ShellCommand): ShellWord | undefined {
  return optionFreeOperands(cmd)[0];
}

/** apt options whose value is the next word (`-o Dpkg::Options::=--force-confold`, `-t bookworm-backports`). */
const APT_VALUE_OPTIONS = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release', '-a', '--host-architecture']);

/** pnpm's options that take the next word as their value (`pnpm --filter app install`), from `pnpm install --help` (9.15.9). */
const PNPM_VALUE_OPTIONS = new Set(['--filter', '-F', '--filter-prod', '-C', '--dir', '--changed-files-ignore-pattern', '--test-pattern', '--child-concurrency', '--network-concurrency', '--hoist-pattern', '--public-hoist-pattern', '--lockfile-dir', '--loglevel', '--reporter', '--modules-dir', '--store-dir', '--virtual-store-dir']);

/**
 * uv's global options that take the next word as their value, which may come before the
 * subcommand (`uv --directory app sync`), from uv's documentation of its global options (uv is not
 * runnable here).
 */
const UV_VALUE_OPTIONS = new Set(['--directory', '--project', '--cache-dir', '--config-file', '--color', '--python-preference', '--allow-insecure-host']);

/**
 * The operands of a command without the values of its options, for the programs whose options
 * with a value we know (apt-get/apt/aptitude, pnpm, uv's global ones; others: {@link operands}): the subcommand,
 * then (for install, purge...) the packages. `apt-get -o Acquire::Retries=3 update` is an update,
 * `apt-get install -t bookworm-backports curl` installs curl alone, and `pnpm --filter app
 * install` (`-F app i`) installs.
 */
export function optionFreeOperands(cmd: ShellCommand): readonly ShellWord[] {
  const name = programName(cmd);
  const valued = APT_PROGRAMS.has(name) ? APT_VALUE_OPTIONS : name === 'pnpm' ? PNPM_VALUE_OPTIONS : name === 'uv' ? UV_VALUE_OPTIONS : undefined;
  return valued ? operandsWithoutValues(cmd, valued) : operands(cmd);
}

/** The packages an apt install (or purge, remove) names, as written (`curl`, `gcc=4:12.2.0-3`). */
export function aptPackages(cmd: ShellCommand): readonly ShellWord[] {
  return optionFreeOperands(cmd).slice(1);
}

/** True when any argument equals one of `flags` (or starts with `flag=` for long options). */
export function hasFlag(cmd: ShellCommand, ...flags: string[]): boolean {
  return programArgs(cmd).some((w) => flags.some((f) => w.value === f || (f.startsWith('--') && w.value.startsWith(f + '='))));
}

export const APT_PROGRAMS = new Set(['apt-get', 'apt', 'aptitude']);

/** The RPM package managers of Red Hat-like images (UBI, Fedora, Rocky, CentOS, Amazon Linux, Photon). */
export const RPM_PROGRAMS = /^(yum|dnf|dnf5|microdnf|tdnf)$/;

/** `apt-get install ...` / `apt install ...` (also `-y install` orders). */
export function isAptInstall(cmd: ShellCommand): boolean {
  return APT_PROGRAMS.has(programName(cmd)) && subcommand(cmd)?.value === 'install';
}

export function isAptUpdate(cmd: ShellCommand): boolean {
  return APT_PROGRAMS.has(programName(cmd)) && subcommand(cmd)?.value === 'update';
}

/** Python's pip in any of its spellings: `pip`, `pip3`, `pip3.12`, `python -m pip`. */
export function isPipInstall(cmd: ShellCommand): { installWord: ShellWord } | undefined {
  const installWord = pipWords(cmd)?.find((w) => !w.value.startsWith('-'));
  return installWord?.value === 'install' ? { installWord } : undefined;
}

/**
 * pip's commands that download through its cache (`install`, `wheel`, `download`: the same session,
 * whose HTTP cache is in pip's cache folder): the subcommand word and its name.
 */
export function pipFillsCache(cmd: ShellCommand): { word: ShellWord; command: string } | undefined {
  const word = pipWords(cmd)?.find((w) => !w.value.startsWith('-'));
  return word && /^(install|wheel|download)$/.test(word.value) ? { word, command: word.value } : undefined;
}

/** The words after `pip` (`pip3.12`, `python -m pip`), or undefined when the command is no pip. */
export function pipWords(cmd: ShellCommand): readonly ShellWord[] | undefined {
  const name = programName(cmd);
  const args = programArgs(cmd);
  if (/^pip(\d+(\.\d+)?)?$/.test(name)) return args;
  if (/^python(\d+(\.\d+)?)?$/.test(name)) {
    const m = args.findIndex((w) => w.value === '-m');
    if (m >= 0 && /^pip(\d+(\.\d+)?)?$/.test(args[m + 1]?.value ?? '')) return args.slice(m + 2);
  }
  return undefined;
}

/** `npm cache clean --force` (`clear`, `rm`): empties npm's cache. */
export function cleansNpmCache(cmd: ShellCommand): boolean {
  return programName(cmd) === 'npm' && operands(cmd)[0]?.value === 'cache' && ['clean', 'clear', 'rm'].includes(operands(cmd)[1]?.value ?? '');
}

/** `pip cache purge` or `pip cache remove <pattern>` (also as `python -m pip`): empties pip's cache, or the part a pattern names. */
export function isPipCachePurge(cmd: ShellCommand): boolean {
  const ops = pipWords(cmd)?.filter((w) => !w.value.startsWith('-'));
  return ops?.[0]?.value === 'cache' && (ops[1]?.value === 'purge' || (ops[1]?.value === 'remove' && ops[2]?.value === '*'));
}

/** `pip cache dir` (also as `pip3`, `python3 -m pip`): prints pip's cache folder. */
export function isPipCacheDir(cmd: ShellCommand): boolean {
  const ops = pipWords(cmd)?.filter((w) => !w.value.startsWith('-'));
  return ops?.[0]?.value === 'cache' && ops[1]?.value === 'dir';
}

/**
 * `~/x`, `$HOME/x` and `${HOME}/x` become `<home>/x` when `home` is known, else `~/x`; trailing
 * slashes and trailing `/*` (`/**` too: without bash's globstar it is `*`) or `/.*` globs go, so
 * `rm -rf /root/.npm/*` and a mount on `/root/.npm` name the same folder (not with `keepGlobs`). A trailing `/.` stays: `rm -rf dir/.` removes nothing (GNU
 * rm refuses `.`).
 */
export function normalizeCachePath(p: string, home?: string, keepGlobs?: boolean): string {
  let s = p.trim().replace(/^["']|["']$/g, '');
  s = s.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, home ?? '~');
  for (;;) {
    const next = (keepGlobs ? s : s.replace(/\/(\*+|\.\*|\.\[[^\]]*\]\*|\.\?\?\*)$/, '')).replace(/\/+$/, '');
    if (next === s) break;
    s = next;
  }
  return s || '/';
}

/**
 * True when removing or mounting `handled` takes all of `dir`: the same folder, a parent of it, its
 * contents (`dir/*`, which leaves its dot-names: `rm -rf /root/*` keeps /root/.cache), or a
 * pattern naming one of those (`/var/lib/apt/l*`, `/*`). A folder or pattern
 * inside `dir` does not: `rm -rf /var/lib/apt/lists/partial` leaves every list (partial/ is apt's
 * download staging folder, empty after `apt-get update`). Removing `/` or `~` alone counts for
 * nothing else. `~` in each is the home of the command that writes it (`homes`; see
 * `homeOf` in packageManagers), unknown when not given.
 */
export function pathCovers(handled: string, dir: string, homes: { handled?: string; dir?: string } = {}): boolean {
  const whole = normalizeCachePath(handled, homes.handled, true);
  const h = normalizeCachePath(handled, homes.handled);
  const d = normalizeCachePath(dir, homes.dir);
  // `dir/*` empties dir (its dot-names aside), and takes what its `*` matches: not `dir/.cache`.
  return whole === '/' || whole === '~' ? whole === d : globReaches(whole, d) || (h !== whole && globRegExp(h).test(d));
}

/**
 * Whether the shell pattern `glob` matches `path` or a folder above it, name by name as pathname
 * expansion reads it ({@link globRegExp}); with `within`, also whether it may match below it (the
 * path's names match the pattern's first ones).
 */
export function globReaches(glob: string, path: string, within?: boolean): boolean {
  const [g, p] = [glob, path].map((s) => (s === '/' ? [''] : s.split('/')));
  const n = Math.min(g.length, p.length);
  return (within || n === g.length) && globRegExp(g.slice(0, n).join('/')).test(p.slice(0, n).join('/'));
}

/**
 * Where the last of `paths` (in the order they run) that covers a folder ({@link pathCovers}; `~`
 * in them is `home`) is: its `at`, -1 for none. Each path is filed by its number of slashes `c`, its
 * texts before the first wildcard and after the last, and the longest between (a class is one
 * character, as `?`): only those whose texts start, end and are in the folder's ancestor with `c`
 * slashes are tested (no wildcard or class matches a `/`). A test of every path per folder was
 * quadratic in a RUN whose installs each name a cache folder of their own (`--cache-dir /c/1 ...
 * /c/900`), or whose patterns differ only after their start (`rm -rf /c/x*1 ... /c/x*900`) or in
 * their middle (`/c/x*1*q ... /c/x*900*q`).
 */
export function lastCovering(paths: readonly { at: number; path: string }[], home?: string): (dir: string, dirHome?: string) => number {
  if (paths.length === 0) return () => -1;
  const filed = new Map<string, Map<string, number>>();
  // The shapes (c; lengths of the start, end and middle text) the paths have: a folder's texts of
  // those only are looked up (a slice per character of every folder asked allocated most here).
  const shapes = new Map<string, number[]>();
  for (const { at, path } of paths) {
    const h = normalizeCachePath(path, home);
    const texts = [''];
    let wild = false;
    for (const { char } of globPieces(h)) if (char || !wild) (wild = !char) ? texts.push('') : texts.push(texts.pop() + char);
    const key = [h.split('/').length - 1, texts.shift()!, texts.pop() ?? '', texts.sort((a, b) => b.length - a.length)[0] ?? ''];
    const shape = key.map((t) => (typeof t === 'string' ? t.length : t));
    shapes.set(`${shape}`, shape);
    // The same path again: its last place.
    (filed.get(`${key}`) ?? filed.set(`${key}`, new Map()).get(`${key}`)!).set(path, at);
  }
  return (dir, dirHome) => {
    const d = normalizeCachePath(dir, dirHome);
    const names = d.split('/');
    let last = -1;
    for (const [c, start, end, mid] of shapes.values()) {
      const p = names.slice(0, c + 1).join('/');
      for (let i = start; i <= p.length - end - mid && (i === start || mid); i++)
        for (const [path, at] of filed.get(`${[c, p.slice(0, start), p.slice(p.length - end), p.substr(i, mid)]}`) ?? []) if (at > last && pathCovers(path, dir, { handled: home, dir: dirHome })) last = at;
    }
    return last;
  };
}

/**
 * A shell pattern's pieces as dash (Debian's sh) reads them: `*`, a RegExp source for one character
 * (`?` or a class; `one`), or a literal character (`\\*` is `*`, as quoted: {@link ShellWord.glob}). A class
 * (`[ab]`, `[!a-c]`, `[]a]`, `[[:alpha:]]`) ends at its first `]` after the first member, within one
 * name (a `[` it does not close is itself); `^` first is a member (bash negates), a range backwards
 * (`z-a`) holds nothing, and an unknown `[:x:]` is the characters `[:x:`.
 */
function globPieces(glob: string): { star?: true; one?: string; char?: string }[] {
  const out: { star?: true; one?: string; char?: string }[] = [];
  for (let i = 0; i < glob.length; ) {
    const c = glob[i++];
    const one = c === '?' ? { re: '[^/]', end: i } : c === '[' ? globClass(glob, i) : undefined;
    if (c === '*') out.push({ star: true });
    else if (one) out.push({ one: one.re }), (i = one.end);
    else out.push({ char: c === '\\' && escaped(glob[i]) ? glob[i++] : c });
  }
  return out;
}

/**
 * The class whose `[` is before `i` ({@link globPieces}): its RegExp source and end; undefined when
 * no `]` closes it within 256 characters (a scan to the end of the name for each of its `[` was
 * quadratic; no name is longer than 255 bytes on Linux).
 */
function globClass(g: string, i: number): { re: string; end: number } | undefined {
  const not = g[i] === '!';
  let set = '';
  for (let p = i + +not, first = true; ; first = false) {
    let c = g[p++];
    if (c === undefined || c === '/' || p > i + 256) return undefined;
    if (c === ']' && !first) return { re: set ? `[${not ? '^/' : ''}${set}]` : not ? '[^/]' : '(?!)', end: p };
    POSIX_CLASS.lastIndex = p;
    const named = c === '[' && g[p] === ':' && POSIX_CLASS.exec(g);
    if (named) {
      set += POSIX_CLASSES[named[1]];
      p = POSIX_CLASS.lastIndex;
      continue;
    }
    if (c === '\\' && escaped(g[p])) c = g[p++];
    let e = c;
    if (g[p] === '-' && g[p + 1] !== ']' && g[p + 1] !== '/' && p + 1 < g.length) e = g[(p += 2) - 1] === '\\' && escaped(g[p]) ? g[p++] : g[p - 1];
    if (c <= e) set += c === e ? classChar(c) : `${classChar(c)}-${classChar(e)}`;
  }
}

/** After a `\\`, a character it keeps as text: another `\\` is a name's (`%LocalAppData%\\pip`). */
const escaped = (c: string | undefined) => c !== undefined && '*?[]\\'.includes(c);
const classChar = (c: string) => ('\\]^-'.includes(c) ? `\\${c}` : c);
/** dash's classes in the C locale. */
const POSIX_CLASSES: Record<string, string> = { alnum: '0-9A-Za-z', alpha: 'A-Za-z', blank: ' \\t', cntrl: '\\0-\\x1f\\x7f', digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~', space: '\\t-\\r ', upper: 'A-Z', xdigit: '0-9A-Fa-f' };
const POSIX_CLASS = RegExp(`:(${Object.keys(POSIX_CLASSES).join('|')}):]`, 'y');

/**
 * A shell pattern as a RegExp over a whole path: `*`, `?` and a class stay within one name, as in
 * pathname expansion, and match no `.` that starts a name ({@link globPieces}). The text between two
 * `*` is matched where it first fits, for good (a lookahead): JavaScript's backtracking of
 * `*a*a*a...b` took 11.7 s for a name of 40 `a`.
 */
function globRegExp(glob: string): RegExp {
  let made = GLOB_REGEXPS.get(glob);
  if (made) return made;
  if (GLOB_REGEXPS.size > 4096) GLOB_REGEXPS.clear();
  GLOB_REGEXPS.set(glob, (made = globSource(glob)));
  return made;
}

/** {@link globRegExp}'s, by pattern: made per test, they were the largest allocation of an analysis (119 KB of 6.7 MB at 1,000 lines). */
const GLOB_REGEXPS = new Map<string, RegExp>();

function globSource(glob: string): RegExp {
  // The texts between `*` as RegExp sources (a path may hold any character: no marker splits them).
  const parts = [''];
  let named = true;
  for (const { star, one, char } of globPieces(glob)) {
    const dot = named && !char ? '(?!\\.)' : '';
    named = char === '/';
    if (star) parts.push(parts.pop() + dot, '');
    else parts.push(parts.pop() + dot + (one ?? char!.replace(/\W/, '\\$&')));
  }
  const last = parts.pop();
  try {
    // (Compiled when first tested: one too large throws there.)
    const made = RegExp(`^${parts.map((p, i) => (i ? `(?=([^/]*?${p}))\\${i}` : p)).join('')}${parts.length ? '[^/]*' : ''}${last}$`);
    made.test('');
    return made;
  } catch {
    return /(?!)/;
  }
}

/**
 * True when a command the RUN runs ({@link ranCommands}) after `cmd` is an `rm` of one of `dirs` as
 * a whole ({@link pathCovers}): the folder, a parent, its contents (`/var/lib/apt/lists/*`) or a
 * pattern naming one of them (`~/.npm*`); not a folder inside it, nor a name that only starts the
 * same (`rm -f ~/.npmrc` leaves ~/.npm). A removal before `cmd` leaves what `cmd` then writes
 * (`rm -rf /var/cache/apk/* && apk add curl` keeps the add's index).
 */
export function removesPathAfter(run: RunScript, cmd: ShellCommand, ...dirs: string[]): boolean {
  return firstRanAfter(run, cmd, (c) => removesOneOf(run, c, dirs), `rm ${dirs.join('\0')}`) !== undefined;
}

/**
 * The files that hold a package index folder's bytes, by the names apk and apt give them (Alpine;
 * Debian and Ubuntu lists, InRelease and Packages): patterns inside the folder that name them all
 * take it as its contents do (`rm /var/cache/apk/*.tar.gz`, `rm -rf /var/lib/apt/lists/*_*`), not
 * one that leaves some (`lists/*.lz4` leaves the InRelease files).
 */
export const INDEX_FILES: Record<string, string[]> = {
  '/var/cache/apk': ['APKINDEX.2c4ac24e.tar.gz'],
  '/var/lib/apt/lists': ['deb.debian.org_debian_dists_bookworm_InRelease', 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4', 'archive.ubuntu.com_ubuntu_dists_noble_InRelease', 'security.ubuntu.com_ubuntu_dists_noble-security_main_binary-amd64_Packages.lz4'],
};

/**
 * True when `c`, one of the commands `run` runs, is an `rm` of one of `dirs` as a whole
 * ({@link pathCovers}), or of all the files an index folder holds ({@link INDEX_FILES}), or a
 * `find` that empties it ({@link emptiedByFind}; one that stays at the top of an index folder
 * takes its files too: they are all there), and runs in the foreground: one run in the background
 * (`rm -rf /var/lib/apt/lists/* &`) may not have removed them when the script exits and the layer
 * is committed ({@link runInBackground}). `path` reads an operand (as written when not given).
 */
export function removesOneOf(run: RunScript, c: ShellCommand, dirs: string[], path: (operand: string) => string = (p) => p): boolean {
  const name = programName(c);
  if ((name !== 'rm' && name !== 'find') || ranInBackground(run).has(c)) return false;
  const top = name === 'find' ? emptiedByFind(c) : undefined;
  if (top?.top) return top.starts.some((o) => dirs.some((d) => d in INDEX_FILES && normalizeCachePath(path(o)) === d));
  const ops = removedOperands(c).map(path);
  return ops.length > 0 && dirs.some((d) => ops.some((o) => pathCovers(o, d)) || (INDEX_FILES[d]?.every((f) => ops.some((o) => pathCovers(o, `${d}/${f}`))) ?? false));
}

/**
 * What `c` removes, as written: an `rm`'s operands, or the folders a `find` empties
 * ({@link emptiedByFind}: removing all a folder holds takes it as `rm -rf <folder>/*` does); a `$`
 * the shell keeps as text is none for variables to read ({@link expansionText}).
 */
export function removedOperands(c: ShellCommand): string[] {
  const name = programName(c);
  const find = name === 'find' ? emptiedByFind(c) : undefined;
  return name === 'rm' ? operands(c).map(patternText) : find && !find.top ? find.starts : [];
}

/**
 * The folders a `find` empties: its start folders, when the rest is at most `-type f`, `-depth`
 * (-delete implies it), `-mindepth` 0 or 1 and `-maxdepth` 1 or more, then `-delete` or
 * `-exec rm <options> {} +` (or `;`). Any other test (`-name`, `-path`, `-mmin`...) leaves some: none then. `top`: with
 * `-maxdepth` only the files at the top go, unless an `rm -r` takes the folders it finds (no
 * `-type f`): GNU find 4.9's `-maxdepth 1 -delete` fails on a subfolder that holds files, and
 * `-maxdepth 1 -type f` or `rm -f` leaves the files below (pip's http/, npm's _cacache/).
 */
function emptiedByFind(c: ShellCommand): { starts: string[]; top: boolean } | undefined {
  const args = programArgs(c).map(expansionText);
  let i = 0;
  while (/^-[HLP]$/.test(args[i] ?? '')) i++;
  const starts: string[] = [];
  while (i < args.length && !/^[-(!]/.test(args[i])) starts.push(args[i++]);
  let [acted, files, limited, recursive] = [false, false, false, false];
  while (i < args.length && !acted) {
    const [a, b] = [args[i], args[i + 1]];
    if (a === '-depth') i++;
    else if ((a === '-type' && b === 'f') || (a === '-mindepth' && /^[01]$/.test(b ?? '')) || (a === '-maxdepth' && /^[1-9][0-9]*$/.test(b ?? ''))) {
      [files, limited] = [files || a === '-type', limited || a === '-maxdepth'];
      i += 2;
    } else if (a === '-delete') [acted, i] = [true, i + 1];
    else if (a === '-exec' && b === 'rm') {
      let j = i + 2;
      for (; args[j]?.startsWith('-'); j++) recursive ||= /^(-[a-zA-Z]*[rR]|--recursive$)/.test(args[j]);
      if (args[j] !== '{}' || !['+', ';'].includes(args[j + 1])) return undefined;
      [acted, i] = [true, j + 2];
    } else return undefined;
  }
  return acted && i === args.length && starts.length > 0 ? { starts, top: limited && (files || !recursive) } : undefined;
}

/**
 * Targets of the RUN's `--mount=type=cache` and `--mount=type=tmpfs` mounts. A relative target is
 * made absolute against the WORKDIR, as BuildKit does (Docker 20.10: under `WORKDIR /app/sub`,
 * `target=.npm` mounted /app/sub/.npm); under a WORKDIR with a variable it stays as written.
 */
export function cacheMountTargets(instr: Instr): string[] {
  const out: string[] = [];
  for (const m of instr.run?.mounts ?? []) {
    const type = /(?:^|,)type=([^,]+)/.exec(m)?.[1];
    if (type !== 'cache' && type !== 'tmpfs') continue;
    const target = /(?:^|,)(?:target|dst|destination)=([^,]+)/.exec(m)?.[1];
    if (!target) continue;
    const cwd = /^[/~$"']/.test(target) ? undefined : workdirAt(instr);
    out.push((cwd !== undefined && resolvePath(target, cwd)) || target);
  }
  return out;
}

/**
 * True when the RUN has a `--mount=type=cache` (or tmpfs) whose target ({@link cacheMountTargets})
 * takes all of one of `targets`, as a removal would ({@link pathCovers}): the folder or a parent.
 * One inside it keeps the rest in the layer (a mount on /var/lib/apt/lists/partial keeps the lists).
 */
export function hasCacheMount(instr: Instr, ...targets: string[]): boolean {
  return cacheMountTargets(instr).some((m) => targets.some((t) => pathCovers(m, t)));
}

/** Document range of a shell command inside a RUN. */
export function commandRange(model: DockerfileModel, run: RunScript, cmd: ShellCommand): Range {
  return model.lines.range(run.docOffset(cmd.start), run.docOffset(cmd.end - 1) + 1);
}

/** Document range of a word inside a RUN. */
export function wordRange(model: DockerfileModel, run: RunScript, word: ShellWord): Range {
  return model.lines.range(run.docOffset(word.start), run.docOffset(word.end - 1) + 1);
}

/** An edit that inserts `text` right after `word` (e.g. a flag after `install`). */
export function insertAfterWord(model: DockerfileModel, run: RunScript, word: ShellWord, text: string): TextEdit {
  const at = model.lines.positionAt(run.docOffset(word.end - 1) + 1);
  return { range: { start: at, end: at }, newText: text };
}

/**
 * An edit that appends `command` to the end of a RUN so it runs last in the same layer,
 * keeping the file's continuation and indentation style:
 * - one-line RUN: ` && command`;
 * - continued RUN: a new continued line indented like the last one (with `&&` leading or
 *   trailing, as the RUN already does);
 * - heredoc RUN: a new line before the closing delimiter.
 * - a RUN that is one shell's `-c` script (`bash -c "..."`, also in exec form): ` && command`
 *   inside its quotes, on the line where it ends. After a `-c` script among other commands
 *   ({@link RunScript.quoted}), the command goes after the shell's, as after any last command: it
 *   runs in the RUN's shell, as the RUN's user (not as `su app -c`'s), whatever a `!` or `||`
 *   before the shell does.
 * Returns undefined for other exec-form RUNs, where appending is not possible safely, after a
 * last command with an `&>` redirection, which dash reads as `&` ({@link redirectsBothOutputs}), and
 * after a list run in the background before the last: the command would then run beside what it
 * was meant to follow.
 */
export function appendToRun(model: DockerfileModel, instr: Instr, command: string): TextEdit | undefined {
  const run = instr.run;
  if (!run || (run.form === 'exec' && !run.inner) || run.commands.length === 0 || !run.balanced) return undefined;
  if (redirectsBothOutputs(run.commands[run.commands.length - 1]) || run.commands.slice(0, -1).some((c) => (c.ends ?? c.after) === '&')) return undefined;
  const lines = model.lines;
  const eol = lines.eol;
  const last = run.commands[run.commands.length - 1];
  const lastEnd = endOfLast(run);
  if (run.form === 'heredoc') {
    const lastLine = lines.positionAt(run.docOffset(lastEnd - 1) + 1).line;
    // After the bodies of the here-documents its line opens (`cat <<X >/etc/x`), not inside them.
    const endLine = last.bodiesEnd === undefined ? lastLine : Math.max(lastLine, lines.positionAt(run.docOffset(last.bodiesEnd - 1) + 1).line);
    const indent = /^\s*/.exec(lines.lineText(lastLine))?.[0] ?? '';
    const at = { line: endLine, character: lines.lineText(endLine).length };
    // A heredoc script runs line by line; `set -e` decides failure handling, so keep it a plain line.
    return { range: { start: at, end: at }, newText: `${eol}${indent}${command}` };
  }
  const end = lines.positionAt(run.docOffset(lastEnd - 1) + 1);
  const startLine = instr.range.start.line;
  // Inside a `-c` script's quotes, a line break would end the command line: inline there too.
  if (end.line === startLine || run.inner) return { range: { start: end, end }, newText: ` && ${command}` };
  const lastLine = lines.lineText(end.line);
  const indent = /^\s*/.exec(lastLine)?.[0] ?? '    ';
  const leadingAnd = /^\s*&&/.test(lastLine);
  const esc = model.escapeChar;
  const newText = leadingAnd ? ` ${esc}${eol}${indent}&& ${command}` : ` && ${esc}${eol}${indent}${command}`;
  return { range: { start: end, end }, newText };
}

/**
 * Where the RUN's last command ends in its text: after its shell's command when it stands in a
 * `-c` script read among other commands (RunScript.quoted; the quoted scripts come in order).
 */
function endOfLast(run: RunScript): number {
  return Math.max(textEnd(run.commands[run.commands.length - 1]), run.quoted?.at(-1)?.to ?? 0);
}

/** The commands a RUN runs, for questions about other RUNs: its own, or its `-c` script's when they could not be placed ({@link RunScript.hidden}). */
export function ranCommands(run: RunScript): readonly ShellCommand[] {
  return run.hidden ?? run.commands;
}

/** Where the RUN (as it runs) last runs a command `test` accepts; -1 for nowhere. */
export function lastRan(run: RunScript, test: (c: ShellCommand) => boolean): number {
  const ran = ranCommands(run);
  let i = ran.length - 1;
  while (i >= 0 && !test(ran[i])) i--;
  return i;
}

/**
 * The last of the RUN's own commands (RunScript.commands, which the cache rules read) that `test`
 * accepts, once per RUN and `test` (made once, not per call): asked for each of a long RUN's
 * commands, a walk per command would be quadratic.
 */
export function lastOwnCommand(run: RunScript, test: (c: ShellCommand) => boolean): ShellCommand | undefined {
  let found = lastOwn.get(run);
  if (!found) lastOwn.set(run, (found = new Map()));
  if (!found.has(test)) {
    let i = run.commands.length - 1;
    while (i >= 0 && !test(run.commands[i])) i--;
    found.set(test, run.commands[i]);
  }
  return found.get(test);
}
const lastOwn = new WeakMap<RunScript, Map<(c: ShellCommand) => boolean, ShellCommand | undefined>>();

/** What the RUN runs after `cmd`, in the order it runs ({@link ranCommands}). */
export function ranAfter(run: RunScript, cmd: ShellCommand): ShellCommand[] {
  const ran = ranCommands(run);
  return ran.slice(ran.indexOf(cmd) + 1);
}

/** What the RUN runs before `cmd`, in the order it runs ({@link ranCommands}). */
export function ranBefore(run: RunScript, cmd: ShellCommand): ShellCommand[] {
  const ran = ranCommands(run);
  return ran.slice(0, ran.indexOf(cmd));
}

/**
 * Questions about what a RUN runs after (or before) each of its commands are worked out once per
 * RUN and question, from one walk: asked for every command of a long RUN, a walk over the rest of
 * it per command (ranAfter(...).some) was quadratic. Kept per RUN script, which holds its commands.
 */
const perRun = new WeakMap<RunScript, { at: Map<ShellCommand, number>; answers: Map<unknown, unknown> }>();

function runFacts(run: RunScript): { at: Map<ShellCommand, number>; answers: Map<unknown, unknown> } {
  let facts = perRun.get(run);
  if (!facts) {
    const at = new Map<ShellCommand, number>();
    ranCommands(run).forEach((c, i) => at.has(c) || at.set(c, i));
    perRun.set(run, (facts = { at, answers: new Map() }));
  }
  return facts;
}

/** What `make` works out of {@link ranCommands}, once per RUN and `key`. */
function oncePerRun<T>(run: RunScript, key: unknown, make: (ran: readonly ShellCommand[]) => T): T {
  const { answers } = runFacts(run);
  if (!answers.has(key)) answers.set(key, make(ranCommands(run)));
  return answers.get(key) as T;
}

/**
 * The commands of the RUN that run in the background ({@link runInBackground}), worked out once per
 * RUN: those of {@link ranCommands} and those of its own `commands` (the same list unless a `-c`
 * script is hidden; then two lists of different commands, and this holds the ones of each that do).
 */
export function ranInBackground(run: RunScript): ReadonlySet<ShellCommand> {
  return oncePerRun(run, runInBackground, (ran) => {
    const set = runInBackground(ran);
    if (ran === run.commands) return set;
    const both = new Set(set);
    for (const c of runInBackground(run.commands)) both.add(c);
    return both;
  });
}

/** Where `cmd` is in {@link ranCommands}, -1 when it is not there (as `indexOf`). */
export function ranIndex(run: RunScript, cmd: ShellCommand): number {
  return runFacts(run).at.get(cmd) ?? -1;
}

/**
 * For each place in {@link ranCommands}, where the first command at or after it that `test`
 * accepts stands (-1: none); index `length` is -1. `key` names the question (default: `test`
 * itself, which must then be made once, not per call); `test` may read the command only.
 */
function nextMatches(run: RunScript, test: (c: ShellCommand) => boolean, key: unknown = test): Int32Array {
  return oncePerRun(run, key, (ran) => {
    const next = new Int32Array(ran.length + 1).fill(-1);
    for (let i = ran.length - 1; i >= 0; i--) next[i] = test(ran[i]) ? i : next[i + 1];
    return next;
  });
}

/** `ranAfter(run, cmd).find(test)`, worked out once per RUN and question (see {@link nextMatches} for `key`). */
export function firstRanAfter(run: RunScript, cmd: ShellCommand, test: (c: ShellCommand) => boolean, key: unknown = test): ShellCommand | undefined {
  const at = nextMatches(run, test, key)[ranIndex(run, cmd) + 1];
  return at < 0 ? undefined : ranCommands(run)[at];
}

/** Per stage and question, the answers its RUNs' commands give (the defined ones, in order): worked out once. */
const stageAnswers = new WeakMap<Stage, Map<unknown, { at: number; k: number; value: unknown }[]>>();

/**
 * The answer `ask` gives for the last command before `cmd` of `instr` (as RUNs run them:
 * {@link ranCommands}) that it answers, in `instr`'s stage or the stages it builds on; undefined
 * when none. `ask` must be made once (it keys the stages' answers) and read the command only.
 */
export function lastAnswerBefore<T>(instr: Instr, cmd: ShellCommand, ask: (instr: Instr, cmd: ShellCommand) => T | undefined): T | undefined {
  let [at, k] = [instr.index, instr.run ? ranIndex(instr.run, cmd) : -1];
  for (let s = instr.stage; s; s = s.from.stage, at = Infinity) {
    const byAsk = stageAnswers.get(s) ?? stageAnswers.set(s, new Map()).get(s)!;
    let list = byAsk.get(ask);
    if (!list) {
      list = [];
      for (const i of s.instructions) if (i.run) ranCommands(i.run).forEach((c, j) => {
        const value = ask(i, c);
        if (value !== undefined) list!.push({ at: i.index, k: j, value });
      });
      byAsk.set(ask, list);
    }
    let [lo, hi] = [0, list.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].at < at || (list[mid].at === at && list[mid].k < k)) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) return list[lo - 1].value as T;
  }
  return undefined;
}

/** `apt-get` (or apt, aptitude) `purge`, `remove`, `autoremove` or `autopurge`. */
export function isAptRemoval(cmd: ShellCommand): boolean {
  return APT_PROGRAMS.has(programName(cmd)) && ['purge', 'remove', 'autoremove', 'autopurge'].includes(subcommand(cmd)?.value ?? '');
}

/**
 * True when the RUN removes, after `cmd`, packages `cmd` installed: an apt-get purge or remove that
 * names one of them (or a word not read as a package name: a variable, a pattern), or an apt-mark
 * auto (the official images' savedAptMark pattern, whose purge --auto-remove then takes them); for
 * apk, any apk del; for dnf, yum and microdnf, any remove. A bare apt autoremove or a removal of
 * other packages leaves the install in place.
 */
export function packagesRemovedAfter(run: RunScript, cmd: ShellCommand, manager: 'apt' | 'apk' | 'rpm'): boolean {
  // What the RUN runs after `cmd` is read from answers worked out once per RUN (see nextMatches).
  const from = ranIndex(run, cmd) + 1;
  if (manager === 'apk') return nextMatches(run, isApkDel)[from] >= 0;
  // dnf removes what the removed packages alone pulled in (clean_requirements_on_remove).
  if (manager === 'rpm') return nextMatches(run, isRpmRemoval)[from] >= 0;
  if (nextMatches(run, isAptMarkAuto)[from] >= 0) return true;
  const installed = new Set(aptPackages(cmd).map(packageName));
  // A word not read as a package name (a variable, a pattern) may be any package, on either side.
  const anyUnread = [...installed].some(unreadName);
  if (nextMatches(run, anyUnread ? removesAptPackage : removesUnreadName)[from] >= 0) return true;
  const last = oncePerRun(run, lastAptRemovals, lastAptRemovals);
  return [...installed].some((n) => (last.get(n) ?? -1) >= from);
}

const packageName = (w: ShellWord) => w.value.split(/[=:]/)[0];
const unreadName = (n: string) => !/^[a-z0-9][a-z0-9+.-]*$/.test(n);
const isApkDel = (c: ShellCommand) => programName(c) === 'apk' && operands(c)[0]?.value === 'del';
const isRpmRemoval = (c: ShellCommand) => RPM_PROGRAMS.test(programName(c)) && ['remove', 'erase', 'autoremove'].includes(operands(c)[0]?.value ?? '');
const isAptMarkAuto = (c: ShellCommand) => programName(c) === 'apt-mark' && operands(c)[0]?.value === 'auto';
// `-o APT::AutoRemove::RecommendsImportant=false` is an option's value, not a package.
const removesAptPackage = (c: ShellCommand) => isAptRemoval(c) && aptPackages(c).length > 0;
const removesUnreadName = (c: ShellCommand) => isAptRemoval(c) && aptPackages(c).some((w) => unreadName(packageName(w)));

/** Per package name, the last place in {@link ranCommands} where an apt removal names it. */
function lastAptRemovals(ran: readonly ShellCommand[]): Map<string, number> {
  const last = new Map<string, number>();
  ran.forEach((c, i) => {
    if (isAptRemoval(c)) for (const w of aptPackages(c)) last.set(packageName(w), i);
  });
  return last;
}

/** How installs use a package index that a refresh (apt-get update, apk update) leaves behind. */
export interface IndexUse {
  /** A command that reads the index already there (an install without a fresh index of its own). */
  needs(c: ShellCommand): boolean;
  /** A command that fetches the index anew. */
  refreshes(c: ShellCommand): boolean;
}

/**
 * apt's lists in /var/lib/apt/lists: an install reads them, and so do build-dep and an upgrade
 * (without them it upgrades nothing, and exits 0); apt-get update fetches them.
 */
export const APT_LISTS_USE: IndexUse = { needs: (c) => APT_PROGRAMS.has(programName(c)) && /^(install|build-dep)$|upgrade$/.test(subcommand(c)?.value ?? ''), refreshes: isAptUpdate };

/** Per model and index: for each instruction, the later RUN of its image that reads the index it leaves. */
const indexReaders = new WeakMap<DockerfileModel, Map<IndexUse, Map<Instr, Instr | undefined>>>();

/**
 * The first later RUN of `instr`'s image (the rest of its stage, then the stages built on it) that
 * runs a command `use.needs` before any that `use.refreshes`, with no RUN between them fetching the
 * index anew: an install that relies on the index as `instr` leaves it (a cleanup in `instr` would
 * make it fail). Of several stages built on this one, the earliest such RUN. Worked out for every
 * instruction at once, per model and `use`, walking each stage backwards once (stages name only
 * earlier stages), so rules can ask it in their checks.
 */
export function laterRunNeeding(model: DockerfileModel, instr: Instr, use: IndexUse): Instr | undefined {
  let byUse = indexReaders.get(model);
  if (!byUse) indexReaders.set(model, (byUse = new Map()));
  let answers = byUse.get(use);
  if (!answers) {
    answers = new Map();
    byUse.set(use, answers);
    // What the stages built on a stage read first, before they refresh: the earliest of them.
    const fromChildren = new Map<Stage, Instr | undefined>();
    for (let k = model.stages.length - 1; k >= 0; k--) {
      const stage = model.stages[k];
      let reader = fromChildren.get(stage);
      for (let i = stage.instructions.length - 1; i >= 0; i--) {
        const at = stage.instructions[i];
        answers.set(at, reader);
        if (!at.run) continue;
        const first = ranCommands(at.run).find((c) => use.needs(c) || use.refreshes(c));
        if (first) reader = use.refreshes(first) ? undefined : at;
      }
      const parent = stage.from.stage;
      const other = parent && fromChildren.get(parent);
      if (parent && reader && (!other || reader.index < other.index)) fromChildren.set(parent, reader);
    }
  }
  return answers.get(instr);
}

/** Per model: for each stage, the instructions of the stages built on it (itself included), in file order. */
const inheriting = new WeakMap<DockerfileModel, Map<Stage, Instr[]>>();

/**
 * Every instruction after `instr` in the stages built on `instr`'s stage (its own stage and the
 * stages FROM it, transitively): what runs in an image that holds `instr`'s layer. Worked out once
 * per model, so rules can ask it for every write without walking all stages each time.
 */
export function laterInImage(model: DockerfileModel, instr: Instr): Instr[] {
  if (!instr.stage) return [];
  let byStage = inheriting.get(model);
  if (!byStage) {
    byStage = new Map();
    for (const s of model.stages) {
      for (let p: Stage | undefined = s; p; p = p.from.stage) {
        const list = byStage.get(p);
        if (list) list.push(...s.instructions);
        else byStage.set(p, [...s.instructions]);
      }
    }
    inheriting.set(model, byStage);
  }
  return (byStage.get(instr.stage) ?? []).filter((i) => i.index > instr.index);
}

/** True when `instr` runs in an image that holds the layers of `stage` (its own stage is `stage` or built on it, as {@link laterInImage} reads). */
export function runsOn(instr: Instr, stage: Stage): boolean {
  for (let s: Stage | undefined = instr.stage; s; s = s.from.stage) if (s === stage) return true;
  return false;
}

/** In `list`, sorted by instruction, the index of the first entry of an instruction after the one at `index` (for lists a rule makes once per model and looks up per finding). */
export function firstAfter(list: readonly { instr: Instr }[], index: number): number {
  return firstIndex(list.length, (i) => list[i].instr.index > index);
}

/** The RUN instructions of {@link laterInImage}. */
export function laterRunsInImage(model: DockerfileModel, instr: Instr): Instr[] {
  return laterInImage(model, instr).filter((i) => i.run !== undefined);
}

/** Package managers whose index refresh (`apt-get update`, `apk update`, `dnf makecache`...) feeds a later install. */
const INDEX_REFRESH: Record<string, { refresh: RegExp; install: RegExp }> = {
  'apt-get': { refresh: /^update$/, install: /^(install|upgrade|dist-upgrade|full-upgrade|build-dep)$/ },
  apt: { refresh: /^update$/, install: /^(install|upgrade|dist-upgrade|full-upgrade|build-dep)$/ },
  aptitude: { refresh: /^update$/, install: /^(install|safe-upgrade|full-upgrade)$/ },
  apk: { refresh: /^update$/, install: /^(add|upgrade)$/ },
  dnf: { refresh: /^makecache$/, install: /^(install|upgrade|update|groupinstall)$/ },
  yum: { refresh: /^makecache$/, install: /^(install|upgrade|update|groupinstall)$/ },
  microdnf: { refresh: /^makecache$/, install: /^(install|upgrade|update)$/ },
  zypper: { refresh: /^(refresh|ref)$/, install: /^(install|in|update|up)$/ },
};

/** The package manager whose index the command refreshes (`apt-get update` -> `apt-get`), if any. */
export function indexRefreshOf(cmd: ShellCommand): string | undefined {
  const name = programName(cmd);
  const spec = INDEX_REFRESH[name];
  return spec && spec.refresh.test(subcommand(cmd)?.value ?? '') ? name : undefined;
}

/** True when the command installs packages with `manager` (or its apt/apt-get sibling). */
export function installsWith(cmd: ShellCommand, manager: string): boolean {
  const name = programName(cmd);
  const same = name === manager || (APT_PROGRAMS.has(name) && APT_PROGRAMS.has(manager)) || (/^(dnf|yum|microdnf)$/.test(name) && /^(dnf|yum|microdnf)$/.test(manager));
  return same && (INDEX_REFRESH[name]?.install.test(subcommand(cmd)?.value ?? '') ?? false);
}

/** The package manager when every command the RUN runs ({@link ranCommands}) only refreshes its index (`RUN apt-get update`). */
export function indexRefreshOnly(run: RunScript): string | undefined {
  const ran = ranCommands(run);
  if (ran.length === 0) return undefined;
  const managers = new Set(ran.map(indexRefreshOf));
  const [only] = managers;
  return managers.size === 1 && only !== undefined ? only : undefined;
}

/** Builtins whose effect (directory, environment, shell options) would leak into commands merged after them. */
const STATEFUL = new Set(['cd', 'pushd', 'popd', 'export', 'declare', 'typeset', 'unset', 'set', 'source', '.', 'umask', 'shopt', 'alias', 'trap', 'exec', 'exit', 'return']);

function flagsOf(instr: Instr): unknown[] {
  return (instr.node as unknown as { getFlags(): unknown[] }).getFlags();
}

/**
 * An edit that merges `next` into `prev` (two adjacent shell-form RUNs) so both run in one layer:
 * the text between them becomes an `&&` continuation in the file's style. Undefined when merging
 * could change what runs: heredoc or exec forms, flags (`--mount`...), a comment between them, a
 * `cd`/`export`/`set`... in `prev` whose effect would reach `next`'s commands, or a `next` that is
 * not one list joined by `&&` (and `|`), where `prev`'s failure would no longer fail the build.
 */
export function mergeIntoPreviousRun(model: DockerfileModel, prev: Instr, next: Instr): TextEdit | undefined {
  const a = prev.run;
  const b = next.run;
  if (!a || !b || a.form !== 'shell' || b.form !== 'shell' || a.commands.length === 0 || b.commands.length === 0) return undefined;
  if (prev.stage !== next.stage || next.index !== prev.index + 1) return undefined;
  if (flagsOf(prev).length > 0 || flagsOf(next).length > 0) return undefined;
  if (a.commands.some((c) => STATEFUL.has(programName(c)) || mayRunInBackground(c) || c.after === '|')) return undefined;
  // Joined by `&&`, `prev`'s status decides only `next`'s first list: `prev && b || true` and
  // `prev && b; c` go on after a failed `prev` and the build that failed on it would pass, and
  // `prev && b &` (or `prev && b &>log`, as dash reads it) runs `prev` in the background.
  if (b.commands.some((c, i) => mayRunInBackground(c) || (i < b.commands.length - 1 && c.ends !== '&&' && c.ends !== '|'))) return undefined;
  const lines = model.lines;
  const gapStart = a.docOffset(endOfLast(a) - 1) + 1;
  const gapEnd = b.docOffset(Math.min(b.commands[0].start, b.quoted?.[0].from ?? Infinity));
  // Only separators, line breaks and the `RUN` keyword may lie between the two scripts.
  if (!/^[ \t;]*(\r?\n[ \t]*)+RUN[ \t]+$/i.test(model.text.slice(gapStart, gapEnd))) return undefined;
  const esc = model.escapeChar;
  const eol = lines.eol;
  const prevEnd = lines.positionAt(gapStart);
  const prevLine = lines.lineText(prevEnd.line);
  const multiLine = prevEnd.line > prev.range.start.line;
  const indent = multiLine ? /^\s*/.exec(prevLine)?.[0] ?? '    ' : '    ';
  const leadingAnd = multiLine && /^\s*&&/.test(prevLine);
  const newText = leadingAnd ? ` ${esc}${eol}${indent}&& ` : ` && ${esc}${eol}${indent}`;
  return { range: lines.range(gapStart, gapEnd), newText };
}

/**
 * Edits that take one command out of a RUN, with the operator that joined it, or delete the whole
 * instruction when it was the only command. Undefined when the command is joined by anything
 * other than `&&`, `;` or a line break (removing it from `a || b` or a pipe changes the logic),
 * or for exec-form RUNs. A command right after a reserved word (`then apk update; ...`) goes with
 * the operator after it and the word stays, only when another command of the same body or
 * condition follows: alone there, taking it out would leave `then fi`, `{ }` or `if then`, which
 * the shell rejects, so that is undefined; so is a command after `!` (the next would be negated),
 * and one that opens a here-document (`<<EOT`), whose body would stay behind. The command's
 * redirections go with it; one that opens a file (`>log`, `<file`) makes it undefined: the file
 * would no longer be written, or a missing one no longer fail the build ({@link redirectsOnlyStreams}).
 */
export function removeCommandFromRun(model: DockerfileModel, instr: Instr, cmd: ShellCommand): TextEdit | undefined {
  const run = instr.run;
  if (!run || run.form === 'exec') return undefined;
  const k = run.commands.findIndex((c) => c.start === cmd.start);
  if (k < 0) return undefined;
  const lines = model.lines;
  const plain = (op: string) => op === '' || op === '&&' || op === ';' || op === '\n';
  const opens = cmd.before !== '!' && OPENING_WORDS.has(cmd.before);
  if (!(plain(cmd.before) || opens) || !plain(cmd.after) || !redirectsOnlyStreams(cmd)) return undefined;
  const only = (text: string) => /^[\s;&]*$/.test(text.replace(/\\\r?\n/g, ''));
  if (run.commands.length === 1 && !opens) return run.form === 'heredoc' ? undefined : deleteInstruction(model, instr);
  // Its here-documents' bodies would stay behind, read as commands (the whole RUN goes with them).
  if (cmd.redirects?.some(opensHereDocument)) return undefined;
  const cmdEnd = run.docOffset(cmd.end - 1) + 1;
  const next = run.commands[k + 1];
  const prev = run.commands[k - 1];
  if (opens && (!next || closesCompound(next))) return undefined;
  // Dropping "cmd + op" keeps the operator before it; dropping "op + cmd" keeps the one after.
  // Keep a `;` or line break rather than an `&&`, so no command starts depending on another.
  const afterPrev = prev !== undefined && !opens && (!next || cmd.before === '&&');
  // Only the text between the commands that goes with it must be operators and blanks: a
  // here-document body on the other side stays (`cat <<X`, its body, then `rm x` and `b`: `rm x` goes with its line).
  const prevEnd = prev && textEnd(prev);
  if (afterPrev ? !only(run.text.slice(prevEnd, cmd.start)) : !only(run.text.slice(cmd.end, next.start))) return undefined;
  const [from, to] = afterPrev ? [run.docOffset(prevEnd - 1) + 1, cmdEnd] : [run.docOffset(cmd.start), run.docOffset(next.start)];
  // A line left ending in the escape character would go on to the next one: `ln -s a b\ ` (its
  // last word ends in an escaped blank) then `&& rm -f x` glued the next instruction on.
  const endsInEscape = (line: string) => line.replace(/[ \t]+$/, '').endsWith(model.escapeChar);
  const lastLine = lines.positionAt(to).line;
  const left = model.text.slice(lines.lineStart(lines.positionAt(from).line), from) + model.text.slice(to, lines.lineEndOffset(lastLine));
  if (endsInEscape(left) && !endsInEscape(lines.lineText(lastLine))) return undefined;
  // Nor one left holding only the escape character where it held more: dockerfile-ast reads such a
  // line as a continuation of the line above, where the builder reads a body line (`apk update;\``
  // as the first line of a `RUN <<EOF` under the backtick escape lost the line from the script).
  if (left.trim() === model.escapeChar && lines.lineText(lastLine).trim() !== model.escapeChar) return undefined;
  // A here-document's `<<EOT` taken out leaves its body behind: its lines would be read as
  // instructions, an unclosed one's as the rest of the file (`apk update <<-EOT && apk add x`),
  // and the bodies after it would go to the wrong markers.
  if (heredocMarkerIn(model, instr, from, to)) return undefined;
  return { range: lines.range(from, to), newText: '' };
}

/** Whether a here-document of `instr` opens (its `<<` as the parser reads it) in the document's `[from, to)`. */
function heredocMarkerIn(model: DockerfileModel, instr: Instr, from: number, to: number): boolean {
  return (instr.node as Run).getHeredocs().some((h) => {
    const at = model.lines.offsetAt(h.getStartRange().start);
    return at >= from && at < to;
  });
}

/** An edit that deletes a whole instruction with its line break (comments above it stay). */
export function deleteInstruction(model: DockerfileModel, instr: Instr): TextEdit {
  const lines = model.lines;
  const start = lines.offsetAt({ line: instr.range.start.line, character: 0 });
  const endLine = instr.range.end.line;
  if (endLine + 1 < lines.lineCount) return { range: lines.range(start, lines.offsetAt({ line: endLine + 1, character: 0 })), newText: '' };
  // Last line of the file: take the line break before it instead.
  const from = instr.range.start.line > 0 ? lines.lineEndOffset(instr.range.start.line - 1) : start;
  return { range: lines.range(from, lines.lineEndOffset(endLine)), newText: '' };
}
