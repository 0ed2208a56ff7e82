/**
 * index-update-in-separate-run (the size-relevant part of hadolint DL3059): `RUN apt-get update`
 * alone, then `RUN apt-get install ...`. The index the first RUN downloads is committed as its
 * own layer, so no cleanup in the install RUN can remove it; merging the two lets one RUN
 * download, use and delete it.
 *
 * DL3059 in hadolint flags any consecutive RUNs. Merging only saves space when one RUN leaves
 * something the next one uses up or deletes, so this rule fires on the index split only; a later
 * RUN deleting what the previous one wrote is files-changed-in-later-layer (whose fix merges the
 * two RUNs when the deletion cannot move). Splits that serve the build cache (dependencies, then
 * sources) are never flagged.
 */
import { commandRange, hasCacheMount, hasFlag, indexRefreshOf, indexRefreshOnly, installsWith, isAptUpdate, mergeIntoPreviousRun, ranCommands } from '../core/commands';
import { instructionAt, type Instr } from '../core/model';
import { programName } from '../core/shell';
import { aptLists } from '../core/imageEstimate';
import { APT_LISTS, formatBytes } from '../sizes';
import type { RawFinding, Rule } from './rule';
import { listsCountedAt } from './apt-lists-kept';
import { addFetchesIndex } from './apk-update-cache-kept';

/** Where each package manager keeps the index its refresh downloads. */
const INDEX_DIRS: Record<string, string[]> = {
  'apt-get': ['/var/lib/apt/lists'],
  apt: ['/var/lib/apt/lists'],
  aptitude: ['/var/lib/apt/lists'],
  apk: ['/var/cache/apk', '/etc/apk/cache'],
  dnf: ['/var/cache/dnf', '/var/cache/yum'],
  yum: ['/var/cache/yum', '/var/cache/dnf'],
  microdnf: ['/var/cache/yum', '/var/cache/dnf'],
  zypper: ['/var/cache/zypp'],
};

/** The RUN directly before `instr` in its stage, when it only refreshes a package index. */
function refreshBefore(instr: Instr): { prev: Instr; manager: string } | undefined {
  const own = instr.stage?.instructions ?? [];
  const prev = own[own.indexOf(instr) - 1];
  if (!prev || !prev.run || prev.run.form === 'exec') return undefined;
  const manager = indexRefreshOnly(prev.run);
  // A cache mount keeps the index out of the layer: nothing to save.
  if (!manager || hasCacheMount(prev, ...(INDEX_DIRS[manager] ?? []))) return undefined;
  return { prev, manager };
}

export const rule: Rule = {
  id: 'index-update-in-separate-run',
  title: 'package index refreshed in its own RUN',
  severity: 'warning',
  hadolint: 'DL3059',
  scope: 'layers',
  reads: 'family',
  words: ['apt', 'apk', 'yum', 'dnf', 'zypper'],
  quotesLines: true,
  docs: {
    summary: 'A RUN that only refreshes a package index (`apt-get update`, `apk update`, `dnf makecache`, `zypper refresh`) directly followed by a RUN that installs with it.',
    why: 'The index becomes a layer of its own, so a cleanup in the install RUN cannot remove it. The split also lets the build cache reuse an old index with a new install line, which then fails or installs stale versions. Unlike hadolint DL3059, other consecutive RUNs are not reported: merging them saves layers, not size, and separate RUNs for dependencies and sources help the cache. Heredoc and exec-form RUNs are never reported.',
    incorrect: 'RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    correct: 'RUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    sizeImpact: `The index: for apt about ${formatBytes(APT_LISTS.bytes)} (${APT_LISTS.basis}); for apk, dnf and zypper the size of their repository metadata (not measured yet). apt-lists-kept counts apt's on the update's RUN when shown.`,
    fix: 'Merges the two RUNs into one with an `&&` continuation in the file\'s style (not offered when either RUN has flags such as `--mount`, or a comment sits between them; nor when the installing RUN is more than one list joined by `&&`, such as `apt-get install -y x || true`, `...; echo done` or a list run with `&`: joined after the refresh, a failed refresh would no longer fail the build).',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const stage of model.stages) {
      for (const instr of stage.instructions) {
        const run = instr.run;
        if (!run || run.form !== 'shell') continue;
        const before = refreshBefore(instr);
        if (!before || before.prev.run!.form !== 'shell') continue;
        // Also in a -c script the reader cannot place (hidden): the finding is then on the whole RUN.
        const ran = ranCommands(run);
        const k = ran.findIndex((c) => installsWith(c, before.manager));
        // A RUN that refreshes the index itself first does not use the earlier one (that layer is apt-lists-kept's).
        if (k < 0 || ran.slice(0, k).some((c) => indexRefreshOf(c) !== undefined)) continue;
        const apt = /^apt/.test(before.manager);
        const lists = apt ? aptLists(stage) : undefined;
        const range = run.commands.includes(ran[k]) ? commandRange(model, run, ran[k]) : instr.range;
        // An apk add that fetches its own indexes (`--no-cache`, `-U`) reads none of the earlier RUN's:
        // merged, apk-update-cache-kept drops the update.
        const fetches = programName(ran[k]) === 'apk' && (hasFlag(ran[k], '--no-cache') || addFetchesIndex(ran[k]));
        const line = before.prev.range.start.line + 1;
        const say = (size: string) =>
          fetches
            ? `The RUN at line ${line} only refreshes apk's index, which this \`apk add\` does not read (it fetches its own): that index is a layer of its own (${size}), kept for nothing. Merge the two RUNs, then the update can go.`
            : `Installs from the index refreshed by the RUN at line ${line}: that index is a layer of its own (${size}) that no cleanup here can remove. Merge the two RUNs.`;
        const alone = { range, instr, message: say(lists ? `about ${formatBytes(lists.bytes)}${lists.note}` : 'the repository metadata'), saving: lists ? { bytes: lists.bytes, basis: lists.basis } : { basis: `the size of ${before.manager}'s repository metadata` } };
        // apt-lists-kept reports the lists on that RUN (an apt update there, nothing removing them,
        // no cache mount): while it is shown, the figure is its own, said once.
        if (!lists || !before.prev.run!.commands.some(isAptUpdate)) {
          out.push(alone);
          continue;
        }
        out.push(...listsCountedAt(before.prev, alone, say));
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const instr = instructionAt(model, finding.range.start.line);
    const before = instr && refreshBefore(instr);
    const edit = before && mergeIntoPreviousRun(model, before.prev, instr);
    return edit && { title: `Merge with the RUN at line ${before.prev.range.start.line + 1}`, edits: [edit], preferred: true };
  },
};
