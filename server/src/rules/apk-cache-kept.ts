/**
 * apk-cache-kept (hadolint DL3019): `apk add` without `--no-cache` keeps the package index it
 * downloaded in /var/cache/apk.
 */
import { runInstructions, type DockerfileModel, type Instr, type Stage } from '../core/model';
import { commandRange, hasCacheMount, hasFlag, insertAfterWord, ranCommands, subcommand } from '../core/commands';
import { findingCommand, removesHere } from '../core/packageManagers';
import { programName, type ShellCommand } from '../core/shell';
import { BASIS, fetchesApkIndex, isApkAdd, isApkUpdate, rule as updateRule } from './apk-update-cache-kept';
import type { RawFinding, Rule } from './rule';

const DIRS = ['/var/cache/apk', '/etc/apk/cache'];
/** The folder whose removal takes the indexes. */
const INDEX_DIR = ['/var/cache/apk'];
/** An add that keeps indexes: not `--no-cache`, and not `--no-network` (it fetches none; docker-library's run deps). */
const keepsIndex = (c: ShellCommand) => isApkAdd(c) && !hasFlag(c, '--no-cache') && !hasFlag(c, '--no-network');

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
        if (removesHere(instr, c, INDEX_DIR)) here = undefined;
        else if (programName(c) !== 'apk') continue;
        else if (fetchesApkIndex(c)) here = instr;
        else if (keepsIndex(c)) {
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

/**
 * The adds of `instr`'s RUN that leave indexes in its layer (no --no-cache, no removal of
 * /var/cache/apk after them): `own` read indexes this RUN fetched (the first fetches them; `-U`
 * fetches again), `reading` those an earlier RUN left (not `-U`, which fetches them again).
 */
function keptAdds(instr: Instr, read: Map<ShellCommand, Instr | undefined>): { own: ShellCommand[]; reading: Array<{ cmd: ShellCommand; from: Instr }> } {
  const run = instr.run!;
  const own: ShellCommand[] = [];
  const reading: Array<{ cmd: ShellCommand; from: Instr }> = [];
  // Only a removal after an add takes its index (one before it is refilled by the add): where the
  // RUN last removes it, found once per RUN. An operand's variables are read as the rm sees them
  // (`ENV C=/var/cache/apk` then `rm -rf $C/*`), as apt-lists-kept reads them.
  const ran = ranCommands(run);
  let removedAt = ran.length - 1;
  while (removedAt >= 0 && !removesHere(instr, ran[removedAt], INDEX_DIR)) removedAt--;
  for (let k = 0; k < run.commands.length; k++) {
    const cmd = run.commands[k];
    if (!keepsIndex(cmd)) continue;
    // Its place in what the RUN runs: k, unless those are a -c script's (then -1: any removal is after).
    if (removedAt > (ran === run.commands ? k : ran.indexOf(cmd))) continue;
    const from = read.get(cmd);
    if (from && from !== instr) reading.push({ cmd, from });
    else own.push(cmd);
  }
  return { own, reading };
}

export const rule: Rule = {
  id: 'apk-cache-kept',
  title: 'apk index cache left in the layer',
  severity: 'warning',
  hadolint: 'DL3019',
  scope: 'layers',
  reads: 'family',
  words: ['apk'],
  // The message names the earlier RUN whose indexes an add reads.
  quotesLines: true,
  docs: {
    summary: '`apk add` without `--no-cache`.',
    why: '`apk add` fetches the repository indexes and keeps them in /var/cache/apk; `--no-cache` fetches them to a temporary place, `--no-network` not at all.',
    incorrect: 'RUN apk add curl',
    correct: 'RUN apk add --no-cache curl',
    sizeImpact: `Small but certain: ${BASIS}. Reported at the RUN's \`apk update\` (apk-update-cache-kept) while that rule shows. An add reading an earlier RUN's indexes names that RUN.`,
    fix: 'Inserts `--no-cache` after each such `add` of the RUN.',
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
      const { own, reading } = keptAdds(instr, (read ??= indexesRead(model)));
      // The adds of one RUN are one finding, whose fix gives each --no-cache (on the first alone, a
      // later one fetches the indexes again): about the indexes this layer keeps, or, when it keeps
      // none of its own, those an earlier RUN left (counted there).
      const cmd = own[0] ?? reading[0]?.cmd;
      if (!cmd) continue;
      const from = !own.length && reading[0].from;
      out.push({
        range: commandRange(model, run, cmd),
        instr,
        message: from ? `Reads the apk indexes the RUN at line ${from.range.start.line + 1} left (counted there). Add --no-cache.` : `apk keeps its package index in /var/cache/apk: ${BASIS}. Add --no-cache.`,
        saving: { basis: from ? 'the APKINDEX files, counted at the RUN that left them' : BASIS },
        holds: '/var/cache/apk',
        handOver,
        data: { commandStart: cmd.start },
      });
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    if (!found) return undefined;
    // The RUN's finding: every add it keeps indexes for.
    const { own, reading } = keptAdds(found.instr, indexesRead(model));
    const all = [...own, ...reading.map((r) => r.cmd)];
    const adds = all.includes(found.cmd) ? all : [found.cmd];
    const edits = adds.map((c) => subcommand(c)).map((add) => add && insertAfterWord(model, found.run, add, ' --no-cache'));
    return edits.every((e) => e !== undefined) ? { title: 'Add --no-cache', edits, preferred: true } : undefined;
  },
};
