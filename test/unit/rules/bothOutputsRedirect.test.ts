/**
 * bash's `&>file` and `&>>file` (both outputs to a file) in a RUN. bash and busybox ash read them
 * so; dash, /bin/sh on Debian and Ubuntu images, reads `a && b &>log` as `a && b &` (the list in
 * the background: the RUN may end before it does) and then `>log`. The shell reader keeps the
 * redirection (the words stay the program's), and fixes take both readings: no move of the
 * command's effect, no merge that would put another RUN's commands in that list, and no cleanup
 * appended after it (it would run beside the command under dash). The findings stay.
 */
import * as assert from 'node:assert/strict';
import { ruleFixes } from '../../support/ruleFixes';

const FROM = 'FROM debian:bookworm-slim\n';

describe('fixes around &> redirections (both outputs, or a background & under dash)', () => {
  it('moves no chmod that dash may run in the background into COPY --chmod', () => {
    const copy = `${FROM}COPY run.sh /usr/local/bin/run.sh\n`;
    for (const run of ['RUN echo a && chmod 755 /usr/local/bin/run.sh &>/dev/null', 'RUN chmod 755 /usr/local/bin/run.sh &>>/tmp/log && echo ok']) {
      assert.deepEqual(ruleFixes(`${copy}${run}\n`, 'files-changed-in-later-layer'), [undefined], run);
    }
    // After the &> the list goes on in the foreground in either reading.
    assert.deepEqual(ruleFixes(`${copy}RUN echo a &>/dev/null && chmod 755 /usr/local/bin/run.sh\n`, 'files-changed-in-later-layer'), [
      `${FROM}COPY --chmod=755 run.sh /usr/local/bin/run.sh\nRUN echo a &>/dev/null\n`,
    ]);
  });

  it('merges no apt-get update into a RUN that dash would run in the background with it', () => {
    assert.deepEqual(ruleFixes(`${FROM}RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl &>/dev/null\n`, 'index-update-in-separate-run'), [undefined]);
    assert.deepEqual(ruleFixes(`${FROM}RUN apt-get update &>/dev/null\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n`, 'index-update-in-separate-run'), [undefined]);
  });

  it('appends no cleanup after a last command with &>', () => {
    for (const run of ['RUN apt-get update && apt-get install -y --no-install-recommends curl &>/tmp/install.log', 'RUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl &>>/tmp/install.log\nEOF']) {
      assert.deepEqual(ruleFixes(`${FROM}${run}\n`, 'apt-lists-kept'), [undefined], run);
    }
    assert.deepEqual(ruleFixes(`${FROM}RUN apt-get update &>/dev/null && apt-get install -y --no-install-recommends curl\n`, 'apt-lists-kept'), [
      `${FROM}RUN apt-get update &>/dev/null && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n`,
    ]);
  });
});
