/**
 * Finds and reads the project configuration for a Dockerfile: `.dockerfile-size-hints.yaml`
 * (`.yml`, `.json`) and `.hadolint.yaml` (`.yml`), each the nearest one in the Dockerfile's
 * folder or a parent. Cached per folder; the language server drops the cache on file changes.
 */
import * as path from 'node:path';
import { parseHadolintConfig, parseProjectConfig, type ProjectConfig, type RuleLevel } from '../core/config';
import { folderAndParents, readFirst, type FileText } from './readFirst';

export const PROJECT_CONFIG_NAMES = ['.dockerfile-size-hints.yaml', '.dockerfile-size-hints.yml', '.dockerfile-size-hints.json'];
export const HADOLINT_CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

export interface LoadedConfig {
  project?: ProjectConfig & { path: string };
  hadolint?: Record<string, RuleLevel>;
}

/** The nearest of `names` in `dir` or a parent (up to `stopAt`), the first name first in each folder. */
function nearest(dir: string, names: string[], stopAt?: string): Promise<FileText | undefined> {
  return readFirst(folderAndParents(dir, stopAt).flatMap((d) => names.map((name) => path.join(d, name))));
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
