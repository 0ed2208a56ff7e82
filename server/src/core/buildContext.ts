/**
 * What a Dockerfile takes from its build context, judged against the facts `sources/` gathered:
 * which COPY/ADD sources come from the context, whether the ignore file in force excludes them,
 * what `COPY .` copies, and the fix that adds paths to the ignore file (or creates it).
 *
 * The scan measured the context with the ignore file as it was on disk. The rules re-check every
 * path against the ignore text in the facts, so after a fix edited that text (fixAll, "after
 * fixes" estimates) the paths it now excludes are no longer reported.
 */
import type { Copy, Run } from 'dockerfile-ast';
import { addIgnoreEntries, compilePattern, createDockerignoreMatcher, testPattern, type DockerignoreMatcher } from './dockerignore';
import { TOP_LEVEL_ENTRIES, type AnalysisEnvironment, type BuildContextFacts, type ContextScanFacts } from './environment';
import { perInstruction, stageByRef, stageReferences, type DockerfileModel, type Instr, type InstructionText, type Stage } from './model';
import { ranCommands } from './commands';
import { execForm, jsonForm } from './execForm';
import { programName, programOperands, type ShellCommand } from './shell';
import { bundleInstallWord, composerSubcommand, flagValue, npmInstallWord, subcommandOf } from './packageManagers';
import { copySpec, isAtOrBelow, namedPath } from './paths';
import { normalizePath, resolvePath, workdirAt } from './workdir';
import { builtOn, carriedCopies, copyFromStage, type Replaces } from './stageCopies';
import { installsGlobally } from './npmCommand';
import type { Fix, Range } from './types';
import type { RawFinding } from '../rules/rule';

const WHOLE_CONTEXT = new Set(['.', './', './.', '*', './*']);

/** A source argument of a COPY/ADD that reads the build context. */
export interface ContextSource {
  value: string;
  range: Range;
  /** True for `.` and its spellings: the whole context. */
  whole: boolean;
}

/**
 * The build-context sources of a COPY/ADD, in shell or JSON form (`COPY ["package.json", "./"]`,
 * as editors' Dockerfile templates write it, on one line or continued over several); empty for
 * `--from`, heredocs and other instructions. Memoised per parsed instruction (several rules ask, on every analysis);
 * treat the result as read-only.
 */
export const contextSources = perInstruction((instr: InstructionText): ContextSource[] => {
  if (instr.keyword !== 'COPY' && instr.keyword !== 'ADD') return [];
  const node = instr.node as Copy;
  if (node.getFlags().some((f) => f.getName().toLowerCase() === 'from')) return [];
  if (node.getHeredocs().length > 0) return [];
  const args = node.getArguments();
  if (args[0]?.getValue().startsWith('[')) {
    // Read from the text (the parser's own values drop spaces: `"a b.txt"` reads `ab.txt`). Not a
    // JSON array of at least two strings: none (BuildKit would read words that name no source).
    const json = jsonForm(node);
    if (!json || json.words.length < 2) return [];
    return json.words.slice(0, -1).map((value, i) => ({ value, range: json.ranges[i], whole: WHOLE_CONTEXT.has(value) }));
  }
  if (args.length < 2) return [];
  return args.slice(0, -1).map((a) => ({ value: a.getValue(), range: a.getRange(), whole: WHOLE_CONTEXT.has(a.getValue()) }));
});

/**
 * The context paths a RUN bind-mounts (`--mount=type=bind,source=conf/app.ini,target=...`; bind
 * is the type when none is given). A mount from a stage or image (`from=`) and one without a
 * source (the whole context) give none. The range is the source's value.
 */
export function bindMountSources(instr: Instr): ContextSource[] {
  // Most RUNs have no --mount: answered without a memo on their node. One more property on every
  // RUN node raised the server's peak RSS by 10-35 MB on the generated 10,000-line file.
  return instr.keyword === 'RUN' && instr.run !== undefined && instr.run.mounts.length > 0 ? bindMountsOf(instr) : NO_SOURCES;
}

const NO_SOURCES = Object.freeze([]) as unknown as ContextSource[];

const bindMountsOf = perInstruction((instr: InstructionText): ContextSource[] => {
  const out: ContextSource[] = [];
  for (const flag of (instr.node as Run).getFlags()) {
    if (flag.getName().toLowerCase() !== 'mount') continue;
    const option = (name: string) => flag.getOptions().find((o) => o.getName().toLowerCase() === name);
    if ((option('type')?.getValue() ?? 'bind') !== 'bind' || option('from')) continue;
    const source = option('source') ?? option('src');
    const value = source?.getValue();
    const range = source?.getValueRange();
    if (value && range) out.push({ value, range, whole: WHOLE_CONTEXT.has(value) });
  }
  return out;
});

/** The source of a COPY/ADD that copies the whole context, if it has one. */
export function wholeContextSource(instr: Instr): ContextSource | undefined {
  return contextSources(instr).find((s) => s.whole);
}

/**
 * A finding on the `.` of each COPY/ADD that copies the whole context (where the context rules
 * report), saying what `describe` says of that instruction. It `holds` the copy's destination,
 * unless `describe` says otherwise.
 */
export function onWholeContextCopies(model: DockerfileModel, describe: (instr: Instr) => Pick<RawFinding, 'message' | 'saving' | 'holds'>): RawFinding[] {
  const out: RawFinding[] = [];
  for (const instr of model.instructions) {
    const source = wholeContextSource(instr);
    if (source) out.push({ range: source.range, instr, holds: copySpec(model, instr)?.destPath, ...describe(instr) });
  }
  return out;
}

/**
 * A source that names one path of the context literally (no wildcard, variable or URL), cleaned
 * to a context-relative path; undefined otherwise.
 */
export function literalSourcePath(value: string): string | undefined {
  if (/[*?[\]$]/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('git@')) return undefined;
  const parts: string[] = [];
  for (const seg of value.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) continue; // Docker keeps sources inside the context
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length ? parts.join('/') : undefined;
}

const explicit = new WeakMap<DockerfileModel, string[]>();

/** The context paths the Dockerfile copies by name (an ignore entry must not exclude them); read-only. */
export function explicitSources(model: DockerfileModel): string[] {
  let out = explicit.get(model);
  if (out) return out;
  out = [];
  explicit.set(model, out);
  for (const instr of model.instructions) {
    for (const s of [...contextSources(instr), ...bindMountSources(instr)]) {
      if (s.whole) continue;
      // Wildcards: keep the literal part before the first wildcard segment, which is what an entry could cover.
      const segments = s.value.split('/');
      const firstWild = segments.findIndex((seg) => /[*?[\]$]/.test(seg));
      const literal = literalSourcePath(s.value) ?? (firstWild > 0 ? literalSourcePath(segments.slice(0, firstWild).join('/')) : undefined);
      if (literal) out.push(literal);
    }
  }
  return out;
}

const usedAfterCopy = new WeakMap<DockerfileModel, string[]>();

/**
 * Context paths (relative to its root) that the image uses after a `COPY .` put them there: the
 * words of a later RUN, CMD or ENTRYPOINT of the same image that point inside the copy's
 * destination (`node dist/index.js` from it, `java -jar /app/target/app.jar` below it). A build
 * output the image runs this way was built on the host for it, not built again by the Dockerfile.
 */
export function pathsUsedAfterContextCopy(model: DockerfileModel): string[] {
  let out = usedAfterCopy.get(model);
  if (out) return out;
  out = [];
  usedAfterCopy.set(model, out);
  // One pass: the destinations of the whole-context copies each stage's image holds so far (a
  // stage starts with those of the stage it is built on). A RUN that builds after a copy makes
  // the output in the image itself, so the copies before it no longer count.
  const atEnd = new Map<Stage, string[]>();
  for (const stage of model.stages) {
    let inside = stage.from.stage ? (atEnd.get(stage.from.stage) ?? []) : [];
    for (const instr of stage.instructions) {
      if (inside.length > 0) {
        if (instr.run && ranCommands(instr.run).some(buildsOutput)) inside = [];
        const cwd = inside.length > 0 ? workdirAt(instr) : undefined;
        if (cwd !== undefined) {
          for (const word of instructionWords(instr)) {
            // `--config=dist/app.json`: the value after the last `=`.
            const path = resolvePath(word.slice(word.lastIndexOf('=') + 1), cwd);
            if (path === undefined) continue;
            for (const d of inside) if (path.startsWith(d)) out.push(path.slice(d.length));
          }
        }
      }
      const dest = wholeContextSource(instr) ? copySpec(model, instr)?.destPath : undefined;
      if (dest !== undefined) {
        const d = dest === '/' ? '/' : `${dest}/`;
        if (!inside.includes(d)) inside = [...inside, d];
      }
      for (const d of carriedDestinations(model, instr, atEnd)) if (!inside.includes(d)) inside = [...inside, d];
      out.push(...namedOutOfContextCopy(model, instr, atEnd));
    }
    atEnd.set(stage, inside);
  }
  return out;
}

/**
 * The whole-context copies (destinations as {@link pathsUsedAfterContextCopy} holds them, with a
 * trailing slash) that a `COPY --from` brings into its stage, at their new place: after
 * `COPY --from=build /app /srv`, build's copy to /app is under /srv, and a `CMD ["node",
 * "dist/index.js"]` there uses the context's dist. A relative source is read from the stage root.
 */
function carriedDestinations(model: DockerfileModel, instr: Instr, atEnd: ReadonlyMap<Stage, string[]>): string[] {
  const copy = instr.keyword === 'COPY' ? copyFromStage(model, instr) : undefined;
  const held = copy ? atEnd.get(copy.stage) : undefined;
  if (!copy || copy.destPath === undefined || !held?.length) return [];
  const out: string[] = [];
  for (const { path: from } of copy.sources) {
    for (const d of held) {
      const dir = d === '/' ? '/' : d.slice(0, -1);
      if (!isAtOrBelow(dir, from)) continue;
      const moved = normalizePath(`${copy.destPath}/${from === '/' ? dir : dir.slice(from.length)}`);
      out.push(moved === '/' ? '/' : `${moved}/`);
    }
  }
  return out;
}

/**
 * The context paths a `COPY --from` names inside a whole-context copy the earlier stage holds at
 * its end: `COPY --from=build /app/dist ./dist` after build's `COPY . .` to /app copies the
 * context's dist, so an ignore entry for dist leaves that COPY without its source.
 */
function namedOutOfContextCopy(model: DockerfileModel, instr: Instr, atEnd: ReadonlyMap<Stage, string[]>): string[] {
  const copy = instr.keyword === 'COPY' ? copyFromStage(model, instr) : undefined;
  const held = copy ? atEnd.get(copy.stage) : undefined;
  if (!copy || !held?.length) return [];
  const out: string[] = [];
  for (const { path: from } of copy.sources) for (const d of held) if (d !== `${from}/` && from.startsWith(d)) out.push(from.slice(d.length));
  return out;
}

/** Package scripts named like a build (`build`, `build:prod`). */
const BUILD_SCRIPT = /^build\b/;
/** Programs that build from the sources they are given whatever their arguments. */
const BUILD_PROGRAMS = /^(?:mvnw?|gradlew?|tsc|webpack|make)$/;
/** Programs that build with one of these subcommands (read as the other rules read them, option values skipped). */
const BUILD_SUBCOMMANDS: [RegExp, string[]][] = [
  [/^(?:cargo|go)$/, ['build', 'install']],
  [/^dotnet$/, ['build', 'publish']],
  [/^(?:vite|ng|next|nest)$/, ['build']],
];

/** A command that builds the app in the image (`npm run build`, `yarn build`, `mvn package`, `go build`...). */
function buildsOutput(cmd: ShellCommand): boolean {
  const name = programName(cmd);
  if (name === 'npm' || name === 'yarn' || name === 'pnpm' || name === 'bun') {
    const [first, second] = programOperands(cmd).map((w) => w.value);
    const script = first === 'run' || first === 'run-script' ? (second ?? '') : name === 'npm' ? '' : (first ?? '');
    return BUILD_SCRIPT.test(script);
  }
  return BUILD_PROGRAMS.test(name) || BUILD_SUBCOMMANDS.some(([programs, subs]) => subcommandOf(cmd, programs, subs) !== undefined);
}

/** The words of a RUN's commands, or of a CMD/ENTRYPOINT in exec or shell form; none for other instructions. */
function instructionWords(instr: Instr): string[] {
  if (instr.run) return ranCommands(instr.run).flatMap((c) => c.words.map((w) => w.value));
  if (instr.keyword !== 'CMD' && instr.keyword !== 'ENTRYPOINT') return [];
  return execForm(instr) ?? (instr.node.getArgumentsContent() ?? '').split(/\s+/).filter(Boolean);
}

/** Kinds of heavy folders (sources/context/names.ts) that are build output: not suggested when the image uses them after a `COPY .`. */
const OUTPUT_KINDS = new Set(['build-output', 'dotnet-output']);

/**
 * Kinds of heavy folders that a tool writes, suggested only when the image of each `COPY .` runs
 * that tool itself: otherwise the image likely uses the host's (an app copied with its `vendor/`
 * and no `composer install`; a `bin/` published on the host). `dotnet restore` writes obj/, and
 * the other subcommands restore first. `bundler`: no kind, the Ruby entries of the created ignore
 * file (the host's .bundle and vendor/bundle); `bundle`, `bundle install` and `bundle update` install.
 */
/** Bundler's install of the Gemfile's gems ({@link bundleInstallWord}). */
const installsBundle = (c: ShellCommand) => bundleInstallWord(c) !== undefined;

const MADE_BY: Record<string, (cmd: ShellCommand) => boolean> = {
  'dotnet-output': (c) => subcommandOf(c, /^dotnet$/, ['restore', 'build', 'publish', 'test', 'pack', 'run']) !== undefined,
  'composer-dependencies': (c) => composerSubcommand(c, ['install', 'update']) !== undefined,
  bundler: installsBundle,
};

const madeInImageMemo = new WeakMap<DockerfileModel, Map<string, boolean>>();

/**
 * False for a kind of heavy folder of MADE_BY when some `COPY .` does not have that tool's RUN
 * in place throughout its image ({@link ranInImageOfEveryCopy}): its stage, or a stage built on
 * it, may then run on the host's folder. True for other kinds.
 */
export function madeInImage(model: DockerfileModel, kind: string): boolean {
  const test = MADE_BY[kind];
  if (!test) return true;
  let memo = madeInImageMemo.get(model);
  if (!memo) madeInImageMemo.set(model, (memo = new Map()));
  let known = memo.get(kind);
  if (known === undefined) memo.set(kind, (known = ranInImageOfEveryCopy(model, test)));
  return known;
}

/**
 * True when every `COPY .` has what `test` runs in place throughout its image: a RUN of the tool
 * before the copy (in its stage or one it is built on; the copy lays the host's folder over what
 * the tool wrote), or after it but before any other RUN that sees the copy, in its stage and in
 * every stage built on it ({@link inPlaceThroughout}). A tool run only in a stage built on the
 * copying one (a test stage FROM app running `npm ci`) leaves app's RUNs and the image FROM app on
 * the host's folder, as does a RUN between the copy and the tool (`RUN npm run build` then
 * `RUN npm ci --omit=dev`).
 */
function ranInImageOfEveryCopy(model: DockerfileModel, test: (cmd: ShellCommand) => boolean): boolean {
  const runs = (i: Instr) => i.run !== undefined && ranCommands(i.run).some(test);
  return everyContextCopy(model, (c, copy) => inPlaceThroughout(model, c, copy, runs));
}

/** True when the file copies the whole context at least once and `check` holds for every such copy (with its stage). */
function everyContextCopy(model: DockerfileModel, check: (stage: Stage, copy: Instr) => boolean): boolean {
  let copies = 0;
  const every = model.stages.every((c) =>
    c.instructions.every((instr) => {
      if (wholeContextSource(instr) === undefined) return true;
      copies++;
      return check(c, instr);
    }),
  );
  return every && copies > 0;
}

const replacedMemo = new WeakMap<DockerfileModel, Map<string, boolean>>();

/**
 * True when every stage that copies the whole context gets, from a `COPY --from` whose
 * destination is where the context's `path` lands, that folder before anything can use the
 * host's: `COPY --from=deps /app/node_modules ./node_modules` beside `COPY . .` in /app, in the
 * stage or one it is built on, and before any RUN that follows the `COPY .` there or in a stage
 * built on it (each of which has it by its end, too). The image's copy of that folder then comes
 * from the other stage, so keeping the host's out of the context takes nothing the image needs;
 * sent, the host's files merge into it (before the `COPY --from`) or are laid over it (after). A
 * RUN between the `COPY .` and the `COPY --from` (`RUN npm run build` on the host's
 * node_modules, then the production ones copied in), or a `COPY --from` only in a stage built on
 * it beside others that use the copy, leaves the host's folder needed. Only a destination
 * exactly at the folder counts: a directory source copies its contents, so
 * `COPY --from=deps /app/node_modules ./` does not make a node_modules folder.
 */
export function replacedInImage(model: DockerfileModel, path: string): boolean {
  let memo = replacedMemo.get(model);
  if (!memo) replacedMemo.set(model, (memo = new Map()));
  let known = memo.get(path);
  if (known !== undefined) return known;
  const dests = new Map<Instr, string>(); // each COPY --from with a known destination
  for (const stage of model.stages) {
    for (const instr of stage.instructions) {
      if (instr.keyword !== 'COPY') continue;
      const spec = copySpec(model, instr);
      if (spec?.from !== undefined && spec.destPath !== undefined) dests.set(instr, spec.destPath);
    }
  }
  known = everyContextCopy(model, (c, copy) => {
    const dest = copySpec(model, copy)?.destPath;
    const at = dest === undefined ? undefined : normalizePath(`${dest}/${path}`);
    return at !== undefined && inPlaceThroughout(model, c, copy, (i) => dests.get(i) === at);
  });
  memo.set(path, known);
  return known;
}

/**
 * Whether an instruction that `puts` a folder in place (a `COPY --from` to it, a RUN of the tool
 * that writes it) comes before every RUN that sees `copy` of stage `c` (after it in `c`, or in a
 * stage built on `c`), and by the end of each of those stages whose end is taken as it is: the
 * image, a `COPY --from` or `--mount=from` of it, or a stage nothing is built on (a build target).
 * A base stage only built on is read through the stages built on it. See {@link replacedInImage}
 * and {@link ranInImageOfEveryCopy}.
 */
function inPlaceThroughout(model: DockerfileModel, c: Stage, copy: Instr, puts: (instr: Instr) => boolean): boolean {
  const atEnd = new Map<Stage, boolean>(); // the folder is in place at the end of the stage
  const taken = endsTaken(model);
  for (const stage of model.stages) {
    let inPlace = stage.from.stage !== undefined && atEnd.get(stage.from.stage) === true;
    const sees = builtOn(stage, c);
    for (const instr of stage.instructions) {
      if (puts(instr)) inPlace = true;
      else if (sees && !inPlace && instr.run !== undefined && (stage !== c || instr.index > copy.index)) return false;
    }
    if (sees && !inPlace && taken.has(stage)) return false;
    atEnd.set(stage, inPlace);
  }
  return true;
}

const endsTakenMemo = new WeakMap<DockerfileModel, Set<Stage>>();
/** The stages whose last file system is used as it is: the image, those a COPY --from or RUN --mount=from names, and those nothing is built on. */
function endsTaken(model: DockerfileModel): Set<Stage> {
  let known = endsTakenMemo.get(model);
  if (known) return known;
  known = new Set(model.stages.filter((s) => s.isFinal || !model.stages.some((t) => t.from.stage === s)));
  for (const instr of model.instructions) {
    for (const ref of stageReferences(instr)) {
      const named = stageByRef(model.stages, ref);
      if (named) known.add(named);
    }
  }
  endsTakenMemo.set(model, known);
  return known;
}

/**
 * A package install that writes the project's node_modules: npm install/ci/update (npmInstallWord),
 * yarn (install), pnpm install, bun install; not a global one (`npm install -g pm2` writes the
 * global prefix).
 */
const installsNodeModules = (c: ShellCommand) =>
  !installsGlobally(c) &&
  (npmInstallWord(c) !== undefined ||
    (programName(c) === 'yarn' && ['', 'install', 'add'].includes(programOperands(c)[0]?.value ?? '')) ||
    subcommandOf(c, /^(pnpm|bun)$/, ['install', 'i', 'add']) !== undefined);
/** A program that runs JavaScript with the node_modules beside it. */
const NODE_PROGRAMS = /^(node|nodejs|npm|npx|yarn|pnpm|bun|next|nuxt|tsx|ts-node|nodemon|pm2|pm2-runtime)$/;

const hostDependenciesMemo = new WeakMap<DockerfileModel, boolean>();
/**
 * True when the image runs the host's node_modules: a RUN, CMD or ENTRYPOINT runs Node (or a file
 * under node_modules) while some `COPY .` lacks an install in place throughout its image
 * ({@link ranInImageOfEveryCopy}). Then node_modules is not suggested for the ignore file, which
 * would take the app's dependencies away (`COPY . .` + `CMD ["node_modules/.bin/next", "start"]`,
 * built after an `npm ci` on the host).
 */
export function usesHostDependencies(model: DockerfileModel): boolean {
  let known = hostDependenciesMemo.get(model);
  if (known !== undefined) return known;
  const runsNode = model.instructions.some(
    (i) =>
      (i.run !== undefined && ranCommands(i.run).some((c) => NODE_PROGRAMS.test(programName(c)))) ||
      ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && /(^|[\s"'[,/])(node|nodejs|npm|npx|yarn|pnpm|bun|next|pm2-runtime|pm2)["'\s,\]]|node_modules\//.test(i.node.getArgumentsContent() ?? '')),
  );
  known = runsNode && !ranInImageOfEveryCopy(model, installsNodeModules);
  hostDependenciesMemo.set(model, known);
  return known;
}

/**
 * What the context rules add to a message naming `heavy`: a .NET `obj/` copied from the host
 * replaces the one a `dotnet restore` in the image wrote (its project.assets.json then points to
 * the host's paths), which can make the build in the image fail, not only grow.
 */
export function heavyPathsNote(heavy: ContextScanFacts['heavy']): string {
  const obj = heavy.find((h) => h.kind === 'dotnet-output' && (h.path === 'obj' || h.path.endsWith('/obj')));
  return obj ? ` The host's ${obj.path} holds its restore output (project.assets.json with the host's paths), which can also break the dotnet build in the image.` : '';
}

/**
 * The heavy folders of the context the ignore file lets through that the context rules suggest
 * ignoring: not one the Dockerfile copies by name, nor a build output (`dist`, `target`) the image
 * uses after copying the whole context, which ignoring would take from the image, nor a folder
 * a tool writes (.NET's bin/obj, Composer's vendor) or node_modules when the image does not run
 * that tool, unless a `COPY --from` puts that folder in place ({@link replacedInImage}).
 */
export function suggestedHeavyPaths(model: DockerfileModel, context: BuildContextFacts, minBytes: number): ContextScanFacts['heavy'] {
  let heavy = unignoredHeavyPaths(context, minBytes);
  // What the Dockerfile copies by name is read from every instruction: only when there is something to keep.
  if (heavy.length > 0) {
    const keep = explicitSources(model);
    heavy = heavy.filter((h) => !keep.some((k) => overlaps(k, h.path)));
  }
  if (heavy.some((h) => h.kind === 'vcs') && gitUsedAfterContextCopy(model)) heavy = heavy.filter((h) => !isGitFolder(h.path));
  heavy = heavy.filter((h) => madeInImage(model, h.kind) || replacedInImage(model, h.path));
  if (heavy.some((h) => h.kind === 'dependencies') && usesHostDependencies(model)) heavy = heavy.filter((h) => h.kind !== 'dependencies' || replacedInImage(model, h.path));
  if (!heavy.some((h) => OUTPUT_KINDS.has(h.kind))) return heavy;
  const used = pathsUsedAfterContextCopy(model);
  return heavy.filter((h) => !OUTPUT_KINDS.has(h.kind) || !used.some((u) => overlaps(u, h.path)));
}

/** npm's clean install (`npm ci` and its aliases, `npm install-ci-test`): it deletes its project's node_modules before installing. */
const NPM_CLEAN_INSTALL = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean', 'install-ci-test', 'cit']);
/** Whether `cmd` is an npm clean install whose node_modules is `path` (`-C`, npm's short --prefix, read as unknown). */
const cleanInstallReplaces: Replaces = (instr, cmd, path) => {
  const word = npmInstallWord(cmd);
  if (word === undefined || !NPM_CLEAN_INSTALL.has(word.value) || cmd.words.some((w) => w.value === '-C' || w.value === '--dry-run')) return false;
  const prefix = flagValue(cmd, '--prefix');
  return namedPath(instr, cmd, prefix === undefined ? 'node_modules' : `${prefix}/node_modules`) === path;
};

/**
 * The folders of `heavy` that a whole-context `copy`, in a stage whose layers are not the final
 * image's, does not carry there although a `COPY --from` carries its destination (`COPY
 * --from=build /app /app`): a RUN after it replaces them on the way. `npm ci` deletes the
 * node_modules it finds before installing, so the final image gets the installed ones; the host's
 * stay in the copy's layer, which only the builder has. Empty when the copy's stage forms the final
 * image (its layer is there), or when nothing carries the destination.
 */
export function replacedBeforeCarried(model: DockerfileModel, copy: Instr, heavy: ContextScanFacts['heavy']): ContextScanFacts['heavy'] {
  const stage = copy.stage;
  const dest = heavy.length > 0 && stage && !stage.layersInFinal ? copySpec(model, copy)?.destPath : undefined;
  if (dest === undefined || !carriedCopies(model, stage!, dest, copy)) return [];
  return heavy.filter((h) => !carriedCopies(model, stage!, normalizePath(`${dest}/${h.path}`), copy, cleanInstallReplaces));
}

/** `.git` at the context root or below. */
export const isGitFolder = (path: string) => path === '.git' || path.endsWith('/.git');

/** `$(git describe)` or a backquoted git in a word: the shell runs it too. */
const GIT_SUBSTITUTION = /(?:\$\(|`)\s*git\s+(?!clone\b)/;
const runsGitOnRepository = (c: ShellCommand) => (programName(c) === 'git' && programOperands(c)[0]?.value !== 'clone') || c.words.some((w) => GIT_SUBSTITUTION.test(w.value));

/**
 * True when a RUN after a `COPY .` of the same image (its stage or one built on it) runs git on
 * what was copied (`git rev-parse HEAD`, `git describe --tags` for a version stamp): without
 * `.git` in the build context that RUN fails, so it must not be suggested for the ignore file.
 * A `git clone` needs no repository.
 */
export function gitUsedAfterContextCopy(model: DockerfileModel): boolean {
  return ranAfterContextCopy(model, runsGitOnRepository);
}

/**
 * True when Bundler installs after a `COPY .` of the same image: the install reads the copied
 * `.bundle/config` (private gem sources' credentials, BUNDLE_WITHOUT, a path), so an ignore file
 * that left `.bundle` out would change what it does or make it fail. Installed before the copy,
 * the gems do not depend on it, and the host's config (a BUNDLE_PATH of the host's vendor/bundle)
 * would only mislead `bundle exec` afterwards.
 */
export function bundleConfigReadAfterContextCopy(model: DockerfileModel): boolean {
  return ranAfterContextCopy(model, installsBundle);
}

const ranAfterCopy = new WeakMap<DockerfileModel, Map<(cmd: ShellCommand) => boolean, boolean>>();

/** True when a RUN after a `COPY .` of the same image (its stage or one built on it) runs a command `test` accepts; once per model and test. */
function ranAfterContextCopy(model: DockerfileModel, test: (cmd: ShellCommand) => boolean): boolean {
  let memo = ranAfterCopy.get(model);
  if (!memo) ranAfterCopy.set(model, (memo = new Map()));
  let known = memo.get(test);
  if (known !== undefined) return known;
  known = false;
  const copied = new Set<Stage>(); // stages whose image holds a copy of the whole context
  for (const stage of model.stages) {
    let holds = stage.from.stage !== undefined && copied.has(stage.from.stage);
    for (const instr of stage.instructions) {
      if (holds && instr.run && ranCommands(instr.run).some(test)) known = true;
      if (wholeContextSource(instr)) holds = true;
    }
    if (holds) copied.add(stage);
    if (known) break;
  }
  memo.set(test, known);
  return known;
}

/** True when `a` and `b` are the same path or one lies inside the other. */
export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}

let lastMatcher: { text: string; matcher: DockerignoreMatcher } | undefined;

/**
 * The matcher of the ignore file in force, or undefined when there is none, its text is unknown
 * or it is beyond the limits (rules then say nothing about what it excludes).
 */
export function ignoreMatcher(context: BuildContextFacts): DockerignoreMatcher | undefined {
  const text = context.ignoreFile?.text;
  if (text === undefined || context.ignoreFile?.notEvaluated !== undefined) return undefined;
  if (lastMatcher?.text !== text) lastMatcher = { text, matcher: createDockerignoreMatcher(text) };
  return lastMatcher.matcher;
}

/**
 * Why the build context is not measured although an ignore file exists: that file is beyond the
 * limits, so its patterns are not evaluated and no scan runs. Undefined otherwise.
 */
export function contextNotMeasured(context: BuildContextFacts): string | undefined {
  const why = context.ignoreFile?.notEvaluated;
  return why === undefined ? undefined : `The build context is not measured, since ${ignoreFileName(context)} is not evaluated: ${why}.`;
}

/**
 * What follows "the build context" in a text when the context was inferred from the Dockerfile's
 * sources (` (inferred as the workspace root: ...)`), so the user sees which folder is meant and
 * why; empty when a setting, a Compose file or the default chose it.
 */
export function contextNote(context: BuildContextFacts): string {
  return context.inferredContext ? ` (${context.inferredContext})` : '';
}

/** The file name shown in messages for the ignore file in force (or the one a fix creates). */
export function ignoreFileName(context: BuildContextFacts): string {
  const p = context.ignoreFile?.relativePath ?? context.newIgnoreFilePath ?? '.dockerignore';
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * A fix that makes the ignore file in force exclude `relPaths`: lines added to it, or a new
 * context `.dockerignore` when none exists (`header` lines first). Undefined when nothing to add.
 */
export function ignorePathsFix(context: BuildContextFacts, relPaths: readonly string[], title: string, header: readonly string[] = []): Fix | undefined {
  const file = context.ignoreFile;
  const result = addIgnoreEntries(file?.text, relPaths);
  if (result.added.length === 0) return undefined;
  if (file) return { title, edits: [], editFiles: [{ relativePath: file.relativePath, edits: result.edits }], preferred: true };
  const content = [...header, ...result.added].join('\n') + '\n';
  return { title, edits: [], createFiles: [{ relativePath: context.newIgnoreFilePath ?? '.dockerignore', content }], preferred: true };
}

/** Heavy folders the builder still receives under the ignore text in the facts, largest first. */
export function unignoredHeavyPaths(context: BuildContextFacts, minBytes: number): ContextScanFacts['heavy'] {
  const scan = context.scan;
  if (!scan) return [];
  const matcher = ignoreMatcher(context);
  return scan.heavy
    .filter((h) => h.bytes >= minBytes && !matcher?.isExcluded(h.path))
    .sort((a, b) => b.bytes - a.bytes);
}

const identities = new WeakMap<object, string>();
let lastIdentity = 0;
/** A key that stays the same while `o` is the same object, for a rule's contextKey. */
export function identityKey(o: object): string {
  let key = identities.get(o);
  if (key === undefined) identities.set(o, (key = `#${++lastIdentity}`));
  return key;
}

/** The patterns of a COPY/ADD's `--exclude` flags (BuildKit's labs syntax), as written. */
export function copyExcludes(instr: Instr): string[] {
  return (instr.node as Copy).getFlags().filter((f) => f.getName().toLowerCase() === 'exclude').map((f) => f.getValue() ?? '');
}

/**
 * The key of what {@link contextCopyBytes} reads: the scan (one object per finished scan; its
 * totals alone stay the same when a file moves between top-level folders) and the ignore text (a
 * fix's, with the same scan).
 */
export function contextCopyKey({ context: c }: AnalysisEnvironment): string {
  return c.scan ? `${identityKey(c.scan)}\u0000${c.ignoreFile?.text}` : '';
}

/**
 * True when the scan found the one context source of a COPY/ADD to be a folder at the top of the
 * context (`COPY app /app`, which the text alone does not tell from a file).
 */
export function copiesContextFolder(instr: Instr, context: BuildContextFacts): boolean {
  const sources = contextSources(instr);
  const p = sources.length === 1 ? literalSourcePath(sources[0].value) : undefined;
  return p !== undefined && context.scan?.topLevel.some((t) => t.path === p && t.isDirectory === true) === true;
}

/**
 * Bytes a COPY/ADD takes from the context, when a complete scan measured them: the whole context
 * for `COPY .`, the sum of top-level entries copied by name; not known for a copy with `--exclude`.
 * Heavy folders the ignore text now excludes (after a fix) are taken off. With `only`, the bytes
 * of that one source as written (an archive among the COPY's sources).
 */
export function contextCopyBytes(instr: Instr, context: BuildContextFacts, only?: string): number | undefined {
  const scan = context.scan;
  if (!scan?.complete) return undefined;
  const sources = only === undefined ? contextSources(instr) : contextSources(instr).filter((s) => s.value === only);
  // `COPY --exclude=<pattern>` leaves out what the scan cannot tell apart.
  if (sources.length === 0 || copyExcludes(instr).length > 0) return undefined;
  const matcher = ignoreMatcher(context);
  const droppedByFix = (prefix: string) => heavyExcludedBelow(scan, matcher, prefix);
  if (sources.some((s) => s.whole)) return Math.max(0, scan.bytes - droppedByFix(''));
  let total = 0;
  for (const s of sources) {
    const p = literalSourcePath(s.value);
    const top = p !== undefined ? topEntry(scan, p) : undefined;
    if (top) {
      total += Math.max(0, top.bytes - droppedByFix(`${p}/`));
      continue;
    }
    // A pattern at the top (`COPY package*.json ./`): the entries it matches, when the scan listed them all.
    const pattern = s.value.replace(/^(\.\/)+/, '');
    if (p !== undefined || !/[*?[]/.test(pattern) || /[/$]/.test(pattern) || scan.topLevel.length >= TOP_LEVEL_ENTRIES) return undefined;
    const re = compilePattern(pattern);
    for (const t of scan.topLevel) if (testPattern(re, t.path)) total += Math.max(0, t.bytes - droppedByFix(`${t.path}/`));
  }
  return total;
}

/** The scan's entry for the context path `rel` when it is a top-level one (the scan lists at most {@link TOP_LEVEL_ENTRIES}). */
function topEntry(scan: ContextScanFacts, rel: string): ContextScanFacts['topLevel'][number] | undefined {
  return rel.includes('/') ? undefined : scan.topLevel.find((t) => t.path === rel);
}

/** Bytes of the heavy folders under `prefix` that the ignore file in force (one a fix wrote, say) excludes and the scan counted. */
function heavyExcludedBelow(scan: ContextScanFacts, matcher: DockerignoreMatcher | undefined, prefix: string): number {
  return matcher ? scan.heavy.filter((h) => h.path.startsWith(prefix) && matcher.isExcluded(h.path)).reduce((n, h) => n + h.bytes, 0) : 0;
}

/**
 * What the builder receives from the context path `rel`, as a complete scan measured it: a
 * top-level entry, a heavy folder, or a folder the scan sized below the top. Undefined when the
 * scan has no figure for it, when it measured nothing there (all of it ignored, say, which an
 * exception a fix added may have brought back), and when the ignore text in force excludes it.
 */
export function contextPathBytes(context: BuildContextFacts, rel: string): { bytes: number; folder: boolean } | undefined {
  const scan = context.scan;
  if (!scan?.complete) return undefined;
  const top = topEntry(scan, rel);
  const bytes = top ? top.bytes : (scan.heavy.find((h) => h.path === rel)?.bytes ?? scan.folders?.get(rel));
  const matcher = ignoreMatcher(context);
  if (!bytes || matcher?.isExcluded(rel)) return undefined;
  return { bytes: Math.max(0, bytes - heavyExcludedBelow(scan, matcher, `${rel}/`)), folder: top ? top.isDirectory !== false : true };
}

const absentMemo = new WeakMap<object, Map<string, boolean>>();

/**
 * True when the scan's listing of the whole context proves that nothing is at `rel`: neither it
 * nor a file or link on the way to it (a link may lead anywhere) exists. The listing is searched
 * in order, without an index that would hold every path a second time; answers are kept per listing.
 */
export function absentFromContext(context: BuildContextFacts, rel: string): boolean {
  const listing = context.scan?.complete ? context.scan.listing : undefined;
  if (!listing) return false;
  let known = absentMemo.get(listing);
  if (!known) absentMemo.set(listing, (known = new Map()));
  let absent = known.get(rel);
  if (absent === undefined) {
    absent = true;
    for (let p = rel; p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      if (listing.files.includes(p)) absent = false;
      else if (listing.dirs.includes(p)) absent = p !== rel;
      else continue;
      break;
    }
    if (known.size >= 256) known.clear();
    known.set(rel, absent);
  }
  return absent;
}

/**
 * The context path that a COPY/ADD of one folder of the build context (`COPY . /app`, `COPY app
 * /srv`) put at `path`, an absolute path below its destination: `/srv/cache/tmp` is `app/cache/tmp`.
 * Undefined for other copies: from a stage or a URL, several sources, a pattern, a source the scan
 * did not find to be a folder (a file, an archive ADD extracts, a link), `--exclude` or `--parents`.
 */
export function contextPathAt(model: DockerfileModel, instr: Instr, path: string, context: BuildContextFacts): string | undefined {
  const sources = contextSources(instr);
  const spec = sources.length === 1 ? copySpec(model, instr) : undefined;
  const dest = spec?.destPath;
  if (dest === undefined || dest === path || !isAtOrBelow(path, dest) || spec!.flags.has('exclude') || spec!.flags.has('parents')) return undefined;
  const source = sources[0].whole ? '' : literalSourcePath(sources[0].value);
  if (source === undefined || (source !== '' && !isContextFolder(context, source))) return undefined;
  const below = path.slice(dest === '/' ? 1 : dest.length + 1);
  return source === '' ? below : `${source}/${below}`;
}

/** The files of a complete scan's listing, as a set: a lookup for each COPY source and change. */
const listedFiles = new WeakMap<object, Set<string>>();

/** True when the scan found a file at the context path `rel`. */
export function isContextFile(context: BuildContextFacts, rel: string): boolean {
  const scan = context.scan;
  if (!scan) return false;
  const top = topEntry(scan, rel);
  if (top) return top.isDirectory === false;
  const listing = scan.complete ? scan.listing : undefined;
  if (!listing) return false;
  let files = listedFiles.get(listing);
  if (!files) listedFiles.set(listing, (files = new Set(listing.files)));
  return files.has(rel);
}

/** True when the scan found a folder at the context path `rel`. */
function isContextFolder(context: BuildContextFacts, rel: string): boolean {
  const scan = context.scan;
  if (!scan) return false;
  const top = topEntry(scan, rel);
  if (top) return top.isDirectory === true;
  return scan.heavy.some((h) => h.path === rel) || scan.folders?.has(rel) === true || scan.listing?.dirs.includes(rel) === true;
}
