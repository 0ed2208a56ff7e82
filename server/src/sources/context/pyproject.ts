/**
 * The pyproject.toml at the top of a build context, read for `uv sync`: whether the project has a
 * dev dependency group, and which groups uv installs by default; for `poetry install`: its groups
 * besides main that are not `optional = true`, which Poetry leaves out, and those that are. Not a
 * TOML parser: it reads the table headers and the keys at the start of a line, skipping the lines
 * of multi-line arrays, which is how these tables are written.
 */
import type { PyprojectFacts } from '../../core/environment';
import { readListedFile } from '../readFirst';

/** A pyproject.toml larger than this is not read (real ones are a few KB). */
const MAX_PYPROJECT_BYTES = 1024 * 1024;

/** The strings of a one-line TOML array (`["dev", 'lint']`); undefined when the value is not one. */
function stringArray(value: string): string[] | undefined {
  const m = /^\[([^\]]*)\]\s*(#.*)?$/.exec(value.trim());
  if (!m) return undefined;
  const items = m[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  const strings = items.map((s) => /^(["'])(.*)\1$/.exec(s)?.[2]);
  return strings.every((s) => s !== undefined) ? (strings as string[]) : undefined;
}

/** What pyproject.toml text declares about uv's dependency groups. An unreadable `default-groups` counts as not set. */
export function parsePyproject(text: string, file = 'pyproject.toml'): PyprojectFacts {
  const facts: PyprojectFacts = { path: file, devGroup: false };
  let table = '';
  let depth = 0; // open brackets of a multi-line array
  const poetry = new Set<string>();
  const optional = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, '');
    if (depth > 0) {
      depth += (line.match(/\[/g)?.length ?? 0) - (line.match(/\]/g)?.length ?? 0);
      continue;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
      // Poetry's groups; [dependency-groups] are Poetry's too from Poetry 2.2.
      const group = /^tool\.poetry\.(?:group\.([^.]+)|(dev)-dependencies)/.exec(table);
      if (group) poetry.add(group[1] ?? group[2]);
      continue;
    }
    const kv = /^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1] ?? kv[2] ?? kv[3];
    const value = kv[4];
    if (table === 'dependency-groups') poetry.add(key);
    const group = /^tool\.poetry\.group\.([^.]+)$/.exec(table)?.[1];
    if (group && key === 'optional' && /^\s*true\b/.test(value)) optional.add(group);
    if ((table === 'dependency-groups' && key === 'dev') || (table === 'tool.uv' && key === 'dev-dependencies')) facts.devGroup = true;
    if (table === 'tool.uv' && key === 'default-groups') {
      const groups = /^\s*["']all["']/.test(value) ? 'all' : stringArray(value);
      if (groups) facts.defaultGroups = groups;
    }
    if (value.trimStart().startsWith('[')) depth = Math.max(0, (value.match(/\[/g)?.length ?? 0) - (value.match(/\]/g)?.length ?? 0));
  }
  poetry.delete('main');
  if (poetry.size > 0) facts.poetryGroups = [...poetry].filter((g) => !optional.has(g));
  if (optional.size > 0) facts.poetryOptional = [...optional];
  return facts;
}

/** pyproject.toml at the top of `dir` (`names`: the folder's listing), when there is one that can be read. */
export async function readPyproject(dir: string, names: readonly string[]): Promise<PyprojectFacts | undefined> {
  const text = await readListedFile(dir, names, 'pyproject.toml', MAX_PYPROJECT_BYTES);
  return text === undefined ? undefined : parsePyproject(text);
}
