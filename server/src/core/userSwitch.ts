/**
 * Commands that run a command or a script as another user inside a RUN: `gosu app npm ci`,
 * `runuser -u app -- npm ci`, and a script given to `-c` of `su` or of `runuser` without `-u`
 * (`su app -c 'npm ci'`, `su -c 'npm ci' app`, `su - app -c '...'`, `runuser -l app -c '...'`).
 * Each sets HOME to that user's home, so the per-user caches (~/.npm, ~/.cache/pip) are that
 * user's, unless `-m`/`-p`/`--preserve-environment` keeps the caller's environment (gosu 1.14 and
 * util-linux 2.38's su and runuser, run as root on Debian bookworm; an assignment of HOME in front
 * of them does not survive either).
 */
import type { ShellCommand, ShellWord } from './shell';

/** The user a command or script runs as, by name or uid as written (a group after `:` dropped). */
export interface UserSwitch {
  user: string;
  /** `-m`, `-p` or `--preserve-environment`: HOME stays the caller's. */
  keepsHome: boolean;
  /** `su -`, `-l`, `--login`: the script starts in the user's home, not in the WORKDIR. */
  login?: boolean;
}

/** su's and runuser's options that take a value (`-c` apart), short and long. */
const VALUE_SHORT = 'sgGwu';
const VALUE_LONG = /^--(shell|group|supp-group|whitelist-environment|user|session-command)$/;
const KEEP_HOME = /^--preserve-environment$/;

/** The options of `su`/`runuser` from `words[from]` on, and the words that are no option. */
function readOptions(words: readonly ShellWord[], from: number): { values: Map<string, number>; keepsHome: boolean; login: boolean; operands: number[] } {
  const values = new Map<string, number>();
  const operands: number[] = [];
  let keepsHome = false;
  let login = false;
  let ended = false;
  for (let i = from; i < words.length; i++) {
    const w = words[i].value;
    if (ended || w === '-' || !w.startsWith('-')) {
      if (w !== '-' || ended) operands.push(i);
      else login = true;
      continue;
    }
    if (w === '--') {
      ended = true;
      continue;
    }
    if (w.startsWith('--')) {
      const [name] = w.split('=', 1);
      if (KEEP_HOME.test(name)) keepsHome = true;
      if (name === '--login') login = true;
      if (name === '--command' || VALUE_LONG.test(name)) {
        // The value's word: the next one, or -1 when it is written after `=`.
        if (w.includes('=')) values.set(name, -1);
        else values.set(name, ++i);
      }
      continue;
    }
    for (let k = 1; k < w.length; k++) {
      const letter = w[k];
      if (letter === 'm' || letter === 'p') keepsHome = true;
      if (letter === 'l') login = true;
      if (letter === 'c' || VALUE_SHORT.includes(letter)) {
        values.set(`-${letter}`, k + 1 < w.length ? -1 : ++i);
        break;
      }
    }
  }
  return { values, keepsHome, login, operands };
}

/** The user part of a user spec (`app:app`, `1000:1000`). */
function userOf(spec: string): string {
  return spec.split(':')[0];
}

/**
 * A wrapper at `words[from]` that runs the words after it as another user (`gosu app`, `runuser
 * -u app --`): the index of the program's word and the user; undefined for any other word.
 */
export function switchWrapper(words: readonly ShellWord[], from: number): { next: number; to: UserSwitch } | undefined {
  const name = words[from]?.value;
  if (name === 'gosu') {
    const spec = words[from + 1];
    return spec && !spec.value.startsWith('-') && from + 2 < words.length ? { next: from + 2, to: { user: userOf(spec.value), keepsHome: false } } : undefined;
  }
  if (name !== 'runuser') return undefined;
  // With -u, runuser runs the command that follows its options, with no shell.
  let keepsHome = false;
  let user: string | undefined;
  for (let i = from + 1; i < words.length; i++) {
    const w = words[i].value;
    if (w === '--') return user !== undefined && i + 1 < words.length ? { next: i + 1, to: { user, keepsHome } } : undefined;
    if (!w.startsWith('-') || w === '-') return user !== undefined ? { next: i, to: { user, keepsHome } } : undefined;
    if (w === '-u' || w === '--user') user = userOf(words[++i]?.value ?? '');
    else if (w.startsWith('--user=')) user = userOf(w.slice(7));
    else if (/^-[mp]+$/.test(w) || w === '--preserve-environment') keepsHome = true;
    else if (/^-[gGw]$/.test(w) || /^--(group|supp-group|whitelist-environment)$/.test(w)) i++;
    else if (!/^--(group|supp-group|whitelist-environment)=/.test(w)) return undefined;
  }
  return undefined;
}

/**
 * `su` or `runuser` (without `-u`) at `words[from]` given a script with `-c`: the index of the
 * script's word, the user it runs as (root when none is named), and whether the script's word
 * stands alone: no other word after the user, which the shell would receive as `$0` and
 * arguments. Undefined for other commands, and for a script written in its option's word
 * (`--command=...`, `-lc...`).
 */
export function switchScript(words: readonly ShellWord[], from: number): { script: number; to: UserSwitch; alone: boolean } | undefined {
  const name = words[from]?.value;
  if (name !== 'su' && name !== 'runuser') return undefined;
  const { values, keepsHome, login, operands } = readOptions(words, from + 1);
  if (values.has('-u') || values.has('--user')) return undefined;
  const script = values.get('-c') ?? values.get('--command');
  if (script === undefined || script < 0 || script >= words.length) return undefined;
  return { script, to: { user: operands.length > 0 ? userOf(words[operands[0]].value) : 'root', keepsHome, ...(login && { login }) }, alone: operands.length <= 1 };
}

/** Whether `cmd` stands in a script that `su -` (`-l`, `--login`) runs: it starts in the user's home. */
export function inLoginScript(cmd: ShellCommand): boolean {
  for (let g = cmd.group; g; g = g.parent) if (g.user) return g.user.login === true;
  return false;
}
