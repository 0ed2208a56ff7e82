/**
 * archive-kept: an archive downloaded into the image (`curl -o x.tgz`, `wget`, `ADD <url>`) and
 * extracted, but not deleted in that layer. The image then holds the software twice: packed and unpacked.
 * A removal in a later RUN is files-changed-in-later-layer's finding (too late to save anything),
 * except in a `-c` script the reader cannot place, which that rule does not read: reported here.
 */
import { commandRange, firstAfter, globReaches, ranCommands, runsOn } from '../core/commands';
import { instructionAt, type DockerfileModel, type Instr } from '../core/model';
import { andParents, ARCHIVE, extractedArchive, mayDownload, ownWrites, pathPattern, type Write } from '../core/paths';
import { symbolicPath, workdirAt } from '../core/workdir';
import { posixShell, verifiedAppend } from '../core/packageManagers';
import { patternText, programName, shownText, type ShellCommand } from '../core/shell';
import type { RawFinding, Rule } from './rule';

const BASIS = 'the size of the downloaded archive, kept beside its extracted content';

/**
 * Per model, the RUNs of its stages that extract and remove files, indexed by path, in file order:
 * each archive looks up its own path (and, for removals, the folders above it) instead of walking
 * every later RUN of its image (1,000 / 3,000 RUNs each downloading and extracting an archive:
 * 191 / 991 ms for the check).
 */
interface PathIndex {
  /** Path extracted -> each command extracting it: its RUN, and its place among the commands the RUN runs ({@link ranCommands}). */
  extracted: Map<string, { instr: Instr; k: number }[]>;
  /** Per RUN, the place of each command it runs. */
  places: WeakMap<Instr, Map<ShellCommand, number>>;
  /**
   * Path an `rm` names (the folder above a glob) -> each RUN that removes it, with the whole
   * pattern (`path`): `plain` when among its commands (not in exec form), `hidden` when only read
   * again where that differs (a `-c` script the reader cannot place, or an exec form).
   */
  removed: Map<string, { instr: Instr; path: string; plain: boolean; hidden: boolean }[]>;
}

const indexes = new WeakMap<DockerfileModel, PathIndex>();

function pathIndex(model: DockerfileModel): PathIndex {
  let index = indexes.get(model);
  if (index) return index;
  index = { extracted: new Map(), places: new WeakMap(), removed: new Map() };
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const r of model.instructions) {
    const run = r.run;
    if (!run || !r.stage) continue;
    const ran = ranCommands(run);
    index.places.set(r, new Map(ran.map((c, k) => [c, k])));
    const cwd = workdirAt(r);
    if (cwd !== undefined) {
      ran.forEach((c, k) => {
        const path = extractedArchive(c, cwd);
        if (path !== undefined) push(index!.extracted, path, { instr: r, k });
      });
    }
    const rmCwd = cwd ?? '/';
    const removals = (commands: readonly ShellCommand[]) => {
      const out = new Map<string, string>();
      for (const c of commands) {
        if (programName(c) !== 'rm') continue;
        for (const word of c.words.slice(1)) {
          const p = pathPattern(shownText(patternText(word)), rmCwd, symbolicPath);
          if (p !== undefined) out.set(p.path, p.prefix);
        }
      }
      return out;
    };
    const plain = run.form !== 'exec' ? removals(run.commands) : new Map<string, string>();
    const hidden = run.form === 'exec' || run.hidden ? removals(ran) : new Map<string, string>();
    for (const [path, prefix] of new Map([...plain, ...hidden])) push(index.removed, prefix, { instr: r, path, plain: plain.has(path), hidden: hidden.has(path) });
  }
  indexes.set(model, index);
  return index;
}

/** Where the archive written by `w` is extracted: the same RUN or a later RUN of the same image. */
function extraction(model: DockerfileModel, w: Write): { instr: Instr; sameRun: boolean } | undefined {
  const index = pathIndex(model);
  const list = index.extracted.get(w.path);
  if (!list || !w.instr.stage) return undefined;
  // In order of the commands run: a hidden command's offsets are in its script's word.
  const own = w.instr.run && w.command ? index.places.get(w.instr)?.get(w.command) ?? -1 : -1;
  for (let i = firstAfter(list, w.instr.index - 1); i < list.length; i++) {
    const e = list[i];
    if (e.instr === w.instr ? e.k > own : runsOn(e.instr, w.instr.stage)) return { instr: e.instr, sameRun: e.instr === w.instr };
  }
  return undefined;
}

/**
 * True when a later RUN of the image removes the archive (too late: files-changed-in-later-layer
 * reports it); the RUN when only an `rm` in a `-c` script it cannot place (hidden) or in an exec
 * form does, which that rule does not read: the finding then stays here and says where the archive is deleted.
 */
function removedLater(model: DockerfileModel, w: Write): Instr | boolean {
  const stage = w.instr.stage;
  if (!stage) return false;
  const { removed } = pathIndex(model);
  let hidden: Instr | undefined;
  // The folders of the patterns whose removal may take the archive with it: itself, each folder above it.
  for (const prefix of andParents(w.path)) {
    const list = removed.get(prefix);
    if (!list) continue;
    for (let i = firstAfter(list, w.instr.index); i < list.length; i++) {
      const e = list[i];
      // A pattern takes only what it matches (`rm -rf /tmp/foo*` leaves /tmp/a.tgz).
      if (!runsOn(e.instr, stage) || !globReaches(e.path, w.path)) continue;
      if (e.plain) return true;
      if (e.hidden && (!hidden || e.instr.index < hidden.index)) hidden = e.instr;
    }
  }
  return hidden ?? false;
}

type KeptArchive = { w: Write; extractedAt: Instr; sameRun: boolean; deletedAt?: Instr };

/**
 * The archive writes of each stage's own instructions that are extracted and not deleted in their
 * layer. Once per model: the fix of each finding asks too (worked out again per fix, "apply all"
 * was quadratic in the archives).
 */
function keptArchives(model: DockerfileModel): KeptArchive[] {
  let kept = keptByModel.get(model);
  if (!kept) keptByModel.set(model, (kept = findKeptArchives(model)));
  return kept;
}

const keptByModel = new WeakMap<DockerfileModel, KeptArchive[]>();

/** The kept archive a finding is about (by its RUN, path and command), looked up in a map made once per model: a search per fix was quadratic in the archives. */
function keptFor(model: DockerfileModel, instr: Instr, path: string, commandStart: unknown): KeptArchive | undefined {
  let byKey = keptByKey.get(model);
  if (!byKey) {
    byKey = new Map();
    // The first of equal keys, as a search would find.
    for (const k of keptArchives(model)) {
      const key = `${k.w.instr.index} ${k.w.command?.start} ${k.w.path}`;
      if (!byKey.has(key)) byKey.set(key, k);
    }
    keptByKey.set(model, byKey);
  }
  return byKey.get(`${instr.index} ${commandStart} ${path}`);
}

const keptByKey = new WeakMap<DockerfileModel, Map<string, KeptArchive>>();

/** Whether `command` is one of the RUN's commands (not a hidden one), from a set made once per RUN: a search per archive was quadratic in a long RUN's downloads. */
function placed(instr: Instr, command: ShellCommand | undefined): boolean {
  let set = commandSets.get(instr);
  if (!set) commandSets.set(instr, (set = new Set(instr.run?.commands)));
  return command !== undefined && set.has(command);
}

const commandSets = new WeakMap<Instr, Set<ShellCommand>>();

/** Whether a RUN changes directory (`cd`, `pushd`, `popd`), once per RUN: an appended `rm -f` of a relative path would miss. */
function changesDirectory(instr: Instr): boolean {
  let known = movesDir.get(instr);
  if (known === undefined) movesDir.set(instr, (known = instr.run!.commands.some((c) => ['cd', 'pushd', 'popd'].includes(programName(c)))));
  return known;
}

const movesDir = new WeakMap<Instr, boolean>();

function findKeptArchives(model: DockerfileModel): KeptArchive[] {
  const out: KeptArchive[] = [];
  for (const stage of model.stages) {
    if (!mayDownload(stage)) continue;
    for (const w of ownWrites(model, stage)) {
      if (w.kind !== 'download' || !ARCHIVE.test(w.path)) continue;
      const ex = extraction(model, w);
      const later = ex && removedLater(model, w);
      if (!ex || later === true || (w.path.includes('$') && (!ex.sameRun || mayChange(w.instr, w.path)))) continue;
      out.push({ w, extractedAt: ex.instr, sameRun: ex.sameRun, deletedAt: later || undefined });
    }
  }
  return out;
}

/**
 * Whether an instruction after `instr` (in a stage) has `name` in its arguments. The arguments of
 * the model's instructions are joined once, and the last place of `name` tells: a look at every
 * later instruction per finding made "apply all" quadratic.
 */
function namedAfter(model: DockerfileModel, instr: Instr, name: string): boolean {
  let all = argumentsByModel.get(model);
  if (!all) {
    const parts: string[] = [];
    const starts: number[] = [];
    const indexes: number[] = [];
    let at = 0;
    for (const i of model.instructions) {
      if (!i.stage) continue;
      const text = i.node.getArgumentsContent() ?? '';
      starts.push(at);
      indexes.push(i.index);
      parts.push(text);
      at += text.length + 1;
    }
    argumentsByModel.set(model, (all = { text: parts.join('\0'), starts, indexes }));
  }
  // A name with the separator in it could match across two instructions: then the plain walk.
  if (name.includes('\0')) return model.instructions.some((i) => i.index > instr.index && i.stage && (i.node.getArgumentsContent() ?? '').includes(name));
  const found = all.text.lastIndexOf(name);
  if (found < 0 || all.starts.length === 0) return false;
  let [lo, hi] = [0, all.starts.length - 1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (all.starts[mid] <= found) lo = mid;
    else hi = mid - 1;
  }
  return all.indexes[lo] > instr.index;
}

const argumentsByModel = new WeakMap<DockerfileModel, { text: string; starts: number[]; indexes: number[] }>();

/**
 * Whether the RUN may give a variable of a path with variables (symbolicPath) another value: it
 * names the variable other than by `$V` or `${V}` (`V=2`, `export V`, `read V`, `for V in`).
 */
function mayChange(instr: Instr, path: string): boolean {
  const text = instr.run!.text.replace(/\$\{?\w+/g, '');
  return [...path.matchAll(/\{(\w+)/g)].some(([, v]) => new RegExp(`\\b${v}\\b`).test(text));
}

/** A path as a shell word: bare when plain, in double quotes when it has variables (kept to expand), else in single quotes. */
const quote = (p: string) => (/^[A-Za-z0-9_./+-]+$/.test(p) ? p : p.includes('$') ? `"${p.replace(/["\\`]/g, '\\$&')}"` : `'${p.replace(/'/g, `'\\''`)}'`);

export const rule: Rule = {
  id: 'archive-kept',
  title: 'downloaded archive kept after extraction',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  quotesLines: true,
  docs: {
    summary: 'An archive fetched with `curl`/`wget` or `ADD <url>` is extracted, but the archive itself stays in its layer.',
    why: 'After extraction the archive is dead weight: the layer holds the software twice, compressed and unpacked. `ADD <url>` never extracts a remote archive, so the download always stays in its own layer; fetching with curl or wget in the RUN that extracts lets that RUN delete it before the layer is written.',
    incorrect: 'RUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz \\\n    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1',
    correct: 'RUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz \\\n    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 \\\n    && rm -f /tmp/node.tar.xz',
    sizeImpact: 'The size of the archive, which is known only once downloaded (the Node.js 22 linux-x64 .tar.xz is about 29 MB per nodejs.org/dist; a JDK .tar.gz about 190 MB). Deleting it in a later RUN saves nothing (files-changed-in-later-layer).',
    fix: 'When the RUN that downloads the archive also extracts it, appends `rm -f <archive>` to that RUN (a name with variables, `t-${V}.tgz`, in double quotes; not offered when the RUN changes directory with `cd`, runs a list in the background before its last, or downloads in a `-c` script the reader cannot place, or a later instruction names the archive). For `ADD <url>` and for extraction in a later RUN there is no automatic fix: download, extract and remove in one RUN. Not checked on a Windows base or a SHELL that is no POSIX shell.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const { w, extractedAt, sameRun, deletedAt } of keptArchives(model)) {
      // Paths and `rm -f` are POSIX: cmd (a Windows base) has no rm, and reads C:\x as no path.
      if (!posixShell(w.instr)) continue;
      const where = sameRun ? 'in the same RUN' : `at line ${extractedAt.range.start.line + 1}`;
      const advice = w.how === 'ADD <url>'
        ? 'ADD does not unpack remote archives; download, extract and delete it in one RUN (curl -o, tar -x, rm).'
        : sameRun ? `Add \`rm -f ${quote(w.path)}\` to the same RUN.` : 'Extract and delete it in the RUN that downloads it.';
      out.push({
        // A hidden command (see Write.command) is placed nowhere: the whole RUN then.
        range: w.instr.run && placed(w.instr, w.command) ? commandRange(model, w.instr.run, w.command!) : w.instr.range,
        instr: w.instr,
        message: `${w.path} (${w.how}) is extracted ${where} but ${deletedAt ? `deleted only at line ${deletedAt.range.start.line + 1}, in a later layer` : 'never deleted'}: the archive stays in this layer beside its content (${BASIS}). ${advice}`,
        saving: { basis: BASIS },
        data: { path: w.path, commandStart: w.command?.start },
      });
    }
    return out;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    const path = finding.data?.path;
    if (!instr?.run || typeof path !== 'string') return undefined;
    const kept = keptFor(model, instr, path, finding.data?.commandStart);
    // Not after a download in a -c script the reader cannot place (hidden): an rm appended after the
    // shell would share its `&` (run in the background) or follow its `!`.
    if (!kept?.sameRun || !placed(instr, kept.w.command)) return undefined;
    if (changesDirectory(instr)) return undefined;
    // A later instruction that still reads the archive would break.
    // With variables, written `$V` or `${V}` later: its longest part without them.
    const name = path.slice(path.lastIndexOf('/') + 1).split(/\$\{\w+\}/).reduce((a, b) => (b.length > a.length ? b : a));
    if (namedAfter(model, instr, name)) return undefined;
    // Checked by parsing the RUN again: a heredoc whose last line ends in a backslash would take the rm as arguments.
    const edit = verifiedAppend(model, instr, `rm -f ${quote(path)}`);
    return edit && { title: `Delete ${path} in the same RUN`, edits: [edit], preferred: true };
  },
};
