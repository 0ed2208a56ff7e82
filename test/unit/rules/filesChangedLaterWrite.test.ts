/**
 * files-changed-in-later-layer: a file that a later instruction wrote again, at its exact path,
 * holds only that instruction's bytes there. `tar -x -C /usr/local` (what the archive held is not
 * known) then `curl -o /usr/local/bin/kubectl` then `chmod +x /usr/local/bin/kubectl` named the
 * extraction as a writer too, and with two writers the fix (move the chmod into the download's
 * RUN) was not offered.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const NODE = 'RUN curl -fsSL https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz | tar -xJ -C /usr/local --strip-components=1';
const KUBECTL = 'RUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubectl';
const findings = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');

describe('files-changed-in-later-layer: a file written again at its path by a later instruction', () => {
  it('names only the last writer of the file, and moves the chmod into its RUN', () => {
    const text = `FROM debian:bookworm-slim\n${NODE}\n${KUBECTL}\nRUN chmod +x /usr/local/bin/kubectl\n`;
    const got = findings(text);
    assert.equal(got.length, 1);
    assert.match(got[0].message, /^`chmod` changes the mode of files written at line 3 \(curl -o\): /);
    assert.equal(fixAll(text, ENV).text, `FROM debian:bookworm-slim\n${NODE}\n${KUBECTL} && chmod +x /usr/local/bin/kubectl\n`);
  });

  it('names a deletion\'s last writer only', () => {
    const text = `FROM debian:bookworm-slim\n${NODE}\n${KUBECTL}\nRUN rm /usr/local/bin/kubectl\n`;
    assert.match(findings(text)[0].message, /^`rm` deletes files written at line 3 \(curl -o\): /);
  });

  it('still names an extraction after the download, which may have written the file again', () => {
    const text = `FROM debian:bookworm-slim\n${KUBECTL}\n${NODE}\nRUN chmod +x /usr/local/bin/kubectl\n`;
    assert.match(findings(text)[0].message, /^`chmod` changes the mode of files written at line 2 \(curl -o\), line 3 \(tar -x -C\): /);
  });
});
