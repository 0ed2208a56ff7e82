/**
 * files-changed-in-later-layer: a RUN that deletes, `chmod`s or `chown`s files an earlier layer
 * wrote. Layers only add: a deletion hides the files but their bytes stay in the earlier layer,
 * and a permission or owner change copies every touched file into the new layer, so the image
 * stores them twice. hadolint has no equivalent (hadolint#63).
 *
 * Only writes `core/paths.ts` recognises are tracked (COPY/ADD destinations, downloads with an
 * explicit target, extraction directories, clones, package caches), so an unknown write is never
 * flagged.
 */
import type { Copy } from 'dockerfile-ast';
import { APT_LISTS_USE, commandRange, globReaches, hasFlag, indexRefreshOnly, isAptUpdate, mergeIntoPreviousRun, operands, ranBefore, ranCommands, ranIndex, removeCommandFromRun } from '../core/commands';
import { instructionAt, type DockerfileModel, type Instr, type Stage } from '../core/model';
import { expandVars, shellValue, shellValueAtEnd, shellVariables, verifiedAppend } from '../core/packageManagers';
import { andParents, ARCHIVE, commandCwd, commandWrites, copySpec, extractedArchive, isAtOrBelow, pathPattern, writesInImage, type Write } from '../core/paths';
import { resolvePath, workdirAt } from '../core/workdir';
import { patternText, programName, runsWheneverScriptSucceeds, wordsAndRedirects, type ShellCommand } from '../core/shell';
import type { Fix, SizeEstimate, TextEdit } from '../core/types';
import { APT_LISTS, formatBytes } from '../sizes';
import type { RawFinding, Rule } from './rule';
import { listsCountedAt, rule as listsRule } from './apt-lists-kept';
import { absentFromContext, contextCopyBytes, contextCopyKey, contextPathAt, contextPathBytes, copiesContextFolder, isContextFile, literalSourcePath } from '../core/buildContext';
import type { AnalysisEnvironment, BuildContextFacts } from '../core/environment';
import { aptLists } from '../core/imageEstimate';

type Action = 'rm' | 'chmod' | 'chown';

/** Commands that create the paths they name. */
const CREATORS = new Set(['mkdir', 'touch', 'install', 'ln', 'mktemp']);

interface Target {
  prefix: string;
  glob: boolean;
  /** The whole pattern ({@link pathPattern}). */
  path: string;
  /** True when the word is relative to the working directory. */
  relative: boolean;
}

interface Change {
  action: Action;
  recursive: boolean;
  targets: Target[];
  /** For chmod/chown: the mode or owner operand as written. */
  setting?: string;
}

/** Reads `rm`, `chmod` and `chown` commands, variables in paths expanded with `env` where it knows them; undefined for anything else or when a path is not static. */
export function readChange(cmd: ShellCommand, cwd: string, env: (name: string) => string | undefined | null = () => undefined): Change | undefined {
  const action = programName(cmd);
  if (action !== 'rm' && action !== 'chmod' && action !== 'chown') return undefined;
  const ops = operands(cmd);
  let setting: string | undefined;
  let paths = ops;
  if (action !== 'rm') {
    if (hasFlag(cmd, '--reference')) return undefined;
    setting = ops[0]?.value;
    paths = ops.slice(1);
  }
  const targets: Target[] = [];
  for (const w of paths) {
    const pat = pathPattern(expandVars(patternText(w), env), cwd);
    if (!pat) return undefined;
    targets.push({ ...pat, relative: !w.value.startsWith('/') });
  }
  if (targets.length === 0) return undefined;
  const recursive = action === 'rm' || hasFlag(cmd, '-R', '--recursive') || cmd.words.some((w) => /^-[a-zA-Z]*R/.test(w.value));
  return { action, recursive, targets, setting };
}

/** True when changing `t` touches bytes of `w` that an earlier layer holds. */
function touches(change: Change, t: Target, w: Write): boolean {
  // Deleting (or chmod -R) what was written or a parent of it, or (its names matching the pattern's first ones) a part of a written tree.
  if (change.recursive) return globReaches(t.path, w.path, w.exactFile !== true);
  // A non-recursive chmod/chown copies each entry it matches: costly for a file, not for a
  // directory (`chmod 755 /opt/*` leaves what a COPY put below /opt/app).
  const [g, p] = [t.path, w.path].map((s) => (s === '/' ? 1 : s.split('/').length));
  return g >= p && globReaches(t.path, w.path, true) && (g > p || writesFile(w));
}

/**
 * A stage's writesInImage with their paths indexed: the writes at each path, and every path sorted
 * (those below a folder are a range). Each target of each chmod, chown or rm read every earlier
 * write of the image: 2,000 and 6,000 `COPY d /app/d` + `RUN chmod -R 755 /app/d` pairs took the
 * image estimate 270 and 1,800 ms of CPU.
 */
interface IndexedWrites {
  /** The scan the writes were read with ({@link asScanned}). */
  scan: BuildContextFacts['scan'];
  list: Write[];
  at: Map<string, number[]>;
  sorted: { path: string; k: number }[];
  /** {@link touching}'s writes near a target, by instruction, path and whether below it. */
  near: Map<string, Write[]>;
}
const INDEXED = new WeakMap<Stage, IndexedWrites>();

function indexedWrites(model: DockerfileModel, stage: Stage, context: BuildContextFacts): IndexedWrites {
  let ix = INDEXED.get(stage);
  if (!ix || ix.scan !== context.scan) {
    const list = writesInImage(model, stage).map((w) => asScanned(w, context));
    const at = new Map<string, number[]>();
    list.forEach((w, k) => (at.get(w.path) ?? at.set(w.path, []).get(w.path)!).push(k));
    INDEXED.set(stage, (ix = { scan: context.scan, list, at, sorted: list.map((w, k) => ({ path: w.path, k })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.k - b.k)), near: new Map() }));
  }
  return ix;
}

/**
 * The writes of `image` before the instruction at `before` that the change of target `t` touches
 * ({@link touches}), in the image's order. Those at the target's path, above it and (for a
 * recursive change or a pattern) below it are worked out once per instruction and path: the
 * patterns of a RUN share their folder (`rm -rf /c/1x* && ... && rm -rf /c/900x*` are all about
 * /c), and the writes below it (that RUN's own caches among them) read for each was quadratic.
 */
function touching({ list, at, sorted, near }: IndexedWrites, change: Change, t: Target, before: number): Write[] {
  const p = t.prefix;
  const below = change.recursive || t.glob;
  const key = `${before}${below ? '/' : ' '}${p}`;
  let found = near.get(key);
  if (!found) {
    const ks = new Set<number>();
    // At the target or a folder above it.
    for (const a of andParents(p)) for (const k of at.get(a) ?? []) ks.add(k);
    // Below it: the paths that start with `p/` (all below `/`).
    if (below) {
      const under = p === '/' ? '/' : `${p}/`;
      let lo = 0;
      for (let hi = sorted.length; lo < hi; ) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid].path < under) lo = mid + 1;
        else hi = mid;
      }
      for (; lo < sorted.length && sorted[lo].path.startsWith(under); lo++) ks.add(sorted[lo].k);
    }
    near.set(key, (found = [...ks].sort((a, b) => a - b).map((k) => list[k]).filter((w) => w.instr.index < before)));
  }
  return found.filter((w) => touches(change, t, w));
}

/**
 * `w` as the build-context scan knows it: a copy of a source the scan found to be a file (`COPY
 * Gemfile ./`) wrote that file only. Read so when the writes are indexed: 1,000 `COPY f<i> /app/`
 * + `RUN rm -rf /app/x<i>` pairs against a 20,000-file listing took 2.5 s of CPU read at each
 * change (every copy into /app a candidate of every change below it), 0.5 s read at indexing.
 */
function asScanned(w: Write, context: BuildContextFacts): Write {
  const file = w.maybeFile && literalSourcePath(w.maybeFile.source);
  return file && isContextFile(context, file) ? { ...w, path: w.maybeFile!.at, exactFile: true } : w;
}

/** True when `w` wrote a file at its path (a download, `COPY app.py /app.py`), not a folder. */
function writesFile(w: Write): boolean {
  return w.exactFile === true || w.kind === 'download';
}

/**
 * What the commands of `instr`'s RUN make (their writes other than an extraction directory, and
 * the operands of mkdir, touch...), each path with the first place in ranCommands that makes it;
 * `/` left out. Worked out once per RUN: a walk over the commands before each change was quadratic.
 */
function madeInRun(instr: Instr): Map<string, number> {
  let made = madeByRun.get(instr);
  if (made) return made;
  made = new Map();
  ranCommands(instr.run!).forEach((c, i) => {
    const at = commandCwd(instr, c);
    if (at === undefined) return;
    // An extraction directory (`tar -C /opt`) is too broad to say what the archive held.
    const paths = commandWrites(c, at).filter((w) => w.kind !== 'extract').map((w) => w.path);
    if (CREATORS.has(programName(c))) paths.push(...operands(c).map((w) => resolvePath(w.value, at)).filter((p): p is string => p !== undefined));
    for (const p of paths) if (p !== '/' && !made!.has(p)) made!.set(p, i);
  });
  madeByRun.set(instr, made);
  return made;
}

const madeByRun = new WeakMap<Instr, Map<string, number>>();

/**
 * The writes one command of `instr` changes, by target (empty when none). A copy of a folder of
 * the build context wrote nothing at a target the scan's listing of the context shows not to be
 * there (`COPY app /srv` then `rm -rf /srv/cache/tmp` without an app/cache): no cost from that copy.
 */
function changedWrites(model: DockerfileModel, instr: Instr, cmd: ShellCommand, context: BuildContextFacts): { change: Change; writes: Write[]; allCovered: boolean } | undefined {
  const cwd = commandCwd(instr, cmd);
  if (cwd === undefined || !instr.stage) return undefined;
  // `ENV CACHE=/root/.cache/pip`, then `RUN rm -rf $CACHE`: read as the rm's shell expands it (shellValue).
  const change = readChange(cmd, cwd, shellVariables(instr, cmd));
  if (!change) return undefined;
  const image = indexedWrites(model, instr.stage, context);
  const writes = new Set<Write>();
  let allCovered = true;
  // A target the same RUN wrote first (`mkdir -p /app/cache && chmod 777 /app/cache`) is new in this layer;
  // its commands in the order they run, a -c script's hidden ones too.
  const ran = ranCommands(instr.run!);
  const made = madeInRun(instr);
  const at = ranIndex(instr.run!, cmd);
  // As ranBefore reads a command not in the list: all but the last.
  const before = at < 0 ? ran.length - 1 : at;
  // Made at the target or at a folder above it (isAtOrBelow(t.prefix, path)), by a command before this one.
  const madeHere = (t: Target) => andParents(t.prefix).some((p) => (made.get(p) ?? before) < before);
  for (const t of change.targets) {
    if (madeHere(t)) continue;
    let hit = touching(image, change, t, instr.index).filter((w) => !copiedNothingAt(model, w, t, context));
    // A file written at the target's path replaced what earlier instructions put there (`tar -x -C
    // /usr/local`, then `curl -o /usr/local/bin/tool`): those bytes are not this change's.
    const last = t.glob ? undefined : hit.filter((w) => w.path === t.prefix && writesFile(w)).at(-1);
    if (last) hit = hit.filter((w) => w.instr.index >= last.instr.index);
    if (hit.length === 0) allCovered = false;
    hit.forEach((w) => writes.add(w));
  }
  // The `RUN apt-get update` then `RUN apt-get install ... && rm lists` split is
  // index-update-in-separate-run's finding; its merge fixes this one too.
  // A copied archive this RUN extracts is copied-archive-extracted's finding (DL3010), with its own fix.
  const extractedHere = (w: Write) => w.kind === 'copy' && ARCHIVE.test(w.path) && ran.some((c) => { const at = commandCwd(instr, c); return at !== undefined && extractedArchive(c, at) === w.path; });
  const list = [...writes].filter((w) => !(w.kind === 'cache' && w.instr.index === instr.index - 1 && indexRefreshOnly(w.instr.run!) !== undefined) && !extractedHere(w));
  return list.length ? { change, writes: list, allCovered } : undefined;
}

/** True when `w` is a copy of a context folder and the scan shows that nothing of it is at the target. */
/** How many writes a message names before "and N more": a path written by every earlier RUN of a long file would make each message as long as the file. */
const WRITES_NAMED = 5;

/** The writes a message names: "line 3 (COPY), line 5 (RUN)", the first {@link WRITES_NAMED} and how many more. */
function listWrites(writes: Write[]): string {
  const all = [...new Set(writes.map((w) => `line ${w.instr.range.start.line + 1} (${w.how})`))];
  return all.length > WRITES_NAMED + 1 ? `${all.slice(0, WRITES_NAMED).join(', ')} and ${all.length - WRITES_NAMED} more` : all.join(', ');
}

function copiedNothingAt(model: DockerfileModel, w: Write, t: Target, context: BuildContextFacts): boolean {
  if (w.kind !== 'copy') return false;
  const rel = contextPathAt(model, w.instr, t.prefix, context);
  return rel !== undefined && absentFromContext(context, rel);
}

/** Bytes a change stores again or leaves behind in the layer of one COPY: all it copied (`path` undefined) or a context path below its source. */
interface Piece {
  instr: Instr;
  path?: string;
  bytes: number;
}

/**
 * What the change costs; `note` is said after the figure (the apt lists' on an Ubuntu base are
 * Debian bookworm's, aptLists). A figure for copies comes with the pieces it adds up.
 */
function cost(model: DockerfileModel, instr: Instr, change: Change, writes: Write[], env: AnalysisEnvironment): SizeEstimate & { note?: string; pieces?: Piece[]; floor?: boolean } {
  const lists = writes.find((w) => w.kind === 'cache' && w.path === '/var/lib/apt/lists');
  // One lists figure however many updates wrote them: a second `apt-get update` in a later RUN
  // rewrites only what the mirror changed since the first. Measured (dockerd 20.10.24, classic and
  // BuildKit, two RUNs of update + install minutes apart, then a RUN that deletes the lists): the
  // first layer kept 19,873,292 bytes of lists, the second 241,248 (the three InRelease files).
  // A first layer built (and cached) long before the second can leave up to the whole lists again.
  if (lists && change.action === 'rm') {
    return aptLists(lists.instr.stage!);
  }
  // The writer may be an ADD (`ADD <url>`, an archive ADD extracts), not a RUN.
  const what = writes.some((w) => w.kind === 'copy') ? 'the copied files' : writes.some((w) => w.kind === 'cache') ? 'the package cache' : `what that ${writes[0].instr.keyword} wrote there`;
  const again = change.action === 'rm' ? '' : ', a second time';
  const part = partOfCopies(model, change, writes);
  const files = part ? `the files it ${change.action === 'rm' ? 'deletes' : 'changes'}` : what;
  // Copies from the build context, as the scan measured them: what the change covers of each.
  let pieces: Piece[] | undefined = writes.every((w) => w.kind === 'copy') ? [] : undefined;
  for (const instr of new Set(writes.map((w) => w.instr))) {
    if (!pieces) break;
    if (coversCopy(model, change, writes, instr)) {
      const bytes = contextCopyBytes(instr, env.context);
      pieces = bytes === undefined ? undefined : [...pieces, { instr, bytes }];
    } else {
      const parts = changedParts(model, change, writes, instr, env.context);
      pieces = parts && [...pieces, ...parts];
    }
  }
  // A RUN run where a recursive change reaches (`RUN composer install` in /var/www/html, then
  // `chown -R www-data /var/www/html`) wrote files no tracked write names: the figure is a floor.
  const floor = !!pieces && change.recursive && ranInside(instr, change);
  if (pieces) return { bytes: pieces.reduce((n, p) => n + p.bytes, 0), basis: `${floor ? 'at least ' : ''}${files} as the build context scan measured them${again}`, pieces, floor };
  return { basis: `the size of ${files}${again}` };
}

/**
 * The context paths the change covers of a copy of one context folder it does not cover whole,
 * with the bytes the scan measured for each (`rm -rf /app/.git /app/tests` after `COPY . /app`);
 * undefined when one of them has no figure: a pattern, a file below the top, or a folder a
 * `chmod` without -R changes alone. A target inside another one counts once; one the scan shows
 * not to be there adds nothing.
 */
function changedParts(model: DockerfileModel, change: Change, writes: Write[], instr: Instr, context: BuildContextFacts): Piece[] | undefined {
  const own = writes.filter((w) => w.instr === instr);
  const targets = change.targets.filter((t) => own.some((w) => touches(change, t, w)));
  const pieces: Piece[] = [];
  for (const t of targets) {
    if (targets.some((o) => o !== t && isAtOrBelow(t.prefix, o.prefix) && (o.prefix !== t.prefix || targets.indexOf(o) < targets.indexOf(t)))) continue;
    const rel = contextPathAt(model, instr, t.prefix, context);
    if (rel !== undefined && absentFromContext(context, rel)) continue;
    if (rel === undefined || t.glob) return undefined;
    const measured = contextPathBytes(context, rel);
    if (!measured || (measured.folder && !change.recursive)) return undefined;
    pieces.push({ instr, path: rel, bytes: measured.bytes });
  }
  return pieces;
}

/** True when a RUN of `instr`'s image before it had a WORKDIR at or below a target of the change. */
function ranInside(instr: Instr, change: Change): boolean {
  for (let s = instr.stage; s; s = s.from.stage) if (s.instructions.some((i) => i.run && i.index < instr.index && change.targets.some((t) => globReaches(t.path, workdirAt(i) ?? '')))) return true;
  return false;
}

/**
 * Whether the change covers all that the COPY `instr` wrote: the one thing a single-source COPY
 * wrote (a file even without -R), or a destination a recursive change holds.
 */
function coversCopy(model: DockerfileModel, change: Change, writes: Write[], instr: Instr): boolean {
  const covers = (p: string) => change.targets.some((t) => globReaches(t.path, p));
  const spec = copySpec(model, instr);
  return spec?.sources.length === 1
    ? writes.some((w) => w.instr === instr && covers(w.path) && (change.recursive || w.exactFile === true))
    : change.recursive && spec?.destPath !== undefined && covers(spec.destPath);
}

/** True when the change touches copied files only, and only some of what a COPY wrote (`chmod +x /app/start.sh` after `COPY . /app`). */
function partOfCopies(model: DockerfileModel, change: Change, writes: Write[]): boolean {
  return writes.every((w) => w.kind === 'copy') && [...new Set(writes.map((w) => w.instr))].some((i) => !coversCopy(model, change, writes, i));
}

/** What earlier commands of one RUN stored again, as measured, by writer: all it copied, or parts of it (see {@link restoredBytes}). */
export type StoredAgain = Map<Instr, Array<{ path?: string; bytes: number }>>;

/**
 * What a `chmod` or `chown` stores again in its own layer by changing files that earlier layers of
 * the image wrote (the image estimate counts it); undefined when it touches none of them. A layer
 * holds such a file once however many commands change it (`chmod -R 755 /app && chown -R app
 * /app`): `stored` holds what earlier commands of the same RUN stored again, as measured, which
 * adds nothing more, and gets this command's when it is sized.
 */
export function restoredBytes(model: DockerfileModel, instr: Instr, cmd: ShellCommand, env: AnalysisEnvironment, stored: StoredAgain = new Map()): SizeEstimate | undefined {
  const action = programName(cmd);
  const found = action === 'chmod' || action === 'chown' ? changedWrites(model, instr, cmd, env.context) : undefined;
  const writes = found?.writes.filter((w) => !stored.get(w.instr)?.some((p) => p.path === undefined));
  if (!found || !writes?.length) return undefined;
  const { bytes, basis, pieces, floor } = cost(model, instr, found.change, writes, env);
  if (bytes === undefined || !pieces || floor) return { basis };
  let added = 0;
  for (const p of pieces) {
    const before = stored.get(p.instr) ?? [];
    if (p.path !== undefined && before.some((q) => isAtOrBelow(p.path!, q.path!))) continue;
    // What an earlier command stored of a part this one covers is in the layer already.
    const inside = before.filter((q) => p.path === undefined || isAtOrBelow(q.path!, p.path));
    added += Math.max(0, p.bytes - inside.reduce((n, q) => n + q.bytes, 0));
    stored.set(p.instr, [...before.filter((q) => !inside.includes(q)), p]);
  }
  return { bytes: added, basis };
}

const VERB: Record<Action, string> = { rm: 'deletes', chmod: 'changes the mode of', chown: 'changes the owner of' };

export const rule: Rule = {
  id: 'files-changed-in-later-layer',
  title: 'files deleted, chmod-ed or chown-ed in a later layer',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  quotesLines: true,
  docs: {
    summary: 'A RUN deletes, `chmod`s or `chown`s files that an earlier COPY, ADD or RUN of the same image wrote.',
    why: 'Layers only add: `rm` in a later one only hides the files, and `chmod`/`chown` copy every file they touch into it, stored twice. Tracked writes: COPY/ADD destinations, `curl -o`/`-O`, `wget`, `tar -x -C`, `unzip -d`, `git clone`, `cp`/`mv` targets (`mv a.bin dir/` writes `dir/a.bin`), and the apt lists, pip and npm caches a RUN leaves behind. Relative paths are read against the WORKDIR and earlier `cd`s of the RUN; not judged after a `cd` that cannot be followed (a variable, a subshell, a condition).',
    incorrect: 'COPY app /app\nRUN chmod -R 755 /app\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\nRUN rm /tmp/tool.tgz',
    correct: '# syntax=docker/dockerfile:1\nCOPY --chmod=755 app /app\nRUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt && rm /tmp/tool.tgz',
    sizeImpact: `For a deletion, the deleted files (for the apt lists about ${formatBytes(APT_LISTS.bytes)}: apt-lists-kept's figure when shown); for chmod/chown, the touched files again. For COPY, what the context scan measured of what the change covers (a whole copy, or in \`COPY . /app\` a top-level entry, a heavy folder like .git or node_modules, or a folder up to three levels deep; reported cases: 74 MB from COPY then chmod, 374 MB deleted one layer too late, hadolint#63); at least that after a RUN in a folder a recursive change covers (\`composer install\`, then \`chown -R\`), whose files are not tracked. A path the copy did not bring (nothing there in the scan, nor another tracked write) is not reported.`,
    fix: [
      'COPY/ADD then `chmod MODE`/`chown OWNER` of exactly what it copied: adds `--chmod=MODE` (octal only; BuildKit: Docker 23+ or `# syntax=docker/dockerfile:1`) or `--chown=OWNER` to the COPY and drops the command (the RUN, if nothing is left); a non-recursive command on a copied directory stays (COPY leaves an existing directory as it is). If the COPY has the flag already, only the command goes. A source that may be a file or a folder (`COPY app /app`) needs the context scan to say which; no flag for one file of several.',
      'Not offered for a system destination (`/usr`, `/etc`...) whose other files the recursive command changed, a write below the destination earlier, an owner created after the COPY, symbolic modes (`+x`), or a command a successful build may not have run (the flag would make it unconditional): in an `if`, loop, `case` or function; after an `&&`/`||` whose failure the script tolerates (in a list but the last, or in one with `||`); in the background; after `exit`, `return` or `exec`.',
      'A RUN-written path: the command moves to the end of the RUN that wrote it, when nothing in between uses the path (a later apt install uses the apt lists), relative paths mean the same there, no user or group is created in between for a `chown` by name, the command surely ran (as above), and the path was not written in a `-c` script the reader cannot place. Else, if the writing RUN is directly above, the two merge (shell form without flags, no `cd`/`export` in the first), unless the second is more than one `&&` list: a failure of the first would no longer fail the build.',
      'Deleting copied files has no fix: bind-mount what a RUN needs only while it runs (`RUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install ...`), or copy less.',
    ].join(' '),
  },
  contextKey: contextCopyKey,
  check(ctx) {
    const { model, env } = ctx;
    const out: RawFinding[] = [];
    // The RUNs where apt-lists-kept reports the lists an update left: asked only of a file that deletes such lists.
    let listsKept: Set<Instr | undefined> | undefined;
    for (const stage of model.stages) {
      for (const instr of stage.instructions) {
        const run = instr.run;
        if (!run || run.form === 'exec') continue;
        for (const cmd of run.commands) {
          const found = changedWrites(model, instr, cmd, env.context);
          if (!found) continue;
          const { change, writes } = found;
          const where = listWrites(writes);
          const { note, bytes, basis, floor } = cost(model, instr, change, writes, env);
          const saving: SizeEstimate = bytes === undefined ? { basis } : { bytes, basis };
          const size = bytes !== undefined ? `${floor ? 'at least ' : ''}about ${formatBytes(bytes)}${note ?? ''}` : basis;
          const effect = change.action === 'rm' ? 'the bytes stay in that layer' : 'the files are copied into this layer and stored twice';
          const advice = writes.every((w) => w.kind === 'copy')
            ? change.action === 'rm'
              ? 'If the files are only needed while this RUN runs, mount them instead (`RUN --mount=type=bind,...`); otherwise copy less (.dockerignore, narrower sources).'
              : copiesSetItAlready(model, change, writes)
                ? `The COPY already has --${change.action}=${change.setting}: remove the ${change.action}.`
                : partOfCopies(model, change, writes)
                  ? // COPY --chmod on the whole copy would change every file's mode or owner.
                    `${change.action === 'chmod' ? 'Set the mode in the build context (COPY keeps it), or copy' : 'Copy'} those files in a COPY of their own with --${change.action}.`
                  : `Use COPY --${change.action}.`
            : writes.some((w) => w.how === 'ADD <url>')
              ? change.action === 'rm'
                ? 'Download it with curl or wget in the RUN that uses it, and delete it there.'
                : // A download that is changed, not deleted, is needed in the image (`ADD .../tini /tini`, then `chmod +x /tini`).
                  `Use ADD --${change.action}, or download it with curl or wget in a RUN and ${change.action} it there.`
              : ownListsRemoval(instr, cmd, change, writes)
                ? "Keep it for this RUN's own update, and remove them in the RUN that wrote them too."
                : runWriterAdvice(instr, change, writes);
          const say = (size: string) => `\`${change.action}\` ${VERB[change.action]} files written at ${where}: ${effect} (${size}). ${advice}`;
          const finding = { range: commandRange(model, run, cmd), instr, message: say(size), saving, data: { commandStart: cmd.start } };
          // Deleted apt lists (cost gives their figure): apt-lists-kept gives it on the update's RUN, said once.
          const lists = change.action === 'rm' ? writes.filter((w) => w.kind === 'cache' && w.path === '/var/lib/apt/lists').at(-1)?.instr : undefined;
          if (lists && (listsKept ??= new Set(listsRule.check(ctx).map((f) => f.instr))).has(lists)) out.push(...listsCountedAt(lists, finding, say));
          else out.push(finding);
        }
      }
    }
    return out;
  },
  fix(finding, { model, env }) {
    const instr = instructionAt(model, finding.range.start.line);
    const cmd = instr?.run?.commands.find((c) => c.start === finding.data?.commandStart);
    if (!instr || !cmd) return undefined;
    const found = changedWrites(model, instr, cmd, env.context);
    if (!found || !found.allCovered) return undefined;
    const writers = [...new Set(found.writes.map((w) => w.instr))];
    if (writers.length !== 1) return undefined;
    const writer = writers[0];
    if (writer.keyword === 'COPY' || writer.keyword === 'ADD') return copyFlagFix(model, instr, cmd, found.change, writer, found.writes, env.context);
    return moveFix(model, instr, cmd, found.change, writer, found.writes) ?? mergeFix(model, writer, instr);
  },
};

/**
 * True when `cmd` deletes the apt lists an earlier RUN kept after an `apt-get update` of its own
 * RUN: the removal is that update's cleanup too, and must stay where it is.
 */
function ownListsRemoval(instr: Instr, cmd: ShellCommand, change: Change, writes: Write[]): boolean {
  return change.action === 'rm' && writes.some((w) => w.kind === 'cache' && w.path === '/var/lib/apt/lists') && ranBefore(instr.run!, cmd).some(isAptUpdate);
}

/** Top-level directories a base image fills: a recursive change there also touched files we do not track. */
const SYSTEM_DIRS = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/var', '/root', '/home', '/tmp', '/run', '/proc', '/sys', '/dev', '/boot', '/mnt', '/media', '/srv'];
const USER_CREATION = /^(useradd|adduser|groupadd|addgroup|usermod)$/;

/** True when every write is a COPY/ADD whose flag already sets what `change` sets (`COPY --chown=app:app` then `chown -R app:app`). */
function copiesSetItAlready(model: DockerfileModel, change: Change, writes: Write[]): boolean {
  const setting = change.setting;
  if (change.action === 'rm' || !setting) return false;
  const same = (v: string | undefined) => v !== undefined && (change.action === 'chmod' ? v.replace(/^0+(?=\d)/, '') === setting.replace(/^0+(?=\d)/, '') : v === setting);
  return writes.every((w) => w.kind === 'copy' && same(copySpec(model, w.instr)?.flags.get(change.action)));
}

function copyFlagFix(model: DockerfileModel, instr: Instr, cmd: ShellCommand, change: Change, writer: Instr, writes: Write[], context: BuildContextFacts): Fix | undefined {
  // A change that a successful build may have skipped (`test -d x && chmod ...; echo done`, inside
  // an if): a COPY flag would make it certain.
  if (!runsWheneverScriptSucceeds(instr.run!.commands, cmd)) return undefined;
  if (change.action === 'rm' || change.targets.length !== 1 || change.targets[0].glob) return undefined;
  const spec = copySpec(model, writer);
  const setting = change.setting;
  if (!spec?.destPath || !setting || writes.length !== 1) return undefined;
  const target = change.targets[0].prefix;
  const write = writes[0];
  if (target !== write.path) return undefined;
  // A COPY that already sets the same mode or owner keeps its flag, and the command just goes.
  const already = spec.flags.has(change.action);
  if (already && !copiesSetItAlready(model, change, writes)) return undefined;
  let flag: string;
  if (change.action === 'chmod') {
    if (!/^0?[0-7]{3}$/.test(setting)) return undefined;
    flag = `--chmod=${setting}`;
  } else {
    if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(setting) || (setting.includes('.') && !setting.includes(':'))) return undefined;
    flag = `--chown=${setting}`;
  }
  // A source that may be a file or a folder (`COPY app /app`) is a folder when the scan found one.
  const exactFile = write.exactFile ?? (copiesContextFolder(writer, context) ? false : undefined);
  if (exactFile === undefined) return undefined; // a file or a directory: which command to keep is unclear
  const isDir = !exactFile;
  // The flag would change the COPY's other sources too (`COPY a.py b.py /app/`, then `chmod 755 /app/a.py`).
  if (exactFile && spec.sources.length > 1) return undefined;
  if (isDir) {
    if (!change.recursive) return undefined;
    if (SYSTEM_DIRS.some((d) => isAtOrBelow(target, d)) || target === '/') return undefined;
  }
  const chain = instr.stage ? chainInstructions(instr) : [];
  const between = chain.filter((i) => i.index > writer.index && i.index < instr.index);
  if (ownerCreatedSince(change, between, instr, cmd)) return undefined;
  // Something else under the destination (an earlier COPY, a RUN working there) would no longer change.
  const earlierWrites = writesInImage(model, instr.stage!).filter((w) => w.instr !== writer && w.instr.index < instr.index && isAtOrBelow(w.path, target));
  if (earlierWrites.length > 0) return undefined;
  const usesTarget = (i: Instr) => i.run !== undefined && (isAtOrBelow(workdirAt(i) ?? '/', target) || i.run.text.includes(target));
  if (chain.some((i) => i.index < instr.index && i !== writer && usesTarget(i))) return undefined;
  if (instr.run!.commands.some((c) => c.start < cmd.start && (wordsAndRedirects(c).some((w) => w.value.includes(target)) || (change.targets[0].relative && programName(c) === 'cd')))) return undefined;

  const node = writer.node as Copy;
  const at = node.getInstructionRange().end;
  const edits: TextEdit[] = already ? [] : [{ range: { start: at, end: at }, newText: ` ${flag}` }];
  if (isDir) {
    // Keep the change on the directory entry itself: cheap, and COPY leaves an existing directory as it was.
    const recursiveWords = cmd.words.filter((w) => /^-[a-zA-Z]*R[a-zA-Z]*$/.test(w.value) || w.value === '--recursive');
    for (const w of recursiveWords) {
      const stripped = w.value === '--recursive' || w.value === '-R' ? '' : w.value.replace('R', '');
      const run = instr.run!;
      const start = run.docOffset(w.start);
      const end = run.docOffset(w.end - 1) + 1;
      // Remove the word and one blank before it when it becomes empty.
      edits.push(stripped ? { range: model.lines.range(start, end), newText: stripped } : { range: model.lines.range(start - 1, end), newText: '' });
    }
  } else {
    const removal = removeCommandFromRun(model, instr, cmd);
    if (!removal) return undefined;
    edits.push(removal);
  }
  if (already) return { title: `Remove the ${change.action}: the COPY at line ${writer.range.start.line + 1} already has ${flag}`, edits, preferred: true };
  const note = change.action === 'chmod' ? ' (needs BuildKit)' : '';
  return { title: `Use COPY ${flag}${note} instead of a later ${change.action}`, edits, preferred: true };
}

/**
 * True when `chown` names an owner that a user or group creation between the writer (`between`
 * and the commands before `cmd`) may have made: the name must exist where the change goes.
 */
function ownerCreatedSince(change: Change, between: Instr[], instr: Instr, cmd: ShellCommand): boolean {
  if (change.action !== 'chown' || /^\d+(:\d+)?$/.test(change.setting ?? '')) return false;
  const createsUser = (c: ShellCommand) => USER_CREATION.test(programName(c));
  // In the RUN itself, in the order its commands run: a -c script's hidden ones too.
  return between.some((i) => i.run && ranCommands(i.run).some(createsUser)) || ranBefore(instr.run!, cmd).some(createsUser);
}

/** Instructions of the image `instr` belongs to (its stage's FROM chain), in order. */
function chainInstructions(instr: Instr): Instr[] {
  const out: Instr[] = [];
  for (let s = instr.stage; s; s = s.from.stage) out.unshift(...s.instructions);
  return out;
}

function moveFix(model: DockerfileModel, instr: Instr, cmd: ShellCommand, change: Change, writer: Instr, writes: Write[]): Fix | undefined {
  // Moved out of its if, loop or case, or away from the `a &&` it waits for, the command would run
  // unconditionally (merging the RUNs keeps it there).
  const run = instr.run!;
  if (!runsWheneverScriptSucceeds(run.commands, cmd)) return undefined;
  const writerRun = writer.run;
  // Nor into a -c script the reader cannot place (hidden): appended after the shell, it would share its `&` or follow its `!`.
  if (!writerRun || writerRun.form === 'exec' || writes.some((w) => !writerRun.commands.includes(w.command!))) return undefined;
  // Relative paths must mean the same in the writer's RUN.
  if (change.targets.some((t) => t.relative) && (workdirAt(writer) !== workdirAt(instr) || writerRun.commands.some((c) => programName(c) === 'cd' || programName(c) === 'pushd'))) return undefined;
  // A `cd` may lead a relative word to the files.
  const usesWrites = usesWritten(instr, writes, true);
  const between = chainInstructions(instr).filter((i) => i.index > writer.index && i.index < instr.index);
  // `chown app` moved above the `useradd app` would fail the build.
  if (ownerCreatedSince(change, between, instr, cmd)) return undefined;
  if (firstUser(between, writes, usesWrites)) return undefined;
  // Before it in its own RUN, in the order the commands run (a -c script's hidden ones too).
  if (ranBefore(run, cmd).some(usesWrites)) return undefined;
  const moved = run.text.slice(cmd.start, cmd.end);
  // A variable (or a command substitution) may read what an ENV or ARG between sets: `chmod $MODE`
  // in the writing RUN, above `ENV MODE=755`, would get no mode.
  if (/[$`]/.test(moved) && between.some((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) return undefined;
  // Nor one the writer's RUN (up to its end, in the last command's group, where the text lands) or this one sets before it (`export CACHE=/tmp/c && rm -rf $CACHE`).
  if (moved.includes('$') && expandVars(moved, (name) => shellValueAtEnd(writer, name)) !== expandVars(moved, (name) => shellValue(instr, cmd, name))) return undefined;
  const removal = removeCommandFromRun(model, instr, cmd);
  // Checked by parsing the RUN again (a here-document whose last line ends in a backslash would glue it onto that line).
  const append = verifiedAppend(model, writer, moved);
  if (!removal || !append) return undefined;
  return { title: `Move \`${change.action}\` into the RUN at line ${writer.range.start.line + 1} that wrote the files`, edits: [append, removal], preferred: true };
}

/**
 * Whether a command uses what `writes` wrote: a word names a path, a parent of it or something
 * below it (relative words read in `instr`'s WORKDIR), or it is an apt install and the writes are
 * the apt lists; with `cdUses`, any `cd` too (it may lead a relative word there).
 */
function usesWritten(instr: Instr, writes: Write[], cdUses: boolean): (c: ShellCommand) => boolean {
  const paths = writes.map((w) => w.path);
  const cwd = workdirAt(instr) ?? '/';
  const overlaps = (a: string, b: string) => isAtOrBelow(a, b) || isAtOrBelow(b, a);
  const mentions = (words: readonly { value: string }[]) =>
    words.some((w) => {
      const resolved = resolvePath(w.value, cwd);
      return paths.some((p) => w.value.includes(p) || (resolved !== undefined && overlaps(resolved, p)));
    });
  const needsLists = writes.some((w) => w.kind === 'cache' && w.path === '/var/lib/apt/lists');
  return (c) => mentions(wordsAndRedirects(c)) || (needsLists && APT_LISTS_USE.needs(c)) || (cdUses && programName(c) === 'cd');
}

/** The first of `between` that uses what `writes` wrote: a RUN with a command `uses` accepts or working below it, a COPY or ADD naming it. */
function firstUser(between: Instr[], writes: Write[], uses: (c: ShellCommand) => boolean): Instr | undefined {
  const paths = writes.map((w) => w.path);
  return between.find(
    (i) =>
      (i.run !== undefined && (ranCommands(i.run).some(uses) || paths.some((p) => isAtOrBelow(workdirAt(i) ?? '/', p)))) ||
      ((i.keyword === 'COPY' || i.keyword === 'ADD') && (i.node.getArgumentsContent() ?? '').split(/\s+/).some((w) => paths.some((p) => w.includes(p)))),
  );
}

/**
 * The advice for a change of what RUNs wrote. A deletion of what one earlier RUN wrote that an
 * instruction between them uses (`RUN curl -o /tmp/node.tar.xz ...`, `RUN tar -xJf /tmp/node.tar.xz
 * ...`, `RUN rm /tmp/node.tar.xz`) cannot simply move into the writer's RUN: that would fail the build.
 */
function runWriterAdvice(instr: Instr, change: Change, writes: Write[]): string {
  const writers = new Set(writes.map((w) => w.instr));
  const [writer] = writers;
  const user =
    change.action === 'rm' && writers.size === 1 && writer.run
      ? firstUser(chainInstructions(instr).filter((i) => i.index > writer.index && i.index < instr.index), writes, usesWritten(instr, writes, false))
      : undefined;
  return user ? `Line ${user.range.start.line + 1} uses them in between: write, use and delete them in one RUN.` : 'Do it in the RUN that wrote them.';
}

function mergeFix(model: DockerfileModel, writer: Instr, instr: Instr): Fix | undefined {
  const edit = mergeIntoPreviousRun(model, writer, instr);
  return edit && { title: `Merge this RUN into the one at line ${writer.range.start.line + 1} so the files never reach a layer`, edits: [edit], preferred: true };
}

