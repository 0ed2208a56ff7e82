/**
 * uv as its documentation describes it (uv is not runnable here: not on npm, and PyPI is not
 * reachable). Its cache folder is --cache-dir, else UV_CACHE_DIR, else $XDG_CACHE_HOME/uv, else
 * ~/.cache/uv; `--no-cache` (`-n`, a global option, so before the subcommand too) and UV_NO_CACHE
 * turn it off. Global options with a value (`--directory`, `--project`, `--cache-dir`,
 * `--config-file`, `--color`, `--python-preference`, `--allow-insecure-host`) may stand before the
 * subcommand: `uv --directory app sync` is a sync. UV_NO_DEFAULT_GROUPS is --no-default-groups.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const lines = (text: string, id: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === id).map((f) => f.range.start.line);
const UV = 'FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /uvx /bin/\nWORKDIR /app\n';

describe('uv: global options before the subcommand, the cache folder, UV_NO_DEFAULT_GROUPS', () => {
  it('uv-cache-kept reads the subcommand after global options with a value', () => {
    for (const sync of ['uv --directory app sync --locked', 'uv --project app sync', 'uv --color never pip install --system flask', 'uv --cache-dir /tmp/uvc sync']) {
      assert.deepEqual(lines(`${UV}RUN ${sync}\n`, 'uv-cache-kept'), [3], sync);
    }
    assert.deepEqual(lines(`${UV}RUN uv --directory app --no-cache sync\n`, 'uv-cache-kept'), []);
    assert.deepEqual(lines(`${UV}RUN uv -n pip install --system flask\n`, 'uv-cache-kept'), []);
    assert.deepEqual(lines(`${UV}RUN UV_NO_CACHE=1 uv --project app sync\n`, 'uv-cache-kept'), []);
  });

  it("uv-cache-kept takes a removal of the folder XDG_CACHE_HOME puts uv's cache in, not of ~/.cache/uv then", () => {
    assert.deepEqual(lines(`${UV}ENV XDG_CACHE_HOME=/tmp/cache\nRUN uv sync && rm -rf /tmp/cache/uv\n`, 'uv-cache-kept'), []);
    assert.deepEqual(lines(`${UV}ENV XDG_CACHE_HOME=/tmp/cache\nRUN uv sync && rm -rf /root/.cache/uv\n`, 'uv-cache-kept'), [4]);
    assert.deepEqual(lines(`${UV}RUN --mount=type=cache,target=/tmp/cache/uv XDG_CACHE_HOME=/tmp/cache uv sync\n`, 'uv-cache-kept'), []);
    assert.deepEqual(lines(`${UV}RUN uv sync && rm -rf /root/.cache/uv\n`, 'uv-cache-kept'), []);
    assert.deepEqual(lines(`${UV}RUN uv --directory app sync && uv --directory app cache clean\n`, 'uv-cache-kept'), []);
  });

  it('pip-dev-requirements reads `uv --directory x sync` and UV_NO_DEFAULT_GROUPS', () => {
    assert.deepEqual(lines(`${UV}RUN uv --directory app sync --locked --no-cache\n`, 'pip-dev-requirements'), [3]);
    assert.deepEqual(lines(`${UV}RUN uv --project app sync --no-dev --no-cache\n`, 'pip-dev-requirements'), []);
    assert.deepEqual(lines(`${UV}ENV UV_NO_DEFAULT_GROUPS=1\nRUN uv sync --locked --no-cache\n`, 'pip-dev-requirements'), []);
    assert.deepEqual(lines(`${UV}RUN UV_NO_DEFAULT_GROUPS=true uv sync --locked --no-cache\n`, 'pip-dev-requirements'), []);
    // Asked for by an option, the dev group comes whatever the defaults are.
    assert.deepEqual(lines(`${UV}ENV UV_NO_DEFAULT_GROUPS=1\nRUN uv sync --locked --group dev --no-cache\n`, 'pip-dev-requirements'), [4]);
    assert.deepEqual(lines(`${UV}ENV UV_NO_DEFAULT_GROUPS=0\nRUN uv sync --locked --no-cache\n`, 'pip-dev-requirements'), [4]);
  });
});
