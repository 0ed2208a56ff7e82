/**
 * gem-documentation cites the ri documentation measured by the bench (test/bench/measure/toolchains.ts,
 * `npm run bench:measure -- gem-documentation`) as an example, with the RubyGems that wrote it, and
 * gives no bytes for the gems of the Dockerfile.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { formatBytes, GEM_DOCUMENTATION_EXAMPLE as EX } from '../../../server/src/sizes';
import { RULES } from '../../../server/src/rules';

describe('gem-documentation and the measured ri documentation', () => {
  it('the example names RubyGems and a gem', () => {
    assert.match(EX.tool, /^RubyGems \d+\.\d+\.\d+$/);
    assert.ok(EX.bytes > 0 && EX.outputBytes > 0);
    assert.match(EX.basis, /rack-[\d.]+\.gem/);
    assert.match(EX.measuredOn, /^\d{4}-\d\d-\d\d$/);
  });

  it('cites it in the message and the basis, without bytes', () => {
    const [f] = analyze('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends ruby && rm -rf /var/lib/apt/lists/*\nRUN gem install bundler\n', { context: {} }).findings.filter(
      (x) => x.ruleId === 'gem-documentation',
    );
    assert.ok(f);
    assert.ok(f.message.includes(`about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.outputBytes)} for the gem itself (measured with ${EX.tool})`), f.message);
    assert.equal(f.saving?.bytes, undefined);
    assert.ok(f.saving?.basis.includes(EX.basis));
    const rule = RULES.find((r) => r.id === 'gem-documentation');
    assert.ok(rule?.docs.sizeImpact.includes(EX.basis));
  });
});
