/**
 * Property test (fast-check): a fix never makes a RUN script the shell accepted one it rejects.
 * The judge is the system's `sh -n` (dash on Debian), given each RUN's script as the builder gives
 * it to `/bin/sh -c` (the model's reading: continuations joined, comment lines out; a
 * here-document's body with LF line ends). The property counts the scripts sh rejects before and
 * after a fix, so scripts that were already broken (mutations make many) or that only bash takes
 * do not count against it; files with a SHELL instruction are left out (another shell reads them).
 * The `-c` scripts read in place are judged as their shell receives them.
 * Inputs: generated RUN scripts in many shapes (shellDockerfile) and the mutated corpus.
 * `DSH_PROPERTY_RUNS=<n>` asks for n runs and lifts the time limit; `FC_SEED` as in propertySeed.ts.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fc from 'fast-check';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits, fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { mutatedDockerfile, shellDockerfile } from './arbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ENV = { context: {} };
const ASKED = process.env.DSH_PROPERTY_RUNS;
const RUNS = ASKED ? { numRuns: Number(ASKED), seed: PROPERTY_SEED } : { numRuns: 150, interruptAfterTimeLimit: 8_000, seed: PROPERTY_SEED };

const verdicts = new Map<string, boolean>();
function shAccepts(script: string): boolean {
  let ok = verdicts.get(script);
  if (ok === undefined) {
    const sh = spawnSync('sh', ['-n'], { input: script.replace(/\r\n/g, '\n'), timeout: 10_000 });
    assert.ok(sh.status !== null, `sh -n did not finish: ${sh.error ?? sh.signal}`);
    ok = sh.status === 0;
    verdicts.set(script, ok);
  }
  return ok;
}

/**
 * The shell-form and here-document RUN scripts sh rejects, and the `-c` scripts read in place in
 * them (each character inside the quotes stands for itself: what the inner shell receives);
 * undefined when a SHELL instruction is in the file.
 */
function rejected(text: string): string[] | undefined {
  const model = buildModel(text);
  if (model.instructions.some((i) => i.keyword === 'SHELL')) return undefined;
  return model.instructions.flatMap((i) => {
    const run = i.run;
    if (!run || run.form === 'exec') return [];
    const inner = [...(run.inner ? [run.inner] : []), ...(run.quoted ?? [])].map((q) => run.text.slice(q.start, q.end));
    return [run.text, ...inner].filter((script) => !shAccepts(script));
  });
}

function assertNoScriptBroken(before: string, after: string, what: string): void {
  const was = rejected(before);
  const now = was && rejected(after);
  if (was && now) assert.ok(now.length <= was.length, `${what}: sh -n rejects ${now.length} RUN scripts, ${was.length} before\n${before}\n--- after:\n${after}\n--- rejected: ${JSON.stringify(now)}`);
}

describe('hostile input: fixes keep RUN scripts the shell accepts (sh -n)', function () {
  this.timeout(ASKED ? 0 : 60_000);
  const inputs = fc.oneof({ weight: 3, arbitrary: shellDockerfile }, { weight: 1, arbitrary: mutatedDockerfile });

  it('the judge: sh -n tells a broken script from a good one', () => {
    assert.equal(shAccepts('if true; then echo a; fi'), true);
    assert.equal(shAccepts('if true; then echo a && fi'), false);
  });

  it('each single fix', () => {
    let checked = 0;
    fc.assert(
      fc.property(inputs, (text) => {
        const analysis = analyze(text, ENV);
        for (const finding of analysis.findings) {
          const fix = fixFor(analysis, finding, ENV);
          if (!fix || fix.edits.length === 0) continue;
          checked++;
          assertNoScriptBroken(text, applyEdits(text, fix.edits), `the ${finding.ruleId} fix "${fix.title}"`);
        }
      }),
      RUNS,
    );
    assert.ok(checked > 0, 'no fix was exercised');
  });

  it('fixAll (every fix)', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const once = fixAll(text, ENV, {}, { includeUnpreferred: true });
        assertNoScriptBroken(text, once.text, `fixAll (${once.applied.join(', ')})`);
      }),
      RUNS,
    );
  });
});
