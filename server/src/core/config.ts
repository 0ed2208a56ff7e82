/**
 * Project configuration shared by the editor and the CLI, and how it combines with editor
 * settings and `.hadolint.yaml`. Pure: the files are read by sources/config.ts.
 *
 * `.dockerfile-size-hints.yaml` (or `.json`), found in the Dockerfile's folder or any parent:
 *   rules: { <rule-id>: error | warning | info | hint | off }
 *   finalStageOnly: true
 *   budget: 250MB
 *   target: production   (the stage the build produces, as `docker build --target`)
 * `.hadolint.yaml`: `ignored: [DL3009, ...]` turns off the rules that map to those ids, and
 *   `override: { error|warning|info|style: [DLxxxx] }` sets their severity (style -> hint).
 * Precedence, lowest first: defaults, editor settings, .hadolint.yaml, our config file.
 */
import type { AnalysisSettings } from './analyze';
import type { Severity } from './types';
import { parseYaml } from './yaml';
import { RULES } from '../rules';

export type RuleLevel = Severity | 'off';
const LEVELS = new Set<string>(['error', 'warning', 'info', 'hint', 'off']);

export interface ProjectConfig {
  rules?: Record<string, RuleLevel>;
  finalStageOnly?: boolean;
  /** Size budget for the final image, in bytes. */
  budgetBytes?: number;
  /** The stage the build produces (`docker build --target`). */
  target?: string;
  /** Problems found while reading the file, for the user. */
  problems: string[];
}

/** Parses `250MB`, `1.5 GB`, `300MiB`, `1000000` into bytes; undefined when malformed. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };
  return Math.round(Number(m[1]) * mult[unit]);
}

function readRules(raw: unknown, problems: string[]): Record<string, RuleLevel> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('"rules" must be a map of rule id to error, warning, info, hint or off');
    return undefined;
  }
  const out: Record<string, RuleLevel> = {};
  const known = new Set(RULES.map((r) => r.id));
  for (const [id, level] of Object.entries(raw as Record<string, unknown>)) {
    if (!known.has(id)) problems.push(`unknown rule "${id}"`);
    else if (typeof level !== 'string' || !LEVELS.has(level)) problems.push(`rule "${id}": "${String(level)}" is not one of error, warning, info, hint, off`);
    else out[id] = level as RuleLevel;
  }
  return out;
}

/** Parses our config file's text (YAML, which includes JSON). Never throws. */
export function parseProjectConfig(text: string): ProjectConfig {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return { problems: [`not valid YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`] };
  }
  if (doc === null || doc === undefined) return { problems };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { problems: ['the file must hold a map of settings'] };
  const d = doc as Record<string, unknown>;
  const config: ProjectConfig = { problems, rules: readRules(d.rules, problems) };
  if (d.finalStageOnly !== undefined) {
    if (typeof d.finalStageOnly === 'boolean') config.finalStageOnly = d.finalStageOnly;
    else problems.push('"finalStageOnly" must be true or false');
  }
  if (d.target !== undefined) {
    if (typeof d.target === 'string' && d.target.trim()) config.target = d.target.trim();
    else problems.push('"target" must be the name of a stage');
  }
  if (d.budget !== undefined) {
    config.budgetBytes = parseSize(d.budget);
    if (config.budgetBytes === undefined) problems.push(`"budget": cannot read "${String(d.budget)}" as a size such as 250MB`);
  }
  return config;
}

/** Reads `.hadolint.yaml`'s `ignored` and `override` for the rules that map to hadolint ids. */
export function parseHadolintConfig(text: string): Record<string, RuleLevel> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return {};
  }
  const out: Record<string, RuleLevel> = {};
  if (!doc || typeof doc !== 'object') return out;
  const d = doc as Record<string, unknown>;
  const byHadolint = new Map(RULES.filter((r) => r.hadolint).map((r) => [r.hadolint!, r.id]));
  const override = (d.override ?? {}) as Record<string, unknown>;
  const levels: [string, RuleLevel][] = [['error', 'error'], ['warning', 'warning'], ['info', 'info'], ['style', 'hint']];
  for (const [key, level] of levels) {
    const ids = override[key];
    if (Array.isArray(ids)) for (const id of ids) if (byHadolint.has(String(id))) out[byHadolint.get(String(id))!] = level;
  }
  if (Array.isArray(d.ignored)) for (const id of d.ignored) if (byHadolint.has(String(id))) out[byHadolint.get(String(id))!] = 'off';
  return out;
}

/** Combines the layers into the settings the analysis uses. */
export function combineSettings(editor: AnalysisSettings, hadolint: Record<string, RuleLevel> | undefined, project: ProjectConfig | undefined): AnalysisSettings {
  return {
    severities: { ...editor.severities, ...hadolint, ...project?.rules },
    finalStageOnly: project?.finalStageOnly ?? editor.finalStageOnly,
    budgetBytes: project?.budgetBytes ?? editor.budgetBytes,
    target: project?.target ?? editor.target,
  };
}
