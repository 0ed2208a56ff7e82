/**
 * apk-cache-kept (hadolint DL3019): `apk add` without `--no-cache` keeps the package index it
 * downloaded in /var/cache/apk.
 */
import { runInstructions, type DockerfileModel, type Instr, type Stage } from '../core/model';
import { commandRange, hasCacheMount, hasFlag, insertAfterWord, lastRemovalAt, ranCommands, removesOneOf, subcommand } from '../core/commands';
import { findingCommand } from '../core/packageManagers';
import { programName, type ShellCommand } from '../core/shell';
import { isApkAdd, isApkUpdate, rule as updateRule } from './apk-update-cache-kept';
import type { RawFinding, Rule } from './rule';

const BASIS = 'the APKINDEX files of the configured repositories (their size is not yet measured by our bench)';
const DIRS = ['/var/cache/apk', '/etc/apk/cache'];

/**
 * For each `apk add` that keeps the indexes: the RUN whose indexes in /var/cache/apk it finds, or
 * undefined when there are none and it fetches them. `apk update` and `-U` always fetch; removing
 * /var/cache/apk empties it; a RUN with a cache mount on it leaves the layer's folder as it was. Worked
 * out once per model, stages in file order (a stage names only earlier ones), each starting from
 * its base stage's end.
 */
function indexesRead(model: DockerfileModel): Map<ShellCommand, Instr | undefined> {
  const out = new Map<ShellCommand, Instr | undefined>();
  const atEnd = new Map<Stage, Instr | undefined>();
  for (const stage of model.stages) {
    let left = stage.from.stage && atEnd.get(stage.from.stage);
    for (const instr of stage.instructions) {
      if (!instr.run) continue;
      const mounted = hasCacheMount(instr, ...DIRS);
      let here = left;
      for (const c of ranCommands(instr.run)) {
        if (removesOneOf(c, ['/var/cache/apk'])) here = undefined;
        else if (programName(c) !== 'apk') continue;
        else if (isApkUpdate(c) || (isApkAdd(c) && hasFlag(c, '-U', '--update-cache'))) here = instr;
        else if (isApkAdd(c) && !hasFlag(c, '--no-cache')) {
          out.set(c, here);
          here ??= instr;
        }
      }
      if (!mounted) left = here;
    }
    atEnd.set(stage, left);
  }
  return out;
}

export const rule: Rule = {
  id: 'apk-cache-kept',
  title: 'apk index cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3019',
  scope: 'layers',
  reads: 'family',
  // The message names the earlier RUN whose indexes an add reads.
  quotesLines: true,
  docs: {
    summary: '`apk add` without `--no-cache`.',
    why: '`apk add` fetches the repository indexes and keeps them in /var/cache/apk; `--no-cache` fetches them to a temporary place instead.',
    incorrect: 'RUN apk add curl',
    correct: 'RUN apk add --no-cache curl',
    sizeImpact: `Small but certain: ${BASIS}. Not reported where apk-update-cache-kept reports an \`apk update\` of the same RUN (the same indexes, counted there), unless that rule is off or ignored there. An add reading an earlier RUN's indexes names that RUN instead.`,
    fix: 'Inserts `--no-cache` after `add`.',
  },
  check(ctx) {
    const { model } = ctx;
    const out: RawFinding[] = [];
    // RUNs where apk-update-cache-kept reports an `apk update`: it keeps the same indexes, so they are
    // reported once, there, and its repair adds --no-cache here too (adding it alone would leave the
    // update's copy); here only when that finding is not shown. Asked only of a file with such a RUN.
    let updated: Set<Instr | undefined> | undefined;
    let read: Map<ShellCommand, Instr | undefined> | undefined;
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      if (hasCacheMount(instr, ...DIRS)) continue;
      const handOver = run.commands.some(isApkUpdate) && (updated ??= new Set(updateRule.check(ctx).map((f) => f.instr))).has(instr) ? ({ to: updateRule.id, keep: 'if-hidden' } as const) : undefined;
      // Only a removal after an add takes its index (one before it is refilled by the add).
      const ran = ranCommands(run);
      const removedAt = lastRemovalAt(run, '/var/cache/apk');
      for (let k = 0; k < run.commands.length; k++) {
        const cmd = run.commands[k];
        if (!isApkAdd(cmd) || hasFlag(cmd, '--no-cache')) continue;
        // Its place in what the RUN runs: k, unless those are a -c script's (then -1: any removal is after).
        if (removedAt > (ran === run.commands ? k : ran.indexOf(cmd))) continue;
        // Indexes an earlier RUN left are that RUN's, counted there (not `-U`, which fetches them again).
        const from = (read ??= indexesRead(model)).get(cmd);
        const reads = from !== instr && from;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: reads ? `Reads the apk indexes the RUN at line ${reads.range.start.line + 1} left (counted there). Add --no-cache.` : `apk keeps its package index in /var/cache/apk: ${BASIS}. Add --no-cache.`,
          saving: { basis: reads ? 'the APKINDEX files, counted at the RUN that left them' : BASIS },
          holds: '/var/cache/apk',
          handOver,
          data: { commandStart: cmd.start },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    const add = found && subcommand(found.cmd);
    if (!found || !add) return undefined;
    const { run } = found;
    return { title: 'Add --no-cache', edits: [insertAfterWord(model, run, add, ' --no-cache')], preferred: true };
  },
};
