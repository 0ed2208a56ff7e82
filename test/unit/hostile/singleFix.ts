/**
 * The check the "each single fix" properties make of one finding's fix, as the editor offers it
 * and fixAll applies it (fixFor, which also drops a fix that would break the reading of the Docker
 * extension's parser where it reads the lines otherwise than BuildKit): its edits lie inside the
 * document (and inside the ignore file it edits), it removes its finding in the environment after
 * it (an ignore file it creates or edits), it adds no parse error, and the instructions after its
 * last edit are read as before (taking out a here-document's `<<EOT` left its body to be read as
 * instructions, or an unclosed one's, which held the rest of the file).
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor, type Analysis, type AnalysisSettings } from '../../../server/src/core/analyze';
import { applyEdits, applyToEnvironment } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { LineIndex } from '../../../server/src/core/text';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import type { Finding } from '../../../server/src/core/types';
import { lspLineLengths, rangeProblem } from './bounded';
import { addedErrors } from '../../support/peerErrors';

const EMPTY: AnalysisEnvironment = { context: {} };

/** Checks the fix offered for `finding` of `analysis` (of `text` in `env`); false when none is offered. */
export function checkSingleFix(text: string, analysis: Analysis, finding: Finding, lineLengths: number[], env: AnalysisEnvironment = EMPTY, settings: AnalysisSettings = {}): boolean {
  const fix = fixFor(analysis, finding, env);
  if (!fix || (fix.edits.length === 0 && !fix.editFiles?.length && !fix.createFiles?.length)) return false;
  for (const e of fix.edits) assert.equal(rangeProblem(e.range, lineLengths), undefined, `${finding.ruleId} fix edit outside the document`);
  const ignore = env.context.ignoreFile;
  for (const f of fix.editFiles ?? []) {
    assert.equal(f.relativePath, ignore?.relativePath, `${finding.ruleId} edits ${f.relativePath}, not the ignore file in force`);
    for (const e of f.edits) assert.equal(rangeProblem(e.range, lspLineLengths(ignore!.text)), undefined, `${finding.ruleId} fix edit outside the ignore file`);
  }
  const fixed = applyEdits(text, fix.edits);
  const fixedEnv = applyToEnvironment(env, fix, []);
  const count = (t: string, e: AnalysisEnvironment) => analyze(t, e, settings).findings.filter((f) => f.ruleId === finding.ruleId).length;
  const ignoreAfter = fixedEnv.context.ignoreFile ? `\n--- ${fixedEnv.context.ignoreFile.relativePath} after:\n${fixedEnv.context.ignoreFile.text}` : '';
  assert.ok(count(fixed, fixedEnv) < count(text, env), `the ${finding.ruleId} fix "${fix.title}" did not remove its finding:\n${text}\n--- fixed:\n${fixed}${ignoreAfter}`);
  assert.deepEqual(addedErrors(text, fixed), [], `the ${finding.ruleId} fix "${fix.title}" introduced parse errors:\n${text}\n--- fixed:\n${fixed}`);
  const lines = new LineIndex(text);
  const from = Math.max(...fix.edits.map((e) => lines.offsetAt(e.range.end)), 0);
  const after = (t: string) => instructionsFrom(t, t.length - (text.length - from));
  assert.deepEqual(after(fixed), after(text), `the ${finding.ruleId} fix "${fix.title}" changed how the lines after it are read:\n${text}\n--- fixed:\n${fixed}`);
  return true;
}

/** The instructions of `text` that start at or after `from`: keyword, and start and end counted from `from`. */
function instructionsFrom(text: string, from: number): string[] {
  const model = buildModel(text);
  const at = (p: { line: number; character: number }) => model.lines.offsetAt(p) - from;
  return model.instructions.filter((i) => at(i.range.start) >= 0).map((i) => `${i.keyword} ${at(i.range.start)}-${at(i.range.end)}`);
}
