/**
 * The build context of a Dockerfile that nothing names one for (no setting, no Compose service),
 * inferred from what it copies. `docker build -f docker/Dockerfile .` is the common way to build a
 * Dockerfile kept in a subfolder, and its `COPY package.json src/ ./` names paths of the
 * repository's root, not of `docker/`. The candidates are the Dockerfile's folder and its parents
 * up to the workspace folder; the one where the most COPY/ADD (and RUN bind-mount) sources exist
 * wins, the nearest on a tie, and the Dockerfile's folder when none has any.
 *
 * It reads the Dockerfile as saved and makes one `lstat` per source and candidate folder, once per
 * read of the context facts (cached with them per Dockerfile until a file changes or the
 * Dockerfile is saved), never per keystroke.
 */
import { DockerfileParser } from 'dockerfile-ast';
import * as fs from '../fsAsync';
import * as path from 'node:path';
import { beyondLimits } from '../../core/analyze';
import { explicitSources } from '../../core/buildContext';
import { buildModel } from '../../core/model';
import { readIfThere } from '../readFirst';

/** Sources looked for (the first ones, in file order): enough to tell folders apart. */
const MAX_SOURCES = 40;
/** Sources named in the explanation. */
const NAMED = 3;

export interface InferredContext {
  dir: string;
  /** Why, for the user: which sources exist there and how many in the Dockerfile's folder. */
  detail: string;
}

/** How a folder is named to the user: from the workspace folder (`the workspace root`, `docker/`). */
export function folderLabel(dir: string, workspaceFolder: string | undefined): string {
  const rel = workspaceFolder === undefined ? dir : path.relative(workspaceFolder, dir);
  if (rel === '') return 'the workspace root';
  return `${rel.split(path.sep).join('/')}/`;
}

/**
 * The COPY, ADD and RUN --mount instructions of `text` (the first {@link MAX_SOURCES}), with their
 * continuation lines, under one FROM: what {@link explicitSources} reads, without parsing the rest
 * of the file (a 10,000-line Dockerfile in a subfolder was parsed whole at every read of its
 * facts). Here-documents are left out (their bodies are not sources).
 */
export function copyInstructions(text: string): string {
  const lines = text.split(/\r?\n/);
  // The escape directive counts only in the comments at the very top, as the parser reads them.
  let top = 0;
  while (top < lines.length && /^\s*(#.*)?$/.test(lines[top])) top++;
  const escape = top === 0 ? '\\' : DockerfileParser.parse(lines.slice(0, top).join('\n')).getEscapeCharacter();
  const out = escape === '`' ? ['# escape=`', 'FROM scratch'] : ['FROM scratch'];
  let taken = 0;
  for (let i = 0; i < lines.length && taken < MAX_SOURCES; i++) {
    const keyword = /^\s*(COPY|ADD|RUN)\s/i.exec(lines[i])?.[1].toUpperCase();
    if (!keyword) continue;
    const instruction = [lines[i]];
    while (lines[i].trimEnd().endsWith(escape) && i + 1 < lines.length) instruction.push(lines[++i]);
    const whole = instruction.join('\n');
    if (whole.includes('<<') || (keyword === 'RUN' && !whole.includes('--mount'))) continue;
    out.push(...instruction);
    taken++;
  }
  return out.join('\n') + '\n';
}

/**
 * The inferred context of `dockerfilePath`, or undefined when it is the Dockerfile's own folder
 * (`dirs[0]`). `dirs` are the candidates, the Dockerfile's folder first, then each parent.
 */
export async function inferContext(dockerfilePath: string, dirs: readonly string[], workspaceFolder: string | undefined): Promise<InferredContext | undefined> {
  if (dirs.length < 2) return undefined;
  const text = await readIfThere(dockerfilePath);
  if (text === undefined || beyondLimits(text) !== undefined) return undefined;
  const sources = [...new Set(explicitSources(buildModel(copyInstructions(text))))].slice(0, MAX_SOURCES);
  if (sources.length === 0) return undefined;
  // Every check at once: a few folders times a few sources.
  const found = await Promise.all(
    dirs.map((dir) => Promise.all(sources.map((s) => fs.lstat(path.join(dir, s)).then((st) => (st.isDirectory() ? `${s}/` : s), () => undefined)))),
  );
  const counts = found.map((f) => f.filter((s) => s !== undefined).length);
  let best = 0;
  for (let i = 1; i < dirs.length; i++) if (counts[i] > counts[best]) best = i;
  if (best === 0) return undefined;
  const there = found[best].filter((s): s is string => s !== undefined);
  const named = there.slice(0, NAMED).join(', ') + (there.length > NAMED ? ` and ${there.length - NAMED} more` : '');
  const own = counts[0] === 0 ? 'none' : `${counts[0]}`;
  return {
    dir: dirs[best],
    detail: `inferred as ${folderLabel(dirs[best], workspaceFolder)}: ${there.length} of the ${sources.length} COPY/ADD sources exist there (${named}), ${own} in ${folderLabel(dirs[0], workspaceFolder)}`,
  };
}
