/**
 * bundler-cache-kept: `bundle install` (and `gem install`) keeps the downloaded .gem archive of every gem in the gem
 * home's cache/ folder (/usr/local/bundle/cache on the official ruby image, or
 * $BUNDLE_PATH/ruby/<version>/cache) next to the installed gem. The app never reads them.
 */
import { appendRepair, baseImageOf, bundleInstallWord, cacheRule, flagValue, imageRepository, subcommandOf } from '../core/packageManagers';
import { hasFlag, operands, ranCommands, runsOn } from '../core/commands';
import { runInstructions, type DockerfileModel, type Instr, type RunScript } from '../core/model';
import { programName, type ShellCommand } from '../core/shell';
import { resolvePath, workdirAt } from '../core/workdir';

const BASIS = 'the .gem archive of every installed gem: roughly the compressed size of the bundle; it depends on the Gemfile and is not yet measured by our bench';
/** `gem install x` reads no Gemfile: its archives are those of x and the gems x depends on. */
const GEM_BASIS = 'the .gem archive of each gem it installed (and of the gems they depend on): roughly their compressed size; not yet measured by our bench';
/** A bundle's archives are those of every installed gem: with a gem install (`gem install bundler && bundle install`) too. */
const basisFor = (cmds: ShellCommand[]) => (cmds.every((c) => programName(c) === 'gem') ? GEM_BASIS : BASIS);
/** The message for the RUN's commands that fill one gem cache: one cleanup after the last removes all their archives. */
function message(cmds: ShellCommand[]): string {
  const names = [...new Set(cmds.map((c) => `${programName(c) === 'gem' ? 'gem' : 'bundle'} ${bundleInstall(c)!.value.replace(/.*bundler?$/, 'install')}`))];
  return `${names.join(' and ')} leave${names.length > 1 ? '' : 's'} the .gem archives in this layer: ${basisFor(cmds)}. Remove the gem home's cache/ folder in the same RUN.`;
}
/** Where the official ruby image (GEM_HOME=/usr/local/bundle) puts the archives, with and without BUNDLE_PATH. */
const OFFICIAL_CLEANUP = 'rm -rf /usr/local/bundle/cache /usr/local/bundle/ruby/*/cache';

function bundleInstall(cmd: ShellCommand) {
  // `gem install x` keeps x's archive (and its dependencies') in the same cache/ folder.
  return programName(cmd) === 'gem' ? subcommandOf(cmd, /^gem$/, ['install', 'update']) : bundleInstallWord(cmd);
}

/** A removed or mounted path that is a gem cache folder: `.../cache` under a bundle or gem home. */
function gemCachePath(p: string): boolean {
  const s = p.replace(/["']/g, '').replace(/\/(\*|\*\.gem)$/, '').replace(/\/+$/, '');
  return /\/cache$/.test(s) && /bundle|gem|ruby|BUNDLE_PATH|GEM_HOME/i.test(s);
}

/** `bundle config [set [--local|--global]] path|deployment ...`: a setting that makes Bundler install into a path of its own. */
function setsBundlePath(c: ShellCommand): boolean {
  if (!/^bundler?$/.test(programName(c))) return false;
  const ops = operands(c).map((w) => w.value);
  const key = ops[0] === 'config' ? (ops[1] === 'set' ? ops[2] : ops[1]) : undefined;
  return key === 'path' || key === 'deployment';
}

/** The bundle path the command itself or the environment gives Bundler: --path's folder, else ./vendor/bundle for --deployment or BUNDLE_DEPLOYMENT without BUNDLE_PATH. */
function commandBundlePath(cmd: ShellCommand, env: (name: string) => string | undefined): string | undefined {
  if (programName(cmd) === 'gem') return undefined;
  const path = flagValue(cmd, '--path');
  if (path !== undefined) return unquoted(path);
  const deployment = unquoted(env('BUNDLE_DEPLOYMENT'));
  const deploys = hasFlag(cmd, '--deployment') || (deployment !== undefined && !/^(?:false|0|)$/i.test(deployment));
  return deploys && env('BUNDLE_PATH') === undefined ? 'vendor/bundle' : undefined;
}

/** Per RUN, the start of its first {@link setsBundlePath} command (Infinity for none); per model, the RUNs that run one. */
const firstSetter = new WeakMap<RunScript, number>();
const setterRuns = new WeakMap<DockerfileModel, Instr[]>();

/**
 * True when `bundle install` puts the bundle into a path of its own (./vendor/bundle for
 * deployment) instead of the gem home: --path or --deployment, BUNDLE_DEPLOYMENT without
 * BUNDLE_PATH, or a `bundle config` of path or deployment earlier in the RUN or the image.
 * Measured with Debian's Bundler 2.3.15 (GEM_HOME and BUNDLE_APP_CONFIG set as the official image
 * does): each of these left the .gem archives in ./vendor/bundle/ruby/3.1.0/cache.
 */
function ownBundlePath(model: DockerfileModel, instr: Instr, cmd: ShellCommand, env: (name: string) => string | undefined): boolean {
  if (commandBundlePath(cmd, env) !== undefined) return true;
  if (programName(cmd) === 'gem') return false;
  if (instr.run) {
    let first = firstSetter.get(instr.run);
    if (first === undefined) firstSetter.set(instr.run, (first = instr.run.commands.find(setsBundlePath)?.start ?? Infinity));
    if (first < cmd.start) return true;
  }
  let runs = setterRuns.get(model);
  if (!runs) setterRuns.set(model, (runs = runInstructions(model).filter((at) => ranCommands(at.run).some(setsBundlePath))));
  return runs.some((at) => at.index < instr.index && !!at.stage && runsOn(instr, at.stage));
}

function unquoted(value: string | undefined): string | undefined {
  return value?.replace(/^["']|["']$/g, '');
}

export const rule = cacheRule({
  id: 'bundler-cache-kept',
  title: 'gem archives left by bundle install or gem install',
  severity: 'warning',
  docs: {
    summary: '`bundle install` or `gem install` without removing the gem cache folder in the same RUN.',
    why: "RubyGems (and Bundler through it) keeps each downloaded .gem archive in the cache/ folder of the gem home, next to the unpacked gem. Nothing at run time reads them. Rails' generated Dockerfile removes them for this reason (`rm -rf \"${BUNDLE_PATH}\"/ruby/*/cache`).",
    incorrect: 'FROM ruby:3.3-slim\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install',
    correct: 'FROM ruby:3.3-slim\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install \\\n    && rm -rf /usr/local/bundle/cache /usr/local/bundle/ruby/*/cache',
    sizeImpact: 'Depends on the Gemfile: the .gem archive of every installed gem, roughly the compressed size of the bundle; not yet measured by our bench.',
    fix: `On the official ruby image (gem home /usr/local/bundle) without a BUNDLE_PATH elsewhere: appends \`&& ${OFFICIAL_CLEANUP}\`. Not offered when Bundler has a path of its own (--path, --deployment, BUNDLE_DEPLOYMENT, bundle config set path). Elsewhere (GEM_HOME, BUNDLE_PATH) no fix; removing any \`.../cache\` folder of the gem or bundle home, or a cache mount on it, satisfies the rule.`,
  },
  words: ['bundle', 'gem'],
  fills: bundleInstall,
  cleans: () => false,
  cacheHandled: (_handled, { pathsSome }) => pathsSome?.(gemCachePath) === true,
  message: ({ cmd }) => message([cmd]),
  saving: ({ cmd }) => ({ basis: basisFor([cmd]) }),
  combine: (seen) => ({ message: message(seen.map((c) => c.cmd)), saving: { basis: basisFor(seen.map((c) => c.cmd)) } }),
  // The gem home: a builder's `COPY --from=build /usr/local/bundle /usr/local/bundle` (Rails'
  // Dockerfile) carries the archives into the final image. A relative BUNDLE_PATH is read from the
  // app's folder, the WORKDIR where the Gemfile usually is.
  holds: ({ instr, cmd, env, model }) => {
    const path = commandBundlePath(cmd, env);
    // A path a `bundle config` sets is not read: no folder, nor one finding with a gem install's into the gem home.
    if (path === undefined && model && ownBundlePath(model, instr, cmd, env)) return undefined;
    const home = path ?? unquoted(env('BUNDLE_PATH')) ?? unquoted(env('GEM_HOME')) ?? (imageRepository(baseImageOf(instr)) === 'ruby' ? '/usr/local/bundle' : undefined);
    const cwd = workdirAt(instr) ?? '/';
    return home === undefined ? undefined : resolvePath(home, cwd);
  },
  repair: ({ model, instr, cmd, env }) => {
    const bundlePath = unquoted(env('BUNDLE_PATH'))?.replace(/\/+$/, '');
    const official = imageRepository(baseImageOf(instr)) === 'ruby';
    if (!official || (bundlePath !== undefined && bundlePath !== '/usr/local/bundle') || env('GEM_HOME') !== undefined) return undefined;
    if (ownBundlePath(model, instr, cmd, env)) return undefined;
    return appendRepair(model, instr, OFFICIAL_CLEANUP);
  },
});
