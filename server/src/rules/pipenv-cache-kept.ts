/**
 * pipenv-cache-kept: `pipenv install` fills two caches, pipenv's own (~/.cache/pipenv) and the
 * pip wheel cache pipenv installs with (~/.cache/pip), and leaves both in the layer.
 * With pip's cache off (PIP_NO_CACHE_DIR = 1, off, false or 0), pipenv 2022.12.19 (Debian's;
 * 2026-12-06, a 1,001,283-byte wheel from a local HTTPS index sending PyPI's cache headers) left
 * ~/.cache/pipenv/http of 1,051,200 bytes when it locked (no Pipfile.lock: its resolver caches,
 * whatever PIP_NO_CACHE_DIR says) and nothing in ~/.cache when it installed from Pipfile.lock
 * (`sync`, `install --deploy`); without the variable, 1,051,200 bytes either way.
 */
import { hasFlag } from '../core/commands';
import { appendRepair, cacheRule, defaultFolder, homePath, pipCacheDir, pipCacheFolder, pipCacheOff, subcommandOf, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programName } from '../core/shell';

const BASIS = "pip's wheel cache (a copy of every downloaded wheel: roughly the packages' download size again) plus pipenv's own cache; not yet measured by our bench";
/** With pip's cache off: what its lock resolution downloads. */
const OWN = "what it downloads to lock, pip's cache off or not (about the packages' size); none from a current Pipfile.lock";
const pipOff = ({ model, instr, cmd }: CacheCommandContext) => pipCacheOff(model, instr, cmd, 'install');

export const rule = cacheRule({
  id: 'pipenv-cache-kept',
  title: "pipenv's and pip's caches left in the layer",
  severity: 'warning',
  docs: {
    summary: '`pipenv install` / `pipenv sync` without removing the pipenv and pip caches in the same RUN.',
    why: 'pipenv resolves with its own cache (~/.cache/pipenv, or `PIPENV_CACHE_DIR`) and installs with pip, which keeps every wheel in ~/.cache/pip. The app needs neither, and a cleanup in a later RUN cannot take them out of this layer.',
    incorrect: 'RUN pipenv install --system --deploy',
    correct: 'RUN pipenv install --system --deploy \\\n    && rm -rf /root/.cache/pipenv /root/.cache/pip',
    sizeImpact: `Depends on the packages: ${BASIS}.`,
    fix: 'Appends `&& rm -rf <pipenv cache> ~/.cache/pip`, in the home of the user the RUN runs as, when the file tells it (or sets `PIPENV_CACHE_DIR`). `pipenv --clear`, a cache mount on ~/.cache, or `PIP_NO_CACHE_DIR=1` (or `no-cache-dir` in a pip.conf) with pipenv\'s cache removed also satisfy the rule.',
  },
  words: ['pipenv'],
  fills: (cmd) => subcommandOf(cmd, /^pipenv$/, ['install', 'sync', 'update']),
  cleans: (cmd) => programName(cmd) === 'pipenv' && hasFlag(cmd, '--clear'),
  // Its cache and pip's are both in ~/.cache when nothing moves them: the folder that holds the two.
  holds: ({ instr, cmd, env }) => (['PIPENV_CACHE_DIR', 'PIP_CACHE_DIR', 'XDG_CACHE_HOME'].some((n) => env(n) !== undefined) ? undefined : namedPath(instr, cmd, '~/.cache')),
  // pip's cache where pip-cache-kept takes it to be (PIP_CACHE_DIR, $XDG_CACHE_HOME/pip, ~/.cache/pip).
  // `pipenv sync` installs from Pipfile.lock and never locks.
  cacheHandled: (handled, c) => (pipOff(c) && !!subcommandOf(c.cmd, /^pipenv$/, ['sync'])) || (handled(c.env('PIPENV_CACHE_DIR') ?? '~/.cache/pipenv') && (handled(pipCacheDir(c.instr, c.cmd)) || pipOff(c))),
  message: (c) => {
    const off = pipOff(c);
    return `pipenv leaves its cache${off ? '' : " and pip's"} in this layer: ${off ? OWN : BASIS}. Remove ${defaultFolder(c.instr, 'pipenv', '~/.cache/pipenv') ?? "pipenv's cache"}${off ? '' : ` and ${pipCacheDir(c.instr, c.cmd)}`} in the same RUN (or use a cache mount).`;
  },
  saving: (c) => ({ basis: pipOff(c) ? OWN : BASIS }),
  repair: ({ model, instr, cmd, env }) => {
    const own = env('PIPENV_CACHE_DIR')?.replace(/^["']|["']$/g, '') ?? homePath(instr, cmd, '.cache/pipenv');
    if (!own || /[\s$`]/.test(own)) return undefined;
    const folder = pipCacheFolder(instr, cmd);
    const pip = pipCacheOff(model, instr, cmd, 'install') ? '' : folder?.startsWith('/') && !/[\s$`]/.test(folder) ? ` ${folder}` : undefined;
    return pip === undefined ? undefined : appendRepair(model, instr, `rm -rf ${own}${pip}`);
  },
});
