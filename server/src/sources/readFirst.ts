/**
 * Reads the first file that exists of a list in priority order, with every read started at once.
 * Looking for a file in a folder and its parents one name at a time (a failed read, then the
 * next) put one round trip through Node's thread pool per name and folder on the path of each
 * newly opened document: a Dockerfile three folders deep, with no workspace folder, waited for 16
 * failed reads of Compose file names and 12 of configuration file names, one after the other.
 * Started together they take about one round trip; the order of the list still decides.
 */
import * as fs from './fsAsync';
import * as path from 'node:path';

export interface FileText {
  path: string;
  text: string;
}

/** Reads `file` as UTF-8; undefined when it is absent or cannot be read (a folder, no permission). */
export function readIfThere(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').then(
    (text) => text,
    () => undefined,
  );
}

/**
 * The text of `name` at the top of `dir` (`names`: the folder's listing) when it is listed, no
 * larger than `maxBytes` and readable; undefined otherwise. For the project files of a build context.
 */
export async function readListedFile(dir: string, names: readonly string[], name: string, maxBytes: number): Promise<string | undefined> {
  if (!names.includes(name)) return undefined;
  const file = path.join(dir, name);
  const size = await fs.stat(file).then((s) => s.size, () => Infinity);
  return size > maxBytes ? undefined : readIfThere(file);
}

/** Reads every one of `files` at once; answers the texts of those that could be read, in the order given. */
export async function readAll(files: readonly string[]): Promise<FileText[]> {
  const texts = await Promise.all(files.map(readIfThere));
  return files.flatMap((p, i) => (texts[i] === undefined ? [] : [{ path: p, text: texts[i]! }]));
}

/**
 * The first of `files` (in the order given) that could be read, all read at once. It answers as
 * soon as that one is read and every one before it has failed: a read further down the list that
 * never ends (a FIFO or a hung mount under a candidate's name in a far parent) does not hold up a
 * file found nearer.
 */
export async function readFirst(files: readonly string[]): Promise<FileText | undefined> {
  const reads = files.map(readIfThere);
  for (let i = 0; i < files.length; i++) {
    const text = await reads[i];
    if (text !== undefined) return { path: files[i], text };
  }
  return undefined;
}

/** `dir` and its parents, nearest first: at most `max` folders, up to `stopAt` (included) or the root. */
export function folderAndParents(dir: string, stopAt?: string, max = 64): string[] {
  const out: string[] = [];
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  for (let d = path.resolve(dir); out.length < max; ) {
    out.push(d);
    const parent = path.dirname(d);
    if (parent === d || d === stop) break;
    d = parent;
  }
  return out;
}
