/**
 * Applying fixes to text: single edits, and "fix everything" by repeatedly applying one fix and
 * re-analysing, so that fixes which touch the same RUN never see stale positions.
 */
import { analyze, fixFor, type AnalysisSettings } from './analyze';
import type { AnalysisEnvironment } from './environment';
import { LineIndex } from './text';
import type { FileCreation, TextEdit } from './types';

/** Applies non-overlapping edits; edits at the same position are applied in array order. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const resolved = edits
    .map((e, i) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export interface FixAllResult {
  text: string;
  /** Rule ids of the fixes applied, in order. */
  applied: string[];
  createFiles: FileCreation[];
}

/**
 * Applies every available fix, one at a time, re-analysing after each. Stops when no finding has
 * a fix left or after `maxRounds` (a guard against two fixes undoing each other).
 */
export function fixAll(text: string, env: AnalysisEnvironment, settings: AnalysisSettings = {}, maxRounds = 100): FixAllResult {
  const applied: string[] = [];
  const createFiles: FileCreation[] = [];
  let current = text;
  let currentEnv = env;
  const skipped = new Set<string>();
  for (let round = 0; round < maxRounds; round++) {
    const analysis = analyze(current, currentEnv, settings);
    let progressed = false;
    for (const finding of analysis.findings) {
      const key = `${finding.ruleId}@${finding.range.start.line}:${finding.range.start.character}`;
      if (skipped.has(key)) continue;
      const fix = fixFor(analysis, finding, currentEnv);
      if (!fix) {
        skipped.add(key);
        continue;
      }
      const next = applyEdits(current, fix.edits);
      for (const f of fix.createFiles ?? []) {
        if (!createFiles.some((c) => c.relativePath === f.relativePath)) createFiles.push(f);
      }
      if (fix.createFiles?.some((f) => f.relativePath === '.dockerignore')) {
        currentEnv = { ...currentEnv, context: { ...currentEnv.context, hasDockerignore: true } };
      }
      if (next === current && !fix.createFiles?.length) {
        skipped.add(key);
        continue;
      }
      current = next;
      // The text changed: a finding that had no fix (apt lists a later RUN needed, before a fix
      // merged the two RUNs) may have one now.
      skipped.clear();
      applied.push(finding.ruleId);
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  return { text: current, applied, createFiles };
}
