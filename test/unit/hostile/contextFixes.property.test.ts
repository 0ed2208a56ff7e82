/**
 * Property tests (fast-check) of the analysis and its fixes in a build context: the rule fixtures
 * and examples, as they are or mutated, in their own context or a random one (no ignore file, a
 * random or a plausible one, a scan's heavy folders and secrets; contextArbitraries.ts). The
 * properties of properties.test.ts, which runs every file in an empty context:
 * - no rule fails, and every finding lies inside the document;
 * - each single fix edits inside the document and the ignore file, removes its finding once its
 *   ignore file is in force, and adds no parse error; the analysis of the fixed text in the new
 *   context, from the one before, equals a fresh one (fixAll works so);
 * - fixAll (preferred fixes only, and every fix) is idempotent, its ignore file included.
 * `DSH_PROPERTY_RUNS=<n>` asks for n runs and lifts the time limit; `FC_SEED` as in propertySeed.ts.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, fixFor, type Analysis } from '../../../server/src/core/analyze';
import { applyEdits, applyToEnvironment, fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { dockerfileInContext, IN_CONTEXT, type InContext } from './contextArbitraries';
import { lspLineLengths, rangeProblem } from './bounded';
import { checkSingleFix } from './singleFix';
import { addedErrors } from '../../support/peerErrors';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ASKED = process.env.DSH_PROPERTY_RUNS;
const RUNS = ASKED ? { numRuns: Number(ASKED), seed: PROPERTY_SEED } : { numRuns: 150, interruptAfterTimeLimit: 8_000, seed: PROPERTY_SEED };
const CONTEXT_RULES = new Set(['context-without-dockerignore', 'context-large-paths', 'context-secrets', 'copy-source-ignored']);

function findingsOf(a: Analysis): string {
  return JSON.stringify(a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message, f.saving, f.inFinalImage]));
}

describe('hostile input in a build context: properties of analyze(), each fix and fixAll()', function () {
  this.timeout(ASKED ? 0 : 60_000);

  it(`has fixtures and examples with their contexts (${IN_CONTEXT.length})`, () => {
    assert.ok(IN_CONTEXT.length >= 50 && IN_CONTEXT.some((c) => c.env.context.ignoreFile), `${IN_CONTEXT.length}`);
  });

  it('each single fix: inside the document and the ignore file, removes its finding, adds no parse error; the analysis after it from the one before is a fresh one', () => {
    const fixedByRule = new Map<string, number>();
    fc.assert(
      fc.property(dockerfileInContext, ({ text, env, settings }: InContext) => {
        const analysis = analyze(text, env, settings);
        assert.deepEqual(analysis.ruleErrors, []);
        const lengths = lspLineLengths(text);
        for (const finding of analysis.findings) {
          assert.equal(rangeProblem(finding.range, lengths), undefined, `${finding.ruleId} range`);
          if (!checkSingleFix(text, analysis, finding, lengths, env, settings)) continue;
          fixedByRule.set(finding.ruleId, (fixedByRule.get(finding.ruleId) ?? 0) + 1);
          const fix = fixFor(analysis, finding, env)!;
          const fixed = applyEdits(text, fix.edits);
          const fixedEnv = applyToEnvironment(env, fix, []);
          assert.equal(findingsOf(analyze(fixed, fixedEnv, settings, analysis)), findingsOf(analyze(fixed, fixedEnv, settings)), `after the ${finding.ruleId} fix, from the analysis before it`);
        }
      }),
      RUNS,
    );
    const context = [...fixedByRule].filter(([id]) => CONTEXT_RULES.has(id));
    assert.ok(context.length >= 2, `fixes of the context rules exercised: ${JSON.stringify(context)}`);
  });

  for (const [label, options] of [['preferred fixes only', {}], ['every fix', { includeUnpreferred: true }]] as const) {
    it(`fixAll (${label}) is idempotent, its ignore file included, keeps the stages and adds no parse error`, () => {
      fc.assert(
        fc.property(dockerfileInContext, ({ text, env, settings }: InContext) => {
          const once = fixAll(text, env, settings, options);
          const twice = fixAll(once.text, once.env, settings, options);
          assert.equal(twice.text, once.text, `a second fixAll changed the text (${twice.applied.join(', ')})`);
          assert.equal(twice.env.context.ignoreFile?.text, once.env.context.ignoreFile?.text, `a second fixAll changed the ignore file (${twice.applied.join(', ')})`);
          assert.ok(buildModel(once.text).stages.length >= buildModel(text).stages.length, `fixes dropped a stage:\n${once.text}`);
          assert.deepEqual(addedErrors(text, once.text), [], `fixes (${once.applied.join(', ')}) introduced parse errors:\n${once.text}`);
        }),
        RUNS,
      );
    });
  }
});
