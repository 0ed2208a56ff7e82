/**
 * The text after "Apply all size fixes", for the estimates that show it (CodeLens, status bar,
 * size breakdown). Worked out once per analysis and shared, from the fixes that can change the
 * final image only (a fix in a stage the final image does not contain leaves its estimate as it
 * is, unless it writes the ignore file).
 *
 * The editor asks for CodeLens (and the status bar for the breakdown) after every pause in typing,
 * and applying the fixes takes one analysis per round plus every finding's fix: on the benchmark's
 * files cut down to one stage (every fix in the final image), 0.16-0.37 s of CPU at 1,000 lines and
 * 1.5-2.0 s at 10,000 (`node out/test/bench/afterFixes.js`, 2026-12-03). So a request works on it
 * for at most `AFTER_FIXES_BUDGET_MS` of wall time and answers; what is left is finished off the
 * request path, in slices of `SLICE_MS` with the event loop free in between (slices.ts; the
 * longest step that cannot be cut is the analysis after a round: 56-102 ms of CPU at 1,000 lines,
 * 0.23-0.57 s at 10,000, about what analysing an open of such a file costs). When it is done the
 * server asks the client to refresh its CodeLenses (`workspace/codeLens/refresh`, when the client
 * supports it) and tells our client that the size changed (SIZE_CHANGED_NOTIFICATION, when the
 * client declares it), so the status bar and the breakdown ask again. The work is dropped when a
 * newer version of the document arrives, the document closes or its analysis is replaced (then the
 * client is told to ask again), and given up once the whole estimate took `AFTER_FIXES_CPU_CAP_MS`
 * of CPU, request included: the breakdown then says the figure was not worked out, and later
 * versions of that document with as many findings are given up at once, so that typing in such a
 * file does not spend the cap after every pause.
 *
 * When the file has a fix to review for the final image (a `-slim` tag, a split into a builder
 * stage), a second run then applies every fix from the same text, as `--fix --unsafe-fixes` does:
 * the figure "with the fixes to review". It shares the budget and the cap; when it alone runs out
 * of CPU, the first figure stands and later versions with as many findings leave it out.
 *
 * Why not remember a run that ran out of budget as "no figure", as before: on a machine busy for a
 * moment (a build, the editor starting) a small file's figure then never came for that version
 * (the budget is wall time, which grows with the load). Why not a worker thread: it would analyse
 * the text again from scratch (0.2-0.7 s of CPU at 10,000 lines, which the slices start from
 * the document's analysis without), load the rules a second time, and still share the two cores.
 *
 * Tests set `DSH_AFTER_FIXES_BUDGET_MS` (the request's budget, 0 to leave everything to the
 * slices) and `DSH_AFTER_FIXES_CPU_MS` (the cap) in the server's environment; nothing else should.
 */
import { FixAllRun } from '../core/edits';
import { estimateImage, type StageEstimate } from '../core/imageEstimate';
import { fixFor, onTrigger, type Analysis } from '../core/analyze';
import type { Finding, Fix } from '../core/types';
import type { DocumentAnalysis } from './analysisCache';
import { cpuMs, fromEnv, runInSlices } from './slices';

/** Milliseconds of wall time a request may spend on the estimate after the fixes. */
export const AFTER_FIXES_BUDGET_MS = fromEnv('DSH_AFTER_FIXES_BUDGET_MS', 300);
/** Milliseconds of CPU the estimate after the fixes may take for one analysis, in the request and the slices together. */
export const AFTER_FIXES_CPU_CAP_MS = fromEnv('DSH_AFTER_FIXES_CPU_MS', 1_000);
/** Wall time of one slice of the work finished off the request path. */
const SLICE_MS = 10;

/** The image after the fixes: how many were applied and the final image's estimate then. */
export interface AfterFixes {
  fixes: number;
  estimate: StageEstimate;
}

/**
 * What is known of the image after the fixes: the figure (`after`, undefined when there is
 * nothing to fix or no estimate), and after the fixes to review as well, as `--fix --unsafe-fixes`
 * applies them (`reviewed`: only when the file has such a fix for the final image, and they
 * settled within the cap); or that it is being worked out (a refresh follows), or why it was given
 * up (`AFTER_FIXES_CPU_CAP_MS` spent, fixAll's guard against fixes that undo each other, or an error).
 */
export type AfterFixesState = { state: 'known'; after?: AfterFixes; reviewed?: StageEstimate } | { state: 'working' } | { state: 'given up'; why: string };

/** What the estimate's owner does for it: say whether an analysis is still wanted, and show a change. */
export interface AfterFixesHost {
  /** False once a newer version of the document arrived, it closed, or its analysis was replaced. */
  wanted(doc: DocumentAnalysis): boolean;
  /** The work on `doc` was dropped (not wanted any more). */
  dropped(doc: DocumentAnalysis): void;
  /** The state of `doc`'s estimate changed off the request path; `lenses`: the CodeLens text may change too. */
  changed(doc: DocumentAnalysis, lenses: boolean): void;
  /** An error of the work off the request path (no request is there to answer with it). */
  error(doc: DocumentAnalysis, e: unknown): void;
}

/**
 * A fix that can change the final image: one on a finding in it, or one that creates or edits the
 * ignore file, whatever stage its finding is in (the file applies to the final stage's COPYs too);
 * not one on an ONBUILD trigger, which changes the images built FROM this one.
 */
export function changesFinalImage(finding: Finding, fix: Fix): boolean {
  if (onTrigger(finding)) return false;
  return finding.inFinalImage || (fix.createFiles?.length ?? 0) > 0 || (fix.editFiles?.length ?? 0) > 0;
}

/**
 * The preferred fixes (Apply all size fixes), then, when the analysis has a fix to review for the
 * final image (a -slim tag, a split into a builder stage), every fix from the same text, as
 * `--fix --unsafe-fixes` applies them. Whether there is one is asked of the fixes the first run
 * worked out for the analysis; one that only a preferred fix would bring is not looked for.
 */
class AfterFixesRun {
  readonly preferred: FixAllRun;
  reviewed?: FixAllRun;
  private first = false;

  constructor(private readonly doc: DocumentAnalysis, private readonly analysis: Analysis, private readonly review: boolean) {
    this.preferred = new FixAllRun(analysis.model.text, doc.env, doc.settings, { only: changesFinalImage, analysis });
  }

  /** Whether the preferred fixes are worked out. */
  get firstDone(): boolean {
    return this.first;
  }

  /** Does one step; true once both runs (or the first, when no second is needed) have finished. */
  step(): boolean {
    if (this.reviewed) return this.reviewed.step();
    if (!this.preferred.step()) return false;
    this.first = true;
    const { analysis, doc } = this;
    const toReview = this.review && this.preferred.result().complete && analysis.findings.some((f) => f.inFinalImage && ((fix) => fix && !fix.preferred && changesFinalImage(f, fix))(fixFor(analysis, f, doc.env)));
    if (!toReview) return true;
    this.reviewed = new FixAllRun(analysis.model.text, doc.env, doc.settings, { only: changesFinalImage, analysis, includeUnpreferred: true });
    return false;
  }
}

/** The state a finished run gives (in the environment after it: an ignore file a fix writes counts); `reviewed` left out when `firstOnly`. */
function settle(run: AfterFixesRun, firstOnly = false): AfterFixesState {
  const fixed = run.preferred.result();
  if (!fixed.complete) return { state: 'given up', why: 'the fixes did not settle within the rounds Apply all size fixes allows' };
  const estimate = fixed.applied.length > 0 ? estimateImage(fixed.analysis.model, fixed.env) : undefined;
  const all = firstOnly ? undefined : run.reviewed?.result();
  // Fewer fixes may apply (a split first leaves a builder stage's findings without effect).
  const reviewed = all?.complete && all.applied.length > 0 ? estimateImage(all.analysis.model, all.env) : undefined;
  return { state: 'known', after: estimate && { fixes: fixed.applied.length, estimate }, reviewed };
}

const TOO_COSTLY: AfterFixesState = { state: 'given up', why: `on this file it takes more than ${AFTER_FIXES_CPU_CAP_MS / 1000} s of CPU` };

export class AfterFixesEstimates {
  private readonly states = new WeakMap<Analysis, AfterFixesState>();
  /** For the serverInfo request (tests, bug reports): what the work off the request path did. */
  readonly stats = { finishedInRequest: 0, sliced: 0, done: 0, dropped: 0, capped: 0, failed: 0, knownTooCostly: 0 };
  /**
   * Per document, the number of findings of the last analysis whose estimate reached the cap. A
   * version with at least as many is given up at once: typing in such a file would otherwise cost
   * the cap (and the request's budget) again after every pause, for nothing.
   */
  private readonly tooCostly = new Map<string, number>();

  /** The same for the fixes to review alone (see {@link AfterFixesRun}). */
  private readonly reviewTooCostly = new Map<string, number>();

  constructor(private readonly host: AfterFixesHost) {}

  /** Drops what is kept for a closed document. */
  forget(uri: string): void {
    this.tooCostly.delete(uri);
    this.reviewTooCostly.delete(uri);
  }

  /** The estimate after the fixes for `doc`'s analysis: worked out within the request's budget, or later. */
  get(doc: DocumentAnalysis): AfterFixesState {
    const analysis = doc.analysis;
    if (!analysis) return { state: 'known' };
    const known = this.states.get(analysis);
    if (known) return known;
    if (analysis.findings.length >= (this.tooCostly.get(doc.uri) ?? Infinity)) {
      this.stats.knownTooCostly++;
      this.states.set(analysis, TOO_COSTLY);
      return TOO_COSTLY;
    }
    const startCpu = cpuMs();
    const deadline = performance.now() + AFTER_FIXES_BUDGET_MS;
    const run = new AfterFixesRun(doc, analysis, analysis.findings.length < (this.reviewTooCostly.get(doc.uri) ?? Infinity));
    let done = false;
    while (!done && performance.now() < deadline) done = run.step();
    if (done) {
      this.stats.finishedInRequest++;
      this.tooCostly.delete(doc.uri);
      const state = settle(run);
      this.states.set(analysis, state);
      return state;
    }
    const working: AfterFixesState = { state: 'working' };
    this.states.set(analysis, working);
    this.stats.sliced++;
    void this.finish(doc, analysis, run, cpuMs() - startCpu);
    return working;
  }

  private async finish(doc: DocumentAnalysis, analysis: Analysis, run: AfterFixesRun, spentCpuMs: number): Promise<void> {
    let state: AfterFixesState;
    try {
      const sliced = await runInSlices(() => run.step(), { sliceMs: SLICE_MS, cpuCapMs: AFTER_FIXES_CPU_CAP_MS, spentCpuMs, wanted: () => this.host.wanted(doc) });
      if (sliced.outcome === 'dropped') {
        // Nobody reads it now; should the same analysis be asked for again, it starts over.
        this.stats.dropped++;
        this.states.delete(analysis);
        this.host.dropped(doc);
        return;
      }
      this.stats[sliced.outcome]++;
      // Out of CPU in the fixes to review: the figure after the preferred ones still stands, and
      // later versions with as many findings leave the fixes to review out.
      if (sliced.outcome === 'done' || run.firstDone) this.tooCostly.delete(doc.uri);
      else this.tooCostly.set(doc.uri, analysis.findings.length);
      if (sliced.outcome === 'capped' && run.firstDone) this.reviewTooCostly.set(doc.uri, analysis.findings.length);
      state = sliced.outcome === 'done' ? settle(run) : run.firstDone ? settle(run, true) : TOO_COSTLY;
    } catch (e) {
      this.stats.failed++;
      this.host.error(doc, e);
      state = { state: 'given up', why: 'working it out failed (the error is in the server log)' };
    }
    this.states.set(analysis, state);
    this.host.changed(doc, state.state === 'known' && (state.after ?? state.reviewed) !== undefined);
  }
}
