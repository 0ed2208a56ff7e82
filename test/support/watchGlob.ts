/**
 * Whether a file watcher given a glob of the shape of WATCHED_NAMES (`{a,b,...}`: no nested
 * braces, no `/`) reports a file or folder named `name`. Each alternative is matched by Docker's
 * pattern matcher (Go's `filepath.Match` syntax: `*`, `?`, `[...]`), which agrees with VS Code's
 * glob on such names, and is not the matcher the scan picks names with (names.ts).
 */
import { compilePattern, testPattern } from '../../server/src/core/dockerignore';

export function watches(glob: string, name: string): boolean {
  const alternatives = glob.startsWith('{') && glob.endsWith('}') ? glob.slice(1, -1).split(',') : [glob];
  return alternatives.some((a) => testPattern(compilePattern(a), name));
}
