/**
 * npm-dev-dependencies: `npm ci` / `npm install` of a project installs its devDependencies too
 * (test runners, bundlers, linters, type definitions) unless told to omit them. In a stage whose
 * layers form the final image they ship with the app. `yarn install` and `pnpm install` too:
 * their flags were checked by running yarn 1.22.22, @yarnpkg/cli-dist 4.18.1 and pnpm 9.15.9.
 */
import { commandRange, firstRanAfter, hasFlag, insertAfterWord, lastRan, operands, optionFreeOperands, ranCommands, ranIndex } from '../core/commands';
import { envFor, findingCommand, firstFollowing, npmInstallWord, programWord } from '../core/packageManagers';
import { berryProjectKey, copiesBerryProject, corepackMayRunBerry, usesYarnBerry, yarnInstall } from '../core/yarn';
import { booleanOption, devOmitFlags, installsGlobally, isNpmPrune, nodeImageBuild, npmDependencyTypes, npmPackageOperands, omitsDevDependencies as omitsDev, omitsOptional } from '../core/npmCommand';
import { copiedBefore, installedLockfile, installedManifest, lockfileEstimate, lockfileKey, manifestEstimate } from '../core/npmLockfile';
import type { AnalysisEnvironment } from '../core/environment';
import type { SizeEstimate } from '../core/types';
import { finalStage, rootStage, runInstructions, type DockerfileModel, type Instr, type Stage } from '../core/model';
import { commandCwd } from '../core/paths';
import { programIndex, programName, type ShellCommand, type ShellWord } from '../core/shell';
import { countOf, formatBytes, formatCount, npmPackageTable } from '../sizes';
import { NPM_DEV_DEPENDENCIES_EXAMPLE as DEV } from '../sizes/packageCaches';
import type { RawFinding, Rule } from './rule';

const INSTALL_ALL = new Set(['install', 'i', 'in', 'ins', 'isntall', 'ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);
const TOOLS = 'the devDependencies of package.json (test runners, bundlers, linters, type definitions)';
const BASIS = `${TOOLS}; their size depends on the project: in a small TypeScript service we measured about ${formatBytes(DEV.bytes)} of them beside ${formatBytes(DEV.runtimeBytes)} of runtime dependencies`;
/** The saving where this project's devDependencies cannot be sized. */
const UNSIZED: SizeEstimate = { basis: `depends on the project; example: ${DEV.basis}` };
/** Tools that run from devDependencies when a Dockerfile builds or tests the app. */
const DEV_TOOLS = /^(npx|tsc|webpack|vite|next|ng|nest|rollup|esbuild|parcel|babel|jest|mocha|vitest|ts-node|tsx|nodemon|eslint)$/;

/** Rails tasks that run package.json's build script (jsbundling-rails' and cssbundling-rails' `yarn build`); assets:precompile runs them. */
const RAILS_BUILDS = /^(assets:precompile|javascript:build|css:build)$/;

/** A command that runs package scripts or dev tools, so it needs the devDependencies. */
export function usesDevDependencies(cmd: ShellCommand): boolean {
  const name = programName(cmd);
  if (name === 'rails' || name === 'rake' || name === 'bundle') return operands(cmd).some((w) => RAILS_BUILDS.test(w.value));
  if (name !== 'npm' && name !== 'yarn' && name !== 'pnpm') return DEV_TOOLS.test(name);
  const first = operands(cmd)[0]?.value ?? '';
  if (name === 'npm') return ['run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'exec', 'x'].includes(first);
  return first === 'run' || first === 'build' || first === 'test' || first === 'exec' || first === 'dlx';
}

/** Instructions that need devDependencies: RUNs with scripts or dev tools, a CMD/ENTRYPOINT running them (found once per check, when needed). */
function devUses(model: DockerfileModel): Instr[] {
  return model.instructions.filter(
    (i) =>
      (i.run && ranCommands(i.run).some(usesDevDependencies)) ||
      ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && /\b(npx|ts-node|tsx|nodemon)\b|\bnpm["',\s]+(test|t|run["',\s]+(?!start\b)[\w:-]+)/.test(i.node.getArgumentsContent() ?? '')),
  );
}

/**
 * A test runner or development server the image itself starts (`CMD ["npx", "playwright", "test"]`,
 * `npm test`, `npm run dev`, `nodemon`): such an image is for tests or development and needs its
 * devDependencies. `npx` alone is not enough (`npx prisma migrate deploy && node server.js`).
 */
const TEST_OR_DEV_START = /\b(?:yarn|pnpm)["',\s]+(?:run["',\s]+)?(?:test|dev|watch)\b|\bnpm["',\s]+(?:test|t)\b|\bnpm["',\s]+run["',\s]+(?:test|dev|watch)[\w:-]*|(?<![\w.-])(?:jest|mocha|vitest|nodemon|cypress|playwright["',\s]+test)(?![\w.-])/;

/** Whether the last CMD or ENTRYPOINT of the image (its final stage and the stages it builds on) starts tests or a development server. */
function startsTestsOrDevServer(model: DockerfileModel): boolean {
  for (let stage = finalStage(model); stage; stage = stage.from.stage) {
    for (let k = stage.instructions.length - 1; k >= 0; k--) {
      const i = stage.instructions[k];
      if (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') return TEST_OR_DEV_START.test(i.node.getArgumentsContent() ?? '');
    }
  }
  return false;
}

/** A command's program and its next two words, for a message (`bundle exec rails`, not `SECRET_KEY_BASE_DUMMY=1 bundle exec`). */
const commandStart = (c: ShellCommand) => c.words.slice(Math.max(0, programIndex(c)), Math.max(0, programIndex(c)) + 3).map((w) => w.value).join(' ');

/** The first later place in the image (same RUN or later instruction) that needs the devDependencies. */
function laterDevUse(instr: Instr, cmd: ShellCommand, model: DockerfileModel, uses: Instr[]): { line: number; text: string } | undefined {
  const run = instr.run!;
  // In the order the RUN's commands run, a -c script's hidden ones too (placed on the RUN's line).
  const inRun = firstRanAfter(run, cmd, usesDevDependencies);
  if (inRun) return { line: !run.hidden || run.commands.includes(inRun) ? model.lines.positionAt(run.docOffset(inRun.start)).line : instr.range.start.line, text: commandStart(inRun) };
  const later = firstFollowing(uses, instr);
  if (!later) return undefined;
  const c = later.run && ranCommands(later.run).find(usesDevDependencies);
  return { line: later.range.start.line, text: c ? commandStart(c) : (later.node.getArgumentsContent() ?? '').trim() };
}


/** What this project's devDependencies cost, for the message and the saving; `none` when it has none to omit. */
interface DevCost {
  cost: string;
  saving: SizeEstimate;
  none?: true;
}

/**
 * What the devDependencies of the build context's lockfile weigh, when this command installs from
 * it (copied before the RUN) and the npm package table knows at least half of them: the difference
 * of the lockfile's estimate with and without them, a lower bound ("at least") when the table lacks
 * some. Undefined otherwise, and when it knows fewer: their sum would tell more about the table
 * than about the project, and the measured example more.
 */
function lockfileDevCost(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, word: ShellWord, named: boolean): DevCost | undefined {
  const lockfile = installedLockfile(env, instr, cmd, word, named);
  if (!lockfile) return undefined;
  const all = lockfileEstimate(lockfile, { omitOptional: omitsOptional(instr, cmd) });
  const prod = lockfileEstimate(lockfile, { omitDev: true, omitOptional: omitsOptional(instr, cmd) });
  const count = all.installed - prod.installed;
  // Dev entries the table cannot size: a lockfile marks them, so the others' sum is a true lower bound.
  const missing = all.unknown.length - prod.unknown.length;
  if (missing * 2 > count) return undefined;
  const bytes = all.bytes - prod.bytes;
  const approximated = all.approximated.length - prod.approximated.length;
  const packages = `${missing ? `${formatCount(count - missing)} of ` : ''}${countOf(count, 'package')}`;
  const least = missing ? 'at least ' : '';
  const basis =
    `${least}unpacked size of the ${packages} ${lockfile.path} marks \`dev: true\` (what --omit=dev leaves out)` +
    `${approximated ? `, ${approximated} of them as another version of the same line` : ''}, from npm registry metadata of ${npmPackageTable().generatedOn}${missing ? `, which lacks the other ${missing}` : ''}`;
  const cost = `${TOOLS}: ${least}about ${formatBytes(bytes)} in the ${packages} ${lockfile.path} marks as dev (unpacked sizes from the npm package table${missing ? ', which lacks the others' : ''})`;
  return { cost, saving: { bytes, basis }, ...(count === 0 ? { none: true as const } : {}) };
}

/** The first names of a list of `name@range` specs, for a message: "typescript, jest, eslint and 4 more". */
function someNames(specs: readonly string[]): string {
  const names = specs.map((s) => s.slice(0, s.indexOf('@', 1)));
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * The devDependencies of the build context's package.json, when this command installs from it
 * without a lockfile: named, and sized when the npm package table resolves at least half of their
 * ranges (the difference of the install with and without them; a lower bound when it cannot size
 * some of them or of what they pull in). Undefined otherwise or when it has none.
 */
function manifestDevCost(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, word: ShellWord): DevCost | undefined {
  const manifest = installedManifest(env, instr, cmd, word);
  const dev = manifest?.devDependencies ?? [];
  if (!manifest || dev.length === 0) return undefined;
  const named = `the ${dev.length === 1 ? 'devDependency' : `${formatCount(dev.length)} devDependencies`} of ${manifest.path} (${someNames(dev)})`;
  const all = manifestEstimate(manifest, { omitOptional: omitsOptional(instr, cmd) });
  const prod = manifestEstimate(manifest, { omitDev: true, omitOptional: omitsOptional(instr, cmd) });
  const missing = all.unknown.filter((u) => !prod.unknown.includes(u));
  const unsized = missing.slice(0, 3).join(', ');
  if (dev.filter((d) => missing.includes(d)).length * 2 > dev.length) {
    return { cost: `${named}; the npm package table cannot size them all (${unsized})`, saving: UNSIZED };
  }
  const bytes = all.bytes - prod.bytes;
  // Each one resolves to a package the dependencies pull in already: npm installs nothing more for them.
  if (!missing.length && all.packages.length === prod.packages.length) return { cost: named, saving: { bytes: 0, basis: '' }, none: true };
  const least = missing.length ? 'at least ' : '';
  const basis = `${least}unpacked size of what ${manifest.path}'s devDependencies add to its dependencies, with their ranges resolved as npm does against npm registry metadata of ${npmPackageTable().generatedOn} (no lockfile: a build takes the newest versions that fit, which may differ)`;
  return { cost: `${named}: ${least}about ${formatBytes(bytes)} with what they pull in (ranges resolved against the npm package table${missing.length ? `, which cannot size ${unsized}` : ''}; there is no lockfile)`, saving: { bytes, basis } };
}

/** Whether the package.json this command installs (copied before the RUN, no workspaces root) declares no devDependencies: then there is nothing to omit. */
function declaresNoDev(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand): boolean {
  const manifest = env.context.npmManifest;
  return !!manifest && !manifest.workspaces && manifest.devDependencies.length === 0 && copiedBefore(instr, manifest.path, cmd);
}

/** Where the RUN (as it runs) last drops the devDependencies ({@link dropsDev}); -1 for nowhere. */
function lastDrop(instr: Instr, berry: boolean): number {
  return lastRan(instr.run!, (c) => dropsDev(instr, c, berry));
}

/**
 * The RUNs that install again without devDependencies or prune them (`npm prune --omit=dev`,
 * `npm ci --omit=dev`): after one of them, later in a builder stage or in a stage built on it, a
 * `COPY --from` may take node_modules without them (a plain `npm prune` after it is reported).
 */
function pruningRuns(model: DockerfileModel, berry: boolean): Instr[] {
  return runInstructions(model).filter((i) => lastDrop(i, berry) >= 0);
}

/** A command that writes node_modules: npm's install or prune, or one {@link dropsDev} accepts. */
function writesModules(instr: Instr, c: ShellCommand, berry: boolean): boolean {
  return isNpmPrune(c) || (INSTALL_ALL.has(npmInstallWord(c)?.value ?? '') && !installsGlobally(c)) || dropsDev(instr, c, berry);
}

/** The word of an npm prune or install that a flag follows. */
function npmSub(c: ShellCommand): ShellWord | undefined {
  return isNpmPrune(c) ? operands(c)[0] : npmInstallWord(c);
}

/**
 * A plain `npm prune` of the project, or `npm install <names>` in it: each installs what it does not
 * leave out, so the devDependencies an earlier command left out (measured with npm 6.14.18 to
 * 11.19.1: `npm ci --omit=dev`, then `npm prune` or `npm install is-odd`, in the same RUN or the
 * next, installed them; `npm install -g` and `npm install --omit=dev is-odd` did not).
 */
function keepsDevAfter(instr: Instr, c: ShellCommand): boolean {
  const sub = npmSub(c);
  if (!sub || omitsDev(instr, c) || hasFlag(c, '--package-lock-only')) return false;
  return isNpmPrune(c) ? operands(c).length === 1 : INSTALL_ALL.has(sub.value) && !installsGlobally(c) && npmPackageOperands(c, sub).length > 0;
}

/** The commands run after `cmd` in its stage, nearest first, with their instructions. */
function* ranFrom(instr: Instr, cmd: ShellCommand): Generator<[Instr, ShellCommand]> {
  const at = ranIndex(instr.run!, cmd);
  for (const i of instr.stage!.instructions) {
    const ran = i.run ? ranCommands(i.run) : [];
    if (i.index >= instr.index) for (const c of i !== instr ? ran : ran.slice(at + 1)) yield [i, c];
  }
}

/** What `cmd` ({@link keepsDevAfter}) installs again of the devDependencies an earlier command left out, for the image estimate; undefined for none. */
export function devInstalledAgain(model: DockerfileModel, env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand): SizeEstimate | undefined {
  if (!keepsDevAfter(instr, cmd) || !afterDrop(model, cmd, usesYarnBerry(model))) return undefined;
  return lockfileDevCost(env, instr, cmd, npmSub(cmd)!, true)?.saving ?? UNSIZED;
}

/** Per model, and with yarn 2+ or not: for each command that writes node_modules, whether the one before it that wrote them (up its FROM chain) left the devDependencies out. */
const dropped = new WeakMap<DockerfileModel, Map<ShellCommand, boolean>[]>();

/** Whether the command before `cmd` that wrote node_modules left the devDependencies out. */
function afterDrop(model: DockerfileModel, cmd: ShellCommand, berry: boolean): boolean {
  let all = dropped.get(model);
  if (!all) dropped.set(model, (all = []));
  let before = all[+berry];
  if (!before) {
    // One pass over the stages, a state per folder (a walk back per command was quadratic).
    before = all[+berry] = new Map();
    const ends = new Map<Stage | undefined, Map<string, boolean>>();
    for (const stage of model.stages) {
      const state = new Map(ends.get(stage.from.stage));
      for (const i of stage.instructions) {
        for (const c of i.run ? ranCommands(i.run) : []) {
          // Only a command in the same folder wrote this node_modules (`cd /opt/tool && npm install x` is another project's).
          const cwd = hasFlag(c, '--prefix', '--dir', '-C', '--cwd') ? undefined : commandCwd(i, c);
          if (cwd === undefined || !writesModules(i, c, berry)) continue;
          before.set(c, !!state.get(cwd));
          state.set(cwd, dropsDev(i, c, berry));
        }
      }
      ends.set(stage, state);
    }
  }
  return !!before.get(cmd);
}

/** The plain npm prunes and named installs ({@link keepsDevAfter}) next after `cmd` in its stage: an --omit=dev on `cmd` needs one on each. */
function prunesAfter(instr: Instr, cmd: ShellCommand): [Instr, ShellCommand][] {
  const out: [Instr, ShellCommand][] = [];
  for (const [i, c] of ranFrom(instr, cmd)) {
    if (!writesModules(i, c, false)) continue;
    if (!keepsDevAfter(i, c)) break;
    out.push([i, c]);
  }
  return out;
}

/**
 * A yarn or pnpm install of the whole package.json (`yarn`, `yarn install`, `pnpm install`/`i`;
 * not `add` or one given packages): the word a flag follows, and whether the devDependencies stay.
 * Measured: yarn 1 leaves them out with --production (also --prod) or NODE_ENV=production unless
 * --production=false; yarn 2+ has no --production (the install fails) and ignores NODE_ENV; pnpm
 * with --prod, -P, --production or NODE_ENV=production unless --prod=false.
 */
function yarnPnpmInstall(instr: Instr, cmd: ShellCommand, berry: boolean): YarnPnpmInstall | undefined {
  const yarn = programName(cmd) === 'yarn';
  if (!yarn) return pnpmInstall(instr, cmd);
  const word = yarnInstall(cmd);
  if (!word || (word !== programWord(cmd) && word.value !== 'install')) return undefined;
  const ops = operands(cmd);
  if (ops.length > ops.indexOf(word) + 1) return undefined;
  const flag = booleanOption(cmd, 'production', 'prod');
  // Yarn 2+ fails on --production: nothing is installed.
  const production = flag ?? (!berry && nodeEnvProduction(instr, cmd));
  return { pm: 'yarn', word, keeps: !production, asked: flag === false };
}

interface YarnPnpmInstall {
  pm: 'yarn' | 'pnpm';
  word: ShellWord;
  keeps: boolean;
  asked: boolean;
  /** Packages of a workspace (`--filter`, `deploy`): the package.json copied is not theirs. */
  filtered?: boolean;
  /** `pnpm deploy`'s target folder, where it installs. */
  deploy?: string;
}

function nodeEnvProduction(instr: Instr, cmd: ShellCommand): boolean {
  return envFor(instr, cmd, 'NODE_ENV')?.replace(/^["']|["']$/g, '') === 'production';
}

/**
 * `pnpm install` (`i`) of the whole package.json, also of workspace packages (`--filter`), or
 * `pnpm deploy <folder>`, which installs a workspace package's dependencies in that folder: with
 * pnpm 9.15.9 both keep the devDependencies unless --prod (-P) or NODE_ENV=production (deploy's
 * --dev installs only them, as asked).
 */
function pnpmInstall(instr: Instr, cmd: ShellCommand): YarnPnpmInstall | undefined {
  const ops = optionFreeOperands(cmd);
  // Other option values may come before the subcommand: it is the first word that can be one.
  const at = ops.findIndex((w) => /^[a-z][a-z0-9-]*$/.test(w.value));
  const word = ops[at];
  const deploy = word?.value === 'deploy';
  if (!word || !(deploy || word.value === 'install' || word.value === 'i') || ops.length !== at + (deploy ? 2 : 1)) return undefined;
  if (deploy && hasFlag(cmd, '-D', '--dev')) return undefined;
  const flag = hasFlag(cmd, '-P') || booleanOption(cmd, 'prod', 'production');
  const production = flag ?? nodeEnvProduction(instr, cmd);
  const filtered = deploy || hasFlag(cmd, '--filter', '-F', '--filter-prod');
  return { pm: 'pnpm', word, keeps: !production, asked: flag === false, filtered, ...(deploy && { deploy: ops[at + 1].value }) };
}

/** A command that leaves node_modules without devDependencies: npm's prune or install without them, `pnpm prune --prod`, a yarn 1 or pnpm install without them, `yarn workspaces focus --production`. */
function dropsDev(instr: Instr, c: ShellCommand, berry: boolean): boolean {
  const name = programName(c);
  const ops = operands(c).map((w) => w.value);
  if (name === 'npm') return (ops[0] === 'prune' || INSTALL_ALL.has(npmInstallWord(c)?.value ?? '')) && omitsDev(instr, c);
  if (name === 'pnpm' && ops[0] === 'prune') return hasFlag(c, '-P') || !!booleanOption(c, 'prod', 'production');
  if (name === 'yarn' && ops[0] === 'workspaces' && ops[1] === 'focus') return !!booleanOption(c, 'production');
  const other = (name === 'yarn' || name === 'pnpm') && !(name === 'yarn' && berry) ? yarnPnpmInstall(instr, c, berry) : undefined;
  // `pnpm deploy --prod` installs elsewhere: what the install before it left stays.
  return !!other && !other.keeps && !other.deploy;
}

/** The devDependencies a yarn or pnpm install keeps, named from the package.json it installs when known: their size is not known (its lockfile is not read). */
function unsizedCost(env: AnalysisEnvironment, instr: Instr, cmd: ShellCommand, { pm, filtered }: YarnPnpmInstall): string {
  const manifest = env.context.npmManifest;
  const dev = manifest && !manifest.workspaces && !filtered && copiedBefore(instr, manifest.path, cmd) ? manifest.devDependencies : [];
  const what = dev.length ? `the ${dev.length === 1 ? 'devDependency' : `${formatCount(dev.length)} devDependencies`} of ${manifest!.path} (${someNames(dev)})` : TOOLS;
  return `${what}; size not known (${pm === 'yarn' ? 'yarn.lock' : 'pnpm-lock.yaml'} is not read)`;
}

/**
 * npm's flag that leaves the devDependencies out: --production for npm 6, the npm of node:14 and
 * older (it ignores --omit=dev: npm 6.14.18 installed them; npm 11 still takes --production).
 */
export function npmFlag(stage: Stage): string {
  return /^node:(\d|1[0-4])\b/.test(rootStage(stage).from.image ?? '') ? '--production' : '--omit=dev';
}

/** How a yarn or pnpm user installs or prunes without the devDependencies, for messages (and the flag a fix adds). */
function prodWays(pm: 'yarn' | 'pnpm', berry: boolean): { flag?: string; install: string; prune: string } {
  if (pm === 'pnpm') return { flag: '--prod', install: '`pnpm install --prod`', prune: '`pnpm prune --prod`' };
  if (berry) return { install: '`yarn workspaces focus --production`', prune: '`yarn workspaces focus --production`' };
  return { flag: '--production', install: '`yarn install --production`', prune: '`yarn install --production`' };
}

export const rule: Rule = {
  id: 'npm-dev-dependencies',
  title: 'devDependencies installed in the final image',
  severity: 'warning',
  scope: 'layers',
  // A later use of the devDependencies counts only in the same image (followsInImage): same family.
  reads: 'family',
  words: ['npm', 'yarn'],
  // The build context's lockfile, when there is one, sizes the devDependencies; its .yarnrc.yml shows yarn 2+.
  contextKey: (env) => `${lockfileKey(env)}/${env.context.yarnrc ? berryProjectKey(env.context) : ''}`,
  quotesLines: true,
  docs: {
    summary: '`npm ci` / `npm install` without `--omit=dev` (or `NODE_ENV=production`), `yarn install` (without `--production` on yarn 1), `pnpm install` or `pnpm deploy` without `--prod`, in a stage whose layers form the final image, or whose node_modules a `COPY --from` carries there.',
    why: 'Test runners, bundlers, linters and type definitions build and test the app, not run it. Where the image builds the app (`npm run build`) it needs them: build in a builder stage, install with `--omit=dev` in a final stage that copies the output.',
    incorrect: 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]',
    correct: 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force\nCOPY . .\nCMD ["node", "server.js"]',
    sizeImpact: `The unpacked size (npm package table) of the packages marked \`dev: true\` in the build context's package-lock.json (or npm-shrinkwrap.json) copied before the RUN; without a lockfile, what the devDependencies of the package.json copied before the RUN add to the install, their ranges resolved against the npm package table. Either when the table knows at least half of them ("at least" when it lacks some). Otherwise it depends on the project; a small TypeScript service: ${DEV.basis}. For yarn and pnpm not known: their lockfiles are not read. No finding when that lockfile pins no dev package, or that package.json declares no devDependencies (or only ones its dependencies pull in) and no lockfile pins any: there is nothing to omit.`,
    fix: 'Inserts `--omit=dev` after the subcommand (node:14 and older, yarn 1: `--production`; pnpm: `--prod`; none where the yarn may be 2+, which fails on it), and in the plain `npm prune`s and `npm install <name>`s next after it (these install them again: one after `--omit=dev` is reported), keeping what npm_config_omit omits (an `--omit` replaces it). Not offered when a later command of the image runs package scripts or dev tools (`npm run`, `npm test`, `npx`, `tsc`, `webpack`..., Rails\'s `assets:precompile`), or the CMD does (`npx`, `ts-node`, `tsx`): the finding suggests a builder stage (build-tools-in-final-image, while on, rewrites a stage FROM node that runs `npm run build`). `prepare`/`postinstall` scripts that call dev tools (husky) then fail: add `--ignore-scripts` or `npm pkg delete scripts.prepare`. No finding where a `COPY --from` carries a builder\'s node_modules but a later prune or install without the devDependencies in the stage (or one built on it) drops them, nor for images whose CMD or ENTRYPOINT runs tests or a development server (`npm test`, `npm run dev`, jest, nodemon...), which need them.',
  },
  // Whether the image starts tests or a development server is read from the final stage, for a
  // builder's family too. A builder's install gets no fix: what copies its node_modules (another
  // family) may need the devDependencies.
  fileKey: (file) => `${startsTestsOrDevServer(file)}/${usesYarnBerry(file)}`,
  check({ model, file, env }) {
    const out: RawFinding[] = [];
    // Looked for at the first install that keeps the devDependencies only: most files have none.
    let uses: Instr[] | undefined;
    let testOrDevImage: boolean | undefined;
    const builds = new Map<Stage, ReturnType<typeof nodeImageBuild>>();
    let pruning: Instr[] | undefined;
    // Signs of yarn 2+ anywhere in the file: its yarn ignores NODE_ENV and has no --production.
    const berryFile = usesYarnBerry(file ?? model);
    for (const instr of runInstructions(model)) {
      const inFinal = instr.stage.layersInFinal;
      const run = instr.run;
      let dropAt: number | undefined;
      for (const cmd of run.commands) {
        const name = programName(cmd);
        if (name !== 'npm' && name !== 'yarn' && name !== 'pnpm') continue;
        const berry = name === 'yarn' && (berryFile || copiesBerryProject(instr, cmd, env.context));
        // A plain npm prune or named install after a command that left the devDependencies out installs them again.
        const restores = name === 'npm' && keepsDevAfter(instr, cmd) && afterDrop(model, cmd, berryFile);
        const npmWord = name === 'npm' ? npmSub(cmd) : undefined;
        const other = name === 'npm' ? undefined : yarnPnpmInstall(instr, cmd, berry);
        let types: ReturnType<typeof npmDependencyTypes> | undefined;
        if (npmWord) {
          if (!restores && (!INSTALL_ALL.has(npmWord.value) || installsGlobally(cmd) || npmPackageOperands(cmd, npmWord).length > 0)) continue;
          types = npmDependencyTypes(instr, cmd);
          if (types.omitted.has('dev')) continue;
        } else if (!other?.keeps) continue;
        // Dropped later in the RUN (a plain npm prune after that is reported itself).
        if (ranIndex(run, cmd) < (dropAt ??= lastDrop(instr, berryFile))) continue;
        if ((testOrDevImage ??= startsTestsOrDevServer(file ?? model))) continue;
        // In a builder stage, reported only when a COPY --from carries its node_modules into the final image.
        let holds: string | undefined;
        if (!inFinal) {
          const cwd = commandCwd(instr, cmd);
          if (cwd === undefined || hasFlag(cmd, '--prefix', '--dir', '-C', '--cwd') || firstFollowing((pruning ??= pruningRuns(model, berryFile)), instr)) continue;
          const folder = other?.deploy === undefined ? cwd : other.deploy.startsWith('/') ? other.deploy : `${cwd.replace(/\/$/, '')}/${other.deploy}`;
          holds = `${folder.replace(/\/$/, '')}/node_modules`;
        }
        const own = npmWord ? (lockfileDevCost(env, instr, cmd, npmWord, restores) ?? manifestDevCost(env, instr, cmd, npmWord)) : undefined;
        // The installed lockfile pins no dev package, or package.json declares none and no lockfile
        // says otherwise: --omit=dev would change nothing.
        if (own ? own.none : !other?.filtered && declaresNoDev(env, instr, cmd)) continue;
        const dev = laterDevUse(instr, cmd, model, (uses ??= devUses(model)));
        // yarn.lock and pnpm-lock.yaml are not read: no figure for their installs.
        const cost = own?.cost ?? (other ? unsizedCost(env, instr, cmd, other) : BASIS);
        const flag = npmFlag(instr.stage);
        const ways = other ? prodWays(other.pm, berry) : { flag, install: `\`npm ci ${flag}\``, prune: `\`npm prune ${flag}\`` };
        const pm = other?.pm ?? (restores ? `npm ${npmWord!.value}` : 'npm');
        // corepack may run yarn 2+ here (package.json's packageManager, not known): both ways.
        const unsure = other?.pm === 'yarn' && !berry && corepackMayRunBerry(instr, cmd, env.context);
        const where = inFinal ? 'into the final image' : 'here';
        const message = dev
          ? `${pm} installs devDependencies ${where}: ${cost}. Line ${dev.line + 1} (\`${dev.text}\`) needs them, so ${inFinal ? `build in a separate stage and install with ${ways.install} in the final one` : `run ${ways.prune} after it, or copy only the build output`}.`
          : !inFinal
            ? `${pm} installs devDependencies here: ${cost}. Unless what copies them needs them, ${ways.flag ? `add ${ways.flag} or ` : ''}run ${ways.prune} before the copy.`
            : types?.included.has('dev')
            ? `${pm} installs devDependencies ${where}: ${cost}. Its include=dev setting wins over --omit=dev and NODE_ENV=production: drop it.`
            : other?.asked
            ? `${pm} installs devDependencies ${where}: ${cost}. Drop its ${ways.flag}=false.`
            : !ways.flag
            ? `yarn 2+ installs devDependencies ${where}: ${cost}. Install with ${ways.install} instead.`
            : unsure
            ? `yarn installs devDependencies ${where}: ${cost}. Add --production (yarn 1) or use ${prodWays('yarn', true).install} (yarn 2+).`
            : `${pm} installs devDependencies ${where}: ${cost}. Add ${ways.flag}${types?.omitGiven ? '' : ' (or set NODE_ENV=production)'}.`;
        const saving = own?.saving ?? UNSIZED;
        // In the final image, build-tools-in-final-image reports this install's devDependencies with the stage's
        // `npm run build` on its FROM line, with this figure and a builder-stage rewrite.
        if (!builds.has(instr.stage)) builds.set(instr.stage, nodeImageBuild(instr.stage));
        const handOver = inFinal && builds.get(instr.stage)?.install.cmd === cmd ? ({ to: 'build-tools-in-final-image', keep: 'if-hidden', at: 'from' } as const) : undefined;
        // A fix only where the flag is known to work: not for a yarn that may be 2+ (it fails on --production).
        const needsDev = dev !== undefined || !!types?.included.has('dev') || !!other?.asked || !inFinal || !ways.flag || unsure;
        out.push({ range: commandRange(model, run, cmd), instr, message, saving, handOver, holds, onlyIfCarried: !inFinal, data: { commandStart: cmd.start, needsDev, cost } });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    if (finding.data?.needsDev) return undefined;
    const found = findingCommand(model, finding);
    if (!found) return undefined;
    const npm = npmSub(found.cmd);
    const other = npm ? undefined : yarnPnpmInstall(found.instr, found.cmd, false);
    const word = npm ?? other?.word;
    const flag = other ? prodWays(other.pm, false).flag : npmFlag(found.instr.stage!);
    if (!word || !flag) return undefined;
    const edits = [insertAfterWord(model, found.run, word, ` ${other ? flag : devOmitFlags(found.instr, found.cmd, flag)}`)];
    // The plain prunes after it would install them again: each gets the flag too, or no fix (with it
    // `npm install -D x` installs nothing).
    for (const [i, c] of npm ? prunesAfter(found.instr, found.cmd) : []) {
      if (npmDependencyTypes(i, c).included.has('dev') || hasFlag(c, '-D', '--save-dev') || !i.run!.commands.includes(c) || (i.run!.form === 'exec' && !i.run!.inner)) return undefined;
      edits.push(insertAfterWord(model, i.run!, npmSub(c)!, ` ${devOmitFlags(i, c, flag)}`));
    }
    return { title: `Install without devDependencies (${flag})`, edits };
  },
};
