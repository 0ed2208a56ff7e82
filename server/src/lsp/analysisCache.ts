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
import type { Settings } from './settings';

export interface DocumentAnalysis {
  uri: string;
  version: number;
  kind: 'dockerfile' | 'dockerignore' | 'disabled';
  analysis?: Analysis;
  env: AnalysisEnvironment;
  /** Problems in the project configuration file that applies, with its path. */
  configProblems: string[];
  /** The combined settings the analysis ran with (fixes re-analyse with the same). */
  settings?: AnalysisSettings;
}

export function isDockerignore(uri: string, languageId: string): boolean {
  return languageId === 'dockerignore' || /(^|\/)[^/]*\.?dockerignore$/.test(uri);
}

export class AnalysisCache {
  private readonly entries = new Map<string, { version: number; result: Promise<DocumentAnalysis> }>();

  constructor(
    private readonly settings: Settings,
    private readonly contextFacts: ContextFactsSource,
    private readonly configs: ConfigCache,
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
    const result = this.compute(doc);
    this.entries.set(doc.uri, { version: doc.version, result });
    return result;
  }

  /** True when `version` is still the newest version analysed or requested for `uri`. */
  isCurrent(uri: string, version: number): boolean {
    return this.entries.get(uri)?.version === version;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }

  private async compute(doc: TextDocument): Promise<DocumentAnalysis> {
    const base = { uri: doc.uri, version: doc.version, configProblems: [] as string[] };
    const settings = await this.settings.get();
    if (!settings.enable) return { ...base, kind: 'disabled', env: { context: {} } };
    const path = AnalysisCache.pathOf(doc.uri);
    const [context, config] = path ? await Promise.all([this.contextFacts.factsFor(path), this.configs.get(path)]) : [{}, {}];
    const env: AnalysisEnvironment = { context };
    if (isDockerignore(doc.uri, doc.languageId)) return { ...base, kind: 'dockerignore', env };
    const configProblems = (config.project?.problems ?? []).map((p) => `${config.project!.path}: ${p}`);
    const analysisSettings = combineSettings(settings.analysis, config.hadolint, config.project);
    return { ...base, configProblems, kind: 'dockerfile', env, settings: analysisSettings, analysis: analyze(doc.getText(), env, analysisSettings) };
  }
}
