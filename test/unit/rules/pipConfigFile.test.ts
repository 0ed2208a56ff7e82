/**
 * pip reads no-cache-dir from its configuration files as it reads PIP_NO_CACHE_DIR: `[global]` or
 * the command's own section (`[install]`), any non-empty value turning the cache off ("false"
 * too), an empty one ignored. Files: /etc/pip.conf and /etc/xdg/pip/pip.conf (global), the user's
 * ~/.config/pip/pip.conf and ~/.pip/pip.conf (not read with --isolated, nor when PIP_CONFIG_FILE
 * names a file), and the file PIP_CONFIG_FILE names (/dev/null: none at all). Read from pip's
 * source and documentation (pip is not installable here): configuration.py, cmdoptions.py
 * (_handle_no_cache_dir), baseparser.py (_update_defaults).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const lines = (text: string, id = 'pip-cache-kept') => analyze(text, ENV).findings.filter((f) => f.ruleId === id).map((f) => f.range.start.line);
const PY = 'FROM python:3.12-slim\n';

describe('pip-cache-kept and pip configuration files', () => {
  it('takes `pip config set` of no-cache-dir (global or install, true or false) as turning the cache off for later installs', () => {
    for (const set of ['pip config set global.no-cache-dir true', 'pip config set global.no-cache-dir false', 'pip3 config --global set install.no-cache-dir 1', 'python -m pip config --user set global.no_cache_dir off']) {
      assert.deepEqual(lines(`${PY}RUN ${set}\nRUN pip install flask\n`), [], set);
      assert.deepEqual(lines(`${PY}RUN ${set} && pip install flask\n`), [], set);
    }
    // Before the setting, in another section, unset again, or set empty: the cache stays.
    assert.deepEqual(lines(`${PY}RUN pip install flask && pip config set global.no-cache-dir true\n`), [1]);
    assert.deepEqual(lines(`${PY}RUN pip config set wheel.no-cache-dir true\nRUN pip install flask\n`), [2]);
    assert.deepEqual(lines(`${PY}RUN pip config set global.no-cache-dir true\nRUN pip config unset global.no-cache-dir\nRUN pip install flask\n`), [3]);
    assert.deepEqual(lines(`${PY}RUN pip config set global.no-cache-dir ""\nRUN pip install flask\n`), [2]);
    // --site writes the interpreter's own file, which one is not read here.
    assert.deepEqual(lines(`${PY}RUN pip config --site set global.no-cache-dir true\nRUN pip install flask\n`), [2]);
  });

  it("reads the user's file only for that user, not with --isolated or PIP_CONFIG_FILE; the global file for every user", () => {
    const asApp = `${PY}RUN useradd -m app\n`;
    assert.deepEqual(lines(`${asApp}RUN pip config set global.no-cache-dir true\nUSER app\nRUN pip install --user flask\n`), [4]);
    assert.deepEqual(lines(`${asApp}RUN pip config --global set global.no-cache-dir true\nUSER app\nRUN pip install --user flask\n`), []);
    assert.deepEqual(lines(`${PY}RUN pip config set global.no-cache-dir true\nRUN pip install --isolated flask\n`), [2]);
    assert.deepEqual(lines(`${PY}RUN pip config set global.no-cache-dir true\nENV PIP_CONFIG_FILE=/app/pip.conf\nRUN pip install flask\n`), [3]);
    assert.deepEqual(lines(`${PY}RUN pip config --global set global.no-cache-dir true\nENV PIP_CONFIG_FILE=/dev/null\nRUN pip install flask\n`), [3]);
  });

  it('reads a pip.conf the Dockerfile writes: COPY and RUN here-documents, printf, echo lines', () => {
    const conf = '[global]\nno-cache-dir = true\n';
    assert.deepEqual(lines(`${PY}COPY <<EOF /etc/pip.conf\n${conf}EOF\nRUN pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}COPY <<EOF /root/.config/pip/pip.conf\n[install]\nno-cache-dir = false\nEOF\nRUN pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}RUN cat > /etc/pip.conf <<'EOF'\n${conf}EOF\nRUN pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}RUN <<EOF\ncat <<CONF > /etc/xdg/pip/pip.conf\n${conf}CONF\npip install flask\nEOF\n`), []);
    // Beside a here-document a shell runs (read for what the RUN runs, 5de2285), the file's is still read.
    assert.deepEqual(lines(`${PY}RUN <<CONF cat > /etc/pip.conf && <<SCRIPT sh\n${conf}CONF\necho setup\nSCRIPT\nRUN pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}RUN printf '[global]\\nno-cache-dir = true\\n' > /etc/pip.conf && pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}RUN echo "[global]" > /etc/pip.conf && echo "no-cache-dir = true" >> /etc/pip.conf\nRUN pip install flask\n`), []);
    assert.deepEqual(lines(`${PY}ENV PIP_CONFIG_FILE=/app/pip.conf\nCOPY <<EOF /app/pip.conf\n${conf}EOF\nRUN pip install flask\n`), []);
  });

  it('keeps reporting what it cannot read: another section, an empty value, a file copied from the context, an echo with escapes, a variable', () => {
    const conf = '[global]\nno-cache-dir = true\n';
    assert.deepEqual(lines(`${PY}COPY <<EOF /etc/pip.conf\n[wheel]\nno-cache-dir = true\nEOF\nRUN pip install flask\n`), [5]);
    assert.deepEqual(lines(`${PY}COPY <<EOF /etc/pip.conf\n[global]\nno-cache-dir =\nEOF\nRUN pip install flask\n`), [5]);
    assert.deepEqual(lines(`${PY}COPY <<EOF /etc/pip.conf\n${conf}EOF\nCOPY pip.conf /etc/pip.conf\nRUN pip install flask\n`), [6]);
    assert.deepEqual(lines(`${PY}RUN echo "[global]\\nno-cache-dir = true" > /etc/pip.conf\nRUN pip install flask\n`), [2]);
    assert.deepEqual(lines(`${PY}RUN cat > /etc/pip.conf <<EOF\n[global]\nno-cache-dir = $NOCACHE\nEOF\nRUN pip install flask\n`), [5]);
    assert.deepEqual(lines(`${PY}COPY <<EOF /etc/pip.conf\n${conf}EOF\nRUN rm -f /etc/pip.conf\nRUN pip install flask\n`), [6]);
    // Written in a stage the install's stage is not built FROM.
    assert.deepEqual(lines(`${PY.trim()} AS conf\nRUN pip config --global set global.no-cache-dir true\n${PY}RUN pip install flask\n`), [3]);
  });

  it('follows the FROM chain, and tells files-changed-in-later-layer and pipenv-cache-kept the same', () => {
    assert.deepEqual(lines(`${PY.trim()} AS base\nRUN pip config --global set global.no-cache-dir true\nFROM base\nRUN pip install flask\n`), []);
    const text = `${PY}RUN pip config set global.no-cache-dir true\nRUN pip install flask\nRUN rm -rf /root/.cache/pip\n`;
    assert.deepEqual(lines(text, 'files-changed-in-later-layer'), []);
    assert.deepEqual(lines(`${PY}RUN pip config set global.no-cache-dir true\nRUN pip install --no-cache-dir pipenv && pipenv install --system --deploy && rm -rf /root/.cache/pipenv\n`, 'pipenv-cache-kept'), []);
  });
});
