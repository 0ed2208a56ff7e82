/**
 * The cache rules' cleanups that name the tool (`conda clean -afy`, `go clean -cache`, `yarn cache
 * clean`) call it by the path the RUN runs it by when that is outside the usual PATH folders
 * (/usr/local/bin, /usr/bin, /bin and their sbin): Miniconda's installer (`bash Miniconda3-*.sh -b
 * -p /opt/conda`) puts conda on no PATH, so `/opt/conda/bin/conda install ... && conda clean -afy`
 * failed the build with "conda: not found", and with `ENV PATH=/opt/conda/bin:$PATH` before it the
 * path form still names the program that filled the cache. The fix is offered for an absolute or
 * `~/` path only (a `cd` may come between a relative one and the end of the RUN; a variable may be
 * set for the install alone); the message gives the path form in every case. A cleanup that names
 * no tool (`rm -rf` of the cache) is appended as before.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const fixed = (lines: string) => fixAll(`FROM debian:bookworm-slim\n${lines}\n`, ENV).text;
const messages = (lines: string) => analyze(`FROM debian:bookworm-slim\n${lines}\n`, ENV).findings.map((f) => f.message);

describe('cache cleanups for a tool run by its path', () => {
  it('appended with the path the install runs the tool by, once (a second fix changes nothing)', () => {
    for (const [run, cleanup] of [
      ['RUN /opt/conda/bin/conda install -y numpy', '/opt/conda/bin/conda clean -afy'],
      ['ENV PATH=/opt/conda/bin:$PATH\nRUN /opt/conda/bin/conda install -y numpy', '/opt/conda/bin/conda clean -afy'],
      ['ENV PATH="/opt/conda/bin:${PATH}"\nRUN /opt/conda/bin/mamba install -y numpy', '/opt/conda/bin/mamba clean --all --yes'],
      ['RUN /usr/local/go/bin/go build -o /app .', '/usr/local/go/bin/go clean -cache -modcache'],
      ['RUN ~/.bun/bin/bun install --production', '~/.bun/bin/bun pm cache rm'],
    ]) {
      const once = fixed(run);
      assert.equal(once, `FROM debian:bookworm-slim\n${run} && ${cleanup}\n`, run);
      assert.equal(fixAll(once, ENV).text, once, run);
    }
  });

  it('not appended by a relative path or through a variable; the message says the path form', () => {
    for (const [run, cleanup] of [
      ['RUN ./node_modules/.bin/yarn install --production', './node_modules/.bin/yarn cache clean'],
      ['ENV CONDA_DIR=/opt/conda\nRUN $CONDA_DIR/bin/conda install -y numpy', '$CONDA_DIR/bin/conda clean -afy'],
    ]) {
      assert.equal(fixed(run), `FROM debian:bookworm-slim\n${run}\n`, run);
      assert.match(messages(run)[0], new RegExp(`Add \`${cleanup.replace(/[$.]/g, '\\$&')}\` to the same RUN`), run);
    }
    assert.match(messages('RUN /opt/conda/bin/conda install -y numpy')[0], /Add `\/opt\/conda\/bin\/conda clean -afy` to the same RUN/);
  });

  it('by its name when the tool is run by its name or from a usual PATH folder', () => {
    assert.equal(fixed('ENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y numpy'), 'FROM debian:bookworm-slim\nENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y numpy && conda clean -afy\n');
    assert.equal(fixed('RUN /usr/bin/dnf install -y curl'), 'FROM debian:bookworm-slim\nRUN /usr/bin/dnf install -y curl && dnf clean all\n');
    assert.equal(fixed('RUN /usr/local/bin/npm install -g typescript'), 'FROM debian:bookworm-slim\nRUN /usr/local/bin/npm install -g typescript && npm cache clean --force\n');
  });

  it('one finding for several commands quotes the tool as its fix appends it: by the last command\'s path', () => {
    // The message quoted the first command's path while the fix, appended after the last, used the last's.
    for (const [run, cleanup] of [
      ['RUN /opt/conda/bin/conda install -y numpy && conda install -y pandas', 'conda clean -afy'],
      ['RUN conda install -y numpy && /opt/conda/bin/conda install -y pandas', '/opt/conda/bin/conda clean -afy'],
    ]) {
      const lines = `ENV PATH=/opt/conda/bin:$PATH\n${run}`;
      assert.deepEqual(messages(lines).map((m) => /Add `(.*?)` to the same RUN/.exec(m)?.[1]), [cleanup], run);
      assert.equal(fixed(lines), `FROM debian:bookworm-slim\n${lines} && ${cleanup}\n`, run);
    }
  });

  it('a removal that names no tool is still appended', () => {
    assert.equal(fixed('RUN /root/.local/bin/poetry install --only main'), 'FROM debian:bookworm-slim\nRUN /root/.local/bin/poetry install --only main && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts /root/.local/share/virtualenv\n');
  });
});
