/**
 * useradd-without-no-log-init (hadolint DL3046): `useradd` writes the new user's slot into
 * /var/log/lastlog and /var/log/faillog, files indexed by UID. They are sparse on the host but
 * image layers are tar archives that store them in full, so the layer grows by UID x (292 + 32)
 * bytes. `-l` / `--no-log-init` skips those databases.
 *
 * Only an older useradd does so: shadow 4.13 (November 2022) resets a record only where the file
 * already has one, so on Debian 12 `useradd -u 100000` leaves both files empty (built on a
 * debootstrap bookworm base, test/integration/engine/fixes.test.ts). Debian 12 ships 4.13 (its
 * passwd 1:4.13+dfsg1-1 reached unstable on 2022-11-11, changelog.Debian), and so does Ubuntu from
 * 23.04 on: lunar took its packages from Debian's unstable until its import freeze in February
 * 2023, and lunar, mantic and noble have 1:4.13+dfsg1-1ubuntu1 (as we recall Launchpad's listing;
 * not checked from here, where apt sees Debian only). Debian 11 ships 4.8.1 (checked: debootstrap
 * bullseye), Ubuntu 22.04 4.8.1 and 22.10 4.11.1 (recalled likewise). A base known to be one of the
 * newer releases gets no finding; one whose release the reference does not tell gets the figure
 * as a condition.
 */
import { commandRange, insertAfterWord } from '../core/commands';
import { instructionAt, rootStage, runInstructions, type Stage } from '../core/model';
import { programArgs, programIndex, programName, type ShellCommand } from '../core/shell';
import { floatingRelease, formatBytes, recordedRelease } from '../sizes';
import { parseImageReference } from '../sizes/reference';
import { DEBIAN_RELEASES, UBUNTU_RELEASES } from '../sizes/tags';
import type { SizeEstimate } from '../core/types';
import type { RawFinding, Rule } from './rule';

/** Where the base's release is not known, a UID above this one is reported (the files then exceed about 21 MB). */
const LARGE_UID = 65535;
/** Where the base is known to be older, what the rule reports from (UID 3,086 and up): smaller records are counted by the estimate only. */
const REPORTED_FROM_BYTES = 1_000_000;
/** `sizeof(struct lastlog)`: int32 time + 32-byte line + 256-byte host. */
const LASTLOG_RECORD = 292;
/** `sizeof(struct faillog)` on amd64: two shorts, a 12-byte line, two 8-byte times. */
const FAILLOG_RECORD = 32;
const BASIS =
  'useradd of shadow 4.8.1 writes /var/log/lastlog (292 bytes) and /var/log/faillog (32 bytes) per UID (Docker 20.10 on a debootstrap Debian 11, 2026-12-04: useradd -u 10001 gave a layer of 3,245,251 bytes, 4,603 with -l; -u 70000 22,684,891)';
/** What a useradd of shadow 4.13 or later does, as measured. */
const NEWER = 'Debian 12 and Ubuntu 23.04 and later (shadow 4.13+) write no record for a new UID (useradd -u 100000 measured on Debian 12, 2026-12-04)';

/** The first Ubuntu release whose useradd is shadow 4.13 (lunar). */
const NEWER_UBUNTU = 23.04;

/**
 * Whether the stage's base has a useradd that fills lastlog for a new UID: true for Debian 11 and
 * Ubuntu 22.10 and older, false for Debian 12 and Ubuntu 23.04 and later, undefined when neither
 * the reference nor the size table tells the release (`ubi9`, an image the table lacks, an ARG).
 * Read from the tag's release name (`debian:bookworm-slim`, `python:3.12-slim-bookworm`,
 * `ubuntu:noble`, `...-ubuntu22.04`), for the debian and ubuntu images from its version
 * (`debian:12.5`, `ubuntu:22.04`), else from the release the size table records for that tag
 * (`python:3.12-slim`: trixie), else, for a tag without a version, from the one row the base size
 * comes from (`python:slim`: python:3.14-slim, trixie), as the apt figures read it.
 */
export function useraddFillsLastlog(stage: Stage): boolean | undefined {
  const root = rootStage(stage);
  const image = root.from.image;
  if (image === undefined) return undefined;
  const ref = parseImageReference(image.toLowerCase());
  const named = ref?.tag ? releaseInTag(ref.name, ref.tag) : undefined;
  if (named !== undefined) return named;
  const recorded = recordedRelease(image, root.from.platform) ?? floatingRelease(image, root.from.platform)?.release;
  return recorded === undefined ? undefined : releaseInTag('', recorded);
}

/** Whether the release a tag names is older than shadow 4.13 (see {@link useraddFillsLastlog}); undefined when it names none. */
function releaseInTag(name: string, tag: string): boolean | undefined {
  const tokens = tag.split('-');
  for (const t of tokens) {
    if (Object.hasOwn(DEBIAN_RELEASES, t)) return DEBIAN_RELEASES[t] < 12;
    if (Object.hasOwn(UBUNTU_RELEASES, t)) return Number(UBUNTU_RELEASES[t]) < NEWER_UBUNTU;
    const ubuntu = /^ubuntu(\d+\.\d+)$/.exec(t);
    if (ubuntu) return Number(ubuntu[1]) < NEWER_UBUNTU;
  }
  const version = /^(\d+)(?:\.(\d+))?$/.exec(tokens[0].split('.').slice(0, 2).join('.'));
  if (!version) return undefined;
  if (name === 'debian') return Number(version[1]) < 12;
  if (name === 'ubuntu') return Number(`${version[1]}.${version[2] ?? '0'}`) < NEWER_UBUNTU;
  return undefined;
}

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

/**
 * The lastlog and faillog a `useradd -u N` command of `stage` writes without `-l`: any UID on a
 * base known to be older (`known`; `saving` has the figure), a UID above {@link LARGE_UID} on one
 * whose release is not known (`saving` has only its basis), none on a newer base. Debian's
 * `adduser --uid N` runs useradd without -l (on a debootstrap Debian 11, `adduser --uid 10001
 * --disabled-password --gecos '' app` gave a layer of 3,249,873 bytes): counted on a base known to
 * be older only, since elsewhere it may be busybox's, which writes neither file. The image
 * estimate counts them all; the rule reports them (`reported`) from {@link REPORTED_FROM_BYTES}
 * on an older base and always on an unknown one.
 */
export function lastlogWritten(stage: Stage | undefined, cmd: ShellCommand): { uid: number; bytes: number; known: boolean; reported: boolean; saving: SizeEstimate } | undefined {
  const program = programName(cmd);
  if (program !== 'useradd' && program !== 'adduser') return undefined;
  const { uid, noLogInit } = readUseradd(cmd);
  if ((noLogInit && program === 'useradd') || uid === undefined) return undefined;
  const fills = stage ? useraddFillsLastlog(stage) : undefined;
  if (fills === false || (fills === undefined && program === 'adduser')) return undefined;
  const known = fills === true;
  if (!known && uid <= LARGE_UID) return undefined;
  const bytes = (uid + 1) * (LASTLOG_RECORD + FAILLOG_RECORD);
  const reported = !known || bytes >= REPORTED_FROM_BYTES;
  return { uid, bytes, known, reported, saving: known ? { bytes, basis: BASIS } : { basis: `about ${formatBytes(bytes)} with a useradd older than shadow 4.13 (${BASIS}); none on newer bases: ${NEWER}` } };
}

export const rule: Rule = {
  id: 'useradd-without-no-log-init',
  title: 'useradd with a large UID fills lastlog',
  severity: 'warning',
  hadolint: 'DL3046',
  scope: 'layers',
  reads: 'family',
  words: ['useradd', 'adduser'],
  docs: {
    summary: `\`useradd -u\` without \`-l\` / \`--no-log-init\`: on a base known to be Debian 11, Ubuntu 22.10 or older, a UID whose records reach ${formatBytes(REPORTED_FROM_BYTES)} (3,086 and up); on a base whose release is not known, a UID above ${LARGE_UID}. Debian's \`adduser --uid\`, which runs useradd without -l, on an older base too.`,
    why: 'An older useradd (shadow before 4.13: Debian 11, Ubuntu 22.10 and earlier) reserves a record for every UID up to the new one in /var/log/lastlog and /var/log/faillog. On a host these are sparse files; a layer, a tar archive, stores them in full. The image estimate counts them on an older base.',
    incorrect: 'RUN useradd -u 1000000 app',
    correct: 'RUN useradd -l -u 1000000 app',
    sizeImpact: `With an older useradd, UID x ${LASTLOG_RECORD + FAILLOG_RECORD} bytes (${BASIS}): about ${formatBytes((10001 + 1) * (LASTLOG_RECORD + FAILLOG_RECORD))} for UID 10001, about ${formatBytes((1000000 + 1) * (LASTLOG_RECORD + FAILLOG_RECORD))} for UID 1000000. None where the base is newer: ${NEWER}. The release is read from the tag (\`debian:bullseye-slim\`, \`ubuntu:22.04\`, \`python:3.12-slim-bookworm\`), else from what the size table records for that tag (\`python:3.12-slim\`: trixie) or, for a tag without a version, for the row the base size comes from; where neither tells it (an image the table lacks, an ARG), the message gives the figure as a condition and the saving is not sized. A UID given as a variable is not checked.`,
    fix: 'Inserts `-l` right after `useradd` (not in exec-form RUNs; adduser has no such option). Only the login records are not initialised.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        const lastlog = lastlogWritten(instr.stage, cmd);
        if (!lastlog?.reported) continue;
        const { uid, bytes, known } = lastlog;
        const adduser = programName(cmd) === 'adduser';
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: adduser
            ? `adduser with UID ${uid} runs useradd without -l, which writes /var/log/lastlog and faillog in full into this layer: about ${formatBytes(bytes)}. Create the user with useradd -l (--no-log-init) instead.`
            : known
            ? `useradd with UID ${uid} writes /var/log/lastlog and faillog in full into this layer: about ${formatBytes(bytes)}. Add -l (--no-log-init).`
            : `useradd with UID ${uid}: if this base's useradd is older than shadow 4.13 (Debian 11, Ubuntu 22.10 and earlier), it writes /var/log/lastlog and faillog in full into this layer, about ${formatBytes(bytes)}; Debian 12 and Ubuntu 23.04 and later write none. Add -l (--no-log-init).`,
          saving: lastlog.saving,
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
