/** The `dockerfileSizeHints.engine.*` settings. */
export interface EngineSettings {
  /** Read sizes from the local Docker Engine (trusted workspaces only). */
  enable: boolean;
  /** An engine address overriding `DOCKER_HOST` (`unix:///path` or `tcp://host:port`). */
  host?: string;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { enable: true };

export function parseEngineSettings(raw: unknown): EngineSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const host = typeof r.host === 'string' && r.host.trim() ? r.host.trim() : undefined;
  return { enable: r.enable !== false, ...(host ? { host } : {}) };
}
