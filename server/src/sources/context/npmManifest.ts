/**
 * The package.json at the top of a build context, read for `npm install` without a lockfile: what
 * it would install (dependencies, devDependencies, optionalDependencies), so the npm rules and the
 * image estimate can size this project instead of quoting an example; and its packageManager,
 * which tells the yarn rules a Yarn 2+ project.
 */
import type { NpmManifestFacts } from '../../core/environment';
import { readListedFile } from '../readFirst';

/** A package.json larger than this is not read (real ones are a few KB). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The specs of one dependency map, `name@range`; entries that are not strings are skipped. */
function specs(map: unknown): string[] {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map as Record<string, unknown>).flatMap(([name, range]) => (typeof range === 'string' ? [`${name}@${range.trim()}`] : []));
}

/** What package.json text declares; undefined when it is not a JSON object. */
export function parseNpmManifest(text: string, file = 'package.json'): NpmManifestFacts | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const ws = d.workspaces;
  return {
    path: file,
    dependencies: specs(d.dependencies),
    devDependencies: specs(d.devDependencies),
    optionalDependencies: specs(d.optionalDependencies),
    workspaces: Array.isArray(ws) ? ws.length > 0 : !!ws && typeof ws === 'object',
    ...(typeof d.packageManager === 'string' ? { packageManager: d.packageManager.trim() } : {}),
  };
}

/** package.json at the top of `dir` (`names`: the folder's listing), when there is one that can be read. */
export async function readNpmManifest(dir: string, names: readonly string[]): Promise<NpmManifestFacts | undefined> {
  const text = await readListedFile(dir, names, 'package.json', MAX_MANIFEST_BYTES);
  return text === undefined ? undefined : parseNpmManifest(text);
}
