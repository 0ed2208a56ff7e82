/**
 * Facts about a Dockerfile's build context read from the file system: whether an ignore file
 * applies, and the names at the top of the context (to guess the ecosystem). Results are cached
 * per folder and dropped when the client reports file changes, so keystrokes never touch the disk.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BuildContextFacts } from '../core/environment';

export interface ContextFactsSource {
  factsFor(dockerfilePath: string): Promise<BuildContextFacts>;
  invalidate(changedPath?: string): void;
}

export class FileSystemContextFacts implements ContextFactsSource {
  private readonly cache = new Map<string, Promise<BuildContextFacts>>();

  factsFor(dockerfilePath: string): Promise<BuildContextFacts> {
    const key = dockerfilePath;
    let facts = this.cache.get(key);
    if (!facts) {
      facts = readFacts(dockerfilePath);
      this.cache.set(key, facts);
    }
    return facts;
  }

  invalidate(changedPath?: string): void {
    if (!changedPath) return this.cache.clear();
    const dir = path.dirname(changedPath);
    for (const key of this.cache.keys()) if (path.dirname(key) === dir) this.cache.delete(key);
  }
}

/** Reads the facts for a Dockerfile whose build context is its own folder. Never rejects. */
export async function readFacts(dockerfilePath: string): Promise<BuildContextFacts> {
  const dir = path.dirname(dockerfilePath);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return {};
  }
  const own = `${path.basename(dockerfilePath)}.dockerignore`;
  return { hasDockerignore: names.includes('.dockerignore') || names.includes(own), topLevelNames: names };
}
