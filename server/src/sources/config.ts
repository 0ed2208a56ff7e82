/**
 * Finds and reads the project configuration for a Dockerfile: `.dockerfile-size-hints.yaml`
 * (`.yml`, `.json`) and `.hadolint.yaml` (`.yml`), each the nearest one in the Dockerfile's
 * folder or a parent. Cached per folder; the language server drops the cache on file changes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseHadolintConfig, parseProjectConfig, type ProjectConfig, type RuleLevel } from '../core/config';

export const PROJECT_CONFIG_NAMES = ['.dockerfile-size-hints.yaml', '.dockerfile-size-hints.yml', '.dockerfile-size-hints.json'];
export const HADOLINT_CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

export interface LoadedConfig {
  project?: ProjectConfig & { path: string };
  hadolint?: Record<string, RuleLevel>;
}

async function nearest(dir: string, names: string[], stopAt?: string): Promise<{ path: string; text: string } | undefined> {
  for (let d = path.resolve(dir), i = 0; i < 64; i++) {
    for (const name of names) {
      const p = path.join(d, name);
      try {
        return { path: p, text: await fs.readFile(p, 'utf8') };
      } catch {
        // Not here; keep looking upwards.
      }
    }
    const parent = path.dirname(d);
    if (parent === d || (stopAt && path.resolve(stopAt) === d)) break;
    d = parent;
  }
  return undefined;
}

/** Reads the configuration that applies to a Dockerfile. Never rejects. */
export async function loadConfig(dockerfilePath: string, stopAt?: string): Promise<LoadedConfig> {
  const dir = path.dirname(dockerfilePath);
  const [project, hadolint] = await Promise.all([nearest(dir, PROJECT_CONFIG_NAMES, stopAt), nearest(dir, HADOLINT_CONFIG_NAMES, stopAt)]);
  return {
    project: project && { ...parseProjectConfig(project.text), path: project.path },
    hadolint: hadolint && parseHadolintConfig(hadolint.text),
  };
}

export class ConfigCache {
  private readonly byDir = new Map<string, Promise<LoadedConfig>>();

  get(dockerfilePath: string, stopAt?: string): Promise<LoadedConfig> {
    const dir = path.dirname(dockerfilePath);
    let hit = this.byDir.get(dir);
    if (!hit) {
      hit = loadConfig(dockerfilePath, stopAt);
      this.byDir.set(dir, hit);
    }
    return hit;
  }

  clear(): void {
    this.byDir.clear();
  }
}
