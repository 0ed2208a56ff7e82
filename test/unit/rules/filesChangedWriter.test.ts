/**
 * files-changed-in-later-layer named the writer of a deleted download 'that RUN' when it was an
 * ADD: 'ADD https://.../tool.tar.gz /tmp/tool.tar.gz' then 'RUN tar -xzf ... && rm /tmp/tool.tar.gz'
 * said '(the size of what that RUN wrote there)'.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

describe('files-changed-in-later-layer: the instruction that wrote the files', () => {
  it('says ADD for an ADD <url> and RUN for a curl -o', () => {
    const message = (text: string) => analyze(text, { context: {} }).findings.find((f) => f.ruleId === 'files-changed-in-later-layer')!.message;
    const add = message('FROM debian:bookworm-slim\nADD https://example.com/tool.tar.gz /tmp/tool.tar.gz\nRUN tar -xzf /tmp/tool.tar.gz -C /usr/local/bin && rm /tmp/tool.tar.gz\n');
    assert.match(add, /\(the size of what that ADD wrote there\)/);
    const run = message('FROM debian:bookworm-slim\nRUN git clone https://example.com/x.git /src\nRUN rm -rf /src/.git\n');
    assert.match(run, /what that RUN wrote there|the files it deletes/);
  });

  it('tells a chmod or chown of an ADD <url> download to use ADD --chmod / --chown, not to delete the file (tini\'s README: ADD .../tini /tini, RUN chmod +x /tini)', () => {
    const message = (text: string) => analyze(text, { context: {} }).findings.find((f) => f.ruleId === 'files-changed-in-later-layer')!.message;
    const tini = 'FROM debian:bookworm-slim\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n';
    const chmod = message(`${tini}RUN chmod +x /tini\nENTRYPOINT ["/tini", "--"]\n`);
    assert.doesNotMatch(chmod, /delete/);
    assert.match(chmod, /\. Use ADD --chmod, or download it with curl or wget in a RUN and chmod it there\.$/);
    const chown = message(`${tini}RUN chown nobody /tini\n`);
    assert.match(chown, /\. Use ADD --chown, or download it with curl or wget in a RUN and chown it there\.$/);
    // A deletion keeps its advice.
    assert.match(message(`${tini}RUN rm /tini\n`), /Download it with curl or wget in the RUN that uses it, and delete it there\.$/);
  });

  it('names the first five writes and how many more (a message per write of a long file would be as long as the file)', () => {
    const clones = (n: number) => Array.from({ length: n }, (_, i) => `RUN git clone https://example.com/x${i}.git /src\n`).join('');
    const message = (n: number) => analyze(`FROM debian:bookworm-slim\n${clones(n)}RUN rm -rf /src/.git\n`, { context: {} }).findings.find((f) => f.ruleId === 'files-changed-in-later-layer')!.message;
    assert.match(message(12), /^`rm` deletes files written at line 2 \(git clone\), line 3 \(git clone\), line 4 \(git clone\), line 5 \(git clone\), line 6 \(git clone\) and 7 more: /);
    assert.match(message(6), /line 6 \(git clone\), line 7 \(git clone\): /);
    assert.ok(message(3000).length < 400);
  });
});
