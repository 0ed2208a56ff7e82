/**
 * Reads the `CreatedBy` text of an image history entry back into the Dockerfile instruction that
 * made it. Pure. The builders write it differently:
 * - classic builder, metadata and COPY/ADD: `/bin/sh -c #(nop)  ENV A=b`,
 *   `/bin/sh -c #(nop) COPY file:<sha256> in /dest ` (`file:`, `dir:` or `multi:` hashes);
 * - classic builder, RUN: `/bin/sh -c apt-get ...`, with build args `|2 A=1 B=2 /bin/sh -c ...`,
 *   exec form as the joined argv;
 * - BuildKit: the instruction as written, `RUN /bin/sh -c ... # buildkit`,
 *   `RUN |1 A=1 /bin/sh -c ... # buildkit`, `COPY src /dest # buildkit`, `ENV A=b`;
 * - `docker import` and other image producers: an empty text.
 */

export interface ParsedCreatedBy {
  /** Upper-case Dockerfile keyword, or undefined when the entry was not made by a Dockerfile instruction. */
  keyword?: string;
  /** For RUN: the script (shell prefix and build args removed); otherwise the instruction's arguments. */
  text: string;
  /** Build args the RUN saw (`|N K=V ...`). */
  buildArgs: string[];
  builder: 'classic' | 'buildkit' | 'unknown';
  /** For classic COPY/ADD: the content hash kind (`file`, `dir`, `multi`). */
  sourceKind?: string;
}

const KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'MAINTAINER', 'WORKDIR', 'USER', 'EXPOSE', 'VOLUME', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD']);
/** A shell invocation prefix: `/bin/sh -c `, `/bin/bash -o pipefail -c `, `cmd /S /C `. */
export const SHELL_PREFIX = /^(?:\S*\/)?(?:sh|bash|ash|dash|zsh|ksh)(?:\s+-[^\sc]\S*(?:\s+pipefail)?)*\s+-c\s+|^(?:cmd|cmd\.exe)\s+\/S\s+\/C\s+|^powershell(?:\.exe)?\s+(?:-\S+\s+)*-Command\s+/i;

export function parseCreatedBy(createdBy: string): ParsedCreatedBy {
  let s = createdBy.trim();
  if (!s) return { text: '', buildArgs: [], builder: 'unknown' };
  const nop = s.indexOf('#(nop)');
  if (nop >= 0 && SHELL_PREFIX.test(s.slice(0, nop + 1).replace(/#$/, ''))) {
    const rest = s.slice(nop + '#(nop)'.length).trim();
    const [word, ...args] = rest.split(/\s+/);
    const keyword = word?.toUpperCase();
    const text = rest.slice(word.length).trim();
    const m = /^(file|dir|multi):[0-9a-f]+ in /.exec(text);
    return { keyword: keyword && KEYWORDS.has(keyword) ? keyword : undefined, text: args.length ? text : '', buildArgs: [], builder: 'classic', ...(m ? { sourceKind: m[1] } : {}) };
  }
  let builder: ParsedCreatedBy['builder'] = 'classic';
  if (/\s# buildkit$/.test(s)) {
    builder = 'buildkit';
    s = s.replace(/\s# buildkit$/, '');
  }
  const first = /^(\S+)/.exec(s)?.[1] ?? '';
  if (KEYWORDS.has(first) && first !== 'RUN') {
    // BuildKit writes metadata and COPY/ADD as the instruction itself.
    return { keyword: first, text: s.slice(first.length).trim(), buildArgs: [], builder: 'buildkit' };
  }
  if (first === 'RUN') {
    builder = 'buildkit';
    s = s.slice(3).trim();
  }
  const { args, rest } = stripBuildArgs(s);
  const script = rest.replace(SHELL_PREFIX, '');
  return { keyword: 'RUN', text: script, buildArgs: args, builder };
}

/** `|2 A=1 B=2 rest` -> args and rest. Values with spaces cannot be told apart; they are rare. */
function stripBuildArgs(s: string): { args: string[]; rest: string } {
  const m = /^\|(\d+)\s+/.exec(s);
  if (!m) return { args: [], rest: s };
  let rest = s.slice(m[0].length);
  const args: string[] = [];
  for (let i = 0; i < Number(m[1]); i++) {
    const a = /^(\S+)\s*/.exec(rest);
    if (!a) break;
    args.push(a[1]);
    rest = rest.slice(a[0].length);
  }
  return { args, rest };
}

/** Whitespace-insensitive form used to compare a history text with the Dockerfile. */
export function normaliseScript(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
