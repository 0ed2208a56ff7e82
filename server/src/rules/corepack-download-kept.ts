/**
 * corepack-download-kept: after `corepack enable`, the first `yarn` or `pnpm` of an image makes
 * corepack download that package manager into its home (COREPACK_HOME, else
 * `$XDG_CACHE_HOME/node/corepack`, else `~/.cache/node/corepack`), and the copy stays in the layer.
 * yarn-cache-kept and pnpm-store-kept do not count it: `yarn cache clean` and `pnpm store prune`
 * leave it, and it is the tool itself, which every later yarn or pnpm of the image runs from. So
 * this rule speaks only where nothing later in the image (a RUN, or what a container starts) runs
 * that tool again, and asks to remove the folder in the same RUN.
 */
import { cacheMountTargets, operands, pathCovers, ranCommands, removeCommandFromRun } from '../core/commands';
import { appendRepair, cacheRule, defaultFolder, homeOf, removalPath, programWord, removedPaths, usedLaterInImage, userCacheDir, type CacheCommandContext } from '../core/packageManagers';
import { identityKey } from '../core/buildContext';
import { copiedBefore } from '../core/npmLockfile';
import { namedPath } from '../core/paths';
import { programName, type ShellCommand } from '../core/shell';
import { formatBytes } from '../sizes';
import { usesYarnBerry } from '../core/yarn';
import type { DockerfileModel, Instr, Stage } from '../core/model';
import { COREPACK_PNPM_EXAMPLE as PNPM, COREPACK_VERSIONS, COREPACK_YARN_BERRY_EXAMPLE as BERRY, COREPACK_YARN_EXAMPLE as YARN } from '../sizes/packageCaches';

type Tool = 'yarn' | 'pnpm';
/** The package managers corepack's shims run, by the tool they download. */
const SHIMS: Record<string, Tool> = { yarn: 'yarn', yarnpkg: 'yarn', pnpm: 'pnpm', pnpx: 'pnpm' };
/** corepack subcommands that download a package manager themselves. */
const FETCHES = new Set(['prepare', 'install', 'use', 'up']);
/** A measured download; `pin` the version the file pins when it is another (the figure is then "about"). */
type Figure = typeof YARN & { pin?: string };
const MEASURED: Figure[] = [YARN, BERRY, PNPM, ...COREPACK_VERSIONS];

/**
 * The version of `tool` the command has corepack download, when the file pins one: the one a corepack
 * command names (`corepack prepare pnpm@9.15.0`), else the build context's package.json's
 * packageManager (`pnpm@9.15.0+sha512...`) when that file is copied before the command.
 */
function pinned({ instr, cmd, context }: CacheCommandContext, tool: Tool): string | undefined {
  const pin = (w: string) => {
    const m = /^([a-z]+)@([^+]+)/.exec(w);
    return m && SHIMS[m[1]] === tool ? m[2] : undefined;
  };
  const named = programName(cmd) === 'corepack' ? operands(cmd).map((w) => pin(w.value)).find((v) => v !== undefined) : undefined;
  const manifest = context?.npmManifest;
  return named ?? (manifest?.packageManager && copiedBefore(instr, manifest.path, cmd) ? pin(manifest.packageManager) : undefined);
}

/**
 * The measured downloads of what the command fetches: the pinned version's; for a pinned version not
 * measured, the last measured of its major (else corepack's default), with the pin; unpinned, yarn 4's
 * where the file shows yarn berry, else yarn 1's, and pnpm 10.28.1 (corepack 0.34.6's defaults).
 */
function measured(c: CacheCommandContext): Figure[] {
  return fetched(c.cmd).map((t) => {
    const version = pinned(c, t);
    if (version === undefined) return t === 'pnpm' ? PNPM : c.model && usesYarnBerry(c.model) ? BERRY : YARN;
    const pin = `${t} ${version}`;
    const major = /^[~^=v]*(\d+)/.exec(version)?.[1];
    const near = MEASURED.filter((m) => m.tool.startsWith(`${t} ${major}.`)).at(-1) ?? (t === 'pnpm' ? PNPM : major === '1' ? YARN : BERRY);
    return MEASURED.find((m) => m.tool === pin) ?? { ...near, pin };
  });
}
const figure = (found: Figure[]) => {
  const exact = found.filter((m) => !m.pin).map((m) => `${formatBytes(m.bytes)} for ${m.tool}`);
  const about = found.filter((m) => m.pin).map((m) => `about ${formatBytes(m.bytes)} (measured for ${m.tool} with corepack 0.34.6; ${m.pin} here)`);
  return [...(exact.length ? [`${exact.join(', ')} (measured with corepack 0.34.6)`] : []), ...about].join(', ');
};
const EXAMPLE = figure([YARN, BERRY, PNPM]);

/** The tools a command named as `name@version` operands (`corepack prepare pnpm@9 --activate`); both when it names none. */
function namedTools(cmd: ShellCommand): Tool[] {
  const named = operands(cmd).map((w) => SHIMS[/^[a-z]+/.exec(w.value)?.[0] ?? '']).filter((t) => t !== undefined);
  return named.length ? [...new Set(named)] : ['yarn', 'pnpm'];
}

/** What the command may make corepack download: a shim's tool, or what a corepack command fetches. */
function fetched(cmd: ShellCommand): Tool[] {
  const name = programName(cmd);
  if (SHIMS[name]) return [SHIMS[name]];
  if (name !== 'corepack') return [];
  const sub = operands(cmd)[0]?.value ?? '';
  return FETCHES.has(sub) || SHIMS[/^[a-z]+/.exec(sub)?.[0] ?? ''] ? namedTools(cmd) : [];
}

/** `corepack cache clean`: empties corepack's home. */
function clearsCache(cmd: ShellCommand): boolean {
  return programName(cmd) === 'corepack' && operands(cmd)[0]?.value === 'cache' && /^(clean|clear)$/.test(operands(cmd)[1]?.value ?? '');
}

/** A corepack command that puts its shims on PATH for `tool` (`corepack enable`, `enable pnpm`, `prepare --activate`, `install -g`). */
function activates(cmd: ShellCommand, tool: Tool): boolean {
  if (programName(cmd) !== 'corepack') return false;
  const sub = operands(cmd)[0]?.value;
  if (sub === 'enable') {
    // `corepack enable` alone takes every tool (an --install-directory value names none).
    const names = operands(cmd).slice(1).map((w) => w.value).filter((v) => /^(yarn|yarnpkg|pnpm|pnpx|npm|npx)$/.test(v));
    return names.length === 0 || names.some((v) => SHIMS[v] === tool);
  }
  return (sub === 'prepare' || sub === 'install') && namedTools(cmd).includes(tool) && cmd.words.some((w) => w.value === '--activate' || w.value === '-g' || w.value === '--global');
}

/** Per tool: corepack's shims for it are on PATH, and the image holds a download of it. */
type ToolState = Record<Tool, { active: boolean; fetched: boolean }>;
const TOOLS: Tool[] = ['yarn', 'pnpm'];

/** `state` after the command `b` ran. */
function step(state: ToolState, b: ShellCommand): void {
  for (const tool of TOOLS) {
    const t = state[tool];
    if (activates(b, tool)) t.active = true;
    if (fetched(b).includes(tool) && (t.active || programName(b) === 'corepack')) t.fetched = true;
  }
}

const copyState = (s: ToolState): ToolState => ({ yarn: { ...s.yarn }, pnpm: { ...s.pnpm } });

/** Per model: the state each RUN that runs yarn, pnpm or corepack starts with. */
const runStarts = new WeakMap<DockerfileModel, Map<Instr, ToolState>>();

/**
 * The state `instr` starts with: the RUNs before it along its FROM chain, worked out for the whole
 * file in one walk (a stage starts where its parent ended), since every yarn or pnpm asks.
 */
function startOf(model: DockerfileModel, instr: Instr): ToolState {
  let starts = runStarts.get(model);
  if (!starts) {
    runStarts.set(model, (starts = new Map()));
    const ends = new Map<Stage, ToolState>();
    for (const stage of model.stages) {
      const parent = stage.from.stage && ends.get(stage.from.stage);
      const state = parent ? copyState(parent) : { yarn: { active: false, fetched: false }, pnpm: { active: false, fetched: false } };
      for (const i of stage.instructions) {
        if (!i.run) continue;
        const ran = ranCommands(i.run);
        if (i.run.commands.some((c) => fetched(c).length > 0)) starts.set(i, copyState(state));
        for (const b of ran) step(state, b);
      }
      ends.set(stage, state);
    }
  }
  return copyState(starts.get(instr)!);
}

/**
 * Whether this command is where the image's copy of its tool is downloaded: a corepack command
 * that fetches it, or the tool's shim once corepack put it on PATH, and nothing fetched it before
 * (along the FROM chain, then earlier in the RUN).
 */
function downloadsHere({ instr, cmd, model }: CacheCommandContext): boolean {
  const state = stateBefore(model!, instr, cmd);
  return fetched(cmd).some((tool) => !state[tool].fetched && (state[tool].active || programName(cmd) === 'corepack'));
}

/** Per model and RUN: the state before each of its commands, and where each command is. */
const commandStates = new WeakMap<DockerfileModel, Map<Instr, { states: ToolState[]; at: Map<ShellCommand, number> }>>();

/**
 * The state before `cmd` runs: the RUN's start ({@link startOf}) and its commands before `cmd`.
 * Worked out for all the RUN's commands at once: a walk per command was quadratic in a long RUN.
 */
function stateBefore(model: DockerfileModel, instr: Instr, cmd: ShellCommand): ToolState {
  let byInstr = commandStates.get(model);
  if (!byInstr) commandStates.set(model, (byInstr = new Map()));
  const { commands } = instr.run!;
  let known = byInstr.get(instr);
  if (!known) {
    const state = startOf(model, instr);
    known = { states: [], at: new Map() };
    for (const b of commands) {
      if (!known.at.has(b)) known.at.set(b, known.states.length);
      known.states.push(copyState(state));
      step(state, b);
    }
    known.states.push(state);
    byInstr.set(instr, known);
  }
  // As `commands.slice(0, commands.indexOf(cmd))` reads a command not in the list: all but the last.
  return known.states[known.at.get(cmd) ?? Math.max(commands.length - 1, 0)];
}

/** The programs that run a tool again later (its shims, or corepack itself). */
function runsAgain(cmd: ShellCommand): RegExp {
  const tools = fetched(cmd);
  return new RegExp(`^(corepack${tools.includes('yarn') ? '|yarn|yarnpkg' : ''}${tools.includes('pnpm') ? '|pnpm|pnpx' : ''})$`);
}

/** The folder corepack keeps its downloads in, for this command. */
function corepackHome({ instr, env }: CacheCommandContext): string {
  return env('COREPACK_HOME') ?? defaultFolder(instr, 'corepack', userCacheDir(env, 'node/corepack'))!;
}

export const rule = cacheRule({
  id: 'corepack-download-kept',
  title: "corepack's download of yarn or pnpm left in the layer",
  severity: 'info',
  finalLayersOnly: true,
  docs: {
    summary: 'After `corepack enable`, the first `yarn` or `pnpm` (or a `corepack prepare`) downloads that package manager into ~/.cache/node/corepack, and nothing later in the image runs it again.',
    why: "corepack's shims download the package manager on first use into corepack's home (`COREPACK_HOME`, else `~/.cache/node/corepack`). `yarn cache clean` and `pnpm store prune` leave it. When the image runs the tool only to install (the container starts `node`), it is dead weight; when a later RUN or the container runs it, it is needed and not reported.",
    incorrect: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN corepack enable && pnpm install --frozen-lockfile --prod\nCOPY . .\nCMD ["node", "index.js"]',
    correct: 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN corepack enable && pnpm install --frozen-lockfile --prod \\\n    && rm -rf ~/.cache/node/corepack\nCOPY . .\nCMD ["node", "index.js"]',
    sizeImpact: `The package manager's unpacked package: ${EXAMPLE}; du -sb of corepack's home after each one's first run (${YARN.measuredOn}, ${YARN.source}). A pinned version (packageManager, corepack prepare): its measured figure, else "about".`,
    fix: 'Appends `&& rm -rf` of the folder (`COREPACK_HOME` when set) to the RUN, after its last yarn or pnpm, which would fetch it again (a removal before one moves there). A cache mount on it, or `corepack cache clean` after the last use, also satisfy the rule.',
  },
  words: ['yarn', 'pnp', 'corepack'],
  // Each download (pnpm's, yarn's) is a finding with its own figure: a sum would name neither.
  perCommand: true,
  fills: (cmd) => (fetched(cmd).length ? programWord(cmd) : undefined),
  // Only where the download happens, and only when the image does not run the tool again.
  optsOut: (c) => !downloadsHere(c) || (c.model !== undefined && usedLaterInImage(c.model, c.instr, runsAgain(c.cmd))),
  // Taken care of by a removal (or `corepack cache clean`) only after the RUN's last yarn or pnpm, which would download it again.
  cleans: () => false,
  cacheHandled: (handled, c) => {
    const { commands } = c.instr.run!;
    const after = commands.slice(commands.indexOf(c.cmd) + 1);
    const last = after.reduce((k, x, i) => (fetched(x).length ? i : k), -1);
    if (after.slice(last + 1).some(clearsCache)) return true;
    if (last < 0) return handled(corepackHome(c));
    const removed = after.slice(last + 1).flatMap((x) => removedPaths([x], c.instr).map((r) => removalPath(c.instr, x, r)));
    return cacheMountTargets(c.instr).concat(removed).some((r) => pathCovers(r, corepackHome(c), { dir: homeOf(c.instr, c.cmd) }));
  },
  holds: (c) => namedPath(c.instr, c.cmd, corepackHome(c)),
  // The package.json whose packageManager pins the version.
  contextKey: ({ context }) => (context.npmManifest ? identityKey(context.npmManifest) : ''),
  message: (c) => `corepack leaves its download of ${fetched(c.cmd).join(' or ')} in this layer (${corepackHome(c)}): ${figure(measured(c))}. Nothing later in the image runs it: remove the folder in the same RUN.`,
  saving: (c) => {
    const [one, ...more] = measured(c);
    return more.length ? { basis: `depends on the tool: ${EXAMPLE}` } : { bytes: one.bytes, basis: one.pin ? `about: ${one.pin} is not measured; ${one.basis}` : one.basis };
  },
  // A removal that a later yarn or pnpm undoes (another rule's `yarn cache clean` appended after it) moves to the end.
  repair: (c) => {
    // Not a folder with a blank (rm would take two), a `$` or a backquote, as the other rm -rf repairs.
    const home = corepackHome(c);
    const fix = !/[\s$`]/.test(home) ? appendRepair(c.model, c.instr, `rm -rf ${home}`) : undefined;
    const early = c.instr.run!.commands.filter((x) => removedPaths([x], c.instr).some((r) => pathCovers(removalPath(c.instr, x, r), home, { dir: homeOf(c.instr, c.cmd) })));
    const moved = early.map((x) => removeCommandFromRun(c.model, c.instr, x));
    return fix && moved.every((e) => e !== undefined) ? { ...fix, edits: [...moved, ...fix.edits] } : undefined;
  },
});
