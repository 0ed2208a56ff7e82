/**
 * A cleanup appended to a RUN whose last command stands in a subshell negated by `!`
 * (`RUN ! ( apt-get update && apt-get install -y x )`) would land inside it: a build that
 * succeeded had the subshell fail, so the cleanup would not run there (or, run, would make it
 * succeed and fail the build). No fix is offered there; after a negated `{ }` group or `-c`
 * script, and in a subshell no `!` negates, the cleanup goes after it as before.
 */
import * as assert from 'node:assert/strict';
import { ruleFixes } from '../../support/ruleFixes';

const FROM = 'FROM debian:bookworm-slim\n';
const RM = 'rm -rf /var/lib/apt/lists/*';

describe('a cleanup appended after a subshell negated by !', () => {
  for (const run of [
    'RUN ! ( apt-get update && apt-get install -y --no-install-recommends curl )',
    'RUN apt-get update && ! ( apt-get install -y --no-install-recommends curl ; )',
    'RUN ! ( ( apt-get update && apt-get install -y --no-install-recommends curl ) )',
    'RUN ( ! ( apt-get update && apt-get install -y --no-install-recommends curl ) )',
  ]) {
    it(`offers no fix: ${run}`, () => {
      assert.deepEqual(ruleFixes(`${FROM}${run}\n`, 'apt-lists-kept'), [undefined]);
    });
  }

  it('appends where the cleanup runs: after a negated { } group or -c script, inside a subshell not negated', () => {
    for (const [run, fixed] of [
      ['RUN ! { apt-get update && apt-get install -y --no-install-recommends curl; }', `RUN ! { apt-get update && apt-get install -y --no-install-recommends curl; } && ${RM}`],
      ['RUN ! sh -c "apt-get update && apt-get install -y --no-install-recommends curl"', `RUN ! sh -c "apt-get update && apt-get install -y --no-install-recommends curl" && ${RM}`],
      ['RUN ( apt-get update && apt-get install -y --no-install-recommends curl )', `RUN ( apt-get update && apt-get install -y --no-install-recommends curl && ${RM} )`],
      ['RUN apt-get update && ! apt-get install -y --no-install-recommends curl', `RUN apt-get update && ! apt-get install -y --no-install-recommends curl && ${RM}`],
    ]) {
      assert.deepEqual(ruleFixes(`${FROM}${run}\n`, 'apt-lists-kept'), [`${FROM}${fixed}\n`], run);
    }
  });

  // Found by the single-fix property (FC_SEED random, seed 1140278976): the fix appended `&&
  // microdnf clean all` before the `&`, into the list run in the background, where a27500c no
  // longer counts a cleanup, so the fix did not remove its finding.
  it('offers no fix where the appended cleanup would run in the background', () => {
    const ubi = 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.5\n';
    assert.deepEqual(ruleFixes(`${ubi}RUN microdnf install -y findutils \\\n    &\n`, 'microdnf-cache-kept'), [undefined]);
    assert.deepEqual(ruleFixes(`${FROM}RUN apt-get update && apt-get install -y --no-install-recommends curl &\n`, 'apt-lists-kept'), [undefined]);
    assert.deepEqual(ruleFixes(`${FROM}RUN ( apt-get update && apt-get install -y --no-install-recommends curl ) &\n`, 'apt-lists-kept'), [undefined]);
  });

  it('the same for the other cleanups: an archive deleted in the RUN that extracts it', () => {
    const script = '( curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && tar -xzf /tmp/a.tgz -C /opt )';
    assert.deepEqual(ruleFixes(`${FROM}RUN ! ${script}\n`, 'archive-kept'), [undefined]);
    assert.deepEqual(ruleFixes(`${FROM}RUN ${script}\n`, 'archive-kept'), [`${FROM}RUN ${script.replace(' )', ' && rm -f /tmp/a.tgz )')}\n`]);
  });
});
