/**
 * apk-virtual-not-deleted: `apk add --virtual .build-deps gcc ...` groups build-time packages
 * under one name so they can be removed with `apk del .build-deps`. Without that delete in the
 * same RUN the compilers and headers stay in the layer; a delete in a later RUN hides them but
 * cannot shrink this layer.
 */
import { runInstructions, type RunScript } from '../core/model';
import { commandRange, operands, ranCommands, subcommand } from '../core/commands';
import { laterInImage } from '../core/commands';
import { findingCommand, followsInImage, verifiedAppend } from '../core/packageManagers';
import { programArgs, programName, runsWheneverScriptSucceeds, type ShellCommand } from '../core/shell';
import type { RawFinding, Rule } from './rule';

const BASIS = 'the packages of the virtual group (compilers and headers are typically the largest); their size depends on the packages';

/** The `--virtual` / `-t` group of an `apk add`: its name, the option that gave it, and whether they are one word (`--virtual=name`). */
interface VirtualGroup {
  option: string;
  name: string;
  joined: boolean;
}

/** The virtual group of an `apk add`, if any. */
function virtualGroup(cmd: ShellCommand): VirtualGroup | undefined {
  if (programName(cmd) !== 'apk' || subcommand(cmd)?.value !== 'add') return undefined;
  const args = programArgs(cmd).map((w) => w.value);
  for (let i = 0; i < args.length; i++) {
    // The option requires an argument, so apk takes the next word whatever it looks like.
    if (args[i] === '--virtual' || args[i] === '-t') return args[i + 1] === undefined ? undefined : { option: args[i], name: args[i + 1], joined: false };
    if (args[i].startsWith('--virtual=')) return { option: '--virtual', name: args[i].slice('--virtual='.length), joined: true };
  }
  return undefined;
}

/**
 * The virtual group of the `apk add` `cmd` that this rule reports: not named for run time, and
 * not deleted later in the RUN (a name that starts with `-` cannot be). build-tools-in-final-image
 * leaves the build packages of such a group to this rule, so they are reported once.
 */
export function keptGroup(run: RunScript, cmd: ShellCommand): VirtualGroup | undefined {
  const group = virtualGroup(cmd);
  if (!group || !group.name || /run/i.test(group.name)) return undefined;
  const later = run.commands.slice(run.commands.indexOf(cmd) + 1);
  return group.name.startsWith('-') || !later.some((c) => deletes(c, group.name)) ? group : undefined;
}

/** True when `cmd` is `apk del ... name`. */
function deletes(cmd: ShellCommand, name: string): boolean {
  return programName(cmd) === 'apk' && subcommand(cmd)?.value === 'del' && operands(cmd).some((w) => w.value === name);
}

export const rule: Rule = {
  id: 'apk-virtual-not-deleted',
  title: 'apk virtual package group never deleted',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  quotesLines: true,
  docs: {
    summary: '`apk add --virtual .name ...` without `apk del .name` in the same RUN.',
    why: 'A virtual group exists so that build-time packages (compilers, headers) can be removed with one `apk del` once the build is done. Deleted in a later RUN, the files are hidden but still stored in this layer. Groups whose name says they are kept for run time (`.run-deps`, `.rundeps`, as the official images name them) are not reported. `--virtual` and `-t` take the next word as the name of the group whatever it looks like, so in `apk add --virtual --no-cache gcc` the group is named `--no-cache` (and the cache option is not set); a name that starts with `-` is most likely a forgotten one, and the message says so instead of advising a delete.',
    incorrect: 'RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n    && pip install --no-cache-dir psycopg2',
    correct: 'RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n    && pip install --no-cache-dir psycopg2 \\\n    && apk del .build-deps',
    sizeImpact: `Depends on the packages: ${BASIS}.`,
    fix: 'Appends `&& apk del <name>` to the RUN, only when no later RUN of the image exists: a later RUN, or the running container, may use what the group installed, and the rule cannot tell. Otherwise no fix; the message says where the delete belongs. No fix either when the name is not a plain word (letters, digits, `.`, `_`, `+`, and `-` after the first character): a variable, quotes, or a name `apk del` would read as an option; nor when the `apk add` may not have run in a build that succeeded: inside an `if`, a loop or a `case`, after a failure the script tolerates (`test -n "$DEV" && apk add ...; make`, `... || true`), in the background (`&`), after an `exit`, or under `!` (`! apk add ...`: the build succeeded when it failed).',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    const deleters = model.instructions.filter((i) => i.run && ranCommands(i.run).some((c) => programName(c) === 'apk' && subcommand(c)?.value === 'del'));
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        const group = keptGroup(run, cmd);
        if (!group) continue;
        const name = group.name;
        if (name.startsWith('-')) {
          // `apk add --virtual --no-cache gcc`: the option word became the group's name; `apk del`
          // would read that name as an option, so the message advises a name, not a delete.
          out.push({
            range: commandRange(model, run, cmd),
            instr,
            message: `apk reads \`${name}\` as the group's name, not as an option${group.joined ? '' : ` (\`${group.option}\` takes the next word, whatever it looks like)`}. A name that starts with \`-\` is most likely a forgotten name (and \`apk del\` would read it as an option). The group stays in this layer: ${BASIS}. Write a name after \`${group.option}\` (\`${group.option} .build-deps\`) and delete the group by that name at the end of this RUN.`,
            saving: { basis: BASIS },
            data: { commandStart: cmd.start, name },
          });
          continue;
        }
        const later = deleters.find((i) => followsInImage(instr, i) && ranCommands(i.run!).some((c) => deletes(c, name)));
        const where = later ? ` The \`apk del\` on line ${later.range.start.line + 1} runs in a later layer, which cannot shrink this one.` : '';
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `The virtual group \`${name}\` stays in this layer: ${BASIS}.${where} Add \`apk del ${name}\` at the end of this RUN.`,
          saving: { basis: BASIS },
          data: { commandStart: cmd.start, name },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    const name = found && virtualGroup(found.cmd)?.name;
    // A name that starts with a dash (`--virtual --no-cache`) would be an option to `apk del`.
    if (!found || !name || !/^[\w.+][\w.+-]*$/.test(name)) return undefined;
    // The appended `apk del` runs whenever the script's last list succeeds, so the add must have
    // run in every such run: not inside an if, a loop or a case, nor after a tolerated failure
    // (`test -n "$DEV" && apk add ...; make`), nor in the background. Otherwise the delete would
    // run without the group (we have not checked how apk takes that).
    if (!runsWheneverScriptSucceeds(found.run.commands, found.cmd)) return undefined;
    if (laterInImage(model, found.instr).some((i) => i.run)) return undefined;
    const edit = verifiedAppend(model, found.instr, `apk del ${name}`);
    return edit && { title: `Delete the virtual group in the same RUN (apk del ${name})`, edits: [edit], preferred: true };
  },
};
