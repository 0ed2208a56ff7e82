/**
 * Publishes findings as LSP diagnostics. Changes are coalesced: a burst of keystrokes schedules
 * one analysis of the newest version, and results for a superseded version, or for an analysis of
 * the same version made again since (its facts changed), are dropped.
 */
import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { missingTarget } from '../core/analyze';
import { contextNotMeasured } from '../core/buildContext';
import { ignoreNotEvaluatedMessage } from '../core/dockerignore';
import type { Finding, Severity } from '../core/types';
import { ruleDocUri } from './docs';
import type { AnalysisCache } from './analysisCache';
import { analysedOnce } from '../codeCache';

export const SOURCE = 'dockerfile-size-hints';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: ruleDocUri(f.ruleId) },
    source: SOURCE,
    message: f.message,
    tags: f.inFinalImage ? undefined : [DiagnosticTag.Unnecessary],
    data: f.data,
  };
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, NodeJS.Immediate>();

  constructor(
    private readonly connection: Connection,
    private readonly cache: AnalysisCache,
  ) {}

  /**
   * Analyses the document two turns of the event loop from now. The connection hands over one
   * message per turn, so changes already waiting behind this one come in before the analysis
   * starts and replace it: a burst of edits is analysed once, at its last version, instead of
   * once per version (20 changes sent at once to a 10,000-line file: each version was analysed
   * and published, 1.4 s until the last one's diagnostics). A lone edit waits one extra turn only.
   */
  schedule(doc: TextDocument): void {
    const previous = this.pending.get(doc.uri);
    if (previous) clearImmediate(previous);
    this.pending.set(
      doc.uri,
      setImmediate(() => {
        this.pending.set(
          doc.uri,
          setImmediate(() => {
            this.pending.delete(doc.uri);
            void this.publish(doc);
          }),
        );
      }),
    );
  }

  clear(uri: string): void {
    const previous = this.pending.get(uri);
    if (previous) clearImmediate(previous);
    this.pending.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async publish(doc: TextDocument): Promise<void> {
    try {
      const pending = this.cache.get(doc);
      const result = await pending;
      if (!this.cache.holds(doc.uri, pending)) return;
      const diagnostics = (result.analysis?.findings ?? result.ignore?.findings ?? []).map(toDiagnostic);
      // Why a file, or the build context, is not analysed: said once, at the top of the file.
      const notAnalysed = [
        result.analysis?.skipped,
        result.analysis && missingTarget(result.analysis),
        result.ignore?.notEvaluated === undefined ? undefined : ignoreNotEvaluatedMessage(result.ignore.notEvaluated),
        contextNotMeasured(result.env.context),
      ];
      for (const message of notAnalysed) {
        if (message) diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: SOURCE, message });
      }
      const triggers = result.analysis?.triggersNotChecked;
      if (triggers) diagnostics.push({ range: triggers.range, severity: DiagnosticSeverity.Information, source: SOURCE, message: triggers.message });
      for (const problem of result.configProblems) {
        diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Warning, source: SOURCE, message: `Configuration: ${problem}` });
      }
      await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
      analysedOnce();
    } catch (e) {
      this.connection.console.error(`dockerfile-size-hints: analysis failed for ${doc.uri}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
}
