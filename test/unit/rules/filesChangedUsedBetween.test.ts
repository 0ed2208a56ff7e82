/**
 * files-changed-in-later-layer on a deletion of what an earlier RUN wrote and a RUN between them
 * uses: a download, its extraction and its removal in three RUNs. The advice was 'Do it in the RUN
 * that wrote them.', and the removal moved into the download's RUN would fail the extraction.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const BASE = 'FROM debian:bookworm-slim\n';
const GET = 'RUN curl -fsSL -o /tmp/node.tar.xz https://nodejs.org/dist/v22.11.0/node-v22.11.0-linux-x64.tar.xz\n';
const message = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'files-changed-in-later-layer')!.message;

describe('files-changed-in-later-layer: a deletion of files a RUN in between uses', () => {
  it('names the RUN that uses them and says to write, use and delete them in one RUN', () => {
    const text = `${BASE}${GET}RUN tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1\nRUN rm /tmp/node.tar.xz\n`;
    assert.match(message(text), /: the bytes stay in that layer \(the size of what that RUN wrote there\)\. Line 3 uses them in between: write, use and delete them in one RUN\.$/);
    // No fix moves the removal above the extraction.
    assert.equal(fixAll(text, ENV).text, text);
  });

  it('keeps its advice when nothing between uses them, or when the RUN is directly below', () => {
    assert.match(message(`${BASE}${GET}RUN echo unrelated\nRUN rm /tmp/node.tar.xz\n`), /\. Do it in the RUN that wrote them\.$/);
    assert.match(message(`${BASE}${GET}RUN rm /tmp/node.tar.xz\n`), /\. Do it in the RUN that wrote them\.$/);
  });

  it('a git checkout built in a WORKDIR below it, then its .git removed', () => {
    const text = `${BASE}RUN git clone https://example.com/app.git /src\nWORKDIR /src\nRUN make\nRUN rm -rf /src/.git\n`;
    assert.match(message(text), /\. Line 4 uses them in between: write, use and delete them in one RUN\.$/);
  });
});
