/**
 * The .yarnrc.yml at the top of a build context (Yarn 2+): the few settings that decide where the
 * install keeps its cache and whether node_modules holds unpacked copies of it. A line reader for
 * top-level `key: value` scalars, enough for these keys; nested maps and lists are skipped.
 */
import { YARNRC_KEYS, type YarnrcFacts } from '../../core/environment';
import { readListedFile } from '../readFirst';

/** A .yarnrc.yml larger than this is not read (real ones are a few hundred bytes). */
const MAX_YARNRC_BYTES = 256 * 1024;

/** The settings of {@link YARNRC_KEYS} .yarnrc.yml text sets at its top level. */
export function parseYarnrc(text: string, file = '.yarnrc.yml'): YarnrcFacts {
  const facts: YarnrcFacts = { path: file };
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*:\s*(.*)$/.exec(line);
    if (!m || !(YARNRC_KEYS as readonly string[]).includes(m[1])) continue;
    const raw = m[2].trim();
    const quoted = /^(["'])(.*?)\1\s*(#.*)?$/.exec(raw);
    const value = quoted ? quoted[2] : raw.replace(/(^|\s+)#.*$/, '');
    if (value !== '') facts[m[1] as (typeof YARNRC_KEYS)[number]] = value;
  }
  return facts;
}

/** .yarnrc.yml at the top of `dir` (`names`: the folder's listing), when there is one that can be read. */
export async function readYarnrc(dir: string, names: readonly string[]): Promise<YarnrcFacts | undefined> {
  const text = await readListedFile(dir, names, '.yarnrc.yml', MAX_YARNRC_BYTES);
  return text === undefined ? undefined : parseYarnrc(text);
}
