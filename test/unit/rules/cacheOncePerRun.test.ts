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
