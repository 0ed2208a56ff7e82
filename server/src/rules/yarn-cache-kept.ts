/**
 * yarn-cache-kept (hadolint DL3060): yarn classic (1.x) keeps an unpacked copy and the tarball of
 * every package in its cache folder. Yarn 2+ ("berry") works differently: with Plug'n'Play its
 * cache *is* the installed packages, so the rule stays quiet wherever the Dockerfile shows berry.
 */
import { operands } from '../core/commands';
import { appendRepair, cacheRule, flagValue, programWord, runsAsRoot, userCacheDir } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { perInstruction, type DockerfileModel, type RunScript } from '../core/model';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { formatBytes } from '../sizes';
import { YARN_CACHE_EXAMPLE as EX } from '../sizes/packageCaches';

const CLEAN = 'yarn cache clean';
const EXAMPLE = `it grows with the dependencies; for express@4.21.2 it was about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.installedBytes)} of node_modules (measured with yarn 1.22)`;
/** Folders yarn classic uses: root's on Linux, other users', and berry's global cache. */
const DEFAULT_DIRS = ['/usr/local/share/.cache/yarn', '~/.cache/yarn', '~/.yarn/berry/cache', '~/.yarn/cache'];

/** `yarn`, `yarn install`, `yarn add x`, `yarn global add x`: the word a flag would follow. */
function yarnInstall(cmd: ShellCommand) {
  if (programName(cmd) !== 'yarn') return undefined;
  const ops = operands(cmd);
  const first = ops[0]?.value;
  if (first === undefined) {
    // Bare `yarn` installs; `yarn --version` or `yarn -h` do not.
    return programArgs(cmd).some((w) => /^(-v|--version|-h|--help)$/.test(w.value)) ? undefined : programWord(cmd);
  }
  if (first === 'install' || first === 'add') return ops[0];
  if (first === 'global' && ops[1]?.value === 'add') return ops[1];
  return undefined;
}

/** Signs that the Dockerfile uses yarn 2+ (berry), whose cache may be the install itself. */
export function usesYarnBerry(model: DockerfileModel): boolean {
  // Every sign names yarn, corepack or a .pnp file: a file without any (most) needs no look at its instructions.
  const t = model.text;
  return (t.includes('yarn') || t.includes('corepack') || t.includes('.pnp.')) && model.instructions.some(showsYarnBerry);
}

const showsYarnBerry = perInstruction((i) => {
  if (i.keyword === 'COPY' || i.keyword === 'ADD') return /(^|[\s/"])\.(yarnrc\.yml|yarn\/|yarn\b|pnp\.c?js)/.test(i.node.getArgumentsContent() ?? '');
  return i.run ? runShowsYarnBerry(i.run) : false;
});

/**
 * Answers by script: the question is asked of every RUN of the file on each analysis, and a RUN
 * parsed again because lines above it moved (Enter) has a new node but the same script.
 */
const byScript = new Map<string, boolean>();

function runShowsYarnBerry(run: RunScript): boolean {
  const key = `${run.form}\u0000${run.text}`;
  let answer = byScript.get(key);
  if (answer === undefined) {
    answer = run.commands.some((c) => {
      const name = programName(c);
      if (name === 'corepack') return true;
      if (name !== 'yarn') return false;
      const ops = operands(c).map((w) => w.value);
      return (ops[0] === 'set' && ops[1] === 'version') || ops[0] === 'dlx' || programArgs(c).some((w) => w.value === '--immutable' || w.value === '--immutable-cache');
    });
    if (byScript.size >= 10_000) byScript.clear();
    byScript.set(key, answer);
  }
  return answer;
}

export const rule = cacheRule({
  id: 'yarn-cache-kept',
  title: "yarn's cache left in the layer",
  severity: 'warning',
  hadolint: 'DL3060',
  docs: {
    summary: '`yarn install` without `yarn cache clean` in the same RUN (yarn classic).',
    why: "yarn 1.x keeps every package it installs twice more in its cache folder (/usr/local/share/.cache/yarn for root): the tarball and an unpacked copy. The running app only needs node_modules. Yarn 2+ (berry) is different: with Plug'n'Play the cache is where the installed packages live, and cleaning it breaks the app. The rule therefore keeps to yarn classic and stays quiet when the Dockerfile shows berry (`.yarnrc.yml` or `.yarn/` copied in, `corepack`, `yarn set version`, `yarn dlx`, `--immutable`).",
    incorrect: 'RUN yarn install --frozen-lockfile --production',
    correct: 'RUN yarn install --frozen-lockfile --production \\\n    && yarn cache clean\n# or keep it out of the image:\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile --production',
    sizeImpact: `Often larger than node_modules: ${EXAMPLE}; basis: ${EX.basis}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN. Not offered with \`--cache-folder\` (clean that folder with \`rm -rf\` instead). A cache mount on the cache folder, \`YARN_CACHE_FOLDER\` pointing at a folder the RUN removes, or \`rm -rf\` of the folder also satisfy the rule.`,
  },
  fills: yarnInstall,
  cleans: (cmd) => programName(cmd) === 'yarn' && operands(cmd)[0]?.value === 'cache' && operands(cmd)[1]?.value === 'clean',
  cacheHandled: (handled, { cmd, env }) => {
    const dir = flagValue(cmd, '--cache-folder') ?? env('YARN_CACHE_FOLDER');
    return dir !== undefined ? handled(dir) : DEFAULT_DIRS.some(handled);
  },
  // Yarn classic as root caches in /usr/local/share/.cache/yarn (its home for root is /usr/local/share);
  // how XDG_CACHE_HOME changes that for root is not checked, so then no folder is named.
  holds: ({ instr, cmd, env }) => {
    const root = runsAsRoot(instr);
    const dir = flagValue(cmd, '--cache-folder') ?? env('YARN_CACHE_FOLDER') ?? (!root ? userCacheDir(env, 'yarn') : env('XDG_CACHE_HOME') === undefined ? DEFAULT_DIRS[0] : undefined);
    return dir === undefined ? undefined : namedPath(instr, cmd, dir);
  },
  message: () => `yarn leaves its cache in this layer: ${EXAMPLE}. Add \`${CLEAN}\` to the same RUN.`,
  // An example from another project is no estimate for this one: no `bytes`, the example stays in the basis.
  saving: { basis: `depends on the dependencies; example: ${EX.basis}` },
  applies: (model) => !usesYarnBerry(model),
  repair: ({ model, instr, cmd }) => (flagValue(cmd, '--cache-folder') === undefined ? appendRepair(model, instr, CLEAN) : undefined),
});
