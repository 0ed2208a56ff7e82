/**
 * Commands that run a command or a script as another user inside a RUN: `gosu app npm ci`,
 * `su-exec app npm ci`, `runuser -u app -- npm ci`, `sudo -u app npm ci` (and `sudo npm ci`, for
 * root), and a script given to `-c` of `su` or of `runuser` without `-u` (`su app -c 'npm ci'`,
 * `su -c 'npm ci' app`, `su - app -c '...'`, `runuser -l app -c '...'`). Each sets HOME to that
 * user's home, so the per-user caches (~/.npm, ~/.cache/pip) are that user's, unless
 * `-m`/`-p`/`--preserve-environment` (su, runuser) or `-E`/`--preserve-env` (sudo, without `-H`)
 * keeps the caller's (gosu 1.14, sudo 1.9.13 with Debian's sudoers, and util-linux 2.38's su and
 * runuser, run as root on Debian bookworm; an assignment of HOME in front of them does not survive
 * any but a kept environment). su-exec, not packaged for bookworm and not run here, is read as gosu,
 * whose drop-in it is.
 */
import type { ShellCommand, ShellWord } from './shell';

/** The user a command or script runs as, by name or uid as written (a group after `:` dropped). */
export interface UserSwitch {
  user: string;
  /** `-m`, `-p` or `--preserve-environment` (sudo's `-E`, `--preserve-env`): HOME stays the caller's. */
  keepsHome: boolean;
  /** `su -`, `-l`, `--login` (sudo's `-i`): the script or command starts in the user's home, not in the WORKDIR. */
  login?: boolean;
}

/** Options that take a value: short letters and long names (the value after `=` or in the next word). */
interface ValueOptions {
  short: string;
  long: RegExp;
}

/** su's and runuser's (util-linux 2.38), `-c`/`--command` among them. */
const SU_VALUES: ValueOptions = { short: 'csgGwu', long: /^--(command|shell|group|supp-group|whitelist-environment|user|session-command)$/ };
/** sudo's (1.9.13; `-h` alone is its help, so a host is read only as `--host`). */
const SUDO_VALUES: ValueOptions = { short: 'CDgpRrTtUu', long: /^--(close-from|chdir|group|host|prompt|chroot|role|type|command-timeout|other-user|user)$/ };

/** The options read from the words: each one seen (`-m`, `--login`), and where a value's word is. */
interface ReadOptions {
  seen: Set<string>;
  /** Each value option's value and its word's index (-1 when written in the option's word: `-uapp`, `--user=app`). */
  values: Map<string, { value: string; at: number }>;
  /** The words that are no option, in order (only the first with `firstOperand`). */
  operands: number[];
}

/**
 * The options of a command from `words[from]` on, as getopt reads them (short options clustered,
 * a value in the same word or the next). With `firstOperand`, the options end at the first word
 * that is none (the program a wrapper runs, with its own options after it); else they may come
 * after operands too, as su and runuser take them. `--` ends the options; `-` alone is an
 * operand with `firstOperand`, and an option (su's `-`, a login) without.
 */
function readOptions(words: readonly ShellWord[], from: number, spec: ValueOptions, firstOperand: boolean): ReadOptions {
  const seen = new Set<string>();
  const values = new Map<string, { value: string; at: number }>();
  const operands: number[] = [];
  let ended = false;
  for (let i = from; i < words.length; i++) {
    const w = words[i].value;
    if (ended || !w.startsWith('-') || (w === '-' && firstOperand)) {
      operands.push(i);
      if (firstOperand) break;
      continue;
    }
    if (w === '--') {
      ended = true;
      continue;
    }
    if (w === '-') {
      seen.add(w);
      continue;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w : w.slice(0, eq);
      seen.add(name);
      if (eq >= 0) values.set(name, { value: w.slice(eq + 1), at: -1 });
      else if (spec.long.test(name)) values.set(name, { value: words[++i]?.value ?? '', at: i });
      continue;
    }
    for (let k = 1; k < w.length; k++) {
      const letter = `-${w[k]}`;
      seen.add(letter);
      if (spec.short.includes(w[k])) {
        values.set(letter, k + 1 < w.length ? { value: w.slice(k + 1), at: -1 } : { value: words[++i]?.value ?? '', at: i });
        break;
      }
    }
  }
  return { seen, values, operands };
}

/** The value of the first of `names` the options give. */
function valueOf(read: ReadOptions, ...names: string[]): { value: string; at: number } | undefined {
  for (const name of names) {
    const v = read.values.get(name);
    if (v) return v;
  }
  return undefined;
}

/** The user part of a user spec (`app:app`, `1000:1000`). */
function userOf(spec: string): string {
  return spec.split(':')[0];
}

/** The names of the wrappers {@link switchWrapper} reads. */
export const SWITCH_WRAPPERS: ReadonlySet<string> = new Set(['gosu', 'su-exec', 'runuser', 'sudo']);

/**
 * A wrapper at `words[from]` that runs the words after it as another user (`gosu app`, `su-exec
 * app`, `runuser -u app --`, `sudo -u app`, `sudo` for root): the index of the program's word and
 * the user; undefined for any other word. sudo (1.9.13, Debian's sudoers, run as root) sets HOME
 * to the user's unless `-E` / `--preserve-env` (or a list of it naming HOME) keeps the caller's,
 * which `-H` overrides; `-i` starts a login shell in the user's home.
 */
export function switchWrapper(words: readonly ShellWord[], from: number): { next: number; to: UserSwitch } | undefined {
  const name = words[from]?.value;
  if (name === 'gosu' || name === 'su-exec') {
    const spec = words[from + 1];
    return spec && !spec.value.startsWith('-') && from + 2 < words.length ? { next: from + 2, to: { user: userOf(spec.value), keepsHome: false } } : undefined;
  }
  if (name !== 'runuser' && name !== 'sudo') return undefined;
  const read = readOptions(words, from + 1, name === 'sudo' ? SUDO_VALUES : SU_VALUES, true);
  const next = read.operands[0];
  if (next === undefined) return undefined;
  const user = valueOf(read, '-u', '--user');
  if (name === 'runuser') {
    // With -u, runuser runs the command that follows its options, with no shell.
    return user ? { next, to: { user: userOf(user.value), keepsHome: keeps(read) } } : undefined;
  }
  const list = read.values.get('--preserve-env')?.value.split(',');
  const keepsHome = (read.seen.has('-E') || (read.seen.has('--preserve-env') && (!list || list.includes('HOME')))) && !read.seen.has('-H') && !read.seen.has('--set-home');
  const login = read.seen.has('-i') || read.seen.has('--login');
  // `-u '#1000'`: a uid.
  return { next, to: { user: user ? userOf(user.value).replace(/^#/, '') : 'root', keepsHome, ...(login && { login }) } };
}

/** su's and runuser's `-m`, `-p`, `--preserve-environment`: HOME stays the caller's. */
function keeps(read: ReadOptions): boolean {
  return read.seen.has('-m') || read.seen.has('-p') || read.seen.has('--preserve-environment');
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
  const read = readOptions(words, from + 1, SU_VALUES, false);
  if (valueOf(read, '-u', '--user')) return undefined;
  const script = valueOf(read, '-c', '--command')?.at ?? -1;
  if (script < 0 || script >= words.length) return undefined;
  const { operands } = read;
  const login = read.seen.has('-') || read.seen.has('-l') || read.seen.has('--login');
  return { script, to: { user: operands.length > 0 ? userOf(words[operands[0]].value) : 'root', keepsHome: keeps(read), ...(login && { login }) }, alone: operands.length <= 1 };
}

/** Whether `cmd` stands in a script that `su -` (`-l`, `--login`) runs: it starts in the user's home. */
export function inLoginScript(cmd: ShellCommand): boolean {
  for (let g = cmd.group; g; g = g.parent) if (g.user) return g.user.login === true;
  return false;
}
