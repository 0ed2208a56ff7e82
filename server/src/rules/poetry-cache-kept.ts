/**
 * poetry-cache-kept: `poetry install` (`sync`, `add`) keeps every downloaded distribution in
 * Poetry's cache twice, in artifacts/ and in the HTTP cache under cache/, unless the cache is
 * mounted or removed; `poetry lock` fills cache/ alone. `--no-cache` turns off cache/ only and
 * `poetry cache clear --all <repo>` empties only cache/repositories/<repo> (the index pages), so
 * neither settles it. Measured with Poetry 2.1.2 (Debian trixie's python3-poetry), 2026-12-06,
 * 1,753,323 bytes of wheels from a local HTTPS index sending PyPI's cache headers: install left
 * artifacts/ 1,753,323 and cache/ 1,755,630 bytes; with --no-cache artifacts/ alone; after `cache
 * clear --all local` 1,754,260 in cache/; `lock` 1,756,502 in cache/, nothing with --no-cache;
 * Poetry 1.3.2's executor writes artifacts/ whatever --no-cache says too (read, not run).
 * Poetry also keeps its virtualenvs under that folder by default, so the cleanup removes only
 * the two download folders, never the whole cache directory.
 */
import { hasFlag } from '../core/commands';
import { appendRepair, cacheRule, setIn, subcommandOf, userCacheDir, userCachePath } from '../core/packageManagers';
import { namedPath } from '../core/paths';

const BASIS = "each download in cache/ (unless --no-cache) and, if installed, in artifacts/: about the packages' download size each";

export const rule = cacheRule({
  id: 'poetry-cache-kept',
  title: "Poetry's download cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`poetry install`, `sync`, `add` or `lock` without a cache mount or removing the cache in the same RUN.',
    why: 'Poetry keeps every distribution it downloads under its cache directory (~/.cache/pypoetry, or `POETRY_CACHE_DIR`): in `artifacts/` and, without `--no-cache`, again in `cache/`. Nothing in an image reuses them. Its default virtualenvs live there too (`virtualenvs/`): remove `artifacts/` and `cache/`, not the whole directory, unless the project installs into the system or an in-project venv.',
    incorrect: 'RUN poetry install --only main',
    correct: 'RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --only main',
    sizeImpact: `Depends on the dependencies: ${BASIS}.`,
    fix: 'Appends `&& rm -rf <cache>/cache <cache>/artifacts`, with `<cache>` the `POETRY_CACHE_DIR` the Dockerfile sets, or `~/.cache/pypoetry` in the home of the user the RUN runs as, when the file tells it. Removing the folder or a cache mount also satisfies the rule; `--no-cache` and `poetry cache clear` leave artifacts/.',
  },
  words: ['poetry'],
  fills: (cmd) => subcommandOf(cmd, /^poetry$/, ['install', 'add', 'update', 'sync', 'lock']),
  // --only-root installs no dependency: nothing downloaded (only-root.Dockerfile); a lock with
  // --no-cache keeps nothing (no-cache.Dockerfile).
  optsOut: ({ cmd }) => hasFlag(cmd, '--only-root') || (hasFlag(cmd, '--no-cache') && !!subcommandOf(cmd, /^poetry$/, ['lock'])),
  cleans: () => false,
  cacheHandled: (handled, { env }) => {
    const dir = env('POETRY_CACHE_DIR') ?? userCacheDir(env, 'pypoetry');
    return handled(`${dir}/cache`) && handled(`${dir}/artifacts`);
  },
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, env('POETRY_CACHE_DIR') ?? userCacheDir(env, 'pypoetry')),
  message: () => `Poetry leaves its download cache in this layer: ${BASIS}. Remove its cache/ and artifacts/ folders in the same RUN (or use a cache mount).`,
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd, env }) => {
    const dir = setIn(env, 'POETRY_CACHE_DIR') ?? userCachePath(instr, cmd, env, 'pypoetry');
    return dir && !/[\s$`]/.test(dir) ? appendRepair(model, instr, `rm -rf ${dir}/cache ${dir}/artifacts`) : undefined;
  },
});
