/**
 * The .yarnrc.yml at the top of a build context (Yarn 2+): the few settings that decide where the
 * install keeps its cache and whether node_modules holds unpacked copies of it. Read with the
 * project's YAML reader (core/yaml.ts); only top-level scalars count.
 */
import { YARNRC_KEYS, type YarnrcFacts } from '../../core/environment';
import { parseYaml } from '../../core/yaml';
import { readListedFile } from '../readFirst';

/** A .yarnrc.yml larger than this is not read (real ones are a few hundred bytes). */
const MAX_YARNRC_BYTES = 256 * 1024;

/**
 * The settings of {@link YARNRC_KEYS} .yarnrc.yml text sets at its top level, as strings
 * (`enableGlobalCache: false` gives 'false'). Malformed text sets none: Yarn refuses to run with it.
 */
export function parseYarnrc(text: string, file = '.yarnrc.yml'): YarnrcFacts {
  const facts: YarnrcFacts = { path: file };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return facts;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return facts;
  for (const key of YARNRC_KEYS) {
    const value = (doc as Record<string, unknown>)[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'boolean' || typeof value === 'number') facts[key] = String(value);
  }
  return facts;
}

/** .yarnrc.yml at the top of `dir` (`names`: the folder's listing), when there is one that can be read. */
export async function readYarnrc(dir: string, names: readonly string[]): Promise<YarnrcFacts | undefined> {
  const text = await readListedFile(dir, names, '.yarnrc.yml', MAX_YARNRC_BYTES);
  return text === undefined ? undefined : parseYarnrc(text);
}
