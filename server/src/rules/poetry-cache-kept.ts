/**
 * poetry-cache-kept: `poetry install` keeps every downloaded distribution in Poetry's cache
 * (~/.cache/pypoetry/artifacts and .../cache) unless the cache is off, mounted or cleared.
 * Poetry also keeps its virtualenvs under that folder by default, so the cleanup removes only
 * the two download folders, never the whole cache directory.
 */
import { hasFlag, operands } from '../core/commands';
import { appendRepair, cacheRule, homePath, subcommandOf, userCacheDir } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programName } from '../core/shell';

const BASIS = "each downloaded wheel or sdist: roughly the installed packages' download size again; not yet measured by our bench";

export const rule = cacheRule({
  id: 'poetry-cache-kept',
  title: "Poetry's download cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`poetry install` without `--no-cache`, a cache mount, or removing the cache in the same RUN.',
    why: 'Poetry stores every distribution it downloads under its cache directory (~/.cache/pypoetry, or `POETRY_CACHE_DIR`). In an image nothing reuses them. Careful: the default virtualenvs live under the same directory (`virtualenvs/`), so remove `artifacts/` and `cache/`, not the whole directory, unless the project installs into the system or an in-project venv.',
    incorrect: 'RUN poetry install --only main',
    correct: 'RUN poetry install --only main --no-cache\n# or\nRUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --only main',
    sizeImpact: `Depends on the dependencies: ${BASIS}.`,
    fix: 'Appends `&& rm -rf <cache>/cache <cache>/artifacts`, with `<cache>` the `POETRY_CACHE_DIR` the Dockerfile sets, or `~/.cache/pypoetry` in the home of the user the RUN runs as, when the file tells it. The fix does not add `--no-cache` because older Poetry releases reject that option. `poetry cache clear --all <repo>`, removing the folder, `--no-cache` or a cache mount also satisfy the rule.',
  },
  words: ['poetry'],
  fills: (cmd) => subcommandOf(cmd, /^poetry$/, ['install', 'add', 'update', 'sync']),
  // --only-root installs no dependency: nothing downloaded (only-root.Dockerfile).
  optsOut: ({ cmd }) => hasFlag(cmd, '--no-cache', '--only-root'),
  cleans: (cmd) => programName(cmd) === 'poetry' && operands(cmd)[0]?.value === 'cache' && operands(cmd)[1]?.value === 'clear',
  cacheHandled: (handled, { env }) => {
    const dir = env('POETRY_CACHE_DIR') ?? '~/.cache/pypoetry';
    return handled(`${dir}/cache`) && handled(`${dir}/artifacts`);
  },
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, env('POETRY_CACHE_DIR') ?? userCacheDir(env, 'pypoetry')),
  message: () => `Poetry leaves its download cache in this layer: ${BASIS}. Add --no-cache, a cache mount, or remove its cache/ and artifacts/ folders in the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd, env }) => {
    const dir = env('POETRY_CACHE_DIR')?.replace(/^["']|["']$/g, '') ?? homePath(instr, cmd, '.cache/pypoetry');
    return dir && !/[\s$`]/.test(dir) ? appendRepair(model, instr, `rm -rf ${dir}/cache ${dir}/artifacts`) : undefined;
  },
});
