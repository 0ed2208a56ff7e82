/**
 * `pip wheel` and `pip download` fetch through the same session as `pip install`, whose HTTP cache
 * is in pip's cache folder (http-v2/ since pip 23.3), and `pip wheel` keeps the wheels it builds
 * there too, unless --no-cache-dir, PIP_NO_CACHE_DIR or no-cache-dir in [global], [wheel] or
 * [download] of a pip.conf. Read from pip's documentation and source (commands/download.py and
 * wheel.py build their session with the cache folder as install.py does); pip is not installable
 * here. The wheels and archives they write (-w, -d) are what the user asked for: no finding.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const found = (text: string, id = 'pip-cache-kept') => analyze(text, ENV).findings.filter((f) => f.ruleId === id);
const PY = 'FROM python:3.12-slim\n';

describe('pip-cache-kept: pip wheel and pip download', () => {
  it('reports the cache they fill, with a fix that inserts --no-cache-dir after the subcommand', () => {
    for (const cmd of ['pip wheel -w /wheels -r requirements.txt', 'python -m pip download -d /pkgs flask', 'pip3 download --dest /pkgs flask']) {
      const text = `${PY}RUN ${cmd}\n`;
      const [f, ...more] = found(text);
      assert.ok(f && more.length === 0, cmd);
      assert.match(f.message, /^pip (wheel|download) keeps its cache \(~\/\.cache\/pip\) in this layer: /, cmd);
      const fixed = fixAll(text, ENV).text;
      assert.match(fixed, / (wheel|download) --no-cache-dir /, cmd);
    }
  });

  it('stays quiet with --no-cache-dir, PIP_NO_CACHE_DIR or no-cache-dir in their pip.conf section', () => {
    assert.equal(found(`${PY}RUN pip wheel --no-cache-dir -w /wheels flask\n`).length, 0);
    assert.equal(found(`${PY}ENV PIP_NO_CACHE_DIR=1\nRUN pip download -d /pkgs flask\n`).length, 0);
    assert.equal(found(`${PY}RUN pip config set wheel.no-cache-dir true\nRUN pip wheel -w /wheels flask\n`).length, 0);
    assert.equal(found(`${PY}RUN pip config set install.no-cache-dir true\nRUN pip wheel -w /wheels flask\n`).length, 1);
    assert.equal(found(`${PY}RUN pip download -d /pkgs flask && pip cache purge\n`).length, 0);
  });

  it('tells files-changed-in-later-layer that a pip download wrote the cache', () => {
    const [later] = found(`${PY}RUN pip download -d /pkgs flask\nRUN rm -rf /root/.cache/pip\n`, 'files-changed-in-later-layer');
    assert.match(later?.message ?? '', /\(pip download\)/);
  });
});
