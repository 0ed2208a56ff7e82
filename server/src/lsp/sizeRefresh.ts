/**
 * Tells the client to ask again for what it shows of a document's size when that changed without
 * a new version of the document: the CodeLens (`workspace/codeLens/refresh`, when the client
 * supports it) and our status bar and size breakdown (SIZE_CHANGED_NOTIFICATION, when the client
 * declares `experimental.sizeChanged`). Editors ask for both again after an edit; nothing else
 * makes them ask.
 *
 * Causes:
 * - the estimate after the fixes, finished off the request path (afterFixes.ts): sent at once;
 * - the work on that estimate dropped because its analysis was replaced (afterFixes.ts): queued;
 * - the same version analysed again with other facts (a build-context scan finished, files,
 *   settings or trust changed), when the client was answered from the analysis it replaced and
 *   the estimates the CodeLens shows above each FROM differ, or the findings, whose fixes make the
 *   figures after the fixes (a .dockerignore created on disk takes its fix away: the lens said
 *   "after 4 fixes" while the breakdown said 3): queued.
 *
 * What is queued is sent once no analysis is being made (`settled`), so that several scans
 * finishing together, or one scan several documents wait for, give one CodeLens refresh and one
 * notification per document rather than one per analysis; but after `MAX_WAIT_MS` at the most,
 * so that an analysis that hangs (a file system that does not answer) does not hold them back.
 */
import { CodeLensRefreshRequest, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import { describeEstimate, estimateStage } from '../core/imageEstimate';
import type { DocumentAnalysis } from './analysisCache';
import { SIZE_CHANGED_NOTIFICATION } from './sizeBreakdown';

/** How long what is queued waits at most for the analyses being made. */
export const MAX_WAIT_MS = 1_000;

/** The estimates the CodeLens and the breakdown show before the fixes, and the findings whose fixes make those after them, as text to compare. */
function shownEstimates(doc: DocumentAnalysis): string {
  const analysis = doc.analysis;
  if (!analysis) return '';
  const { model } = analysis;
  return [
    ...model.stages.filter((s) => s.layersInFinal).map((s) => describeEstimate(estimateStage(model, s, doc.env))),
    ...analysis.findings.map((f) => `${f.ruleId} ${f.range.start.line} ${f.message}`),
  ].join('\n');
}

export class SizeRefresh {
  private lensRefresh = false;
  private sizeChanged = false;
  /** Per document, the analysis the client was last answered from (CodeLens or breakdown). */
  private readonly shown = new Map<string, DocumentAnalysis>();
  /** Documents whose size to announce, by URI, with their version. */
  private readonly queued = new Map<string, number>();
  /** Whether the CodeLens of a queued document may change (a CodeLens refresh goes with them). */
  private lenses = false;
  private flush?: NodeJS.Immediate;
  /** When the first of what is queued was queued, and the timer that sends it after `MAX_WAIT_MS`. */
  private since = 0;
  private deadline?: NodeJS.Timeout;

  constructor(
    private readonly connection: Connection,
    /** True while an analysis is being made: what is queued waits for it. */
    private readonly analysing: () => boolean,
  ) {}

  /** Reads what the client supports. */
  init(params: InitializeParams): void {
    this.lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    // Our client declares it (for its status bar and breakdown view); other clients would only log it.
    this.sizeChanged = (params.capabilities.experimental as { sizeChanged?: unknown } | undefined)?.sizeChanged === true;
  }

  /** The client was answered from `doc` (a CodeLens or breakdown request). */
  answered(doc: DocumentAnalysis): void {
    this.shown.set(doc.uri, doc);
  }

  /** `doc` is the document's current analysis now: if it replaced the one the client shows, of the same version, and changes its figures, the client is told. */
  analysed(doc: DocumentAnalysis): void {
    const shown = this.shown.get(doc.uri);
    if (!shown || shown === doc || shown.version !== doc.version || shown.analysis === doc.analysis) return;
    if (shownEstimates(shown) !== shownEstimates(doc)) this.queue(doc, true);
  }

  /** Tells the client at once that `doc`'s size changed (`lenses`: its CodeLens text may change too). */
  changed(doc: { uri: string; version: number }, lenses: boolean): void {
    this.send(lenses, [[doc.uri, doc.version]]);
  }

  /** Like `changed`, once no analysis is being made. */
  queue(doc: { uri: string; version: number }, lenses: boolean): void {
    if (this.queued.size === 0) this.since = performance.now();
    this.queued.set(doc.uri, doc.version);
    this.lenses ||= lenses;
    this.settled();
  }

  /** No analysis is being made (or may not be): sends what is queued, in the next turn. */
  settled(): void {
    if (this.queued.size === 0 || this.flush) return;
    this.flush = setImmediate(() => {
      this.flush = undefined;
      // The analysis that settles last calls settled() again, or the deadline does.
      if (this.analysing() && performance.now() - this.since < MAX_WAIT_MS) {
        this.deadline ??= setTimeout(() => {
          this.deadline = undefined;
          this.settled();
        }, MAX_WAIT_MS - (performance.now() - this.since));
        return;
      }
      clearTimeout(this.deadline);
      this.deadline = undefined;
      this.send(this.lenses, [...this.queued]);
      this.queued.clear();
      this.lenses = false;
    });
  }

  private send(lenses: boolean, docs: [uri: string, version: number][]): void {
    if (lenses && this.lensRefresh) this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (this.sizeChanged) for (const [uri, version] of docs) void this.connection.sendNotification(SIZE_CHANGED_NOTIFICATION, { uri, version });
  }

  /** Drops what is kept for a closed document. */
  forget(uri: string): void {
    this.shown.delete(uri);
    this.queued.delete(uri);
  }
}
