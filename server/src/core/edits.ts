/**
 * Applying fixes to text: single edits, and "fix everything" by repeatedly applying one fix and
 * re-analysing, so that fixes which touch the same RUN never see stale positions. Each round's
 * analysis starts from the previous one (incremental: only the changed parts are done again).
 */
import { analyze, fixFor, type Analysis, type AnalysisSettings } from './analyze';
import type { AnalysisEnvironment } from './environment';
import { LineIndex } from './text';
import type { FileCreation, FileEdit, Finding, Fix, TextEdit } from './types';

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
  /** Edits to files that existed (the ignore file in force), against their original text. */
  editFiles: FileEdit[];
  /** The environment after the fixes (the ignore file's new text, once created or edited). */
  env: AnalysisEnvironment;
  /** The analysis of `text` in `env`, for callers that look at the result (the estimate after the fixes). */
  analysis: Analysis;
  /** False when `maxRounds` or `budgetMs` stopped it with fixes left to apply. */
  complete: boolean;
}

export interface FixAllOptions {
  /**
   * Also apply the fixes their rules mark as not preferred: those that may change what the image
   * does and need a review (a `-slim` tag where native modules may need a compiler, a file split
   * into a builder stage). Off by default, as in the editor's "Apply all size fixes" and the
   * CLI's `--fix`; the CLI's `--unsafe-fixes` turns it on.
   */
  includeUnpreferred?: boolean;
  /** A guard against two fixes undoing each other (default 100). */
  maxRounds?: number;
  /** Only the fixes this accepts are applied (the estimate after the fixes needs only those that change the final image). */
  only?: (finding: Finding, fix: Fix) => boolean;
  /** Stop after about this many milliseconds (checked between rounds); the result then says it is not complete. */
  budgetMs?: number;
}

/**
 * The environment after a fix: a created or edited ignore file becomes the one in force, so the
 * next round of analysis sees what the fix did. Created files are recorded in `created`.
 */
function applyToEnvironment(env: AnalysisEnvironment, fix: Fix, created: FileCreation[]): AnalysisEnvironment {
  let context = env.context;
  const newIgnore = context.newIgnoreFilePath ?? '.dockerignore';
  for (const f of fix.createFiles ?? []) {
    if (created.some((c) => c.relativePath === f.relativePath)) continue;
    created.push({ ...f });
    if (f.relativePath === newIgnore && !context.ignoreFile) context = { ...context, hasDockerignore: true, ignoreFile: { relativePath: f.relativePath, text: f.content } };
  }
  for (const f of fix.editFiles ?? []) {
    if (context.ignoreFile?.relativePath !== f.relativePath) continue;
    const text = applyEdits(context.ignoreFile.text, f.edits);
    context = { ...context, ignoreFile: { relativePath: f.relativePath, text } };
    const fresh = created.find((c) => c.relativePath === f.relativePath);
    if (fresh) fresh.content = text;
  }
  return context === env.context ? env : { ...env, context };
}

/**
 * Applies every preferred fix (every fix with `includeUnpreferred`), one at a time, re-analysing
 * after each. Stops when no finding has such a fix left or after `maxRounds`.
 */
export function fixAll(text: string, env: AnalysisEnvironment, settings: AnalysisSettings = {}, options: FixAllOptions = {}): FixAllResult {
  const { includeUnpreferred = false, maxRounds = 100, only, budgetMs } = options;
  const deadline = budgetMs === undefined ? Infinity : performance.now() + budgetMs;
  let complete = false;
  const applied: string[] = [];
  const createFiles: FileCreation[] = [];
  let current = text;
  let currentEnv = env;
  const skipped = new Set<string>();
  /** The last fix applied, to check that it removed a finding of its rule. */
  let last: { ruleId: string; key: string; before: string; analysis: Analysis; count: number; env: AnalysisEnvironment } | undefined;
  let analysis = analyze(current, currentEnv, settings);
  for (let round = 0; round < maxRounds && performance.now() < deadline; round++) {
    if (last && analysis.findings.filter((f) => f.ruleId === last!.ruleId).length >= last.count) {
      // The fix did not remove its finding (it would loop): undo it and never offer it again here.
      // The analysis before it is still the analysis of the text it goes back to.
      skipped.add(last.key);
      current = last.before;
      analysis = last.analysis;
      currentEnv = last.env;
      applied.pop();
    }
    last = undefined;
    let progressed = false;
    for (const finding of analysis.findings) {
      const key = `${finding.ruleId}@${finding.range.start.line}:${finding.range.start.character}`;
      if (skipped.has(key)) continue;
      const fix = fixFor(analysis, finding, currentEnv);
      if (!fix || (!fix.preferred && !includeUnpreferred) || (only && !only(finding, fix))) {
        skipped.add(key);
        continue;
      }
      const next = applyEdits(current, fix.edits);
      if (next === current && !fix.createFiles?.length && !fix.editFiles?.length) {
        skipped.add(key);
        continue;
      }
      last = { ruleId: finding.ruleId, key, before: current, analysis, count: analysis.findings.filter((f) => f.ruleId === finding.ruleId).length, env: currentEnv };
      currentEnv = applyToEnvironment(currentEnv, fix, createFiles);
      current = next;
      // The text changed: a finding that had no fix (apt lists a later RUN needed, before a fix
      // merged the two RUNs) may have one now. The undo above re-adds a fix that looped.
      skipped.clear();
      applied.push(finding.ruleId);
      progressed = true;
      break;
    }
    if (!progressed) {
      complete = true;
      break;
    }
    analysis = analyze(current, currentEnv, settings, analysis);
  }
  // An undone fix may have created a file: keep only what the final environment still has.
  const finalIgnore = currentEnv.context.ignoreFile;
  const kept = createFiles
    .filter((c) => c.relativePath !== (env.context.newIgnoreFilePath ?? '.dockerignore') || finalIgnore?.relativePath === c.relativePath)
    .map((c) => (!env.context.ignoreFile && finalIgnore?.relativePath === c.relativePath ? { ...c, content: finalIgnore.text } : c));
  const editFiles: FileEdit[] = [];
  const before = env.context.ignoreFile;
  if (before && finalIgnore && finalIgnore.text !== before.text) {
    const lines = new LineIndex(before.text);
    editFiles.push({ relativePath: before.relativePath, edits: [{ range: lines.range(0, before.text.length), newText: finalIgnore.text }] });
  }
  return { text: current, applied, createFiles: kept, editFiles, env: currentEnv, analysis, complete };
}
