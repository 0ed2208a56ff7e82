/**
 * Undo, redo and a changing environment: a model keeps spare pieces of the versions before, and
 * the family cache spare entries (see model.ts sparePieces, families.ts FamilyCache.spares), so a
 * version seen before finds its parse and its family findings again. Whatever an older version
 * left there must not be taken for a text, build context or settings it was not made for: every
 * version, each analysed from the one before as in the server, equals a fresh analysis.
 * (incremental.test.ts and incrementalBranches.test.ts edit in an empty context with no settings.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, type Analysis, type AnalysisSettings } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { applyMutations, mutations } from '../hostile/arbitraries';
import { buildContext, dockerfileInContext } from '../hostile/contextArbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';
import { generateDockerfile } from '../../bench/lsp/generate';

function findingsOf(a: Analysis): string {
  return JSON.stringify(a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message, f.saving, f.inFinalImage, f.data]));
}

/** Lines added or removed as an Enter, a paste or its undo would (families move, pieces shift). */
const LINES = ['', '# c', 'RUN true', 'FROM debian AS zz', 'RUN <<EOF', 'EOF', 'RUN echo \\', '# escape=`', 'COPY --from=build /root /root'];

type Step =
  | { kind: 'edit'; ms: Parameters<typeof applyMutations>[1] }
  | { kind: 'line'; at: number; line: string; remove: boolean }
  | { kind: 'back' | 'env' | 'settings'; to: number }
  | { kind: 'escape' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), ms: mutations }),
  fc.record({ kind: fc.constant('line' as const), at: fc.nat(), line: fc.constantFrom(...LINES), remove: fc.boolean() }),
  // Back to a version seen before (undo, or redo after an undo).
  { arbitrary: fc.record({ kind: fc.constant('back' as const), to: fc.nat() }), weight: 3 },
  fc.record({ kind: fc.constantFrom('env' as const, 'settings' as const), to: fc.nat() }),
  fc.record({ kind: fc.constant('escape' as const) }),
);

/** The escape directive on the first line switched between backtick and backslash (no line moves: the pieces below keep their text), or added. */
function otherEscape(text: string): string {
  const m = /^# escape=([`\\])/.exec(text);
  if (!m) return '# escape=`\n' + text;
  return (m[1] === '`' ? '# escape=\\' : '# escape=`') + text.slice(m[0].length);
}

const SETTINGS: AnalysisSettings[] = [{}, { target: 'build' }, { finalStageOnly: true }, { severities: { 'apt-lists-kept': 'off', 'pip-cache-kept': 'hint' } }];

function withLine(text: string, at: number, line: string, remove: boolean): string {
  const lines = text.split('\n');
  const k = at % (lines.length + 1);
  if (remove) lines.splice(k, 1);
  else lines.splice(k, 0, line);
  return lines.join('\n');
}

/** A fixture or example in its own or a random context, or a generated file of many families (past WHOLE_FILE_AFTER, so rules also run on the whole file). */
const startFile = fc.oneof(
  { arbitrary: dockerfileInContext, weight: 3 },
  fc.tuple(fc.constantFrom(generateDockerfile(60, 3), generateDockerfile(150, 11)), buildContext).map(([text, context]) => ({ text, env: { context }, settings: {} })),
);

describe('incremental analysis over undo, redo and environment changes', () => {
  it('equals a fresh analysis at every version (property)', function () {
    this.timeout(180_000);
    fc.assert(
      fc.property(startFile, fc.array(buildContext, { maxLength: 2 }), fc.array(step, { minLength: 2, maxLength: 12 }), (start, contexts, steps) => {
        // The start's facts, the same facts as new objects (a scan finished again), others, none.
        const envs: AnalysisEnvironment[] = [start.env, structuredClone(start.env), ...contexts.map((context) => ({ context })), { context: {} }];
        const settingsPool = [start.settings, ...SETTINGS];
        const versions = [start.text];
        let text = start.text;
        let env = start.env;
        let settings = start.settings;
        let previous = analyze(text, env, settings);
        const done: string[] = [];
        for (const s of steps) {
          if (s.kind === 'edit') text = applyMutations(text, s.ms);
          else if (s.kind === 'line') text = withLine(text, s.at, s.line, s.remove);
          else if (s.kind === 'escape') text = otherEscape(text);
          else if (s.kind === 'back') text = versions[s.to % versions.length];
          else if (s.kind === 'env') env = envs[s.to % envs.length];
          else settings = settingsPool[s.to % settingsPool.length];
          if (s.kind === 'edit' || s.kind === 'line' || s.kind === 'escape') versions.push(text);
          done.push(JSON.stringify(s));
          previous = analyze(text, env, settings, previous);
          assert.equal(findingsOf(previous), findingsOf(analyze(text, env, settings)), `after ${done.join(', ')}:\n${text.slice(0, 600)}`);
        }
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 200), seed: PROPERTY_SEED },
    );
  });
});
