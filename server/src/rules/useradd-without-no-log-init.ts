/**
 * useradd-without-no-log-init (hadolint DL3046): `useradd` writes the new user's slot into
 * /var/log/lastlog (and faillog), files indexed by UID. With a large UID the file is sparse on the
 * host but image layers are tar archives that store it in full, so the layer grows by
 * UID x record size. `-l` / `--no-log-init` skips those databases.
 */
import { commandRange, insertAfterWord } from '../core/commands';
import { instructionAt, runInstructions } from '../core/model';
import { programArgs, programIndex, programName, type ShellCommand } from '../core/shell';
import { formatBytes } from '../sizes';
import type { RawFinding, Rule } from './rule';

/** Above this UID the lastlog file alone exceeds about 19 MB; below it the cost stays small. */
const LARGE_UID = 65535;
/** `sizeof(struct lastlog)`: int32 time + 32-byte line + 256-byte host. */
const LASTLOG_RECORD = 292;
const BASIS = '/var/log/lastlog holds one 292-byte record per UID up to the new one (sizeof(struct lastlog) with glibc 2.36 on amd64, measured 2026-11-24 on Debian 12); faillog adds more';

/** useradd's short options that take an argument: the rest of a cluster after them is that argument. */
const TAKES_ARGUMENT = new Set('bcdefgGkKpPRsuZ'.split(''));

interface UseraddInfo {
  uid?: number;
  noLogInit: boolean;
}

/** Reads `-u N`, `-uN`, `--uid N`, `--uid=N` and `-l` / `--no-log-init`, also inside clusters like `-lmu`. */
export function readUseradd(cmd: ShellCommand): UseraddInfo {
  const args = programArgs(cmd);
  let uid: string | undefined;
  let noLogInit = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i].value;
    if (w === '--') break;
    if (w === '--no-log-init') noLogInit = true;
    else if (w === '--uid') uid = args[++i]?.value;
    else if (w.startsWith('--uid=')) uid = w.slice(6);
    else if (/^-[^-]/.test(w)) {
      for (let k = 1; k < w.length; k++) {
        const c = w[k];
        if (c === 'l') noLogInit = true;
        if (!TAKES_ARGUMENT.has(c)) continue;
        const value = k + 1 < w.length ? w.slice(k + 1) : args[++i]?.value;
        if (c === 'u') uid = value;
        break;
      }
    }
  }
  return { uid: uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined, noLogInit };
}

export const rule: Rule = {
  id: 'useradd-without-no-log-init',
  title: 'useradd with a large UID fills lastlog',
  severity: 'warning',
  hadolint: 'DL3046',
  scope: 'layers',
  reads: 'family',
  docs: {
    summary: `\`useradd\` with a UID above ${LARGE_UID} and without \`-l\` / \`--no-log-init\`.`,
    why: 'useradd reserves a record for every UID up to the new one in /var/log/lastlog and /var/log/faillog. On a host these are sparse files; a layer is a tar archive that stores them in full.',
    incorrect: 'RUN useradd -u 1000000 app',
    correct: 'RUN useradd -l -u 1000000 app',
    sizeImpact: `UID x ${LASTLOG_RECORD} bytes for lastlog alone (${BASIS}): about ${formatBytes((65536 + 1) * LASTLOG_RECORD)} for UID 65536, about ${formatBytes((1000000 + 1) * LASTLOG_RECORD)} for UID 1000000. A UID given as a variable is not checked.`,
    fix: 'Inserts `-l` right after `useradd` (not in exec-form RUNs). The user is created the same way; only the login records are not initialised.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        if (programName(cmd) !== 'useradd') continue;
        const { uid, noLogInit } = readUseradd(cmd);
        if (noLogInit || uid === undefined || uid <= LARGE_UID) continue;
        const bytes = (uid + 1) * LASTLOG_RECORD;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `useradd with UID ${uid} writes a full /var/log/lastlog into this layer: about ${formatBytes(bytes)}. Add -l (--no-log-init).`,
          saving: { bytes, basis: BASIS },
          data: { commandStart: cmd.start },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const run = instructionAt(model, finding.range.start.line)?.run;
    const cmd = run?.commands.find((c) => c.start === finding.data?.commandStart);
    if (!run || run.form === 'exec' || !cmd || programName(cmd) !== 'useradd') return undefined;
    const word = cmd.words[programIndex(cmd)];
    return { title: 'Add -l (--no-log-init) to useradd', edits: [insertAfterWord(model, run, word, ' -l')], preferred: true };
  },
};
