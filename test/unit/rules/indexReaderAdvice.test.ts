/**
 * A package index (apt's lists, apk's APKINDEX files) that a later RUN installs from cannot be
 * removed where it is written: the later install would fail. The fix is then withheld, and the
 * message says which line reads the index and what to give it first, instead of advice that
 * breaks the build if followed by hand.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };

function finding(text: string, ruleId: string) {
  const found = analyze(text, ENV).findings.find((f) => f.ruleId === ruleId);
  assert.ok(found, `no ${ruleId} finding`);
  return found;
}

describe('index readers in later RUNs', () => {
  it('apt-lists-kept names the later RUN that installs from the lists, and its fix waits for that RUN to update', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get install -y --no-install-recommends jq\n';
    const f = finding(text, 'apt-lists-kept');
    assert.match(f.message, /Line 3 installs from them without an `apt-get update` of its own: give it one, then add `rm -rf \/var\/lib\/apt\/lists\/\*` to this RUN\./);
    assert.ok(!fixAll(text, ENV).applied.includes('apt-lists-kept'));
  });

  it('apt-lists-kept: a later RUN that updates first does not read these lists, so the removal is offered', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends jq\nRUN apt-get install -y --no-install-recommends git\n';
    const f = finding(text, 'apt-lists-kept');
    assert.equal(f.range.start.line, 1);
    assert.match(f.message, /Add `rm -rf \/var\/lib\/apt\/lists\/\*` to the same RUN\.$/);
    assert.match(fixAll(text, ENV).text, /apt-get install -y --no-install-recommends curl && rm -rf \/var\/lib\/apt\/lists\/\*\n/);
  });

  it('apt-lists-kept on a RUN that only updates: the update moves to the RUN that installs', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n';
    assert.match(finding(text, 'apt-lists-kept').message, /Line 3 installs from them: run the update in that RUN instead, and remove the lists there\.$/);
  });

  it('apt-clean-keeps-lists says the same', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean\nRUN apt-get install -y --no-install-recommends jq\n';
    assert.match(finding(text, 'apt-clean-keeps-lists').message, /Line 3 installs from them without an `apt-get update` of its own/);
  });

  it('apk-update-cache-kept names the later apk add that reads the index, rather than saying to drop the update', () => {
    const text = 'FROM alpine:3.21\nRUN apk update && apk add curl\nRUN apk add jq\n';
    const f = finding(text, 'apk-update-cache-kept');
    assert.match(f.message, /Line 3 runs `apk add` without `--no-cache` on this index: give it `--no-cache` first, then drop the update here/);
    assert.doesNotMatch(f.message, /Drop it and use/);
  });
});
