/**
 * Quick fixes for our diagnostics, and a `source.fixAll` action that applies every preferred fix
 * at once (the ones that need a review stay single quick fixes, as in ESLint's and ruff's fix-all).
 * The fixes themselves live beside their rules; this file only turns them into workspace edits.
 */
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams, type WorkspaceEdit } from 'vscode-languageserver/node';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixFor } from '../core/analyze';
import { FixAllRun } from '../core/edits';
import { fromEnv, runInSlices } from './slices';
import type { Fix, Range, TextEdit } from '../core/types';
import { AnalysisCache, type DocumentAnalysis } from './analysisCache';
import { SOURCE, toDiagnostic } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.dockerfileSizeHints`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, FIX_ALL_KIND];

export function codeActions(doc: DocumentAnalysis, params: CodeActionParams): CodeAction[] {
  if (doc.ignore) return ignoreFileActions(doc, params);
  const analysis = doc.analysis;
  if (!analysis) return [];
  const only = params.context.only;
  const actions: CodeAction[] = [];

  if (asksFor(only, CodeActionKind.QuickFix)) {
    for (const diag of params.context.diagnostics) {
      if (diag.source !== SOURCE) continue;
      const finding = analysis.findings.find(
        (f) =>
          f.ruleId === diag.code &&
          f.range.start.line === diag.range.start.line &&
          f.range.start.character === diag.range.start.character &&
          f.range.end.line === diag.range.end.line &&
          f.range.end.character === diag.range.end.character,
      );
      const fix = finding && fixFor(analysis, finding, doc.env);
      if (!fix) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(finding)],
        isPreferred: fix.preferred,
        edit: workspaceEdit(doc, fix),
      });
    }
  }

  // Asked for source actions (source.fixAll on save, the Source Action menu), the edit of all fixes
  // is worked out by fixAllActions. In the quick-fix menu the user opens (Ctrl+., triggerKind
  // Invoked; VS Code shows no source.* kinds there) the entry is a quick fix that runs the server
  // command, which works the fixes out only if chosen. The light bulb asked on every cursor move
  // (triggerKind Automatic) gets neither.
  if (!only && params.context.triggerKind === CodeActionTriggerKind.Invoked && analysis.findings.some((f) => fixFor(analysis, f, doc.env)?.preferred)) {
    actions.push({ title: 'Apply all size fixes', kind: CodeActionKind.QuickFix, command: { title: 'Apply all size fixes', command: APPLY_ALL_FIXES_COMMAND, arguments: [doc.uri] } });
  }
  return actions;
}

/**
 * The `source.fixAll` action, when asked for: one edit with every preferred fix ({@link fixAllEdit}).
 * `wanted` is false once the document changed (the work is then dropped).
 */
export async function fixAllActions(doc: DocumentAnalysis, params: CodeActionParams, wanted: () => boolean): Promise<CodeAction[]> {
  const only = params.context.only;
  if (doc.ignore || !doc.analysis || !only || !asksFor(only, FIX_ALL_KIND)) return [];
  const all = await fixAllEdit(doc, wanted);
  return all?.edit ? [{ title: `Apply all size fixes (${all.count}${all.complete ? '' : '; more remain: apply again'})`, kind: FIX_ALL_KIND, edit: all.edit }] : [];
}

/** Whether a request's `only` takes `kind`: a kind is taken by itself and by its parents (`source` takes `source.fixAll.x`); no `only` takes every kind. */
function asksFor(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

/** Quick fixes in ignore files: each finding carries its own fix. */
function ignoreFileActions(doc: DocumentAnalysis, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (!asksFor(only, CodeActionKind.QuickFix)) return [];
  const actions: CodeAction[] = [];
  for (const diag of params.context.diagnostics) {
    if (diag.source !== SOURCE) continue;
    const finding = doc.ignore!.findings.find((f) => f.ruleId === diag.code && sameRange(f.range, diag.range));
    if (!finding?.fix) continue;
    actions.push({ title: finding.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(finding)], isPreferred: finding.fix.preferred, edit: workspaceEdit(doc, finding.fix) });
  }
  return actions;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export const APPLY_ALL_FIXES_COMMAND = 'dockerfileSizeHints.server.applyAllFixes';

/**
 * CPU time that working out "Apply all" may take (a request and the command alike). It takes about
 * a second at 10,000 lines (1,169 fixes, 0.9-1.8 s of CPU), and as much for a RUN of 1,000 apt-get
 * installs (their fixes share a round), but a RUN whose fixes cannot share one (a finding there
 * waits for a fix) takes a round per fix, each analysing the file again. The work runs in slices (other requests and keystrokes are answered in between); at the cap the
 * fixes of the rounds done so far are applied and the result says that more remain. Tests set
 * DSH_FIX_ALL_CPU_MS in the server's environment.
 */
export const FIX_ALL_CPU_CAP_MS = fromEnv('DSH_FIX_ALL_CPU_MS', 4_000);
const FIX_ALL_SLICE_MS = 20;

/**
 * One workspace edit that applies every preferred fix (those done within the cap), or undefined when
 * there is none. No edit, with complete false, when the document changed meanwhile or the cap came
 * before the first round was done: fixes may remain.
 */
export async function fixAllEdit(doc: DocumentAnalysis, wanted: () => boolean = () => true): Promise<{ edit?: WorkspaceEdit; count: number; complete: boolean } | undefined> {
  const analysis = doc.analysis;
  if (!analysis || analysis.findings.length === 0) return undefined;
  const text = analysis.model.text;
  const run = new FixAllRun(text, doc.env, doc.settings, { analysis });
  const sliced = await runInSlices(() => run.step(), { sliceMs: FIX_ALL_SLICE_MS, cpuCapMs: FIX_ALL_CPU_CAP_MS, wanted, firstSliceAtOnce: true });
  if (sliced.outcome === 'dropped') return { count: 0, complete: false };
  const result = run.result();
  if (result.applied.length === 0) return result.complete || sliced.outcome === 'done' ? undefined : { count: 0, complete: false };
  const whole: TextEdit = { range: analysis.model.lines.range(0, text.length), newText: result.text };
  const edit = workspaceEdit(doc, { title: '', edits: text === result.text ? [] : [whole], createFiles: result.createFiles, editFiles: result.editFiles });
  return { edit, count: result.applied.length, complete: result.complete };
}

function workspaceEdit(doc: DocumentAnalysis, fix: Fix): WorkspaceEdit {
  const creations = fix.createFiles ?? [];
  const others = fix.editFiles ?? [];
  if (creations.length === 0 && others.length === 0) return { changes: { [doc.uri]: fix.edits } };
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  if (fix.edits.length > 0) documentChanges.push({ textDocument: { uri: doc.uri, version: doc.version }, edits: fix.edits });
  const dir = AnalysisCache.pathOf(doc.uri);
  // The ignore file in force: edits computed against its text on disk (version unknown here).
  for (const file of others) documentChanges.push({ textDocument: { uri: siblingUri(doc.uri, dir, file), version: null }, edits: file.edits });
  for (const file of creations) {
    const uri = siblingUri(doc.uri, dir, file);
    documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.content }] });
  }
  return { documentChanges };
}

function siblingUri(docUri: string, docPath: string | undefined, file: { relativePath: string }): string {
  if (docPath) return pathToFileURL(path.join(path.dirname(docPath), file.relativePath)).toString();
  return docUri.replace(/[^/]*$/, file.relativePath);
}
