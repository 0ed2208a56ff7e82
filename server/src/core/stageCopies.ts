/**
 * Files of a builder stage that the final image holds without inheriting the stage's layers: a
 * `COPY --from=vendor /app /var/www/html` of the final image carries whatever the builder wrote
 * under /app, so a whole-context `COPY . .` there puts .git, node_modules or .env into the final
 * image as surely as one in the final stage, and `COPY --from=build /usr/local/bundle ...` the
 * .gem archives bundle install left there. COPY --from copies the stage's last file system, so
 * this is about files that are there at the end of the stage, not about waste in its layers.
 *
 * The files may pass through stages in between (`COPY --from=deps /app/node_modules ./node_modules`
 * in stage build, then `COPY --from=build /app /app` in the final one). On the way, a RUN that may
 * remove or empty the folder (an `rm`, `mv` or `find -delete` of a path in, at or above it, one we
 * cannot resolve, or a cache cleaning command such as `npm cache clean`) ends the search: whether
 * the files are still there is then unsure, and the finding stays a hint.
 */
import { stageByRef, type DockerfileModel, type Instr, type Stage } from './model';
import { composerSubcommand } from './packageManagers';
import { copySpec, driveless, isAtOrBelow, namedPath } from './paths';
import { programArgs, programName, type ShellCommand } from './shell';
import { resolvePath } from './workdir';

export interface FinalCopy {
  /** The COPY of the final image's layers that carries the files. */
  instr: Instr;
  /** The source it names, as written. */
  source: string;
  /** The stage it copies out of: the one that holds the files, or a stage built on it. */
  stage: Stage;
}

/** One `COPY --from` on the way from the stage that wrote the files to the final image. */
export interface CopyHop extends FinalCopy {
  /** The stage the files were in before this copy (the writer for the first hop, else the stage the previous hop copied into). */
  holder: Stage;
}

/** At most this many COPY --from in a row are followed (builder, middle stages, final image). */
const MAX_HOPS = 4;

/**
 * The `COPY --from` of a stage whose layers form the final image that copies `folder` of stage
 * `written`, or a folder holding it, out of that stage (or a stage built on it). Undefined when
 * none does, or when a source is not literal (a variable, a wildcard). Whether the files are still
 * there is not asked: see {@link carriedCopies} for that.
 */
export function finalCopyOf(model: DockerfileModel, written: Stage, folder: string): FinalCopy | undefined {
  for (const { instr, from } of stageCopies(model).final) {
    if (!builtOn(from.stage, written)) continue;
    const hit = from.sources.find((s) => isAtOrBelow(folder, s.path));
    if (hit) return { instr, source: hit.written, stage: from.stage };
  }
  return undefined;
}

/**
 * The chain of `COPY --from` that carries `folder`, as stage `written` leaves it from `after` on
 * (its whole content when `after` is undefined), into a stage whose layers form the final image:
 * one hop when the final image copies it straight out of the stage, more through middle stages.
 * Each hop's source must be literal and hold the folder, its destination known, and no RUN
 * between the write and the copy may remove or empty it (nor, with `replaces`, run a command it
 * names). The shortest chain, first in file order; undefined when there is none.
 */
export function carriedCopies(model: DockerfileModel, written: Stage, folder: string, after?: Instr, replaces?: Replaces): CopyHop[] | undefined {
  const copies = stageCopies(model);
  let level: Array<{ stage: Stage; path: string; after?: Instr; hops: CopyHop[] }> = [{ stage: written, path: folder, after, hops: [] }];
  const seen = new Set<string>([`${written.index}:${folder}`]);
  for (let depth = 1; depth <= MAX_HOPS && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const at of level) {
      for (const { instr, from } of copies.all) {
        // `--exclude` may leave the folder out; `--parents` puts it elsewhere than the destination.
        if (!builtOn(from.stage, at.stage) || from.flags.has('exclude')) continue;
        const hit = from.sources.find((s) => isAtOrBelow(at.path, s.path));
        if (!hit || mayBeRemoved(at.stage, at.after, from.stage, at.path, replaces)) continue;
        const hops = [...at.hops, { instr, source: hit.written, stage: from.stage, holder: at.stage }];
        if (instr.stage!.layersInFinal) return hops;
        // The folder's place in the stage it was copied into: the source directory's content goes into the destination.
        if (from.destPath === undefined || from.flags.has('parents')) continue;
        const path = resolvePath(`.${hit.path === '/' ? at.path : at.path.slice(hit.path.length)}`, from.destPath)!;
        const key = `${instr.stage!.index}:${path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ stage: instr.stage!, path, after: instr, hops });
      }
    }
    level = next;
  }
  return undefined;
}

/** A command that, beyond what {@link mayRemove} reads, takes away the files at `path` (`npm ci` a node_modules). */
export type Replaces = (instr: Instr, cmd: ShellCommand, path: string) => boolean;

interface StageCopy {
  instr: Instr;
  from: NonNullable<ReturnType<typeof copyFromStage>>;
}

/**
 * The `COPY --from=<earlier stage>` instructions of the stages that reach the final image, and
 * those of the stages whose layers form it apart, read once per model: each hint of a builder stage asks
 * (analyze.ts), and reading every instruction of the final stages for each took about 4% of the
 * benchmark's profiled session on the generated 10,000-line file.
 */
const modelCopies = new WeakMap<DockerfileModel, { final: StageCopy[]; all: StageCopy[] }>();
function stageCopies(model: DockerfileModel): { final: StageCopy[]; all: StageCopy[] } {
  let known = modelCopies.get(model);
  if (!known) {
    const final: StageCopy[] = [];
    const middle: StageCopy[] = [];
    for (const stage of model.stages) {
      // A stage the final image gets nothing from carries nothing there. Reading a COPY's flags
      // is the costly part (the parser works them out on first use): the 10,000-line generated
      // file has 440 COPY --from in 442 stages, of which 8 reach the final image.
      if (!stage.reachesFinal) continue;
      for (const instr of stage.instructions) {
        const from = instr.keyword === 'COPY' ? copyFromStage(model, instr) : undefined;
        if (from) (stage.layersInFinal ? final : middle).push({ instr, from });
      }
    }
    // Those into the final image first, so a one-hop chain wins over a longer one.
    known = { final, all: [...final, ...middle] };
    modelCopies.set(model, known);
  }
  return known;
}

/**
 * Whether a RUN from `after` in `stage` to the end of `source` (`stage` or a stage built on
 * it) may remove or empty `path` ({@link mayRemove}, or `replaces`). Only what the RUN's own
 * text shows is read: a script it runs is not.
 */
function mayBeRemoved(stage: Stage, after: Instr | undefined, source: Stage, path: string, replaces?: Replaces): boolean {
  for (let s: Stage | undefined = source; s; s = s.from.stage) {
    for (const instr of s.instructions) {
      // The finding's own RUN too: a rule may not read every removal after its command (one before it, in a script it runs).
      if (s === stage && after && instr.index < after.index) continue;
      const run = instr.run;
      if (run && [...run.commands, ...(run.hidden ?? [])].some((cmd) => mayRemove(instr, cmd, path) || replaces?.(instr, cmd, path) === true)) return true;
    }
    if (s === stage) break;
  }
  return false;
}

/** Programs that remove files: POSIX ones, and cmd's and PowerShell's in any case (a finding on a Windows base holds `/`: heldFolder). */
const REMOVERS = new Set(['rm', 'rmdir', 'unlink', 'mv', 'shred', 'find', 'rd', 'del', 'remove-item']);
/** Programs whose `clean` (or `autoclean`) subcommand empties their cache: `apt-get clean`, `dnf clean all`, `go clean -cache`, `conda clean -a`, `bundle clean`. */
const CLEANS_BY_SUBCOMMAND = /^(apt-get|apt|aptitude|yum|dnf|dnf5|microdnf|tdnf|zypper|conda|mamba|micromamba|go|bundle|bundler)$/;

/**
 * Whether `cmd` may remove or empty `path`: a removal of a path in, at or above it (or of one we
 * cannot resolve), or a command that cleans a cache: `npm cache clean`, `pip cache purge`, `pnpm
 * store prune`, `composer clear-cache`, `pipenv --clear`, a package manager's `clean` (but not of a
 * node_modules folder).
 */
function mayRemove(instr: Instr, cmd: ShellCommand, path: string): boolean {
  const name = programName(cmd);
  const args = programArgs(cmd);
  if (!REMOVERS.has(name.toLowerCase())) {
    // A cache cleaner empties caches, never an installed node_modules (npm ci && npm cache clean).
    if (/(^|\/)node_modules(\/|$)/.test(path)) return false;
    const ops = args.filter((w) => !w.value.startsWith('-')).map((w) => w.value);
    return (
      ops.some((w, k) => (w === 'cache' || w === 'store') && /^(clean|clear|purge|prune|rm|remove)$/.test(ops[k + 1] ?? '')) ||
      (CLEANS_BY_SUBCOMMAND.test(name) && /^(clean|autoclean|cc)$/.test(ops[0] ?? '')) ||
      composerSubcommand(cmd, ['clear-cache', 'clearcache', 'cc']) !== undefined ||
      args.some((w) => w.value === '--clear')
    );
  }
  let targets: readonly { value: string }[] = args.filter((w) => !w.value.startsWith('-'));
  if (name === 'find') {
    if (!args.some((w) => /^-(delete|exec|execdir|ok|okdir)$/.test(w.value))) return false;
    // The starting points: the words before the first test or action.
    const first = args.findIndex((w) => /^[-(!]/.test(w.value));
    targets = first < 0 ? args : args.slice(0, first);
    if (targets.length === 0) targets = [{ value: '.' }];
  }
  for (const w of targets) {
    const named = namedPath(instr, cmd, w.value);
    if (named === undefined || isAtOrBelow(named, path) || isAtOrBelow(path, named)) return true;
  }
  return false;
}

/**
 * What a `COPY --from=<earlier stage>` copies: that stage, its literal sources as absolute paths
 * (COPY --from reads a relative source from the root of the stage, not from its WORKDIR; a
 * variable or a wildcard is left out) and where they go. Undefined for any other instruction.
 */
export function copyFromStage(model: DockerfileModel, instr: Instr): { stage: Stage; sources: { written: string; path: string }[]; destPath?: string; flags: ReadonlyMap<string, string> } | undefined {
  const spec = copySpec(model, instr);
  const stage = spec?.from === undefined ? undefined : stageByRef(model.stages, spec.from);
  if (!spec || !stage || !instr.stage || stage.index >= instr.stage.index) return undefined;
  const sources: { written: string; path: string }[] = [];
  for (const written of spec.sources) {
    const path = /[*?[]/.test(written) ? undefined : resolvePath(driveless(written), '/');
    if (path !== undefined) sources.push({ written, path });
  }
  return { stage, sources, destPath: spec.destPath, flags: spec.flags };
}

/** True when `stage` is `base` or built on it (FROM base, directly or through other stages). */
export function builtOn(stage: Stage, base: Stage): boolean {
  for (let s: Stage | undefined = stage; s; s = s.from.stage) if (s === base) return true;
  return false;
}
