/**
 * One more first activation, as the suite's activation time test measures it: the runner removed
 * the client's code cache before this extension host started, so the language client library is
 * compiled again. The figures are kept; the last of these passes checks the median of all first
 * activations against issue 7's 100 ms (see FIRST_ACTIVATIONS in ../suite/activationCheck.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { extensionId, waitFor } from '../suite/helpers';
import { print } from '../suite/index';
import { checkFirstActivations, describeActivation, describeQuietWait, waitForQuietMachine, FIRST_ACTIVATIONS, firstActivations, recordFirstActivation, type ActivationCpu } from '../suite/activationCheck';

interface Api {
  activationTime(): ActivationCpu;
  clientCodeCache(): { state: string; folder: string };
}

/**
 * True once this extension host has written the language client library's code cache (the
 * client does so about a second after it started), or its write failed. Written later, after the
 * page closed and the runner removed the folder for the next pass, it would be found there by the
 * next first activation (seen once in a full run, 2026-12-04: "code cache: accepted").
 */
function cacheWritten(api: Api): boolean {
  const { folder, state } = api.clientCodeCache();
  const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  return state === 'failed' || files.some((f) => f.startsWith('v_lc.js-') && f.endsWith('.cache'));
}

describe('activation time: a first activation again, with no code cache', () => {
  it('compiles the language client library again, and the first activations\' median stays under 100 ms of the main thread\'s CPU', async function () {
    this.timeout(40_000);
    const extension = vscode.extensions.getExtension<Api>(extensionId);
    assert.ok(extension, `extension ${extensionId} not found`);
    print(`      ${describeQuietWait(await waitForQuietMachine())}`);
    // Checked after the wait: an activation during it would be measured as if the test had asked.
    assert.ok(!extension.isActive, 'the extension was activated before the test asked for it');
    const api = await extension.activate();
    const time = api.activationTime();
    const cache = api.clientCodeCache();
    print(`      activation: ${describeActivation(time)} (code cache: ${cache.state})`);
    assert.equal(cache.state, 'none', 'a first activation finds no code cache');
    recordFirstActivation(time);
    if (firstActivations().length === FIRST_ACTIVATIONS) print(`      ${checkFirstActivations(100)}`);
    else {
      await waitFor(() => `the code cache in ${api.clientCodeCache().folder}`, () => cacheWritten(api), 10_000);
      assert.notEqual(api.clientCodeCache().state, 'failed', 'writing the code cache failed');
    }
  });
});
