/**
 * apk-cache-kept (hadolint DL3019): `apk add` without `--no-cache` keeps the package index it
 * downloaded in /var/cache/apk.
 */
import { runInstructions, type Instr } from '../core/model';
import { commandRange, hasCacheMount, hasFlag, insertAfterWord, lastRemovalAt, ranCommands, subcommand } from '../core/commands';
import { findingCommand } from '../core/packageManagers';
import { programName } from '../core/shell';
import { isApkUpdate, rule as updateRule } from './apk-update-cache-kept';
import type { RawFinding, Rule } from './rule';

const BASIS = 'the APKINDEX files of the configured repositories (their size is not yet measured by our bench)';

export const rule: Rule = {
  id: 'apk-cache-kept',
  title: 'apk index cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3019',
  scope: 'layers',
  reads: 'family',
  docs: {
    summary: '`apk add` without `--no-cache`.',
    why: '`apk add` fetches the repository indexes and keeps them in /var/cache/apk; `--no-cache` fetches them to a temporary place instead.',
    incorrect: 'RUN apk add curl',
    correct: 'RUN apk add --no-cache curl',
    sizeImpact: `Small but certain: ${BASIS}. Not reported where apk-update-cache-kept reports an \`apk update\` of the same RUN (the same indexes, counted there), unless that rule is off or ignored there.`,
    fix: 'Inserts `--no-cache` after `add`.',
  },
  check(ctx) {
    const { model } = ctx;
    const out: RawFinding[] = [];
    // RUNs where apk-update-cache-kept reports an `apk update`: it keeps the same indexes, so they are
    // reported once, there, and its repair adds --no-cache here too (adding it alone would leave the
    // update's copy); here only when that finding is not shown. Asked only of a file with such a RUN.
    let updated: Set<Instr | undefined> | undefined;
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      if (hasCacheMount(instr, '/var/cache/apk', '/etc/apk/cache')) continue;
      const handOver = run.commands.some(isApkUpdate) && (updated ??= new Set(updateRule.check(ctx).map((f) => f.instr))).has(instr) ? ({ to: updateRule.id, keep: 'if-hidden' } as const) : undefined;
      // Only a removal after an add takes its index (one before it is refilled by the add).
      const ran = ranCommands(run);
      const removedAt = lastRemovalAt(run, '/var/cache/apk');
      for (let k = 0; k < run.commands.length; k++) {
        const cmd = run.commands[k];
        if (programName(cmd) !== 'apk' || subcommand(cmd)?.value !== 'add' || hasFlag(cmd, '--no-cache')) continue;
        // Its place in what the RUN runs: k, unless those are a -c script's (then -1: any removal is after).
        if (removedAt > (ran === run.commands ? k : ran.indexOf(cmd))) continue;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `apk keeps its package index in /var/cache/apk: ${BASIS}. Add --no-cache.`,
          saving: { basis: BASIS },
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
