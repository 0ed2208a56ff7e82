/**
 * files-changed-in-later-layer on the removal of the apt lists in a RUN that runs its own
 * `apt-get update` first: the removal is that RUN's own cleanup and must stay, while the lists an
 * earlier RUN kept stay in that RUN's layer. The advice said 'Do it in the RUN that wrote them.',
 * which reads as moving the removal away (leaving this RUN's own lists behind).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const RM = 'rm -rf /var/lib/apt/lists/*';
const messages = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer').map((f) => f.message);

describe('files-changed-in-later-layer: deleted apt lists in a RUN with its own update', () => {
  it('says to keep the removal and remove them in the earlier RUN too', () => {
    const text = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends git && ${RM}\n`;
    assert.deepEqual(messages(text), [
      '`rm` deletes files written at line 2 (apt-get update): the bytes stay in that layer (counted there by apt-lists-kept). Keep it for this RUN\'s own update, and remove them in the RUN that wrote them too.',
    ]);
  });

  it('keeps its advice for a removal in a RUN that does not update', () => {
    const text = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN ${RM}\n`;
    assert.match(messages(text)[0], /\. Do it in the RUN that wrote them\.$/);
    // An update after the removal is not this removal's: its lists stay (apt-lists-kept says so).
    const after = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN ${RM} && apt-get update && apt-get install -y --no-install-recommends git\n`;
    assert.match(messages(after)[0], /\. Do it in the RUN that wrote them\.$/);
  });

  it('says the same with apt-lists-kept off, with the figure', () => {
    const text = `FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends git && ${RM}\n`;
    const got = analyze(text, { context: {} }, { severities: { 'apt-lists-kept': 'off' } }).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');
    assert.equal(got.length, 1);
    assert.match(got[0].message, /\(about 20 MB\)\. Keep it for this RUN's own update, and remove them in the RUN that wrote them too\.$/);
  });
});
