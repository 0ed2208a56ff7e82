/**
 * The cache rules' fixes that append a cleanup naming the tool bare (`conda clean -afy`, `go clean
 * -cache`, `yarn cache clean`) are not offered when the RUN runs the tool by a path outside the
 * usual PATH folders (/usr/local/bin, /usr/bin, /bin and their sbin): Miniconda's installer (`bash
 * Miniconda3-*.sh -b -p /opt/conda`) puts conda on no PATH, so `/opt/conda/bin/conda install ...
 * && conda clean -afy` failed the build with "conda: not found". The PATH the file sets is not
 * read (a tool it puts there is usually run by its name). A cleanup that names no tool (`rm -rf`
 * of the cache) is still offered.
 */
import * as assert from 'node:assert/strict';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const fixed = (lines: string) => fixAll(`FROM debian:bookworm-slim\n${lines}\n`, ENV).text;

describe('cache cleanups for a tool run by its path', () => {
  it('not appended when the tool is off the PATH', () => {
    for (const run of ['RUN /opt/conda/bin/conda install -y numpy', 'ENV PATH=/opt/conda/bin:$PATH\nRUN /opt/conda/bin/conda install -y numpy', 'RUN /usr/local/go/bin/go build -o /app .', 'RUN ./node_modules/.bin/yarn install --production', 'RUN ~/.bun/bin/bun install --production']) {
      assert.equal(fixed(run), `FROM debian:bookworm-slim\n${run}\n`, run);
    }
  });

  it('appended when the tool is run by its name or from a usual PATH folder', () => {
    assert.equal(fixed('ENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y numpy'), 'FROM debian:bookworm-slim\nENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y numpy && conda clean -afy\n');
    assert.equal(fixed('RUN /usr/bin/dnf install -y curl'), 'FROM debian:bookworm-slim\nRUN /usr/bin/dnf install -y curl && dnf clean all\n');
    assert.equal(fixed('RUN /usr/local/bin/npm install -g typescript'), 'FROM debian:bookworm-slim\nRUN /usr/local/bin/npm install -g typescript && npm cache clean --force\n');
  });

  it('a removal that names no tool is still appended', () => {
    assert.equal(fixed('RUN /root/.local/bin/poetry install --only main'), 'FROM debian:bookworm-slim\nRUN /root/.local/bin/poetry install --only main && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts\n');
  });
});
