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
 * the two download folders, never the whole cache directory. The run that makes Poetry's venv
 * also leaves virtualenv's seed wheels (about 5 MB: SEED_WHEELS), which the fix removes too.
 */
import { hasFlag, lastAnswerBefore, operands } from '../core/commands';
import type { Instr } from '../core/model';
import { cacheRule, seedWheelsDir, setIn, subcommandOf, userCacheDir, userCachePath, withSeedWheels, SEED_WHEELS_DOCS, type CacheCommandContext } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import type { ShellCommand } from '../core/shell';

const BASIS = "each download in cache/ (unless --no-cache) and, if installed, in artifacts/: about the packages' download size each";

/** Whether `value` turns a Poetry boolean on (its normalizer: `true` or `1`, any case). */
const on = (value: string) => /^(true|1)$/i.test(value);

/** For `poetry config virtualenvs.create <value>` (`--unset`: back to true), whether it turns venvs off. */
function createsOff(_: Instr, c: ShellCommand): boolean | undefined {
  if (!subcommandOf(c, /^poetry$/, ['config'])) return undefined;
  const words = operands(c).map((w) => w.value);
  const at = words.indexOf('virtualenvs.create');
  return at < 0 ? undefined : !hasFlag(c, '--unset') && !on(words[at + 1] ?? 'true');
}

const fills = (cmd: ShellCommand) => subcommandOf(cmd, /^poetry$/, ['install', 'add', 'update', 'sync', 'lock']);

/**
 * The seed wheels' folder when the command makes Poetry's venv (measured: `install`, `sync` and
 * `lock` do, in a fresh project), not with virtualenvs.create off nor in an active VIRTUAL_ENV.
 */
const seeds = (c: CacheCommandContext) => {
  const create = setIn(c.env, 'POETRY_VIRTUALENVS_CREATE');
  return !fills(c.cmd) || setIn(c.env, 'VIRTUAL_ENV') || (create ? !on(create) : lastAnswerBefore(c.instr, c.cmd, createsOff)) ? undefined : seedWheelsDir(c);
};

const own = withSeedWheels('Poetry', seeds, {
  // --only-root installs no dependency and `lock --no-cache` keeps nothing (only-root and no-cache
  // fixtures); either may still make the venv.
  handled: (handled, { cmd, env }) => {
    if (hasFlag(cmd, '--only-root') || (hasFlag(cmd, '--no-cache') && !!subcommandOf(cmd, /^poetry$/, ['lock']))) return true;
    const dir = env('POETRY_CACHE_DIR') ?? userCacheDir(env, 'pypoetry');
    return handled(`${dir}/cache`) && handled(`${dir}/artifacts`);
  },
  message: () => `Poetry leaves its download cache in this layer: ${BASIS}. Remove its cache/ and artifacts/ folders in the same RUN (or use a cache mount).`,
  saving: () => ({ basis: BASIS }),
  dirs: ({ instr, cmd, env }) => {
    const dir = setIn(env, 'POETRY_CACHE_DIR') ?? userCachePath(instr, cmd, env, 'pypoetry');
    return dir ? [`${dir}/cache`, `${dir}/artifacts`] : undefined;
  },
});

export const rule = cacheRule({
  id: 'poetry-cache-kept',
  title: "Poetry's download cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`poetry install`, `sync`, `add` or `lock` without a cache mount or removing the cache in the same RUN.',
    why: 'Poetry keeps each download under its cache directory (~/.cache/pypoetry, or `POETRY_CACHE_DIR`): in `artifacts/` and, without `--no-cache`, in `cache/`; no image reuses them. Its default venvs live there too (`virtualenvs/`): remove only `artifacts/` and `cache/`, unless the project installs into the system or an in-project venv.',
    incorrect: 'RUN poetry install --only main',
    correct: 'RUN --mount=type=cache,target=/root/.cache/pypoetry \\\n    POETRY_VIRTUALENVS_CREATE=false poetry install --only main',
    sizeImpact: `Depends on the dependencies: ${BASIS}. ${SEED_WHEELS_DOCS}`,
    fix: 'Appends `&& rm -rf <cache>/cache <cache>/artifacts`, `<cache>` being the Dockerfile\'s `POETRY_CACHE_DIR` or `~/.cache/pypoetry` in the RUN user\'s home when the file tells it. Removing the folder or a cache mount suffices for the cache; `--no-cache` and `poetry cache clear` leave artifacts/.',
  },
  words: ['poetry'],
  fills,
  cleans: () => false,
  ...own,
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, env('POETRY_CACHE_DIR') ?? userCacheDir(env, 'pypoetry')),
});
