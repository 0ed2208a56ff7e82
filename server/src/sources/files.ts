/**
 * Finds Dockerfiles and .dockerignore files under the paths given on the command line.
 */
import * as fs from './fsAsync';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '__pycache__', 'dist', 'out', 'target']);

/** True for `.dockerignore` and `<Dockerfile name>.dockerignore`: the ignore files a build reads. */
export function isIgnoreFileName(name: string): boolean {
  return /\.dockerignore$/i.test(name);
}

/** True for `Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*` (but not `*.dockerignore`). */
export function isDockerfileName(name: string): boolean {
  if (isIgnoreFileName(name)) return false;
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(Dockerfile|Containerfile)$/i.test(name);
}

/** Expands files and folders into a sorted list of Dockerfile and ignore file paths; a named file is taken as is. */
export async function findDockerfiles(inputs: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch {
      missing.push(input);
      continue;
    }
    if (stat.isFile()) files.push(input);
    else if (stat.isDirectory()) await walk(input, files);
  }
  return { files: [...new Set(files)].sort(), missing };
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(p, out);
    } else if (e.isFile() && (isDockerfileName(e.name) || isIgnoreFileName(e.name))) out.push(p);
  }
}
