/**
 * pipenv-cache-kept: `pipenv install` and `pipenv sync` keep every wheel they download in pipenv's
 * cache (~/.cache/pipenv, $XDG_CACHE_HOME/pipenv or PIPENV_CACHE_DIR), and leave it in the layer.
 * pipenv runs pip with PIP_CACHE_DIR set to that folder (utils/pip.py), so ~/.cache/pip is not
 * written. Measured with pipenv 2022.12.19 (Debian bookworm's) and 2024.0.1 (trixie's),
 * 2026-12-06, fresh HOME and project, PIPENV_VENV_IN_PROJECT=1, wheels from a local HTTPS index
 * sending PyPI's cache headers; ~/.cache/pip was made by neither, nor a PIP_CACHE_DIR of ours.
 * 2024.0.1, a 1,001,103-byte wheel and a 501,102-byte dev one: ~/.cache/pipenv/http-v2 1,001,869
 * bytes from a Pipfile.lock (`sync`, `install --deploy`, `install --system --deploy`), 1,503,736
 * when it locked (its resolver downloads the dev packages too); `pipenv --clear` emptied it.
 * With pip's cache off (PIP_NO_CACHE_DIR = 1, off, false or 0) both versions left the same
 * figures when they locked (2022.12.19: ~/.cache/pipenv/http 1,051,200 bytes for a
 * 1,001,283-byte wheel) and nothing in ~/.cache when they installed from Pipfile.lock. The run
 * that makes its venv (not --system) also leaves virtualenv's seed wheels (SEED_WHEELS).
 */
import { hasFlag } from '../core/commands';
import { cacheRule, defaultFolder, isTruthy, pipCacheOff, seedWheelsDir, setIn, subcommandOf, userCacheDir, userCachePath, withSeedWheels, SEED_WHEELS_DOCS, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programName, type ShellCommand } from '../core/shell';

const BASIS = "every wheel it and pip download, once: about the packages' size (when it locks, the dev packages' too)";
/** With pip's cache off: what its lock resolution downloads. */
const OWN = "what it downloads to lock, pip's cache off or not (about the packages' size); none from a current Pipfile.lock";
const pipOff = ({ model, instr, cmd }: CacheCommandContext) => pipCacheOff(model, instr, cmd, 'install');
/** Where pipenv caches, as the file sets it (`~` the RUN user's home). */
const cacheDir = (env: CacheCommandContext['env']) => env('PIPENV_CACHE_DIR') ?? userCacheDir(env, 'pipenv');

const fills = (cmd: ShellCommand) => subcommandOf(cmd, /^pipenv$/, ['install', 'sync', 'update']);

/** pipenv makes a venv, and leaves the seed wheels, unless it installs into the system (measured; it made one in an active VIRTUAL_ENV too). */
const seeds = (c: CacheCommandContext) => (!fills(c.cmd) || hasFlag(c.cmd, '--system') || isTruthy(c.env('PIPENV_SYSTEM')) ? undefined : seedWheelsDir(c));


const own = withSeedWheels('pipenv', seeds, {
  // `pipenv sync` installs from Pipfile.lock and never locks: with pip's cache off it keeps nothing.
  handled: (handled, c) => (pipOff(c) && !!subcommandOf(c.cmd, /^pipenv$/, ['sync'])) || handled(cacheDir(c.env)),
  message: (c) => `pipenv leaves its cache in this layer: ${pipOff(c) ? OWN : BASIS}. Remove ${defaultFolder(c.instr, 'pipenv', cacheDir(c.env)) ?? "pipenv's cache"} in the same RUN (or use a cache mount).`,
  saving: (c) => ({ basis: pipOff(c) ? OWN : BASIS }),
  dirs: ({ instr, cmd, env }) => {
    const dir = setIn(env, 'PIPENV_CACHE_DIR') ?? userCachePath(instr, cmd, env, 'pipenv');
    return dir ? [dir] : undefined;
  },
});

export const rule = cacheRule({
  id: 'pipenv-cache-kept',
  title: "pipenv's cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`pipenv install` / `pipenv sync` without removing its cache in the same RUN.',
    why: 'pipenv keeps the wheels it and pip download in its cache (~/.cache/pipenv, or `PIPENV_CACHE_DIR`; ~/.cache/pip stays empty). The app needs none of it; a later RUN cannot take it out of this layer.',
    incorrect: 'RUN pipenv install --system --deploy',
    correct: 'RUN pipenv install --system --deploy \\\n    && rm -rf /root/.cache/pipenv',
    sizeImpact: `Depends on the packages: ${BASIS}. ${SEED_WHEELS_DOCS}`,
    fix: 'Appends `&& rm -rf <pipenv cache>`, in the home of the RUN\'s user when the file tells it (or sets `PIPENV_CACHE_DIR`). `pipenv --clear`, a cache mount, or for `pipenv sync` `PIP_NO_CACHE_DIR=1` (or `no-cache-dir` in a pip.conf) suffice for the cache.',
  },
  words: ['pipenv'],
  fills,
  cleans: (cmd) => programName(cmd) === 'pipenv' && hasFlag(cmd, '--clear'),
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, cacheDir(env)),
  ...own,
});
