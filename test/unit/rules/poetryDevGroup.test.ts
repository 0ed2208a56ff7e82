/**
 * pip-dev-requirements for Poetry: `poetry install` installs every non-optional group, dev among
 * them, unless `--only`, `--without`, `--no-dev` or `--only-root` says otherwise (Poetry 1.3.2's
 * group_command.py: `--no-dev` maps to `--only main`). No fix: `--only main` needs Poetry 1.2+.
 * A pyproject.toml in the build context whose only group is main (no [tool.poetry.group.*], no
 * [tool.poetry.dev-dependencies], no [dependency-groups]) leaves nothing to report.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { parsePyproject } from '../../../server/src/sources/context/pyproject';

const ENV: AnalysisEnvironment = { context: {} };

function dev(text: string, env = ENV) {
  const analysis = analyze(text, env);
  return analysis.findings.filter((f) => f.ruleId === 'pip-dev-requirements').map((f) => ({ f, fix: fixFor(analysis, f, env) }));
}

const image = (install: string) => `FROM python:3.12-slim\nRUN pip install --no-cache-dir poetry==1.8.3\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN ${install}\nCMD ["python", "-m", "app"]\n`;

describe('pip-dev-requirements: poetry install', () => {
  it('without a group choice, in the final image: reported without a figure or a fix', () => {
    for (const install of ['poetry install --no-root', 'poetry install', 'POETRY_VIRTUALENVS_CREATE=false poetry install --no-interaction --with docs']) {
      const found = dev(image(install));
      assert.equal(found.length, 1, install);
      assert.equal(found[0].f.range.start.line, 4);
      assert.equal(found[0].f.message, 'poetry installs every non-optional group into the final image: the dev group of pyproject.toml (pytest, linters, type checkers), if it has one; its size depends on the project. Add --only main (Poetry 1.2+).');
      assert.equal(found[0].f.saving?.bytes, undefined);
      assert.equal(found[0].fix, undefined);
    }
  });

  it('--only main, --only=main, --without dev, --no-dev, --only-root, or a builder stage: nothing', () => {
    for (const text of [
      image('poetry install --only main --no-root'),
      image('poetry install --only=main'),
      image('poetry install --without dev,test'),
      image('poetry install --no-dev'),
      image('poetry install --only-root'),
      image('poetry export -f requirements.txt -o requirements.txt'),
      `FROM python:3.12 AS build\nRUN pip install poetry\nCOPY . .\nRUN poetry install && poetry run pytest\n\nFROM python:3.12-slim\nCOPY --from=build /app/dist /dist\n`,
    ]) {
      assert.deepEqual(dev(text).map((d) => d.f.message), [], text);
    }
  });

  it('a pyproject.toml in the context decides: no group besides main, nothing; a dev group, the older dev-dependencies or a [dependency-groups] group, reported', () => {
    const withFile = (toml: string): AnalysisEnvironment => ({ context: { pyproject: parsePyproject(toml) } });
    const head = '[tool.poetry]\nname = "app"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nfastapi = "^0.115"\n';
    assert.deepEqual(dev(image('poetry install --no-root'), withFile(head)).map((d) => d.f.message), []);
    for (const toml of [
      `${head}\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n`,
      `${head}\n[tool.poetry.dev-dependencies]\npytest = "^8"\n`,
      `${head}\n[tool.poetry.group."lint-tools".dependencies]\nruff = "*"\n`,
      `${head}\n[dependency-groups]\ntest = ["pytest"]\n`,
    ]) {
      assert.equal(dev(image('poetry install --no-root'), withFile(toml)).length, 1, toml);
    }
  });

  // Poetry 1.3.2 (Debian's python3-poetry), 2026-12-06: `poetry install --dry-run` on a project whose
  // groups dev, test and docs (`optional = true`) each hold one path dependency. No options: dev and
  // test; --with docs: all three; --without dev: test; --without dev,test, --only main, --only-root,
  // --no-dev: none; --only docs: docs; --only main --with docs: none; --with docs --without docs:
  // dev and test; --only dev,test --without test: dev and test.
  it('follows the groups Poetry installs: an optional group only when asked for, --without takes only what it names, --only its own', () => {
    const toml = '[tool.poetry.dependencies]\npython = "^3.8"\n[tool.poetry.group.dev.dependencies]\ndlib = {path = "../dlib"}\n[tool.poetry.group.test.dependencies]\ntlib = {path = "../tlib"}\n[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\ndocslib = {path = "../docslib"}\n';
    const env: AnalysisEnvironment = { context: { pyproject: parsePyproject(toml) } };
    assert.deepEqual(env.context.pyproject?.poetryGroups, ['dev', 'test']);
    const said = (install: string) => dev(image(install), env).map((d) => /^poetry installs (.*) into the final image/.exec(d.f.message)?.[1]);
    for (const [install, groups] of [
      ['poetry install', 'group dev, test'],
      ['poetry install --with docs', 'group dev, test, docs'],
      ['poetry install --without dev', 'group test'],
      ['poetry install --without=dev,test', undefined],
      ['poetry install --only main', undefined],
      ['poetry install --only-root', undefined],
      ['poetry install --no-dev', undefined],
      ['poetry install --only docs', 'group docs'],
      ['poetry install --only main --with docs', undefined],
      ['poetry install --with docs --without docs', 'group dev, test'],
      ['poetry install --only dev,test --without test', 'group dev, test'],
    ] as const) {
      assert.deepEqual(said(install), groups ? [groups] : [], install);
    }
    // Only an optional group: nothing for a plain install.
    const docsOnly: AnalysisEnvironment = { context: { pyproject: parsePyproject('[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\nmkdocs = "*"\n') } };
    assert.deepEqual(dev(image('poetry install --no-root'), docsOnly), []);
    assert.equal(dev(image('poetry install --no-root --with docs'), docsOnly).length, 1);
  });

  // Poetry 2.1.2 (Debian trixie's python3-poetry), 2026-12-06, the same kind of project (dev, test,
  // docs optional): `poetry install --dry-run --all-groups` and `poetry sync --dry-run --all-groups`
  // install dev, test and docs; with --with, --without or --only beside it Poetry refuses to run.
  it("Poetry 2's --all-groups installs the optional groups too", () => {
    const toml = '[tool.poetry.group.dev.dependencies]\ndlib = {path = "../dlib"}\n[tool.poetry.group.test.dependencies]\ntlib = {path = "../tlib"}\n[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\ndocslib = {path = "../docslib"}\n';
    const env: AnalysisEnvironment = { context: { pyproject: parsePyproject(toml) } };
    const said = (install: string) => dev(image(install), env).map((d) => /^poetry installs (.*) into the final image/.exec(d.f.message)?.[1]);
    assert.deepEqual(said('poetry install --all-groups'), ['group dev, test, docs']);
    assert.deepEqual(said('poetry sync --no-root --all-groups'), ['group dev, test, docs']);
    const docsOnly: AnalysisEnvironment = { context: { pyproject: parsePyproject('[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\nmkdocs = "*"\n') } };
    assert.equal(dev(image('poetry install --all-groups'), docsOnly).length, 1);
  });
});
