/**
 * pip's configuration files, as far as a Dockerfile's text tells what they hold: whether one turns
 * the cache off (`no-cache-dir`) for a pip command.
 *
 * pip (read from its source, configuration.py, baseparser.py and cmdoptions.py, and its
 * "Configuration" page; pip itself cannot be installed here) reads, in order, the global files
 * (/etc/xdg/pip/pip.conf, or those of $XDG_CONFIG_DIRS, then /etc/pip.conf), the user's
 * (~/.pip/pip.conf, then $XDG_CONFIG_HOME/pip/pip.conf, by default ~/.config/pip/pip.conf: not
 * with `--isolated`, nor when PIP_CONFIG_FILE names a file that exists), the interpreter's
 * (sys.prefix/pip.conf), then the file PIP_CONFIG_FILE names; PIP_CONFIG_FILE=/dev/null reads none.
 * In each, the `[global]` section, then the command's own (`[install]`, `[wheel]`, `[download]`).
 * Keys are taken in any case, `_` as `-`. `no-cache-dir` turns the cache off for any non-empty
 * value, "false" too, as PIP_NO_CACHE_DIR does (an empty one is skipped).
 *
 * What writes a file is read where the Dockerfile holds its text: `pip config set/unset`
 * (`--global`: /etc/pip.conf; `--user` or neither: the user's file), a here-document (`COPY <<EOF
 * /etc/pip.conf`, `cat > /etc/pip.conf <<EOF`, `tee`), `printf` of a format without `%` and `echo`
 * of words without a backslash, redirected into the file (`>` writes it, `>>` adds to it). A COPY
 * or ADD of the build context to a file, any other command writing into it with `>`, and one of
 * these whose text holds a variable or a command substitution leave what it holds unknown, and
 * `rm` of the file empties it. Not read: `pip config --site` and the interpreter's file (which
 * interpreter is not known), a COPY of a folder that holds a pip.conf, files edited by other
 * commands (sed, cp, mv), and $XDG_CONFIG_DIRS's own folders (with it set, /etc/xdg/pip is not
 * taken).
 *
 * The writes of each stage are listed once, in one walk over its instructions; a question about a
 * command looks up at most five files by binary search, along the FROM chain.
 */
import { hasFlag, operands, pipWords, ranCommands, ranInBackground, ranIndex, removedOperands } from './commands';
import { hereDocuments, type DockerfileModel, type Instr, type Stage } from './model';
import { copySpec, stdoutFile } from './paths';
import { envFor, homeOf, setIn } from './packageManagers';
import { opensHereDocument, programArgs, programName, type ShellCommand, type ShellRedirect } from './shell';
import { normalizePath } from './workdir';

/** The sections whose no-cache-dir a pip command that downloads may read. */
const SECTIONS = new Set(['global', 'install', 'wheel', 'download']);

/**
 * What is known of a file: the sections of {@link SECTIONS} that set no-cache-dir to a non-empty
 * value, and the section text added at its end goes to (null: none yet; undefined: not known).
 * A value can only turn the cache off, so a file partly unknown still credits what is known.
 */
interface ConfState {
  off: ReadonlySet<string>;
  last: string | null | undefined;
}

const EMPTY: ConfState = { off: new Set(), last: null };
const UNKNOWN: ConfState = { off: new Set(), last: undefined };

/** A change to one file at a place in the stage: instruction index, then the command's place in its RUN (-1 for COPY). */
interface ConfEvent {
  at: number;
  k: number;
  state: ConfState;
}

const eventsByStage = new WeakMap<Stage, Map<string, ConfEvent[]>>();

/**
 * Whether pip's configuration files turn the cache off for `cmd` (a pip `command`: install, wheel,
 * download), as the Dockerfile wrote them before it (see the module's comment).
 */
export function pipConfigDisablesCache(model: DockerfileModel, instr: Instr, cmd: ShellCommand, command: string): boolean {
  const stage = instr.stage;
  if (!stage) return false;
  const env = (name: string) => envFor(instr, cmd, name);
  const configFile = setIn(env, 'PIP_CONFIG_FILE');
  if (configFile === '/dev/null') return false;
  const files = ['/etc/pip.conf'];
  if (!setIn(env, 'XDG_CONFIG_DIRS')) files.push('/etc/xdg/pip/pip.conf');
  const home = homeOf(instr, cmd);
  if (!configFile && !hasFlag(cmd, '--isolated') && home) files.push(`${home}/.pip/pip.conf`, userConfigFile(env, home));
  if (configFile?.startsWith('/')) files.push(normalizePath(configFile));
  const k = instr.run ? ranIndex(instr.run, cmd) : -1;
  return files.some((file) => {
    const state = stateAt(model, stage, file, instr.index, k);
    return state.off.has('global') || state.off.has(command);
  });
}

/** The user's config file pip writes with `pip config set` and reads last of the user's: $XDG_CONFIG_HOME/pip/pip.conf, by default under ~/.config. */
function userConfigFile(env: (name: string) => string | undefined, home: string): string {
  const base = setIn(env, 'XDG_CONFIG_HOME');
  return normalizePath(`${base?.startsWith('/') ? base : `${home}/.config`}/pip/pip.conf`);
}

/** What `file` holds before place (`at`, `k`) of `stage`, or at the end of `stage` when `at` is Infinity. */
function stateAt(model: DockerfileModel, stage: Stage, file: string, at: number, k: number): ConfState {
  for (let s: Stage | undefined = stage; s; s = s.from.stage, at = Infinity) {
    const events = stageEvents(model, s).get(file);
    if (!events) continue;
    let [lo, hi] = [0, events.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid].at < at || (events[mid].at === at && events[mid].k < k)) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) return events[lo - 1].state;
  }
  return EMPTY;
}

/** The changes `stage`'s own instructions make to config files, per file in order, listed once. */
function stageEvents(model: DockerfileModel, stage: Stage): Map<string, ConfEvent[]> {
  let byFile = eventsByStage.get(stage);
  if (byFile) return byFile;
  const files = new Map<string, ConfEvent[]>();
  byFile = files;
  const current = (file: string) => {
    const list = files.get(file);
    return list ? list[list.length - 1].state : stage.from.stage ? stateAt(model, stage.from.stage, file, Infinity, 0) : EMPTY;
  };
  const record = (file: string, at: number, k: number, state: ConfState) => {
    const list = files.get(file);
    if (list) list.push({ at, k, state });
    else files.set(file, [{ at, k, state }]);
  };
  for (const instr of stage.instructions) {
    if (instr.keyword === 'COPY' || instr.keyword === 'ADD') copyWrites(model, instr, (file, state) => record(file, instr.index, -1, state(current(file))));
    const run = instr.run;
    if (!run || run.form === 'exec') continue;
    const background = ranInBackground(run);
    const bodies = runHereDocuments(model, instr);
    ranCommands(run).forEach((c, k) => {
      if (background.has(c)) return;
      commandWrites(instr, c, bodies, (file, state) => record(file, instr.index, k, state(current(file))));
    });
  }
  eventsByStage.set(stage, byFile);
  return byFile;
}

type Change = (file: string, state: (before: ConfState) => ConfState) => void;

/** A COPY or ADD: a here-document's text, or a file of the build context whose text is not known. */
function copyWrites(model: DockerfileModel, instr: Instr, change: Change): void {
  const docs = hereDocuments(model, instr);
  if (docs.length > 0) {
    const bodyLine = docs[0].line ?? Infinity;
    const args = instr.node.getArguments().filter((a) => a.getRange().start.line < bodyLine);
    const dest = args[args.length - 1]?.getValue() ?? '';
    if (docs.length !== 1 || !dest.startsWith('/')) return;
    const file = normalizePath(dest.endsWith('/') ? `${dest}${docs[0].name}` : dest);
    change(file, () => readConf(docs[0].body, EMPTY, docs[0].quoted));
    return;
  }
  const spec = copySpec(model, instr);
  if (!spec?.destPath) return;
  for (const src of spec.destIsDir ? spec.sources : [spec.destPath]) {
    const base = src.replace(/\/+$/, '').split('/').pop() ?? '';
    change(spec.destIsDir ? normalizePath(`${spec.destPath}/${base}`) : spec.destPath, () => UNKNOWN);
  }
}

type HereDocument = { body: string; quoted: boolean };

/**
 * The bodies of the here-documents a RUN's commands open, by their `<<` redirection: in a shell-form
 * RUN, the RUN's own here-documents matched to the redirections in order (none when the counts
 * differ); in a `RUN <<EOF` script, read from its text where a line opens one alone (its end is
 * the scanner's `bodiesEnd`). Worked out in one walk over the RUN's commands.
 */
function runHereDocuments(model: DockerfileModel, instr: Instr): Map<ShellRedirect, HereDocument> | undefined {
  const run = instr.run!;
  if (run.form === 'shell') {
    const opened = run.commands.flatMap((c) => (c.redirects ?? []).filter(opensHereDocument));
    if (opened.length === 0) return undefined;
    const docs = hereDocuments(model, instr);
    return docs.length === opened.length ? new Map(opened.map((r, i) => [r, docs[i]])) : undefined;
  }
  const found = new Map<ShellRedirect, HereDocument>();
  let line: ShellRedirect[] = [];
  for (const c of run.commands) {
    for (const r of c.redirects ?? []) if (opensHereDocument(r)) line.push(r);
    if (c.bodiesEnd === undefined) continue;
    if (line.length === 1) found.set(line[0], scriptHereDocument(run.text, line[0], c.bodiesEnd));
    line = [];
  }
  return found;
}

/** The body of the one here-document `r` opens on its line of a script, whose bodies end at `bodiesEnd` (after the terminator line). */
function scriptHereDocument(text: string, r: ShellRedirect, bodiesEnd: number): HereDocument {
  const from = text.indexOf('\n', r.end) + 1;
  const terminator = text.lastIndexOf('\n', bodiesEnd - 1) + 1;
  let body = from > 0 && terminator > from ? text.slice(from, terminator - 1) : '';
  if (r.op.endsWith('-')) body = body.replace(/^\t+/gm, '');
  return { body, quoted: /['"\\]/.test(text.slice(r.start, r.end)) };
}

/** What a RUN command writes into config files: `pip config set/unset`, a redirection of known or unknown text, `tee`, `rm`. */
function commandWrites(instr: Instr, c: ShellCommand, bodies: Map<ShellRedirect, HereDocument> | undefined, change: Change): void {
  const env = (name: string) => envFor(instr, c, name);
  const home = homeOf(instr, c);
  const absolute = (p: string) => {
    const path = home && /^~(\/|$)/.test(p) ? home + p.slice(1) : p;
    return path.startsWith('/') && !/[$`*?[]/.test(path) ? normalizePath(path) : undefined;
  };
  for (const p of removedOperands(c)) {
    const file = absolute(p);
    if (file) change(file, () => EMPTY);
  }
  const pip = pipWords(c);
  if (pip) {
    const ops = pip.filter((w) => !w.value.startsWith('-')).map((w) => w.value);
    const flags = pip.filter((w) => w.value.startsWith('-')).map((w) => w.value);
    if (ops[0] !== 'config' || (ops[1] !== 'set' && ops[1] !== 'unset') || flags.includes('--site') || flags.includes('--isolated')) return;
    const m = /^([^.]+)\.(.+)$/.exec(ops[2] ?? '');
    if (!m || !SECTIONS.has(m[1]) || configKey(m[2]) !== 'no-cache-dir') return;
    let file: string | undefined = '/etc/pip.conf';
    if (!flags.includes('--global')) file = !setIn(env, 'PIP_CONFIG_FILE') && home ? userConfigFile(env, home) : undefined;
    const on = ops[1] === 'set' && (ops[3] ?? '').trim() !== '';
    if (file) change(file, (before) => ({ off: toggled(before.off, m[1], on), last: before.last }));
    return;
  }
  // Text into a file: `>` writes it, `>>` adds to it; `tee [-a] file...` with a here-document.
  const out = stdoutFile(c);
  const name = programName(c);
  const heredoc = c.redirects?.find(opensHereDocument);
  const doc = heredoc && bodies?.get(heredoc);
  const text = (): { text: string; quoted: boolean } | undefined => {
    if (name === 'cat' && operands(c).every((w) => w.value === '-') && doc) return { text: doc.body, quoted: doc.quoted };
    const args = programArgs(c).map((w) => w.value);
    if (name === 'printf' && args.length === 1 && !args[0].includes('%') && !/\\[^nt\\]/.test(args[0])) return { text: args[0].replace(/\\([nt\\])/g, (_, e: string) => (e === 'n' ? '\n' : e === 't' ? '\t' : '\\')), quoted: false };
    if (name === 'echo' && !args.some((a) => a.includes('\\')) && !args[0]?.startsWith('-')) return { text: `${args.join(' ')}\n`, quoted: false };
    return undefined;
  };
  const write = (file: string | undefined, append: boolean) => {
    if (!file) return;
    const known = text();
    change(file, (before) => (known ? readConf(known.text, append ? before : EMPTY, known.quoted) : append ? { off: before.off, last: undefined } : UNKNOWN));
  };
  if (name === 'tee' && doc) {
    const args = programArgs(c).map((w) => w.value);
    for (const a of args.filter((a) => !a.startsWith('-'))) write(absolute(a), args.includes('-a') || args.includes('--append'));
  }
  if (out) write(absolute(out.value), out.op.includes('>>'));
}

/** `off` with `section` added (`on`) or taken out. */
function toggled(off: ReadonlySet<string>, section: string, on: boolean): ReadonlySet<string> {
  if (off.has(section) === on) return off;
  const next = new Set(off);
  if (on) next.add(section);
  else next.delete(section);
  return next;
}

/** A key as pip compares them: lower case, `_` as `-`, without a leading `--`. */
function configKey(key: string): string {
  return key.trim().toLowerCase().replace(/_/g, '-').replace(/^--/, '');
}

/**
 * `text` read as Python's configparser reads a file (comment lines, `[section]`, `key = value` or
 * `key: value`, indented lines continuing a value), added to `before`. Text that an unquoted
 * here-document, echo or printf would expand (`$`, a backquote) is not known.
 */
function readConf(text: string, before: ConfState, quoted: boolean): ConfState {
  if (!quoted && /[$`]/.test(text)) return { off: before.off, last: undefined };
  let off = before.off;
  let section = before.last;
  let key: string | undefined;
  let value = '';
  const settle = () => {
    if (key === 'no-cache-dir' && typeof section === 'string' && SECTIONS.has(section)) off = toggled(off, section, value.trim() !== '');
    key = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (key !== undefined && /^\s/.test(line)) {
      value += `\n${trimmed}`;
      continue;
    }
    settle();
    const header = /^\[(.+)\]/.exec(trimmed);
    if (header) {
      section = header[1];
      continue;
    }
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!option) continue;
    key = configKey(option[1]);
    value = option[2];
  }
  settle();
  return { off, last: section };
}
