/**
 * A generated build context for tests and benchmarks: `files` small files in folders of 100, a
 * quarter of the folders under `node_modules` (which ignore files usually exclude), the rest
 * under `src`. Folders are written one at a time, their files concurrently.
 */
import { mkdirSync, promises as fs, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export async function writeContextTree(dir: string, files: number): Promise<void> {
  for (let d = 0; d * 100 < files; d++) {
    const folder = path.join(dir, d % 4 === 0 ? `node_modules/dep${d}` : `src/m${d}`);
    await fs.mkdir(folder, { recursive: true });
    await Promise.all([...Array(Math.min(100, files - d * 100)).keys()].map((f) => fs.writeFile(path.join(folder, `f${f}.js`), 'x')));
  }
}

/**
 * Writes `files` under `root`: each path (relative, folders made as needed) gets its content, or,
 * for a number, a sparse file of that size (its size without the disk space).
 */
export function writeFiles(root: string, files: Record<string, Buffer | string | number>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === 'number') {
      writeFileSync(p, '');
      truncateSync(p, content);
    } else writeFileSync(p, content);
  }
}
