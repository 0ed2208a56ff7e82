/**
 * A `cd` in a RUN moves the directory its later commands run in: `RUN cd /tmp && rm -rf build`
 * removes /tmp/build, not build under the WORKDIR. Where a cd cannot be followed (a variable, a
 * subshell, a pipeline, the background, a condition, a -c script's hidden commands), relative
 * paths after it are left unjudged.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const rule = 'files-changed-in-later-layer';
const found = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === rule).map((f) => f.range.start.line);

describe('cd inside a RUN', () => {
  const head = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n';

  it('resolves the paths of the commands after it against its directory', () => {
    assert.deepEqual(found(`${head}RUN cd /tmp && rm -rf build\n`), []);
    assert.deepEqual(found(`${head}RUN cd /opt && chmod -R 755 .\n`), []);
    assert.deepEqual(found(`${head}RUN cd / && rm -rf app/tests\n`), [3]);
    assert.deepEqual(found(`${head}RUN cd /srv; cd ../app && rm -rf tests\n`), [3]);
    assert.deepEqual(found(`${head}RUN cd .. && rm -rf app/tests\n`), [3]);
  });

  it('still judges what comes before it, and absolute paths after it', () => {
    assert.deepEqual(found(`${head}RUN rm -rf tests && cd /tmp\n`), [3]);
    assert.deepEqual(found(`${head}RUN cd /tmp && rm -rf /app/tests\n`), [3]);
  });

  it('leaves relative paths unjudged after a cd it cannot follow', () => {
    for (const run of ['cd $HOME && rm -rf build', 'cd && rm -rf build', 'cd - && rm -rf build', '(cd /tmp && make) && rm -rf tests', 'if true; then cd /tmp; fi && rm -rf build', "sh -c 'cd /tmp && echo \\$HOME' && rm -rf build"]) {
      assert.deepEqual(found(`${head}RUN ${run}\n`), [], run);
    }
  });

  it('sees a file a RUN writes after a cd where the cd put it', () => {
    // Downloaded in /tmp after the cd, then deleted by its absolute path in a later layer.
    assert.deepEqual(found('FROM debian:bookworm-slim\nRUN cd /tmp && curl -fsSLO https://e.com/x.bin\nRUN rm /tmp/x.bin\n'), [2]);
  });

  it('finds a copied archive extracted after a cd, and offers no ADD fix for that RUN', () => {
    const text = 'FROM debian:bookworm-slim\nCOPY app.tar.gz /tmp/\nRUN cd /tmp && tar -xzf app.tar.gz -C /opt && rm app.tar.gz\n';
    const analysis = analyze(text, ENV);
    const hits = analysis.findings.filter((f) => f.ruleId === 'copied-archive-extracted');
    assert.deepEqual(hits.map((f) => f.range.start.line), [1]);
    // The RUN does more than extract and delete (its cd): ADD would not do the same.
    assert.equal(fixFor(analysis, hits[0], ENV), undefined);
  });
});
