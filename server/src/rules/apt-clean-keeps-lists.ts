/**
 * apt-clean-keeps-lists: `apt-get clean` looks like the cleanup, but it only empties
 * /var/cache/apt; the package lists `apt-get update` wrote to /var/lib/apt/lists stay. On the
 * official Debian and Ubuntu images it frees nothing at all, because their
 * /etc/apt/apt.conf.d/docker-clean already deletes downloaded .deb files after every install and
 * turns off the binary package caches.
 */
import { runInstructions } from '../core/model';
import { listsAdvice, listsCleanup } from './apt-lists-kept';
import { APT_LISTS_USE, commandRange, hasCacheMount, isAptUpdate, laterRunNeeding, APT_PROGRAMS, subcommand } from '../core/commands';
import { findingCommand, removesAfter, verifiedAppend } from '../core/packageManagers';
import { aptLists } from '../core/imageEstimate';
import { programName } from '../core/shell';
import { formatBytes } from '../sizes';
import { APT_LISTS } from '../sizes/constants';
import type { RawFinding, Rule } from './rule';

const CLEANUP = 'rm -rf /var/lib/apt/lists/*';
const OFFICIAL = "on the official Debian and Ubuntu images `apt-get clean` frees nothing: their docker-clean apt setting already deletes downloaded .deb files";

export const rule: Rule = {
  id: 'apt-clean-keeps-lists',
  title: '`apt-get clean` does not remove the apt lists',
  severity: 'info',
  scope: 'layers',
  reads: 'family',
  words: ['apt'],
  // The advice names the later RUN that installs from the index (listsAdvice).
  quotesLines: true,
  docs: {
    summary: '`apt-get clean` used as the cleanup of an `apt-get update` whose lists stay in the layer.',
    why: `\`apt-get clean\` empties /var/cache/apt (downloaded .deb files and binary caches); it does not touch /var/lib/apt/lists, where \`apt-get update\` put the package lists. And ${OFFICIAL} (/etc/apt/apt.conf.d/docker-clean) and keeps no binary caches. apt-lists-kept reports the lists; this rule, why the \`apt-get clean\` does not help.`,
    incorrect: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean',
    correct: 'RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    sizeImpact: `About ${formatBytes(APT_LISTS.bytes)} of lists on Debian bookworm (${APT_LISTS.basis}) stay despite the \`apt-get clean\`; counted by apt-lists-kept, unless it is off or ignored there.`,
    fix: `Appends \`&& ${CLEANUP}\` to the RUN and keeps the \`apt-get clean\` (on images without docker-clean it still removes the .debs). Not offered when a later RUN of the same image installs or upgrades with apt without its own \`apt-get update\`: it would find no lists, nor in a RUN of another user than root whose update runs as root through a switch (\`USER vscode\`, then \`sudo apt-get update\`): the cleanup would fail as that user, and for sudo the message says \`sudo ${CLEANUP}\`; nor under a SHELL that is no POSIX shell.`,
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      const update = run.commands.findIndex(isAptUpdate);
      if (update < 0 || hasCacheMount(instr, '/var/lib/apt/lists')) continue;
      // The lists the last update writes stay unless removed after it.
      if (removesAfter(instr, run.commands.filter(isAptUpdate).at(-1)!, '/var/lib/apt/lists')) continue;
      for (const cmd of run.commands.slice(update + 1)) {
        if (!APT_PROGRAMS.has(programName(cmd)) || !['clean', 'autoclean'].includes(subcommand(cmd)?.value ?? '')) continue;
        const lists = aptLists(instr.stage);
        const clean = `\`${programName(cmd)} ${subcommand(cmd)!.value}\``;
        // `sudo rm -rf ...` in a RUN of another user than root that updates through sudo.
        const cleanup = listsCleanup(instr, run.commands.filter(isAptUpdate).at(-1)!);
        const advice = listsAdvice(model, instr, `Add \`${cleanup}\`.`, cleanup);
        // apt-lists-kept reports the same lists on this RUN (whenever this rule does): while it is
        // shown, the figure is its own, and this finding only says why the clean does not help.
        for (const counted of [true, false]) {
          out.push({
            range: commandRange(model, run, cmd),
            instr,
            message: counted
              ? `${clean} does not remove the apt lists (apt-lists-kept counts them), and ${OFFICIAL}. ${advice}`
              : `${clean} leaves the apt lists in this layer (about ${formatBytes(lists.bytes)}${lists.note}), and ${OFFICIAL}. ${advice}`,
            saving: counted ? { basis: 'the apt lists, counted by apt-lists-kept' } : { bytes: lists.bytes, basis: lists.basis },
            handOver: { to: 'apt-lists-kept', keep: counted ? 'if-shown' : 'if-hidden' },
            data: { commandStart: cmd.start },
          });
        }
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    if (!found) return undefined;
    if (laterRunNeeding(model, found.instr, APT_LISTS_USE)) return undefined;
    const edit = verifiedAppend(model, found.instr, CLEANUP);
    return edit && { title: `Remove the apt lists in the same RUN (${CLEANUP})`, edits: [edit], preferred: true };
  },
};
