/**
 * files-changed-in-later-layer takes the pip cache a RUN leaves where pip-cache-kept says it is:
 * --cache-dir, else PIP_CACHE_DIR, else $XDG_CACHE_HOME/pip, else ~/.cache/pip (pipCacheDir). With
 * the cache moved, `rm -rf /root/.cache` removes nothing pip wrote, and removing the folder it moved
 * to is the late removal.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const later = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer').map((f) => f.message);
const PY = 'FROM python:3.12-slim\n';

describe("files-changed-in-later-layer: pip's cache where pip puts it", () => {
  it('is not under /root/.cache when XDG_CACHE_HOME, PIP_CACHE_DIR or --cache-dir moved it', () => {
    for (const [setting, install] of [['ENV XDG_CACHE_HOME=/tmp/cache\n', 'pip install flask'], ['ENV PIP_CACHE_DIR=/var/cache/pip\n', 'pip install flask'], ['', 'pip install --cache-dir /var/cache/pip flask']]) {
      assert.deepEqual(later(`${PY}${setting}RUN ${install}\nRUN rm -rf /root/.cache\n`), [], `${setting}${install}`);
    }
  });

  it('is where they moved it', () => {
    const [xdg] = later(`${PY}ENV XDG_CACHE_HOME=/tmp/cache\nRUN pip install flask\nRUN rm -rf /tmp/cache\n`);
    assert.match(xdg ?? '', /written at line 3 \(pip install\)/);
    const [dir] = later(`${PY}RUN pip install --cache-dir /var/cache/pip flask\nRUN rm -rf /var/cache/pip\n`);
    assert.match(dir ?? '', /written at line 2 \(pip install\)/);
    // Emptied in the same RUN where it is: nothing stays for the later rm.
    assert.deepEqual(later(`${PY}ENV PIP_CACHE_DIR=/var/cache/pip\nRUN pip install flask && rm -rf /var/cache/pip\nRUN rm -rf /var/cache/pip\n`), []);
    assert.deepEqual(later(`${PY}ENV XDG_CACHE_HOME=/tmp/cache\nRUN pip install flask && rm -rf $XDG_CACHE_HOME/pip\nRUN rm -rf /tmp/cache\n`), []);
  });

  // pipenv (2022.12.19, 2024.0.1) runs pip with PIP_CACHE_DIR set to its own cache: ours is not used.
  it('is not where pipenv caches: pipenv-cache-kept asks for its own folder alone', () => {
    const pipenv = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'pipenv-cache-kept');
    const moved = `${PY}ENV PIP_CACHE_DIR=/var/cache/pip\nRUN pip install --no-cache-dir pipenv && pipenv install --system --deploy`;
    assert.equal(pipenv(`${moved} && rm -rf /var/cache/pip\n`).length, 1);
    assert.equal(pipenv(`${moved} && rm -rf /root/.cache/pipenv\n`).length, 0);
    assert.match(fixAll(`${moved}\n`, ENV).text, /pipenv install --system --deploy && rm -rf \/root\/\.cache\/pipenv$/m);
  });
});
