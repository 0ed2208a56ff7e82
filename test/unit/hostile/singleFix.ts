/**
 * The check both "each single fix" properties make of one finding's fix, as the editor offers it
 * and fixAll applies it (fixFor, which also drops a fix that would break the reading of the Docker
 * extension's parser where it reads the lines otherwise than BuildKit): its edits lie inside the
 * document, it removes its finding, and it adds no parse error.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor, type Analysis } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import type { Finding } from '../../../server/src/core/types';
import { rangeProblem } from './bounded';
import { addedErrors } from '../../support/peerErrors';

const ENV = { context: {} };

/** Checks the fix offered for `finding` of `analysis` (of `text`); false when none is offered. */
export function checkSingleFix(text: string, analysis: Analysis, finding: Finding, lineLengths: number[]): boolean {
  const fix = fixFor(analysis, finding, ENV);
  if (!fix || fix.edits.length === 0) return false;
  for (const e of fix.edits) assert.equal(rangeProblem(e.range, lineLengths), undefined, `${finding.ruleId} fix edit outside the document`);
  const fixed = applyEdits(text, fix.edits);
  const count = (t: string) => analyze(t, ENV).findings.filter((f) => f.ruleId === finding.ruleId).length;
  assert.ok(count(fixed) < count(text), `the ${finding.ruleId} fix "${fix.title}" did not remove its finding:\n${text}\n--- fixed:\n${fixed}`);
  assert.deepEqual(addedErrors(text, fixed), [], `the ${finding.ruleId} fix "${fix.title}" introduced parse errors:\n${text}\n--- fixed:\n${fixed}`);
  return true;
}
