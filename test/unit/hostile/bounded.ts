/**
 * Helpers for the hostile-input tests: `analyze()` under a hard time bound (in a worker thread
 * that is terminated when the bound passes), and the check that a range lies inside a document
 * as an LSP client counts lines (`\r\n`, `\n` and a lone `\r` all end a line; characters are
 * UTF-16 code units).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerSummary } from './analyzeWorker';

export type { WorkerSummary };

const WORKER = path.join(__dirname, 'analyzeWorker.js');

let shared: { worker: Worker; ready: Promise<void> } | undefined;

/** One worker reused across tests (loading the analysis takes about a second); replaced after a timeout. */
function worker(): { worker: Worker; ready: Promise<void> } {
  if (!shared) {
    const w = new Worker(WORKER);
    w.unref();
    const ready = new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    shared = { worker: w, ready };
  }
  return shared;
}

/** Analyses `text` in a worker; rejects when it takes longer than `boundMs` (module loading excluded). */
export async function analyzeWithin(text: string, boundMs: number): Promise<WorkerSummary> {
  const current = worker();
  await current.ready;
  const w = current.worker;
  return new Promise<WorkerSummary>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
    };
    const onMessage = (s: WorkerSummary) => (done(), resolve(s));
    const onError = (e: Error) => (done(), (shared = undefined), reject(e));
    const timer = setTimeout(() => {
      done();
      shared = undefined;
      void w.terminate();
      reject(new Error(`analyze() did not finish within ${boundMs} ms (${text.length} characters); the worker was terminated`));
    }, boundMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.postMessage(text);
  });
}

/** Line lengths of `text` as an LSP client sees them. */
export function lspLineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

export interface Pos {
  line: number;
  character: number;
}

/** Describes why `range` is not inside the document, or returns undefined when it is. */
export function rangeProblem(range: { start: Pos; end: Pos }, lineLengths: number[]): string | undefined {
  const bad = (p: Pos) =>
    !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0 || p.line >= lineLengths.length || p.character > lineLengths[p.line];
  if (bad(range.start)) return `start ${JSON.stringify(range.start)} outside the document`;
  if (bad(range.end)) return `end ${JSON.stringify(range.end)} outside the document`;
  if (range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character)) return `end before start: ${JSON.stringify(range)}`;
  return undefined;
}
