/**
 * Which ignore file a build uses. With BuildKit (the default builder), an ignore file named after
 * the Dockerfile and placed beside it (`app.Dockerfile.dockerignore` next to `app.Dockerfile`)
 * takes precedence; otherwise `.dockerignore` at the root of the build context applies. Only one
 * file applies: the two are never merged. The legacy builder knows only the context's file.
 *
 * Pure: the caller says which paths exist. Paths may use `/` or `\`; the result keeps the
 * caller's separator.
 */

export interface IgnoreFileChoice {
  path: string;
  kind: 'dockerfile-specific' | 'context';
}

function splitDir(p: string): { dir: string; base: string; sep: string } {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  if (i < 0) return { dir: '', base: p, sep: '/' };
  return { dir: p.slice(0, i), base: p.slice(i + 1), sep: p[i] };
}

function join(dir: string, name: string, sep: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : dir + sep + name;
}

/** The candidate ignore files for a build, most preferred first. */
export function ignoreFileCandidates(dockerfilePath: string, contextDir: string): IgnoreFileChoice[] {
  const { dir, base, sep } = splitDir(dockerfilePath);
  const contextSep = contextDir.includes('\\') && !contextDir.includes('/') ? '\\' : sep;
  return [
    { path: join(dir, base + '.dockerignore', sep), kind: 'dockerfile-specific' },
    { path: join(contextDir, '.dockerignore', contextSep), kind: 'context' },
  ];
}

/** The ignore file the build uses, or undefined when neither exists. */
export function chooseIgnoreFile(
  dockerfilePath: string,
  contextDir: string,
  existing: ((path: string) => boolean) | readonly string[] | ReadonlySet<string>,
): IgnoreFileChoice | undefined {
  const exists =
    typeof existing === 'function'
      ? existing
      : ((set: ReadonlySet<string>) => (p: string) => set.has(p))(existing instanceof Set ? existing : new Set(existing as readonly string[]));
  return ignoreFileCandidates(dockerfilePath, contextDir).find((c) => exists(c.path));
}
