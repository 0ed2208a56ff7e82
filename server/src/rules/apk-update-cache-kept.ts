/**
 * apk-update-cache-kept: `apk update` downloads the repository indexes (APKINDEX) into
 * /var/cache/apk. Even when every `apk add` uses `--no-cache`, those indexes stay unless the same
 * RUN removes them.
 */
import { hasFlag, laterRunsInImage, subcommand } from '../core/commands';
import { appendRepair, cacheRule, subcommandOf } from '../core/packageManagers';
import { programName, type ShellCommand } from '../core/shell';

const CLEANUP = 'rm -rf /var/cache/apk/*';
const BASIS = 'the APKINDEX files of the configured repositories (their size is not yet measured by our bench)';

const isApkAdd = (c: ShellCommand) => programName(c) === 'apk' && subcommand(c)?.value === 'add';
const isApkUpdate = (c: ShellCommand) => programName(c) === 'apk' && subcommand(c)?.value === 'update';

export const rule = cacheRule({
  id: 'apk-update-cache-kept',
  title: '`apk update` indexes left in the layer',
  severity: 'warning',
  docs: {
    summary: '`apk update` without `rm -rf /var/cache/apk/*` in the same RUN.',
    why: '`apk update` stores the repository indexes in /var/cache/apk. `apk add --no-cache` fetches its own copy to a temporary place, so with `--no-cache` the `apk update` is not needed at all, and without removing its indexes they stay in this layer.',
    incorrect: 'RUN apk update && apk add --no-cache curl',
    correct: 'RUN apk add --no-cache curl',
    sizeImpact: `Small but certain: ${BASIS}.`,
    fix: `Appends \`&& ${CLEANUP}\` to the RUN. Dropping \`apk update &&\` would often be the nicer edit, but it is only equivalent when every later \`apk\` call in the RUN uses \`--no-cache\`, so the fix keeps to the removal, which is always safe; it is not offered when a later RUN of the image runs \`apk add\` without \`--no-cache\` and without its own \`apk update\` (it would find no index).`,
  },
  fills: (cmd) => subcommandOf(cmd, /^apk$/, ['update']),
  cleans: () => false,
  cacheHandled: (handled) => handled('/var/cache/apk') || handled('/etc/apk/cache'),
  message: ({ instr, cmd }) => {
    const allNoCache = instr.run!.commands.filter((c) => c.start > cmd.start && isApkAdd(c)).every((c) => hasFlag(c, '--no-cache'));
    return `\`apk update\` leaves the repository indexes in /var/cache/apk in this layer: ${BASIS}. ${allNoCache ? 'With `apk add --no-cache` the update is not needed; drop it or' : ''} ${allNoCache ? 'add' : 'Add'} \`${CLEANUP}\` to the same RUN.`.replace(/\s+/g, ' ');
  },
  saving: { basis: BASIS },
  repair: ({ model, instr }) => {
    const later = laterRunsInImage(model, instr);
    const needsIndex = later.some((r) => r.run!.commands.some((c) => isApkAdd(c) && !hasFlag(c, '--no-cache')) && !r.run!.commands.some(isApkUpdate));
    // `RUN apk update` on its own before a RUN that adds: merging the two (index-update-in-separate-run)
    // is the repair; this rule's removal then applies to the merged RUN.
    const updateOnly = instr.run!.commands.every(isApkUpdate) && later.some((r) => r.run!.commands.some(isApkAdd));
    return needsIndex || updateOnly ? undefined : appendRepair(model, instr, CLEANUP);
  },
});
