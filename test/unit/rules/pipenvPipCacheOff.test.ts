/**
 * pipenv-cache-kept with pip's cache off (PIP_NO_CACHE_DIR). Measured with pipenv 2022.12.19
 * (Debian's), 2026-12-06, HOME and the project in fresh folders, PIPENV_VENV_IN_PROJECT=1, one
 * 1,001,283-byte wheel from a local HTTPS index on loopback that sends PyPI's cache headers:
 *   - no Pipfile.lock (`pipenv install`, `install --deploy`): ~/.cache/pipenv/http 1,051,200 bytes
 *     with PIP_NO_CACHE_DIR unset, 1, off, false, 0 or true alike: the resolver caches there itself;
 *   - from a Pipfile.lock (`sync`, `install --deploy`, `install --system --deploy`): the same
 *     1,051,200 bytes without the variable; with it (1, off, false, 0) nothing in ~/.cache at all;
 *   - pipenv runs pip with PIP_CACHE_DIR set to its own cache: ~/.cache/pip was never made, and a
 *     PIP_CACHE_DIR of our own was not used.
 * So with pip's cache off, `pipenv sync` leaves nothing, and `pipenv install` leaves its own cache
 * when it locks: the message names that alone.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const found = (run: string, env = 'ENV PIP_NO_CACHE_DIR=1\n') => {
  const analysis = analyze(`FROM python:3.12-slim\nRUN pip install --no-cache-dir pipenv\n${env}WORKDIR /app\nCOPY Pipfile Pipfile.lock ./\nRUN ${run}\nCMD ["python", "app.py"]\n`, ENV);
  return analysis.findings.filter((f) => f.ruleId === 'pipenv-cache-kept').map((f) => ({ f, fix: fixFor(analysis, f, ENV) }));
};

describe('pipenv-cache-kept with PIP_NO_CACHE_DIR', () => {
  for (const value of ['1', 'off', 'false', '0']) {
    it(`${value}: pipenv install leaves its own cache, not pip's`, () => {
      const [{ f, fix }] = found('pipenv install --system --deploy', `ENV PIP_NO_CACHE_DIR=${value}\n`);
      assert.match(f.message, /^pipenv leaves its cache in this layer: what it downloads to lock, pip's cache off or not .*; none from a current Pipfile\.lock\. Remove ~\/\.cache\/pipenv in the same RUN \(or use a cache mount\)\.$/);
      assert.doesNotMatch(f.message, /\.cache\/pip\b/);
      assert.doesNotMatch(f.saving!.basis, /pip's wheel cache/);
      assert.equal(fix?.edits[0]?.newText.includes('rm -rf /root/.cache/pipenv'), true);
      assert.equal(fix?.edits[0]?.newText.includes('/root/.cache/pip '), false);
    });
  }

  it('pipenv sync installs from the lock: nothing stays', () => {
    assert.deepEqual(found('pipenv sync --system'), []);
    assert.deepEqual(found('PIP_NO_CACHE_DIR=off pipenv sync --system', ''), []);
    // Without --system it makes a venv, and virtualenv's seed wheels stay (seed-wheels.Dockerfile).
    assert.deepEqual(found('PIP_NO_CACHE_DIR=off pipenv sync', '').map(({ f, fix }) => [f.message.replace(/\(about .*?\)/, '(about ...)'), fix?.edits[0]?.newText]), [
      ["pipenv's venv left virtualenv's seed wheels in ~/.local/share/virtualenv (about ...) in this layer. Remove them in the same RUN.", ' && rm -rf /root/.local/share/virtualenv'],
    ]);
  });

  // pipenv 2022.12.19 and 2024.0.1 point pip's cache at pipenv's: ~/.cache/pip is never written
  // (2024.0.1, a 1,001,103-byte wheel: ~/.cache/pipenv/http-v2 1,001,869 bytes, no ~/.cache/pip).
  it("without it, pipenv's cache alone: pip's is pipenv's", () => {
    for (const run of ['pipenv sync --system', 'pipenv install --system --deploy']) {
      const [{ f, fix }] = found(run, '');
      assert.match(f.message, /^pipenv leaves its cache in this layer: every wheel it and pip download, once: .*\. Remove ~\/\.cache\/pipenv in the same RUN \(or use a cache mount\)\.$/);
      assert.doesNotMatch(f.message, /\.cache\/pip\b/);
      assert.equal(fix?.edits[0]?.newText, ' && rm -rf /root/.cache/pipenv');
    }
    assert.deepEqual(found('pipenv sync --system && rm -rf /root/.cache/pipenv', ''), []);
  });
});
