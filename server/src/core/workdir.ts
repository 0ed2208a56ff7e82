/**
 * The working directory of each instruction (WORKDIR along the FROM chain) and the path arithmetic
 * it needs: where relative paths of COPY, RUN commands and RUN mounts land.
 */
import { workdirPath, type Instr, type Stage } from './model';

/** Collapses `.`, `..` and repeated slashes of an absolute path; keeps no trailing slash (except `/`). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/**
 * `p` made absolute against `cwd`; undefined when it depends on a variable or `~`, or when it is
 * longer than Linux's PATH_MAX (4,096 bytes), which no system call takes: `cd d` repeated in one
 * RUN grows the path with each, and normalizing each took the RUN's analysis quadratic (7,200
 * such commands: 2.1 s).
 */
export function resolvePath(p: string, cwd: string): string | undefined {
  if (p === '' || /[$`~]/.test(p)) return undefined;
  const joined = p.startsWith('/') ? p : `${cwd}/${p}`;
  return joined.length > 4096 ? undefined : normalizePath(joined);
}

/**
 * {@link resolvePath} keeping variables by name (`$V` written `${V}`), for paths that one RUN
 * names twice (a download and its extraction or removal): the same text is the same file while
 * the RUN sets none of its variables (archive-kept's `mayChange` checks). Undefined for other expansions
 * (`${V:-x}`, `$(...)`, `$1`, backquotes, `~`).
 */
export function symbolicPath(p: string, cwd: string): string | undefined {
  if (!p.includes('$')) return resolvePath(p, cwd);
  const held = p.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (_, a, b) => `\0${a ?? b}\u0001`);
  return resolvePath(held, cwd)?.replace(/\0/g, '${').replace(/\u0001/g, '}');
}

/** Per stage: the WORKDIR in effect before each of its instructions, and after the last one. */
const workdirs = new WeakMap<Stage, (string | undefined)[]>();

function stageWorkdirs(stage: Stage): (string | undefined)[] {
  let list = workdirs.get(stage);
  if (list) return list;
  // Iterative over the FROM chain, so a long chain cannot overflow the stack.
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s && !workdirs.has(s); s = s.from.stage) chain.unshift(s);
  for (const s of chain) {
    const parent = s.from.stage ? workdirs.get(s.from.stage)! : undefined;
    let cwd: string | undefined = parent ? parent[parent.length - 1] : '/';
    const own: (string | undefined)[] = [];
    for (const i of s.instructions) {
      own.push(cwd);
      if (i.keyword !== 'WORKDIR') continue;
      // Variables the file sets are expanded (workdirPath); an absolute path is known again after an unknown one.
      const dir = workdirPath(i);
      cwd = dir && (cwd !== undefined || dir.startsWith('/')) ? resolvePath(dir, cwd ?? '/') : undefined;
    }
    own.push(cwd);
    workdirs.set(s, own);
  }
  list = workdirs.get(stage)!;
  return list;
}

/** The WORKDIR in effect for `instr`, following the FROM chain; `/` when none is set. Undefined when it uses a variable the file does not set ({@link workdirPath}). */
export function workdirAt(instr: Instr): string | undefined {
  const stage = instr.stage;
  if (!stage) return '/';
  const k = instr.index - (stage.instructions[0]?.index ?? instr.index);
  return stageWorkdirs(stage)[k];
}
