/**
 * The `dockerfileSizeHints.*` settings, pulled from the client once and again when they change.
 */
import { DidChangeConfigurationNotification, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import type { AnalysisSettings } from '../core/analyze';
import type { Severity } from '../core/types';
import { parseSize } from '../core/config';
import { DEFAULT_ALLOWED_REGISTRIES, type RegistrySettings } from '../sources/registry';
import type { BuildContextSetting, PerDockerfileSetting } from '../sources/context/facts';
import { DEFAULT_ENGINE_SETTINGS, parseEngineSettings, type EngineSettings } from '../sources/engine/settings';

export interface ServerSettings {
  enable: boolean;
  analysis: AnalysisSettings;
  registry: RegistrySettings;
  /** `dockerfileSizeHints.engine.*`: the local Docker Engine (trusted workspaces only). */
  engine: EngineSettings;
  /** `dockerfileSizeHints.buildContext`: a context folder for every Dockerfile, or Dockerfile glob -> context folder. */
  buildContext?: BuildContextSetting;
  /** `dockerfileSizeHints.target`: the stage every Dockerfile's build produces, or Dockerfile glob -> stage. */
  target?: PerDockerfileSetting;
}

const DEFAULTS: ServerSettings = { enable: true, analysis: {}, registry: { enable: false, allowedRegistries: DEFAULT_ALLOWED_REGISTRIES, cacheHours: 24 }, engine: DEFAULT_ENGINE_SETTINGS };
const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

export class Settings {
  private canPull = false;
  private current: Promise<ServerSettings> | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly connection: Connection) {
    connection.onDidChangeConfiguration(() => {
      this.current = undefined;
      this.listeners.forEach((l) => l());
    });
  }

  init(params: InitializeParams): void {
    this.canPull = params.capabilities.workspace?.configuration === true;
  }

  registerForChanges(): void {
    if (this.canPull) void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockerfileSizeHints' }).catch(() => undefined);
  }

  onDidChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get(): Promise<ServerSettings> {
    if (!this.canPull) return Promise.resolve(DEFAULTS);
    this.current ??= this.connection.workspace
      .getConfiguration('dockerfileSizeHints')
      .then(parse, () => DEFAULTS);
    return this.current;
  }
}

/** A setting given for every Dockerfile (a non-blank string) or per Dockerfile glob (the string values of an object). */
function perDockerfile(v: unknown): PerDockerfileSetting {
  if (typeof v === 'string') return v.trim() ? v : undefined;
  return v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
}

/** Turns whatever the client sent into valid settings; unknown or malformed values fall back to defaults. */
export function parse(raw: unknown): ServerSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const severities: Record<string, Severity | 'off'> = {};
  const rules = r.rules;
  if (rules && typeof rules === 'object') {
    for (const [id, v] of Object.entries(rules as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) severities[id] = v as Severity | 'off';
    }
  }
  const network = (r.network ?? {}) as Record<string, unknown>;
  const allowed = Array.isArray(network.allowedRegistries) ? network.allowedRegistries.filter((x): x is string => typeof x === 'string') : DEFAULT_ALLOWED_REGISTRIES;
  const cacheHours = typeof network.cacheHours === 'number' && network.cacheHours >= 0 ? network.cacheHours : 24;
  const buildContext = perDockerfile(r.buildContext);
  const target = perDockerfile(r.target);
  return {
    enable: r.enable !== false,
    ...(buildContext ? { buildContext } : {}),
    ...(target ? { target } : {}),
    analysis: { severities, finalStageOnly: r.finalStageOnly === true, budgetBytes: parseSize(r.budget) },
    engine: parseEngineSettings(r.engine),
    registry: { enable: network.enable === true, allowedRegistries: allowed, cacheHours, ...(typeof r.platform === 'string' && r.platform ? { platform: r.platform } : {}) },
  };
}
