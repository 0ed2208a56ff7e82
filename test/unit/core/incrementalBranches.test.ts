/**
 * One analysis used as the `previous` of several others: the server's analysis of a document is
 * where Apply all, the "after the fixes" estimate and the document's next version all start,
 * and an entry of a moved family shares its kept results with the entry it was found from (see
 * families.ts). What one branch adds or drops there must not change what another branch, or
 * the analysis it started from, gives: each must equal a fresh analysis of its text.
 * (incremental.test.ts analyses each version from the one before only.)
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, type Analysis } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { generateDockerfile } from '../../bench/lsp/generate';
import { CORPUS, anyDockerfile } from '../hostile/arbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ENV = { context: {} };

function findingsOf(a: Analysis): string {
  return JSON.stringify(a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message, f.saving, f.inFinalImage, f.data]));
}

/** Lines added or removed (what moves families without changing their text), and a few that change one. */
const LINES = ['', '# c', 'RUN true', 'ENV A=1', 'ARG Q=2', 'FROM debian AS zz', 'RUN apt-get update', '# size-hints global ignore=pip-cache-kept'];
const lineEdit = fc.record({ at: fc.nat(), line: fc.constantFrom(...LINES), remove: fc.boolean(), count: fc.integer({ min: 1, max: 3 }) });
type LineEdit = { at: number; line: string; remove: boolean; count: number };

function edited(text: string, e: LineEdit): string {
  const lines = text.split('\n');
  const at = e.at % (lines.length + 1);
  if (e.remove) lines.splice(at, e.count);
  else lines.splice(at, 0, ...Array<string>(e.count).fill(e.line));
  return lines.join('\n');
}

/** The analyses of `edits` applied one after the other to `text`, each from the one before, starting from `start`. */
function branch(text: string, start: Analysis, edits: LineEdit[]): Analysis {
  let analysis = start;
  for (const e of edits) {
    text = edited(text, e);
    analysis = analyze(text, ENV, {}, analysis);
    assert.equal(findingsOf(analysis), findingsOf(analyze(text, ENV)), `after ${JSON.stringify(e)}:\n${text.slice(0, 400)}`);
  }
  return analysis;
}

describe('incremental analysis from one analysis several times', () => {
  const files = fc.oneof(anyDockerfile, fc.constantFrom(...CORPUS, generateDockerfile(60, 3), generateDockerfile(150, 11)));

  it('equals a fresh analysis on every branch, and back at the start (property)', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(files, fc.array(lineEdit, { minLength: 1, maxLength: 4 }), fc.array(lineEdit, { minLength: 1, maxLength: 4 }), fc.boolean(), (text, first, second, applyAll) => {
        const start = analyze(text, ENV);
        const expected = findingsOf(start);
        // Apply all and the estimate after the fixes start from the document's analysis.
        if (applyAll) fixAll(text, ENV, {}, { analysis: start, maxRounds: 5 });
        const one = branch(text, start, first);
        const two = branch(text, start, second);
        for (const previous of [one, two, start]) assert.equal(findingsOf(analyze(text, ENV, {}, previous)), expected, 'back at the start');
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 100), seed: PROPERTY_SEED },
    );
  });
});
