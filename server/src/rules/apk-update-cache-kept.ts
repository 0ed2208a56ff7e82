/**
 * apk-update-cache-kept: `apk update` downloads the repository indexes (APKINDEX) into
 * /var/cache/apk. Even when every `apk add` uses `--no-cache`, those indexes stay unless the same
 * RUN removes them.
 */
import { hasFlag, insertAfterWord, laterRunNeeding, laterRunsInImage, type IndexUse, ranAfter, ranCommands, removeCommandFromRun, subcommand } from '../core/commands';
import { appendRepair, cacheRule, subcommandOf } from '../core/packageManagers';
import type { DockerfileModel, Instr, RunScript } from '../core/model';
import type { TextEdit } from '../core/types';
import { programArgs, programName, type ShellCommand } from '../core/shell';

const CLEANUP = 'rm -rf /var/cache/apk/*';
/** Also apk-cache-kept's: the same indexes. */
export const BASIS = 'the APKINDEX files of the configured repositories (not yet measured by our bench)';

export const isApkAdd = (c: ShellCommand) => programName(c) === 'apk' && subcommand(c)?.value === 'add';
export const isApkUpdate = (c: ShellCommand) => programName(c) === 'apk' && subcommand(c)?.value === 'update';
/**
 * `apk add -U` / `--update-cache`, also written `--update` (apk-tools 2 reads its long options with
 * getopt_long, which takes any unambiguous start of one: from `--upd`, since `--up` could be
 * `--upgrade`): the add fetches the indexes itself before it installs, so it reads none an earlier
 * command left.
 */
export const addFetchesIndex = (c: ShellCommand) => isApkAdd(c) && programArgs(c).some((w) => w.value === '-U' || (w.value.length >= 5 && '--update-cache'.startsWith(w.value)));
/** A command that fetches apk's indexes: `apk update`, or an add that does first ({@link addFetchesIndex}). */
export const fetchesApkIndex = (c: ShellCommand) => isApkUpdate(c) || addFetchesIndex(c);
/** The apk commands a RUN runs after `cmd` (a `-c` script's too, as in `apk update && sh -c 'apk add git'`). */
const apkAfter = (run: RunScript, cmd: ShellCommand) => ranAfter(run, cmd).filter((c) => programName(c) === 'apk');
/** An apk command other than `add` (which `--no-cache` frees from the stored index) and `del`: it may read the index (`apk upgrade`). */
const readsStoredIndex = (c: ShellCommand) => !isApkAdd(c) && subcommand(c)?.value !== 'del';
const apkRuns = new WeakMap<RunScript, { at: Map<ShellCommand, number>; reads: (ShellCommand | undefined)[]; adds: boolean[]; addsWithCache: boolean }>();

/**
 * What the message asks of the apk commands a RUN runs after `cmd` ({@link apkAfter}): the first
 * that reads the stored index, whether one is an `apk add`; and whether the RUN runs an `apk add`
 * without `--no-cache`. Worked out once per RUN, from the end: a walk per update was quadratic.
 */
function apkCommandsAfter(run: RunScript, cmd: ShellCommand): { reads?: ShellCommand; addsAfter: boolean; addsWithCache: boolean } {
  let known = apkRuns.get(run);
  if (!known) {
    const ran = ranCommands(run);
    const at = new Map<ShellCommand, number>();
    ran.forEach((c, i) => at.has(c) || at.set(c, i));
    // Index i + 1 holds what comes after ran[i]; index 0 all of it (a command not in `ran`, as ranAfter reads it).
    const reads: (ShellCommand | undefined)[] = new Array(ran.length + 1).fill(undefined);
    const adds: boolean[] = new Array(ran.length + 1).fill(false);
    for (let i = ran.length - 1; i >= 0; i--) {
      const c = ran[i];
      const apk = programName(c) === 'apk';
      reads[i] = apk && readsStoredIndex(c) ? c : reads[i + 1];
      adds[i] = (apk && isApkAdd(c)) || adds[i + 1];
    }
    known = { at, reads, adds, addsWithCache: ran.some((c) => isApkAdd(c) && !hasFlag(c, '--no-cache')) };
    apkRuns.set(run, known);
  }
  const from = (known.at.get(cmd) ?? -1) + 1;
  return { reads: known.reads[from], addsAfter: known.adds[from], addsWithCache: known.addsWithCache };
}

/** apk's index in /var/cache/apk: an `apk add` without `--no-cache` reads it, `apk update` (and `apk add -U`) fetches it. */
const APK_INDEX_USE: IndexUse = { needs: (c) => isApkAdd(c) && !hasFlag(c, '--no-cache') && !addFetchesIndex(c), refreshes: fetchesApkIndex };

/**
 * The nicer repair, when it is equivalent: remove `apk update` and its operator, and add
 * `--no-cache` to the RUN's `apk add` commands that lack it, because every apk command after the
 * update in the RUN is then `apk add --no-cache` or `apk del` (they fetch or need no index).
 * The removal is the shared one (removeCommandFromRun), which keeps a `;` rather than an `&&`:
 * `then a && apk update; fi` becomes `then a; fi`, where taking the update with the `;` after it
 * left `then a && fi`, which the shell rejects. Undefined when anything else might read the
 * index, an `apk add` without `--no-cache` runs in a `-c` script, the operators around the update
 * are not plain, or a comment line lies in what would go.
 */
function dropUpdate(model: DockerfileModel, instr: Instr, cmd: ShellCommand): { title: string; edits: TextEdit[] } | undefined {
  const run = instr.run!;
  // A RUN of the update alone keeps it, with the removal appended: the instruction stays.
  if (run.commands.length < 2) return undefined;
  const rest = apkAfter(run, cmd);
  if (rest.some(readsStoredIndex)) return undefined;
  const all = ranCommands(run);
  // The adds that need --no-cache, before the update too (`apk add curl && apk update && ...`).
  const adds = all.filter((c) => isApkAdd(c) && !hasFlag(c, '--no-cache'));
  if (adds.some((c) => !run.commands.includes(c))) return undefined;
  const removal = removeCommandFromRun(model, instr, cmd);
  if (!removal) return undefined;
  const { start, end } = removal.range;
  if (model.text.slice(model.lines.offsetAt(start), model.lines.offsetAt(end)).includes('#')) return undefined; // never delete a comment line with it
  if (adds.length === 0) return { title: rest.length > 0 ? 'Drop apk update (apk add --no-cache fetches its own index)' : 'Drop apk update (nothing after it uses its index)', edits: [removal] };
  return { title: 'Drop apk update and add with --no-cache', edits: [removal, ...adds.map((c) => insertAfterWord(model, run, subcommand(c)!, ' --no-cache'))] };
}

export const rule = cacheRule({
  id: 'apk-update-cache-kept',
  title: '`apk update` indexes left in the layer',
  severity: 'warning',
  // The message names a later apk add that reads the index (laterRunNeeding).
  quotesLines: true,
  docs: {
    summary: '`apk update` without `rm -rf /var/cache/apk/*` in the same RUN.',
    why: '`apk update` stores the repository indexes in /var/cache/apk. `apk add --no-cache` fetches its own copy to a temporary place, so with `--no-cache` the `apk update` is not needed at all, and without removing its indexes they stay in this layer.',
    incorrect: 'RUN apk update && apk add --no-cache curl',
    correct: 'RUN apk add --no-cache curl',
    sizeImpact: `Small but certain: ${BASIS}. An \`apk add\` without \`--no-cache\` in the same RUN keeps the same indexes: counted here once, not by apk-cache-kept.`,
    fix: `Drops \`apk update &&\` and adds \`--no-cache\` to the RUN's \`apk add\` commands when every apk command after it in the RUN is \`apk add\` or \`apk del\` (with --no-cache they need no stored index), none without \`--no-cache\` is in a \`-c\` script, and no here-document opens on the update (its body would stay behind); otherwise appends \`&& ${CLEANUP}\` to the RUN. Neither is offered when a later RUN of the image runs \`apk add\` without \`--no-cache\` and without its own \`apk update\` (it would find no index), nor on a RUN that only runs \`apk update\` before a later \`apk add\` RUN: merging the two (index-update-in-separate-run) is the repair there, and this rule then applies to the merged RUN.`,
  },
  words: ['apk'],
  // Its repair drops the `apk update` it is about; each message says what reads that update's indexes.
  perCommand: true,
  fills: (cmd) => subcommandOf(cmd, /^apk$/, ['update']),
  cleans: () => false,
  holds: () => '/var/cache/apk',
  cacheHandled: (handled) => handled('/var/cache/apk') || handled('/etc/apk/cache'),
  // The RUN's `apk add` commands without --no-cache keep the same indexes: apk-cache-kept leaves
  // them to this finding, so its message and repair cover them.
  message: ({ instr, cmd, model }) => {
    // A later `apk add` that reads this index: dropping or removing it would make that one fail.
    const reader = model && laterRunNeeding(model, instr, APK_INDEX_USE);
    if (reader) return `\`apk update\` leaves the repository indexes in /var/cache/apk in this layer: ${BASIS}. Line ${reader.range.start.line + 1} runs \`apk add\` without \`--no-cache\` on this index: give it \`--no-cache\` first, then drop the update here or add \`${CLEANUP}\` to this RUN.`;
    // What the RUN runs (a `-c` script's commands too) decides whether dropping the update is right.
    const { reads, addsAfter, addsWithCache } = apkCommandsAfter(instr.run!, cmd);
    const advice = reads
      ? `\`${['apk', subcommand(reads)?.value].filter(Boolean).join(' ')}\` after it reads them: add`
      : addsWithCache
        ? 'Drop it and use `apk add --no-cache` (it fetches its own index), or add'
        : addsAfter
          ? 'With `apk add --no-cache` the update is not needed; drop it or add'
          : 'Nothing after it in this RUN installs with apk: drop it or add';
    return `\`apk update\` leaves the repository indexes in /var/cache/apk in this layer: ${BASIS}. ${advice} \`${CLEANUP}\` to the same RUN.`;
  },
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd }) => {
    const needsIndex = laterRunNeeding(model, instr, APK_INDEX_USE);
    // `RUN apk update` on its own before a RUN that adds: merging the two (index-update-in-separate-run)
    // is the repair; this rule's removal then applies to the merged RUN. That rule also sees an
    // `apk add` in a -c script it cannot place, so this question does too.
    const updateOnly = instr.run!.commands.every(isApkUpdate) && laterRunsInImage(model, instr).some((r) => ranCommands(r.run!).some(isApkAdd));
    if (needsIndex || updateOnly) return undefined;
    return dropUpdate(model, instr, cmd) ?? appendRepair(model, instr, CLEANUP);
  },
});
