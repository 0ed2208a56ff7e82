/**
 * Checks that a rule's check stays linear in the size of the file: the per-keystroke analysis of a
 * long Dockerfile must not walk every earlier RUN (or ENV) for each command it looks at.
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/core/model';
import { RULES } from '../../server/src/rules';

/**
 * Asserts that `ruleId`'s check on `make(3000)` takes under 4.5 times as long as on `make(1000)`,
 * plus 100 ms. CPU time, best of three, each on a new model (rules keep what they work out per
 * model or stage); the parse is outside the timing. On a shared machine wall time mostly measures
 * the neighbours.
 */
export function assertLinearCheck(ruleId: string, make: (runs: number) => string): void {
  const rule = RULES.find((r) => r.id === ruleId)!;
  const once = (runs: number) => {
    const model = buildModel(make(runs));
    const started = process.cpuUsage();
    rule.check({ model, env: { context: {} }, settings: {} } as Parameters<typeof rule.check>[0]);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  once(1000); // warm up the JIT
  const [a, b] = [Math.min(once(1000), once(1000), once(1000)), Math.min(once(3000), once(3000), once(3000))];
  assert.ok(b < 4.5 * a + 100, `${ruleId}: 1,000: ${a.toFixed(0)} ms, 3,000: ${b.toFixed(0)} ms`);
}
