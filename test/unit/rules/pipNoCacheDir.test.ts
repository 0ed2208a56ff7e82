/**
 * PIP_NO_CACHE_DIR turns pip's cache off for any value but an empty one, "off", "0" and "false"
 * included: pip keeps that old reading for compatibility (checked with pip 23.2.1: `pip cache dir`
 * says "cache is disabled" for 1, 0, off, false and no, gives the folder for an empty value, and
 * fails on a value that is no boolean). pip-cache-kept and pipenv-cache-kept read it so, and so does
 * files-changed-in-later-layer for the cache a pip install leaves.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { disablesPipCache } from '../../../server/src/core/packageManagers';

const ids = (text: string) => analyze(text, { context: {} }).findings.map((f) => f.ruleId).filter((id) => id === 'pip-cache-kept' || id === 'pipenv-cache-kept');

describe('PIP_NO_CACHE_DIR as pip reads it', () => {
  it('is off for every value but an empty one', () => {
    for (const v of ['1', '0', 'off', 'false', 'no', '"0"', 'true']) assert.equal(disablesPipCache(v), true, v);
    for (const v of [undefined, '', '""', ' ']) assert.equal(disablesPipCache(v), false, String(v));
  });

  it('silences pip-cache-kept, and pipenv-cache-kept for a pipenv sync, for "off"', () => {
    assert.deepEqual(ids('FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=off\nRUN pip install flask\n'), []);
    assert.deepEqual(ids('FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=0 pip install flask\n'), []);
    assert.deepEqual(ids('FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=\nRUN pip install flask\n'), ['pip-cache-kept']);
    const pipenv = (value: string) => ids(`FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=${value}\nRUN pip install --no-cache-dir pipenv && pipenv sync --system\n`);
    assert.deepEqual(pipenv('off'), []);
    assert.deepEqual(pipenv(''), ['pipenv-cache-kept']);
  });

  it('leaves no pip cache for files-changed-in-later-layer to see deleted later, and is read from an export in the RUN', () => {
    const later = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer').length;
    assert.equal(later('FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n'), 0);
    assert.equal(later('FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=off pip install flask\nRUN rm -rf /root/.cache/pip\n'), 0);
    assert.equal(later('FROM python:3.12-slim\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n'), 1);
    assert.deepEqual(ids('FROM python:3.12-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask\n'), []);
  });
});

describe('pip-cache-kept and cache mounts', () => {
  const pip = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'pip-cache-kept').length;
  it('takes a cache mount on the home of a USER other than root, on PIP_CACHE_DIR or on --cache-dir', () => {
    const asApp = 'FROM python:3.12-slim\nRUN useradd -m -u 1000 app\nUSER app\n';
    assert.equal(pip(`${asApp}RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user flask\n`), 0);
    assert.equal(pip(`${asApp}RUN --mount=type=cache,target=/home/app/.cache,uid=1000 pip install --user flask\n`), 0);
    assert.equal(pip('FROM python:3.12-slim\nENV PIP_CACHE_DIR=/var/cache/pip\nRUN --mount=type=cache,target=/var/cache/pip pip install flask\n'), 0);
    assert.equal(pip('FROM python:3.12-slim\nRUN --mount=type=cache,target=/tmp/pipc pip install --cache-dir /tmp/pipc flask\n'), 0);
    assert.equal(pip('FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n'), 0);
  });
  it('still reports a mount elsewhere than where pip caches', () => {
    assert.equal(pip('FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv pip install flask\n'), 1);
    assert.equal(pip('FROM python:3.12-slim\nENV PIP_CACHE_DIR=/var/cache/pip\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n'), 1);
  });
});

describe('a cache emptied later in the same RUN', () => {
  const found = (text: string, id: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === id).map((f) => f.range.start.line);
  it('silences pip-cache-kept: pip cache purge, rm of the folder (written as /root, ~ or $HOME) or of ~/.cache', () => {
    for (const cleanup of ['pip cache purge', 'python -m pip cache purge', 'rm -rf /root/.cache/pip', 'rm -rf ~/.cache/pip', 'rm -rf $HOME/.cache/pip', 'rm -rf /root/.cache']) {
      assert.deepEqual(found(`FROM python:3.12-slim\nRUN pip install flask && ${cleanup}\n`, 'pip-cache-kept'), [], cleanup);
    }
    // Before the install, or only part of the cache: it stays.
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip cache purge && pip install flask\n', 'pip-cache-kept'), [1]);
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install flask && pip cache remove flask\n', 'pip-cache-kept'), [1]);
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install --cache-dir /tmp/pc flask && rm -rf /root/.cache/pip\n', 'pip-cache-kept'), [1]);
    // pip cache purge empties the folder it sees: not the one the install's --cache-dir or its own PIP_CACHE_DIR=... named.
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install --cache-dir /tmp/pc flask && pip cache purge\n', 'pip-cache-kept'), [1]);
    assert.deepEqual(found('FROM python:3.12-slim\nRUN PIP_CACHE_DIR=/tmp/pc pip install flask && pip cache purge\n', 'pip-cache-kept'), [1]);
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install --cache-dir /tmp/pc flask && pip cache purge --cache-dir=/tmp/pc\n', 'pip-cache-kept'), []);
    assert.deepEqual(found('FROM python:3.12-slim\nENV PIP_CACHE_DIR=/tmp/pc\nRUN pip install flask && pip cache purge\n', 'pip-cache-kept'), []);
  });

  it('leaves nothing for files-changed-in-later-layer to call deleted a layer too late (pip and npm)', () => {
    const text = 'FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache/pip\nRUN pip install requests && pip cache purge\nRUN pip install numpy\nRUN rm -rf /root/.cache\n';
    const [later] = analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');
    assert.match(later.message, /written at line 4 \(pip install\):/);
    const npm = 'FROM node:22-slim\nRUN npm install -g pm2 && npm cache clean --force\nRUN npm install -g nodemon && rm -rf ~/.npm\nRUN npm install -g serve\nRUN rm -rf /root/.npm\n';
    const [npmLater] = analyze(npm, { context: {} }).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');
    assert.match(npmLater.message, /written at line 4 \(npm install\):/);
  });

  it('is not a removal of a name that only starts like the cache folder (~/.npmrc, ~/.cache-old)', () => {
    // A private registry's token written to ~/.npmrc and removed after npm ci leaves ~/.npm in the layer.
    const npm = 'FROM node:22-slim\nRUN echo "//registry.example/:_authToken=x" > ~/.npmrc && npm ci && rm -f ~/.npmrc\nRUN rm -rf /root/.npm\n';
    assert.deepEqual(found(npm, 'files-changed-in-later-layer'), [2]);
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache-old\nRUN rm -rf /root/.cache/pip\n', 'files-changed-in-later-layer'), [2]);
    // A pattern that goes on from the folder's name still removes it.
    assert.deepEqual(found('FROM python:3.12-slim\nRUN pip install flask && rm -rf ~/.cache*\nRUN rm -rf /root/.cache/pip\n', 'files-changed-in-later-layer'), []);
  });
});
