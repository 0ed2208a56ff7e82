/**
 * runInSlices (server/src/lsp/slices.ts): work done a few milliseconds at a time off the request
 * path, as the estimate after the fixes is finished. Real clocks: the steps burn CPU time, which a
 * busy machine does not stretch as it stretches wall time.
 */
import * as assert from 'node:assert/strict';
import { cpuMs, runInSlices } from '../../../server/src/lsp/slices';

/** Burns `ms` of this process's CPU time. */
function burn(ms: number): void {
  const end = cpuMs() + ms;
  while (cpuMs() < end);
}

describe('runInSlices', function () {
  // Real CPU time: on a loaded machine the wall time stretches past mocha's default 2 s when run alone.
  this.timeout(20_000);
  it('does every step, letting the event loop turn between slices', async () => {
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const turnsAtStep: number[] = [];
    const result = await runInSlices(
      () => {
        turnsAtStep.push(turns);
        burn(1);
        return turnsAtStep.length === 40;
      },
      { sliceMs: 5, cpuCapMs: 10_000, wanted: () => true },
    );
    running = false;
    assert.equal(result.outcome, 'done');
    assert.equal(turnsAtStep.length, 40);
    // 40 ms of work in slices of 5 ms: several slices, and the loop turned between each two.
    assert.ok(result.slices >= 4 && result.slices <= 40, `${result.slices} slices`);
    assert.ok(new Set(turnsAtStep).size >= result.slices, `steps saw ${new Set(turnsAtStep).size} turns in ${result.slices} slices`);
    assert.ok(result.cpuMs >= 40, `${result.cpuMs} ms of CPU counted`);
  });

  it('drops the work before the next slice once it is not wanted', async () => {
    let steps = 0;
    let slicesWanted = 3;
    const result = await runInSlices(
      () => {
        steps++;
        burn(1);
        return false;
      },
      { sliceMs: 2, cpuCapMs: 10_000, wanted: () => slicesWanted-- > 0 },
    );
    assert.equal(result.outcome, 'dropped');
    assert.equal(result.slices, 3);
    assert.ok(steps >= 3 && steps <= 30, `${steps} steps`);
  });

  it('gives up once all slices, and what was spent before them, took the cap of CPU', async () => {
    let steps = 0;
    const step = () => {
      steps++;
      burn(2);
      return false;
    };
    const capped = await runInSlices(step, { sliceMs: 5, cpuCapMs: 30, wanted: () => true });
    assert.equal(capped.outcome, 'capped');
    // The process's CPU time counts its other threads too (the collector's, between slices), so the
    // cap can come a step or more before 15 steps of 2 ms: under load 8 one run of the unit suite saw it.
    assert.ok(capped.cpuMs >= 30 && steps >= 10, `${capped.cpuMs} ms, ${steps} steps`);
    // A slice's steps run on until the slice's wall time is up: one slice of work past the cap at most.
    assert.ok(steps <= 15 + 5, `${steps} steps`);
    steps = 0;
    const spent = await runInSlices(step, { sliceMs: 5, cpuCapMs: 30, spentCpuMs: 30, wanted: () => true });
    assert.deepEqual([spent.outcome, spent.slices, steps], ['capped', 0, 0]);
  });

  it('with firstSliceAtOnce, runs the first slice in the caller\'s turn and asks `wanted` before the later ones only', async () => {
    let steps = 0;
    let asked = 0;
    const step = () => {
      steps++;
      burn(3);
      return steps === 2;
    };
    const wanted = () => {
      asked++;
      return true;
    };
    const atOnce = runInSlices(step, { sliceMs: 1, cpuCapMs: 10_000, wanted, firstSliceAtOnce: true });
    assert.deepEqual([steps, asked], [1, 0], 'the first slice ran before runInSlices returned');
    const result = await atOnce;
    assert.deepEqual([result.outcome, result.slices, steps, asked], ['done', 2, 2, 1]);
    steps = 0;
    asked = 0;
    const later = runInSlices(step, { sliceMs: 1, cpuCapMs: 10_000, wanted });
    assert.deepEqual([steps, asked], [0, 0], 'by default every slice waits for a turn');
    assert.deepEqual([(await later).slices, steps, asked], [2, 2, 2]);
  });
});
