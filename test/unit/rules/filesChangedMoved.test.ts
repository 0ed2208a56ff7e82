/**
 * files-changed-in-later-layer on a file that `mv` (or `cp`) wrote in an earlier RUN. A `chmod`
 * without -R of a file copies it into the new layer, of a folder only the folder's entry; so the
 * rule reports it only where the write is known to be a file, by the names as for COPY: a source
 * with an extension moved to a name with one (`mv /tmp/a.bin /opt/blob.bin`), or into a folder
 * (`mv /tmp/a.bin /opt/data/`, which writes /opt/data/a.bin and nothing else of /opt/data).
 * `mv a /opt/x` may move `a` into an existing folder /opt/x: no finding on `chmod 600 /opt/x`.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { ruleFixes } from '../../support/ruleFixes';

const RULE = 'files-changed-in-later-layer';
const found = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === RULE).map((f) => f.message);
const HEAD = 'FROM debian:bookworm-slim\n';
const WRITE = 'RUN head -c 300000 /dev/urandom > /tmp/a.bin && mkdir -p /opt/data && ';

describe('files-changed-in-later-layer: files an earlier RUN moved', () => {
  it('reports chmod 600 of a file moved to a file name, and moves it into that RUN', () => {
    const file = `${HEAD}${WRITE}mv /tmp/a.bin /opt/data/blob.bin\nRUN chmod 600 /opt/data/blob.bin\n`;
    assert.match(found(file)[0] ?? '', /^`chmod` changes the mode of files written at line 2 \(mv\)/);
    assert.deepEqual(ruleFixes(file, RULE), [`${HEAD}${WRITE}mv /tmp/a.bin /opt/data/blob.bin && chmod 600 /opt/data/blob.bin\n`]);
    assert.equal(found(`${HEAD}${WRITE}cp /tmp/a.bin /opt/data/blob.bin\nRUN chmod 600 /opt/data/blob.bin\n`).length, 1);
    assert.equal(found(`${HEAD}${WRITE}mv -T /tmp/a.bin /opt/data/blob\nRUN chmod 600 /opt/data/blob\n`).length, 1);
  });

  it('reads `mv a dir/` as a write of dir/a alone', () => {
    const into = `${HEAD}${WRITE}mv /tmp/a.bin /opt/data/\n`;
    assert.equal(found(`${into}RUN chmod 600 /opt/data/a.bin\n`).length, 1);
    assert.deepEqual(ruleFixes(`${into}RUN chmod 600 /opt/data/a.bin\n`, RULE), [`${HEAD}${WRITE}mv /tmp/a.bin /opt/data/ && chmod 600 /opt/data/a.bin\n`]);
    // Another file of that folder was not written there.
    assert.deepEqual(found(`${into}RUN chmod 600 /opt/data/other.bin\n`), []);
    assert.equal(found(`${into}RUN rm -rf /opt/data\n`).length, 1);
  });

  it('says nothing of a chmod without -R where the write may be a folder', () => {
    // `mv x /opt/tool` may move x into an existing folder /opt/tool; `x` may be a folder.
    assert.deepEqual(found(`${HEAD}RUN mkdir /tmp/x && mv /tmp/x /opt/tool\nRUN chmod 755 /opt/tool\n`), []);
    assert.deepEqual(found(`${HEAD}${WRITE}mv /tmp/a.bin /opt/data\nRUN chmod 755 /opt/data\n`), []);
    assert.deepEqual(found(`${HEAD}RUN mkdir -p /tmp/x /opt/data && mv /tmp/x /opt/data/\nRUN chmod 755 /opt/data/x\n`), []);
    // A recursive change still counts, as before.
    assert.equal(found(`${HEAD}RUN mkdir /tmp/x && mv /tmp/x /opt/tool\nRUN chmod -R 755 /opt/tool\n`).length, 1);
  });
});
