/**
 * apt-lists-kept (hadolint DL3009): `apt-get update` downloads the package lists into
 * /var/lib/apt/lists; unless the same RUN removes them, they stay in that layer for good.
 */
import { APT_LISTS_USE, commandRange, hasCacheMount, indexRefreshOnly, isAptUpdate, laterRunNeeding } from '../core/commands';
import { aptListsAt } from '../core/imageEstimate';
import { instructionAt, runInstructions, type DockerfileModel, type Instr } from '../core/model';
import { removesAfter, runsAsRoot, userSwitchOf, verifiedAppend } from '../core/packageManagers';
import { programIndex, type ShellCommand } from '../core/shell';
import { formatBytes } from '../sizes';
import { APT_LISTS, APT_LISTS_SECOND_UPDATE } from '../sizes/constants';
import { APT_LISTS_TRIXIE } from '../sizes/aptLists';
import type { RawFinding, Rule } from './rule';

const LISTS = '/var/lib/apt/lists';
const CLEANUP = 'rm -rf /var/lib/apt/lists/*';

/**
 * What to do about the lists of `instr`, ending the message: remove them in the same RUN, or, when
 * a later RUN installs from them without an update of its own (the removal would make it fail, so
 * no fix is offered), give that RUN its update first. `cleanup` is the command named there
 * ({@link listsCleanup}).
 */
export function listsAdvice(model: DockerfileModel, instr: Instr, otherwise = `Add \`${CLEANUP}\` to the same RUN.`, cleanup = CLEANUP): string {
  const reader = laterRunNeeding(model, instr, APT_LISTS_USE);
  if (!reader) return otherwise;
  const line = reader.range.start.line + 1;
  // A RUN that only updates: the update belongs in the RUN that installs (index-update-in-separate-run).
  if (instr.run && indexRefreshOnly(instr.run)) return `Line ${line} installs from them: run the update in that RUN instead, and remove the lists there.`;
  return `Line ${line} installs from them without an \`apt-get update\` of its own: give it one, then add \`${cleanup}\` to this RUN.`;
}

/**
 * The command that removes the lists `update` writes, as the messages name it: `sudo rm -rf
 * /var/lib/apt/lists/*` in a RUN of another user than root whose update runs through sudo
 * (`USER vscode`, then `sudo apt-get update`): the plain rm would run as that user and fail (rm:
 * Permission denied, checked as a user of NOPASSWD sudo; `sudo rm -rf` removed them). No fix
 * appends either there (checkAppend).
 */
export function listsCleanup(instr: Instr, update: ShellCommand): string {
  const sudo = !runsAsRoot(instr) && userSwitchOf(update) && update.words.slice(0, Math.max(0, programIndex(update))).some((w) => w.value === 'sudo');
  return sudo ? `sudo ${CLEANUP}` : CLEANUP;
}

/**
 * How to remove the lists in the RUN of `update`: append the cleanup ({@link listsCleanup}), or, in
 * a RUN of another user than root whose update runs as root through another switch (`su -c`), run
 * it as root too.
 */
function removalAdvice(instr: Instr, update: ShellCommand): string {
  if (runsAsRoot(instr) || !userSwitchOf(update)) return `Add \`${CLEANUP}\` to the same RUN.`;
  const cleanup = listsCleanup(instr, update);
  if (cleanup !== CLEANUP) return `Add \`${cleanup}\` to the same RUN: it runs as another user than root, who may not remove them.`;
  return `Remove them in the same RUN as root, as the update runs: \`${CLEANUP}\` run as this RUN's user (not root) may not remove them.`;
}

/**
 * `finding`, which gives the figure of the lists this rule reports on `at` (the RUN of the update,
 * before the one that installs from them or deletes them), as two: the figure only while that
 * finding is hidden (the rule off, or ignored there), else 'counted there'. `say` writes the message
 * around the size.
 */
export function listsCountedAt(at: Instr, finding: RawFinding, say: (size: string) => string): RawFinding[] {
  return [
    { ...finding, handOver: { to: rule.id, keep: 'if-hidden', at } },
    { ...finding, message: say('counted there by apt-lists-kept'), saving: { basis: 'the apt lists, counted by apt-lists-kept' }, handOver: { to: rule.id, keep: 'if-shown', at } },
  ];
}

export const rule: Rule = {
  id: 'apt-lists-kept',
  title: 'apt lists left in the layer',
  severity: 'warning',
  hadolint: 'DL3009',
  scope: 'layers',
  reads: 'family',
  words: ['apt'],
  // The advice names the later RUN that installs from the index (listsAdvice).
  quotesLines: true,
  docs: {
    summary: '`apt-get update` without removing /var/lib/apt/lists in the same RUN.',
    why: 'The package lists are only needed while apt installs. Removed in a later RUN, they still ship in the earlier layer. Removing only lists/partial (empty after the update) keeps them.',
    incorrect: 'RUN apt-get update && apt-get install -y --no-install-recommends curl',
    correct: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    sizeImpact: `About ${formatBytes(APT_LISTS.bytes)} on Debian bookworm (${APT_LISTS.basis}), about ${formatBytes(APT_LISTS_TRIXIE.bytes)} on trixie (measured in a debootstrap chroot: docs/measurements.md); on an Ubuntu base, another Debian release or one the tag does not name, the message gives bookworm's figure and says so. After an earlier RUN of the image kept its lists, a second update writes only the InRelease files again while the mirror has not changed (about ${formatBytes(APT_LISTS_SECOND_UPDATE.bytes)}, measured: docs/measurements.md), up to the whole lists when it has. A cache mount on ${LISTS} also satisfies the rule.`,
    fix: `Appends \`&& ${CLEANUP}\` to the RUN. Not offered when a later RUN of the same image installs or upgrades with apt without its own \`apt-get update\`: it would find no lists, nor when the cleanup would not end the RUN as a command of its own (such as after a here-document whose last line ends in a backslash), nor in a RUN of another user than root whose update runs as root through a switch (\`USER vscode\`, then \`sudo apt-get update\`): the cleanup would fail as that user, and the message says to run it as root; nor under a SHELL that is no POSIX shell.`,
  },
  check({ model }) {
    const out = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      // The lists stay from the first update after the RUN's last removal of them (one before an
      // update leaves what it fetches): the finding is on that update.
      const update = run.commands.find((c) => isAptUpdate(c) && !removesAfter(instr, c, LISTS));
      if (!update || hasCacheMount(instr, LISTS)) continue;
      const lists = aptListsAt(model, instr);
      out.push({
        range: commandRange(model, run, update),
        instr,
        message: `apt lists stay in this layer: about ${formatBytes(lists.bytes)}${lists.note}. ${listsAdvice(model, instr, removalAdvice(instr, update), listsCleanup(instr, update))}`,
        saving: { bytes: lists.bytes, basis: lists.basis },
        holds: LISTS,
      });
    }
    return out;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    if (!instr?.run) return undefined;
    // Keeping the file buildable: a later `apt-get install` that relies on these lists would fail.
    if (laterRunNeeding(model, instr, APT_LISTS_USE)) return undefined;
    // Checked by parsing the RUN again: a here-document whose last line ends in a backslash would
    // glue the cleanup onto that line instead of making it a command of its own.
    const edit = verifiedAppend(model, instr, CLEANUP);
    return edit && { title: `Remove apt lists in the same RUN (${CLEANUP})`, edits: [edit], preferred: true };
  },
};
