/**
 * pip-dev-requirements for uv and pipenv. `uv sync` installs the project's `dev` dependency group
 * by default (uv's docs: the dev group is a default group; `--no-dev` is an alias of `--no-group
 * dev`, and `--no-group` wins over `--group`, `--all-groups` and the defaults; `--only-group` and
 * `--no-default-groups` leave the defaults out; `--only-dev` installs the dev group alone). A
 * pyproject.toml at the top of the build context without a dev group (no `[dependency-groups]`
 * dev, no `[tool.uv] dev-dependencies`) leaves nothing to report. `pipenv install --dev` and
 * `pipenv sync --dev` install the Pipfile's [dev-packages]. No fix, as for Poetry.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { contextFacts, readContext } from '../../../server/src/sources/context/facts';
import { parsePyproject } from '../../../server/src/sources/context/pyproject';

const NONE: AnalysisEnvironment = { context: {} };

function dev(text: string, env: AnalysisEnvironment = NONE) {
  const analysis = analyze(text, env);
  return analysis.findings.filter((f) => f.ruleId === 'pip-dev-requirements').map((f) => ({ f, fix: fixFor(analysis, f, env) }));
}

const uvImage = (sync: string, env = '') => `FROM python:3.12-slim\nCOPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /uvx /bin/\n${env}WORKDIR /app\nCOPY pyproject.toml uv.lock ./\nRUN ${sync}\nCMD ["/app/.venv/bin/python", "-m", "app"]\n`;
const pipenvImage = (install: string) => `FROM python:3.12-slim\nRUN pip install --no-cache-dir pipenv\nWORKDIR /app\nCOPY Pipfile Pipfile.lock ./\nRUN ${install}\nCMD ["python", "-m", "app"]\n`;

const UV_DEFAULT = 'uv sync installs the dev dependency group into the final image: the dev group of pyproject.toml (pytest, linters, type checkers), if it has one; its size depends on the project. Add --no-dev.';

describe('pip-dev-requirements: uv sync', () => {
  it('with the default groups, in the final image: reported without a figure or a fix', () => {
    for (const sync of ['uv sync --locked', 'uv sync --frozen --no-install-project --no-cache', 'UV_COMPILE_BYTECODE=1 uv sync --locked --group docs']) {
      const found = dev(uvImage(sync));
      assert.equal(found.length, 1, sync);
      assert.equal(found[0].f.range.start.line, 4);
      assert.equal(found[0].f.message, UV_DEFAULT);
      assert.equal(found[0].f.saving?.bytes, undefined);
      assert.equal(found[0].fix, undefined);
    }
  });

  it('asked for the dev group (--only-dev, --group dev, --all-groups, --only-group dev): reported, advice to install it elsewhere', () => {
    for (const sync of ['uv sync --only-dev', 'uv sync --no-default-groups --group dev', 'uv sync --no-default-groups --group=dev', 'uv sync --all-groups', 'uv sync --only-group dev', 'uv sync --all-groups --no-default-groups']) {
      const found = dev(uvImage(sync));
      assert.equal(found.length, 1, sync);
      assert.equal(found[0].f.message, 'uv sync installs the dev dependency group into the final image: the dev group of pyproject.toml (pytest, linters, type checkers), if it has one; its size depends on the project. Install it in a separate test stage.', sync);
      assert.equal(found[0].fix, undefined);
    }
  });

  it('--no-dev, --no-group dev, UV_NO_DEV, --only-group <other>, --no-default-groups, a builder stage: nothing', () => {
    for (const text of [
      uvImage('uv sync --locked --no-dev'),
      uvImage('uv sync --frozen --no-group dev'),
      uvImage('uv sync --frozen --no-group=dev'),
      uvImage('uv sync --all-groups --no-dev'),
      uvImage('uv sync --group dev --no-group dev'),
      uvImage('UV_NO_DEV=1 uv sync --locked'),
      uvImage('uv sync --locked', 'ENV UV_NO_DEV=1\n'),
      uvImage('uv sync --only-group prod'),
      uvImage('uv sync --only-group=prod'),
      uvImage('uv sync --no-default-groups'),
      uvImage('uv pip install --system -r requirements.txt'),
      `FROM python:3.12 AS build\nCOPY --from=ghcr.io/astral-sh/uv:0.5.11 /uv /bin/\nCOPY . .\nRUN uv sync --locked && uv run pytest\n\nFROM python:3.12-slim\nCOPY --from=build /app/dist /dist\n`,
    ]) {
      assert.deepEqual(dev(text).map((d) => d.f.message), [], text);
    }
  });

  it('a pyproject.toml in the context decides: no dev group, nothing; a dev group or tool.uv dev-dependencies, reported; default-groups without dev, nothing', () => {
    const withFile = (toml: string): AnalysisEnvironment => ({ context: { pyproject: parsePyproject(toml) } });
    const none = withFile('[project]\nname = "app"\ndependencies = ["fastapi>=0.115"]\n\n[dependency-groups]\ndocs = ["mkdocs"]\n');
    assert.deepEqual(dev(uvImage('uv sync --locked'), none).map((d) => d.f.message), []);
    assert.deepEqual(dev(uvImage('uv sync --all-groups'), none).map((d) => d.f.message), []);
    const group = withFile('[project]\nname = "app"\n\n[dependency-groups]\ndev = [\n  "pytest>=8",\n  "ruff==0.8.0",\n]\n');
    assert.equal(dev(uvImage('uv sync --locked'), group).length, 1);
    const legacy = withFile('[project]\nname = "app"\n\n[tool.uv]\ndev-dependencies = ["pytest"]\n');
    assert.equal(dev(uvImage('uv sync --locked'), legacy).length, 1);
    const defaults = withFile('[dependency-groups]\ndev = ["pytest"]\n\n[tool.uv]\ndefault-groups = ["docs"]\n');
    assert.deepEqual(dev(uvImage('uv sync --locked'), defaults).map((d) => d.f.message), []);
    assert.equal(dev(uvImage('uv sync --locked --group dev'), defaults).length, 1);
  });

  it('parsePyproject reads the dev group and default-groups, and is not fooled by arrays and strings', () => {
    assert.deepEqual(parsePyproject('[project]\ndependencies = [\n  "dev = 1",\n]\n'), { path: 'pyproject.toml', devGroup: false });
    assert.deepEqual(parsePyproject('[dependency-groups]\n"dev" = ["pytest"]\n'), { path: 'pyproject.toml', devGroup: true, poetryGroups: ['dev'] });
    assert.deepEqual(parsePyproject('[tool.uv]\ndefault-groups = "all"\n'), { path: 'pyproject.toml', devGroup: false, defaultGroups: 'all' });
    assert.deepEqual(parsePyproject("[tool.uv]\ndefault-groups = ['dev', \"lint\"]\n"), { path: 'pyproject.toml', devGroup: false, defaultGroups: ['dev', 'lint'] });
    assert.deepEqual(parsePyproject('[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'), { path: 'pyproject.toml', devGroup: false, poetryGroups: ['dev'] });
  });

  it('the build context facts carry the pyproject.toml beside the Dockerfile, and a file without a dev group silences the finding', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-pyproject-'));
    try {
      await fs.writeFile(path.join(dir, 'pyproject.toml'), '[project]\nname = "app"\ndependencies = ["flask"]\n');
      const dockerfile = path.join(dir, 'Dockerfile');
      const facts = contextFacts(dockerfile, await readContext(dockerfile, { workspaceFolders: [dir] }));
      assert.deepEqual(facts.pyproject, { path: 'pyproject.toml', devGroup: false });
      assert.deepEqual(dev(uvImage('uv sync --locked'), { context: facts }).map((d) => d.f.message), []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pip-dev-requirements: pipenv --dev', () => {
  it('pipenv install --dev / -d, pipenv sync --dev: reported without a figure or a fix', () => {
    for (const install of ['pipenv install --system --deploy --dev', 'pipenv install -d', 'PIPENV_VENV_IN_PROJECT=1 pipenv sync --dev']) {
      const found = dev(pipenvImage(install));
      assert.equal(found.length, 1, install);
      assert.equal(found[0].f.range.start.line, 4);
      assert.equal(found[0].f.message, 'pipenv installs the [dev-packages] of the Pipfile into the final image (--dev): development and test dependencies (pytest, linters, type checkers and theirs); their size depends on the Pipfile. Drop --dev.', install);
      assert.equal(found[0].fix, undefined);
    }
  });

  it('without --dev, or in a builder stage: nothing', () => {
    for (const text of [
      pipenvImage('pipenv install --system --deploy'),
      pipenvImage('pipenv sync'),
      pipenvImage('pipenv run pytest --dev'),
      `FROM python:3.12 AS build\nRUN pip install pipenv\nCOPY . .\nRUN pipenv install --dev && pipenv run pytest\n\nFROM python:3.12-slim\nCOPY --from=build /app/dist /dist\n`,
    ]) {
      assert.deepEqual(dev(text).map((d) => d.f.message), [], text);
    }
  });
});
