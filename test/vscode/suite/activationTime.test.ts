/**
 * Issue 7's target: the extension activates in under 100 ms. The extension measures its own
 * share (loading its bundle, and `activate()` until it returns, which loads the language client
 * library; the server starts afterwards, asynchronously) and exports it; this test prints it and
 * checks it. Under code-server the profile is new, so this is a first activation, which compiles
 * the library and writes its code cache; test/vscode/again checks the next one, which reads it.
 *
 * The check is on CPU time: on this shared machine the same activation measured 48 ms and 170 ms
 * of wall time in two runs a minute apart (46 and 67 ms of CPU), because the wall clock also counts
 * the time other processes hold the cores. Everything measured is synchronous, so on an idle
 * machine wall time is about the CPU time. It is the CPU time of the extension host's main thread
 * where Linux gives it (the time the activation kept that thread from other extensions); the
 * process's CPU time, which also counts V8's compiler and collector threads and every other
 * thread, measured 147.5 ms and 101.0 ms for activations in two loaded runs (2026-12-03) and is
 * printed too. Both are checked against the target where the thread's clock is missing.
 *
 * Under the code-server runner this is the first of five first activations (test/vscode/first
 * measures the other four, each in a new extension host after the runner removed the code cache),
 * and the last of them checks their median: one activation is one sample of a figure other
 * processes push up. Under test-electron this one is checked alone.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extensionId } from './helpers';
import { print } from './index';
import { checkActivationCpu, describeActivation, describeQuietWait, FIRST_ACTIVATIONS, recordFirstActivation, waitForQuietMachine } from './activationCheck';

interface ActivationTime {
  loadMs: number;
  activateMs: number;
  totalMs: number;
  cpuMs: number;
  threadCpuMs: number | undefined;
  libraryCpuMs: number;
  gc: { start: number; ms: number; kind: number }[];
}

interface Api {
  activationTime(): ActivationTime;
  clientCodeCache(): { state: string };
}

const TARGET_MS = 100;

describe('activation time', () => {
  it(`is under ${TARGET_MS} ms of the main thread's CPU (bundle load + activate()${FIRST_ACTIVATIONS > 1 ? `; the median of ${FIRST_ACTIVATIONS} first activations, checked by the last` : ''})`, async () => {
    const extension = vscode.extensions.getExtension<Api>(extensionId);
    assert.ok(extension, `extension ${extensionId} not found`);
    // Run alone (DSH_SUITE_GREP without activation.test.ts's opening), this test is the one that
    // activates the extension: on a quiet machine, as the other activation tests.
    if (!extension.isActive) print(`      ${describeQuietWait(await waitForQuietMachine())}`);
    const api = await extension.activate();
    const time = api.activationTime();
    print(`      activation: ${describeActivation(time)}; code cache: ${api.clientCodeCache().state}; wall ${time.totalMs.toFixed(1)} ms (bundle load ${time.loadMs.toFixed(1)} ms, activate() ${time.activateMs.toFixed(1)} ms)`);
    for (const [key, value] of Object.entries(time)) if (key !== 'gc' && (key !== 'threadCpuMs' || value !== undefined)) assert.ok(Number.isFinite(value) && value >= 0, `${key} = ${value}`);
    assert.ok(Array.isArray(time.gc) && time.gc.every((g) => Number.isFinite(g.ms) && g.ms >= 0), JSON.stringify(time.gc));
    // With several first activations (the code-server runner's passes in test/vscode/first), the
    // last of them checks their median; alone, this one is checked.
    if (FIRST_ACTIVATIONS > 1) recordFirstActivation(time);
    else checkActivationCpu(time, TARGET_MS);
  });
});
