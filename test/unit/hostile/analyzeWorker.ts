/**
 * Runs `analyze()` in a worker thread so a test can put a hard time bound on it: the test
 * terminates the worker when the bound passes, instead of waiting minutes for a slow input.
 * Protocol: the worker posts 'ready' once its modules are loaded (so loading is not timed), then
 * answers each text with a summary, or with the error analyze threw.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { analyze } from '../../../server/src/core/analyze';

export interface WorkerSummary {
  ms: number;
  findings: { ruleId: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
  ruleErrors: { ruleId: string; error: string }[];
  stages: number;
  instructions: number;
  /** The reason the core gave for not analysing the file (its size limits), if it gave one. */
  skipped?: string;
  threw?: string;
}

parentPort!.on('message', (text: string) => {
  const t0 = performance.now();
  let summary: WorkerSummary;
  try {
    const a = analyze(text, { context: {} });
    summary = {
      ms: performance.now() - t0,
      findings: a.findings.map((f) => ({ ruleId: f.ruleId, range: f.range })),
      ruleErrors: a.ruleErrors,
      stages: a.model.stages.length,
      instructions: a.model.instructions.length,
      skipped: (a as { skipped?: string }).skipped,
    };
  } catch (e) {
    summary = { ms: performance.now() - t0, findings: [], ruleErrors: [], stages: 0, instructions: 0, threw: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(summary);
});
parentPort!.postMessage('ready');
