/**
 * One more first activation, as the suite's activation time test measures it: the runner removed
 * the client's code cache before this extension host started, so the language client library is
 * compiled again. The figures are kept; the last of these passes checks the median of all first
 * activations against issue 7's 100 ms (see FIRST_ACTIVATIONS in ../suite/activationCheck.ts).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { extensionId } from '../suite/helpers';
import { print } from '../suite/index';
import { checkFirstActivations, describeActivation, FIRST_ACTIVATIONS, firstActivations, recordFirstActivation, type ActivationCpu } from '../suite/activationCheck';

interface Api {
  activationTime(): ActivationCpu;
  clientCodeCache(): { state: string; folder: string };
}

/**
 * Waits (up to 10 s) until this extension host has written the language client library's code
 * cache, which it does about a second after the client started. Written later, after the page
 * closed and the runner removed the folder for the next pass, it would be found there by the next
 * first activation (seen once in a full run, 2026-12-04: "code cache: accepted").
 */
async function cacheWritten(api: Api): Promise<boolean> {
  const until = Date.now() + 10_000;
  const { folder } = api.clientCodeCache();
  while (Date.now() < until) {
    const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    if (files.some((f) => f.includes('vscode-languageclient') && f.endsWith('.cache'))) return true;
    if (api.clientCodeCache().state === 'failed') return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('activation time: a first activation again, with no code cache', () => {
  it('compiles the language client library again, and the first activations\' median stays under 100 ms of the main thread\'s CPU', async function () {
    this.timeout(20_000);
    const extension = vscode.extensions.getExtension<Api>(extensionId);
    assert.ok(extension, `extension ${extensionId} not found`);
    const api = await extension.activate();
    const time = api.activationTime();
    const cache = api.clientCodeCache();
    print(`      activation: ${describeActivation(time)} (code cache: ${cache.state})`);
    assert.equal(cache.state, 'none', 'a first activation finds no code cache');
    recordFirstActivation(time);
    if (firstActivations().length === FIRST_ACTIVATIONS) print(`      ${checkFirstActivations(100)}`);
    else assert.ok(await cacheWritten(api), `the code cache was not written to ${api.clientCodeCache().folder} within 10 s`);
  });
});
