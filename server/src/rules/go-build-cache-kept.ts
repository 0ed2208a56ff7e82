/**
 * go-build-cache-kept: `go build` / `go install` / `go mod download` in a stage whose layers form
 * the final image leave the build cache (GOCACHE, ~/.cache/go-build) and the module cache
 * (GOMODCACHE, /go/pkg/mod in the official image) in it. Builder stages are reported only when the
 * final image copies the folder that holds the caches out of them (`COPY --from=build / /`).
 */
import { cacheMountTargets, firstRanAfter, lastOwnCommand, operands, pathCovers, ranCommands, ranInBackground, ranIndex } from '../core/commands';
import { appendRepair, baseImageOf, cacheRule, envFor, homeOf, imageRepository, laterCovers, removalsIn, subcommandOf, usedLaterInImage, userCacheDir, windowsBase, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import type { Instr, RunScript, Stage } from '../core/model';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { formatBytes, GO_BUILD_CACHE_EXAMPLE as GO, GO_BUILD_CACHE_GO119_EXAMPLE as GO119 } from '../sizes';

/** The build cache of one small program: an example of the proportion, not this project's figure. */
const EXAMPLE = `for a small net/http + encoding/json server (standard library only) the build cache was about ${formatBytes(GO.bytes)} beside a ${formatBytes(GO.outputBytes)} binary (measured with ${GO.tool})`;
const MOD_BASIS = 'the module cache (every module source downloaded); its size depends on the modules, not yet measured by our bench';
const BASIS = `the module cache (every module source downloaded) and the build cache (compiled packages), which grow with the project; ${EXAMPLE}; the module cache is not yet measured by our bench`;
const BUILD_BASIS = `the build cache (compiled packages), which grows with the project; ${EXAMPLE}`;

/** `go build|install|get|test|run|vet`, `go mod download|tidy`: the subcommand word. */
function goFills(cmd: ShellCommand) {
  const sub = subcommandOf(cmd, /^go$/, ['build', 'install', 'get', 'test', 'run', 'vet', 'generate', 'mod']);
  if (sub?.value !== 'mod') return sub;
  const next = operands(cmd)[operands(cmd).indexOf(sub) + 1];
  return next && ['download', 'tidy'].includes(next.value) ? next : undefined;
}

/** Only the module cache is filled (download, tidy), or both. */
function compiles(cmd: ShellCommand): boolean {
  const w = goFills(cmd)?.value;
  return w !== 'download' && w !== 'tidy' && w !== 'get';
}

/** `go clean` with `flag` (`-cache`, `-modcache`) among its arguments. */
function cleans(c: ShellCommand, flag: string): boolean {
  return programName(c) === 'go' && operands(c)[0]?.value === 'clean' && programArgs(c).some((w) => w.value === flag);
}
/**
 * The RUN's last `go` command that fills no cache and cleans nothing (`go env`, `go version`...):
 * the repair appended after it would not be last.
 */
const otherGo = (c: ShellCommand) => programName(c) === 'go' && !goFills(c) && operands(c)[0]?.value !== 'clean';
/** A `go` command that compiles (build, install, test...): its finding names the module cache too, unless something else takes care of it. */
const buildsGo = (c: ShellCommand) => !!goFills(c) && compiles(c);

/**
 * True for a download (`go mod download`, `tidy`, `go get`) that the RUN's last build, later in a
 * stage of the final image, reports with its own caches: the same module cache, left by the build
 * too, and its fix, where offered (`go clean -cache -modcache`), empties it. One finding, the
 * build's, instead of a module-cache one beside it that has no fix. Not in a builder stage, where a COPY --from may carry
 * the module cache alone (the build's finding holds the folder above both).
 */
function reportedByBuild({ instr, cmd, env }: CacheCommandContext): boolean {
  if (compiles(cmd) || !instr.stage?.layersInFinal) return false;
  const build = lastOwnCommand(instr.run!, buildsGo);
  if (!build || build.start < cmd.start || homeOf(instr, build) !== homeOf(instr, cmd)) return false;
  const buildEnv = (name: string) => envFor(instr, build, name);
  return goCaches(instr, buildEnv).mod === goCaches(instr, env).mod && !cacheState(instr, build, buildEnv).mod;
}

const cleansCache = (c: ShellCommand) => cleans(c, '-cache');
const cleansModcache = (c: ShellCommand) => cleans(c, '-modcache');

/** RUNs that download modules without compiling (`go mod download|tidy`, `go get`), per stage (memoised: asked for every go command). */
const DOWNLOADS = new WeakMap<Stage, Instr[]>();
function downloadsIn(stage: Stage): Instr[] {
  let list = DOWNLOADS.get(stage);
  if (!list) {
    list = stage.instructions.filter((i) => i.run && ranCommands(i.run).some((c) => !!goFills(c) && !compiles(c)));
    DOWNLOADS.set(stage, list);
  }
  return list;
}

/**
 * True when a RUN below `instr` in its image downloaded the modules and left them in its layer (see
 * downloadsIn): not into a cache mount, nor removed after (the build then fetches them again).
 */
function downloadedBefore(instr: Instr, env: (name: string) => string | undefined): boolean {
  for (let st = instr.stage; st; st = st.from.stage) if (firstKeptDownload(st, env) < instr.index) return true;
  return false;
}

/**
 * The index of the stage's first RUN that downloads modules into its layer (Infinity: none), once
 * per stage (with the environment of the first command that asks: GOMODCACHE and GOPATH rarely
 * change between a download and a build).
 */
const FIRST_KEPT = new WeakMap<Stage, number>();
function firstKeptDownload(stage: Stage, env: (name: string) => string | undefined): number {
  let at = FIRST_KEPT.get(stage);
  if (at === undefined) {
    const kept = downloadsIn(stage).find((i) => ranCommands(i.run!).some((c) => !!goFills(c) && !compiles(c) && !handledAfter(i, c, env).mod));
    FIRST_KEPT.set(stage, (at = kept ? kept.index : Infinity));
  }
  return at;
}

/** Whether a `go clean` that `test` takes runs after `cmd`, not in the background (the layer may be committed before it ends). */
function cleanedAfter(run: RunScript, cmd: ShellCommand, test: (c: ShellCommand) => boolean): boolean {
  for (let c = firstRanAfter(run, cmd, test); c; c = firstRanAfter(run, c, test)) if (!ranInBackground(run).has(c)) return true;
  return false;
}

/** Whether the RUN cleans the module cache after `cmd`, mounts it or removes it; and the build cache likewise. */
function handledAfter(instr: Instr, cmd: ShellCommand, env: (name: string) => string | undefined): { mod: boolean; build: boolean } {
  const run = instr.run!;
  // In the order the commands run, a -c script's hidden ones too.
  const [removals, after] = [removalsIn(instr, 'ran'), ranIndex(run, cmd)];
  // `~` in both is the home of the user the command runs as (an rm run through sudo aside).
  const home = homeOf(instr, cmd);
  const mounts = cacheMountTargets(instr);
  const homes = { handled: home, dir: home };
  const handled = (dir: string | undefined) => !!dir && (mounts.some((p) => pathCovers(p, dir, homes)) || laterCovers(removals, after, dir, homes));
  const caches = goCaches(instr, env);
  return {
    mod: cleanedAfter(run, cmd, cleansModcache) || [caches.mod, '/go/pkg/mod', '~/go/pkg/mod'].some(handled),
    build: cleanedAfter(run, cmd, cleansCache) || handled(caches.build),
  };
}

/** Which of the two caches the RUN already takes care of after `cmd` (go clean, rm, cache mount, vendored modules). */
function cacheState(instr: Instr, cmd: ShellCommand, env: (name: string) => string | undefined): { mod: boolean; build: boolean } {
  const state = handledAfter(instr, cmd, env);
  const vendored = /-mod=vendor/.test(env('GOFLAGS') ?? '') || programArgs(cmd).some((w) => w.value === '-mod=vendor');
  // After an earlier `go mod download` in this image, a build adds nothing to the module cache:
  // those modules sit in the earlier layer (reported there), and cleaning them here frees nothing.
  const modulesBelow = compiles(cmd) && downloadedBefore(instr, env);
  return { mod: state.mod || vendored || modulesBelow, build: state.build };
}

/**
 * The caches the command leaves in its layer, for the message: a build after an earlier download,
 * or with the module cache mounted or vendored, leaves only the build cache.
 */
function kept({ instr, cmd, env }: CacheCommandContext): { what: string; basis: string } {
  if (!compiles(cmd)) return { what: 'module cache', basis: MOD_BASIS };
  return cacheState(instr, cmd, env).mod ? { what: 'build cache', basis: BUILD_BASIS } : { what: 'module and build caches', basis: BASIS };
}

/**
 * Where Go puts the command's caches, `~` for its home: the module cache (GOMODCACHE, else
 * GOPATH's pkg/mod, else the official image's /go/pkg/mod or ~/go/pkg/mod; undefined for a GOPATH
 * list) and the build cache (GOCACHE, else the user's cache folder).
 */
function goCaches(instr: Instr, env: (name: string) => string | undefined): { mod: string | undefined; build: string } {
  const gopath = env('GOPATH');
  const mod = env('GOMODCACHE') ?? (gopath !== undefined ? (gopath.includes(':') ? undefined : `${gopath}/pkg/mod`) : imageRepository(baseImageOf(instr)) === 'golang' ? '/go/pkg/mod' : '~/go/pkg/mod');
  return { mod, build: env('GOCACHE') ?? userCacheDir(env, 'go-build') };
}

/**
 * The folder that holds the caches the command leaves: the build cache when it compiles, the
 * module cache ({@link goCaches}), or the folder above both. Undefined when one of them is not known.
 */
function keptCaches({ instr, cmd, env }: CacheCommandContext): string | undefined {
  const state = cacheState(instr, cmd, env);
  const { mod, build } = goCaches(instr, env);
  const dirs = [compiles(cmd) && !state.build ? build : '', state.mod ? '' : mod]
    .filter((d) => d !== '')
    .map((d) => (d === undefined ? undefined : namedPath(instr, cmd, d)));
  if (dirs.length === 0 || dirs.includes(undefined)) return undefined;
  // The longest folder that holds them all.
  let common = dirs[0]!.split('/');
  for (const d of dirs as string[]) {
    const parts = d.split('/');
    let k = 0;
    while (k < common.length && parts[k] === common[k]) k++;
    common = common.slice(0, k);
  }
  return common.join('/') || '/';
}

export const rule = cacheRule({
  id: 'go-build-cache-kept',
  title: 'Go build and module caches in the final image',
  severity: 'warning',
  finalLayersOnly: true,
  docs: {
    summary: '`go build` / `go install` / `go mod download` leaving GOCACHE and GOMODCACHE without a cache mount or cleanup in the same RUN.',
    why: 'Go keeps every downloaded module in GOMODCACHE (/go/pkg/mod in the official image) and every compiled package in GOCACHE (~/.cache/go-build). A Go program needs neither to run: copy the binary out of a builder stage onto scratch, distroless or a slim base, or at least use cache mounts.',
    incorrect: 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]',
    correct: 'FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    CGO_ENABLED=0 go build -ldflags="-s -w" -o /app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nCMD ["/app"]',
    sizeImpact: `The module cache (not yet measured by our bench) and the build cache grow with the project. For a small server it was about ${formatBytes(GO.bytes)} beside a ${formatBytes(GO.outputBytes)} binary, mostly the standard library, which Go 1.20 and later compile; Go 1.19 and older ship it precompiled in GOROOT: ${GO119.tool} left only ${formatBytes(GO119.bytes)}. Basis: ${GO.basis}; for ${GO119.tool}, the same with bookworm's golang-go.`,
    fix: 'Appends `&& go clean -cache -modcache` (only `-cache` after an earlier `go mod download`, `tidy` or `go get`: the modules sit in that layer). Not offered for `go mod download` / `tidy` alone (a cache-warming step) or when a later RUN or the CMD runs `go` (use a builder stage).',
  },
  words: ['go'],
  fills: goFills,
  cleans: () => false,
  cacheHandled: (_handled, c) => {
    const state = cacheState(c.instr, c.cmd, c.env);
    return (state.mod && (state.build || !compiles(c.cmd))) || reportedByBuild(c);
  },
  // In a builder stage: reported only when a COPY --from carries this folder into the final image.
  holds: keptCaches,
  message: (c) => {
    // Cache-mount targets: absolute, else where `go env` shows the folder (an unknown home or variable,
    // or a Windows base: the golang image there sets its own GOPATH, not Go's default %USERPROFILE%\go).
    const { mod, build } = goCaches(c.instr, c.env);
    const at = (dir: string | undefined, name: string) => (dir !== undefined && !windowsBase(c.instr) && namedPath(c.instr, c.cmd, dir)) || `\`go env ${name}\`'s folder`;
    const { what, basis } = kept(c);
    const builder = c.instr.stage?.layersInFinal === false;
    return `go leaves its ${what} in ${builder ? 'this layer' : 'the final image'}: ${basis}. ${builder ? 'Copy only the binary out of this stage' : 'Build in a builder stage and copy the binary'}, or use cache mounts on ${at(mod, 'GOMODCACHE')} and ${at(build, 'GOCACHE')}.`;
  },
  // An example from another program is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: (c) => ({ basis: kept(c).basis === MOD_BASIS ? MOD_BASIS : `${kept(c).basis}; example: ${GO.basis}` }),
  repair: ({ model, instr, cmd, env }) => {
    if (!compiles(cmd) || usedLaterInImage(model, instr, /^go$/)) return undefined;
    if ((lastOwnCommand(instr.run!, otherGo)?.start ?? -1) > cmd.start) return undefined;
    const state = cacheState(instr, cmd, env);
    const flags = [state.build ? '' : '-cache', state.mod ? '' : '-modcache'].filter(Boolean).join(' ');
    return appendRepair(model, instr, `go clean ${flags}`);
  },
});
