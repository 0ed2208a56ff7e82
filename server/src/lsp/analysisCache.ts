/**
 * One analysis per document version. Hover, code actions and diagnostics for the same version
 * share it; a newer version replaces it, so stale results are never served.
 */
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis, type AnalysisSettings } from '../core/analyze';
import type { AnalysisEnvironment } from '../core/environment';
import type { ContextFactsSource } from '../sources/workspace';
import type { ConfigCache } from '../sources/config';
import { combineSettings } from '../core/config';
import { settingFor } from '../sources/context/facts';
import { checkDockerignore, checkDockerignoreInSteps, ignoreBeyondLimits, notReadFindings, type BuiltElsewhere, type ContextListing, type DockerignoreFinding, type IgnoreLineStats } from '../core/dockerignore';
import type { ContextScanResult } from '../sources/context/scan';
import type { Settings } from './settings';
import { runInSlices } from './slices';

/** What an ignore file's analysis holds: its findings and, once the context scan finished, per-line figures. */
export interface IgnoreAnalysis {
  text: string;
  findings: DockerignoreFinding[];
  stats?: IgnoreLineStats;
  /** True while the scan of the context with this text runs. */
  scanning: boolean;
  /** Why the scan gave no figures (it failed, or is off in an untrusted workspace), as the hover says it. */
  unmeasured?: string;
  /** Why the file is not evaluated (beyond `IGNORE_LIMITS`): then there are no findings and no scan. */
  notEvaluated?: string;
  /** The Dockerfiles beside it, all built with another context: no build reads the file (dockerignore-not-read). */
  notReadBy?: readonly BuiltElsewhere[];
}

export interface DocumentAnalysis {
  uri: string;
  version: number;
  kind: 'dockerfile' | 'dockerignore' | 'disabled';
  analysis?: Analysis;
  /** Set for ignore files. */
  ignore?: IgnoreAnalysis;
  env: AnalysisEnvironment;
  /** Problems in the project configuration file that applies, with its path. */
  configProblems: string[];
  /** The combined settings the analysis ran with (fixes re-analyse with the same). */
  settings?: AnalysisSettings;
}

/**
 * How long the check of an ignore file against a finished scan runs before it lets other
 * messages in. Against 100,000 paths the check takes hundreds of milliseconds of CPU; in slices
 * a Dockerfile keystroke in another editor waits for one slice at most.
 */
const CHECK_SLICE_MS = 10;

export function isDockerignore(uri: string, languageId: string): boolean {
  return languageId === 'dockerignore' || /(^|\/)[^/]*\.?dockerignore$/.test(uri);
}

export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; result: Promise<DocumentAnalysis> }>();
  /** Ignore-file findings per finished scan (made with that text): an analysis again after a cache clear reuses them. */
  private readonly ignoreChecks = new WeakMap<ContextScanResult, { text: string; findings: DockerignoreFinding[] }>();
  /** The newest finished analysis per document: the next version's analysis starts from it. */
  private readonly latest = new Map<string, { version: number; analysis: Analysis }>();
  /** Analyses asked for and not settled yet. */
  private computing = 0;
  /** For tests and bug reports: Dockerfile analyses made (each call of `analyze`). */
  readonly stats = { analyses: 0 };
  /**
   * Called when an analysis settles: `current` is it when it is still its document's current one
   * (not replaced, not failed); `idle` when no other analysis is being made.
   */
  onSettled?: (current: DocumentAnalysis | undefined, idle: boolean) => void;

  constructor(
    private readonly settings: Settings,
    private readonly contextFacts: ContextFactsSource,
    private readonly configs: ConfigCache,
    private readonly workspaceFolders: () => readonly string[] = () => [],
  ) {}

  static pathOf(uri: string): string | undefined {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      return undefined;
    }
  }

  get(doc: TextDocument): Promise<DocumentAnalysis> {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.result;
    const entry = { version: doc.version } as { version: number; result: Promise<DocumentAnalysis> };
    // A newer version, or the same one analysed again (its facts changed), replaces this entry.
    entry.result = this.compute(doc, () => this.entries.get(doc.uri) !== entry);
    this.entries.set(doc.uri, entry);
    this.computing++;
    const settled = (current: DocumentAnalysis | undefined) => {
      this.computing--;
      this.onSettled?.(current, this.computing === 0);
    };
    entry.result.then(
      (result) => settled(this.entries.get(doc.uri) === entry ? result : undefined),
      () => settled(undefined),
    );
    return entry.result;
  }

  /** True while an analysis is being made. */
  get analysing(): boolean {
    return this.computing > 0;
  }

  /** True when `version` is still the newest version analysed or requested for `uri`. */
  isCurrent(uri: string, version: number): boolean {
    return this.entries.get(uri)?.version === version;
  }

  /**
   * True when `pending` (what {@link get} returned) is still the analysis kept for `uri`: not
   * replaced by a newer version's, nor by the same version's made again after its facts changed.
   * Two analyses of one version can run side by side (a file event while the first runs); the one
   * asked for first may finish last, and its findings must not be published over the newer ones.
   */
  holds(uri: string, pending: Promise<DocumentAnalysis>): boolean {
    return this.entries.get(uri)?.result === pending;
  }

  /** True when `analysis` is the newest one made for `uri` (a newer version's, or the same version's made again, replaces it). */
  isLatest(uri: string, analysis: Analysis): boolean {
    return this.latest.get(uri)?.analysis === analysis;
  }

  /**
   * Drops the analysis of `uri` (its facts changed); the next one still starts from it, since
   * what it reuses depends on the text only.
   */
  invalidate(uri: string): void {
    this.entries.delete(uri);
  }

  /** Drops everything kept for a closed document. */
  forget(uri: string): void {
    this.entries.delete(uri);
    this.latest.delete(uri);
  }

  /** Drops every analysis (settings or files changed); the next ones still start from them. */
  clear(): void {
    this.entries.clear();
  }

  private async compute(doc: TextDocument, superseded: () => boolean): Promise<DocumentAnalysis> {
    const base = { uri: doc.uri, version: doc.version, configProblems: [] as string[] };
    const settings = await this.settings.get();
    if (!settings.enable) return { ...base, kind: 'disabled', env: { context: {} } };
    const path = AnalysisCache.pathOf(doc.uri);
    if (isDockerignore(doc.uri, doc.languageId)) return { ...base, kind: 'dockerignore', env: { context: {} }, ignore: await this.ignoreAnalysis(doc, path, superseded) };
    const [context, config] = path ? await Promise.all([this.contextFacts.factsFor(path, doc.uri, settings.buildContext), this.configs.get(path)]) : [{}, {}];
    const env: AnalysisEnvironment = { context };
    const configProblems = (config.project?.problems ?? []).map((p) => `${config.project!.path}: ${p}`);
    // The target setting for this Dockerfile stands where the editor's other analysis settings do.
    const editorTarget = path ? settingFor(settings.target, path, this.workspaceFolders())?.value : undefined;
    const analysisSettings = combineSettings(editorTarget === undefined ? settings.analysis : { ...settings.analysis, target: editorTarget }, config.hadolint, config.project);
    // The stage Compose builds, unless the configuration or the setting names one.
    if (analysisSettings.target === undefined && 'buildTarget' in context) analysisSettings.target = context.buildTarget;
    const previous = this.latest.get(doc.uri);
    this.stats.analyses++;
    const analysis = analyze(doc.getText(), env, analysisSettings, previous?.analysis);
    if (!previous || previous.version <= doc.version) this.latest.set(doc.uri, { version: doc.version, analysis });
    return { ...base, configProblems, kind: 'dockerfile', env, settings: analysisSettings, analysis };
  }

  /**
   * Checks an ignore file against a scan of its context made with the editor's text. Until the
   * scan finished (or when it stopped at a limit) only the checks that need no listing run, so
   * "matches nothing" is never said of a context we have not fully seen.
   */
  private async ignoreAnalysis(doc: TextDocument, path: string | undefined, superseded: () => boolean): Promise<IgnoreAnalysis> {
    const text = doc.getText();
    const notEvaluated = ignoreBeyondLimits(text);
    if (notEvaluated !== undefined) return { text, findings: [], scanning: false, notEvaluated };
    const settings = await this.settings.get();
    const [found, notReadBy] = await Promise.all([
      path && this.contextFacts.ignoreFileScan ? this.contextFacts.ignoreFileScan(path, text, doc.uri, settings.buildContext) : undefined,
      path && this.contextFacts.notReadBy ? this.contextFacts.notReadBy(path, settings.buildContext) : undefined,
    ]);
    const result = found?.scan.state === 'done' ? found.scan.result : undefined;
    // A file no build reads is not checked against its folder's files: "matches nothing in the build context" would speak of a context it is not in.
    const listing = result?.complete && result.paths && !notReadBy ? { files: result.paths.files, dirs: result.paths.dirs } : undefined;
    const stats: IgnoreLineStats | undefined = result && {
      complete: result.complete,
      contextDir: found!.dir,
      includedFiles: result.included.files,
      includedBytes: result.included.bytes,
      excludedByLine: result.excludedByLine,
      reincludedByLine: result.reincludedByLine,
    };
    const scan = found?.scan;
    const unmeasured = scan?.state === 'off' ? scan.message : scan?.state === 'failed' ? `the build context could not be measured (${scan.message})` : undefined;
    // Whether a build reads the file does not depend on its text beyond the first line's length: kept apart from the cached checks.
    const checked = listing ? await this.checkAgainstScan(text, result!, listing, superseded) : checkDockerignore(text);
    const findings = notReadBy ? [...notReadFindings(text.slice(0, text.search(/\r|\n|$/)), notReadBy), ...checked] : checked;
    return { text, findings, stats, scanning: found?.scan.state === 'running', ...(unmeasured === undefined ? {} : { unmeasured }), ...(notReadBy?.length ? { notReadBy } : {}) };
  }

  /**
   * The ignore file's findings against a finished scan, checked in slices of `CHECK_SLICE_MS`
   * with the event loop free in between (the first slice at once: a small context answers in one).
   * Stops when the analysis was superseded (a newer version arrived): then nobody reads the
   * result, and only the checks without the listing run. No cap of CPU, as before: the listing
   * is bounded by the scan's limit on entries.
   */
  private async checkAgainstScan(text: string, scan: ContextScanResult, listing: ContextListing, superseded: () => boolean): Promise<DockerignoreFinding[]> {
    const kept = this.ignoreChecks.get(scan);
    if (kept?.text === text) return kept.findings;
    const steps = checkDockerignoreInSteps(text, { context: listing });
    let findings: DockerignoreFinding[] | undefined;
    const step = () => {
      const next = steps.next();
      if (next.done) findings = next.value;
      return next.done === true;
    };
    const sliced = await runInSlices(step, { sliceMs: CHECK_SLICE_MS, cpuCapMs: Infinity, wanted: () => !superseded(), firstSliceAtOnce: true });
    if (sliced.outcome !== 'done' || !findings) return checkDockerignore(text);
    this.ignoreChecks.set(scan, { text, findings });
    return findings;
  }
}
