/**
 * copied-archive-extracted turns `COPY app.tar.gz /tmp/` + `RUN tar -xzf /tmp/app.tar.gz -C /opt`
 * into `ADD app.tar.gz /opt/`, which always unpacks the whole archive. That is the same image only
 * when the tar ran, to its end, in every build that succeeded (runsWheneverScriptSucceeds): a tar
 * in the background (`&`) may not have finished when the script exited, and one under `!` must
 * have failed for the build to succeed. The finding stays (the
 * archive is still in the COPY layer); the fix goes.
 */
import * as assert from 'node:assert/strict';
import { ruleFixes as fixesOf } from '../../support/ruleFixes';

const HEAD = 'FROM debian:bookworm-slim\nCOPY app.tar.gz /tmp/\n';
const ruleFixes = (run: string) => fixesOf(`${HEAD}${run}\n`, 'copied-archive-extracted');

describe('copied-archive-extracted: an extraction a successful build may not have finished', () => {
  it('keeps the finding and offers no ADD', () => {
    for (const run of [
      'RUN tar -xzf /tmp/app.tar.gz -C /opt &',
      'RUN tar -xzf /tmp/app.tar.gz -C /opt & rm /tmp/app.tar.gz',
      'RUN ( tar -xzf /tmp/app.tar.gz -C /opt & )',
      'RUN (tar -xzf /tmp/app.tar.gz -C /opt) &',
      // The build succeeded only when tar failed.
      'RUN ! tar -xzf /tmp/app.tar.gz -C /opt',
      'RUN ! tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz',
    ]) {
      assert.deepEqual(ruleFixes(run), [undefined], run);
    }
  });

  it('offers the ADD when the tar ran to its end', () => {
    const add = 'FROM debian:bookworm-slim\nADD app.tar.gz /opt/\n';
    assert.deepEqual(ruleFixes('RUN tar -xzf /tmp/app.tar.gz -C /opt'), [add]);
    assert.deepEqual(ruleFixes('RUN tar -xzf /tmp/app.tar.gz -C /opt; rm /tmp/app.tar.gz'), [add]);
  });
});
