/**
 * dnf, yum, microdnf and zypper keep one cache per RUN, whatever fills it: `zypper refresh &&
 * zypper install -y curl` is one finding, at the first command that leaves the cache (the repair
 * appends one cleanup), where it was one per command (two identical warnings).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };

describe('rpm and zypper caches reported once per RUN', () => {
  for (const [tool, first, clean] of [
    ['dnf', 'makecache', 'dnf clean all'],
    ['yum', 'makecache', 'yum clean all'],
    ['microdnf', 'makecache', 'microdnf clean all'],
    ['zypper', 'refresh', 'zypper clean --all'],
  ]) {
    it(tool, () => {
      const found = (run: string) => analyze(`FROM fedora:41\n${run}\n`, ENV).findings.filter((f) => f.ruleId === `${tool}-cache-kept`).map((f) => f.range.start.character);
      assert.deepEqual(found(`RUN ${tool} ${first} && ${tool} install -y curl && ${tool} install -y gcc`), [4]);
      // After a cleanup, the next command that fills the cache is the one reported.
      assert.deepEqual(found(`RUN ${tool} ${first} && ${clean} && ${tool} install -y curl`), [4 + `${tool} ${first} && ${clean} && `.length]);
    });
  }
});

/**
 * On RHEL 8 and later and on Fedora yum is dnf (the same program and cache: rpmCleanAll already
 * takes either's `clean all` for the other's): a RUN of both is one finding, dnf-cache-kept's,
 * whose fix empties the cache of both; yum-cache-kept's shows when that rule is off or ignored.
 */
describe('dnf and yum in one RUN', () => {
  const ids = (run: string, settings = {}) => analyze(`FROM rockylinux:9\n${run}\n`, ENV, settings).findings.filter((f) => /^(dnf|yum)-cache-kept$/.test(f.ruleId)).map((f) => `${f.ruleId}@${f.range.start.character}`);
  it('one finding for the cache both fill', () => {
    assert.deepEqual(ids('RUN yum install -y curl && dnf install -y gcc'), ['dnf-cache-kept@27']);
    assert.deepEqual(ids('RUN yum install -y curl && dnf install -y gcc', { severities: { 'dnf-cache-kept': 'off' } }), ['yum-cache-kept@4']);
    assert.deepEqual(ids('# size-hints ignore=dnf-cache-kept\nRUN yum install -y curl && dnf install -y gcc'), ['yum-cache-kept@4']);
    // dnf's install emptied by the clean after it: yum's is the one left.
    assert.deepEqual(ids('RUN dnf install -y gcc && dnf clean all && yum install -y curl'), ['yum-cache-kept@43']);
  });
});
