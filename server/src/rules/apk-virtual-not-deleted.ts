/**
 * apk-virtual-not-deleted: `apk add --virtual .build-deps gcc ...` groups build-time packages
 * under one name so they can be removed with `apk del .build-deps`. Without that delete in the
 * same RUN the compilers and headers stay in the layer; a delete in a later RUN hides them but
 * cannot shrink this layer.
 */
import { runInstructions, type DockerfileModel, type Instr, type RunScript } from '../core/model';
import { commandRange, operands, ranCommands, subcommand } from '../core/commands';
import { laterInImage } from '../core/commands';
import { findingCommand, followsInImage, precedesInChain, verifiedAppend } from '../core/packageManagers';
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

/** The packages an `apk add` names (the word after `--virtual`/`-t` names its group, not a package), without versions. */
export function apkAddPackages(cmd: ShellCommand): string[] {
  const args = programArgs(cmd);
  return operands(cmd)
    .slice(1)
    .filter((w) => !['--virtual', '-t'].includes(args[args.indexOf(w) - 1]?.value ?? ''))
    .map((w) => w.value.split(/[=<>~]/)[0]);
}

/**
 * `-dev` packages that take nothing a built program needs when `apk del` removes the group: musl-dev
 * (musl, the C library, and libc-dev, which pulls in musl-dev) and openssl-dev (libssl3 and
 * libcrypto3 are in every Alpine image, which needs them for apk itself); linux-headers holds
 * headers only and is no `-dev`. Any other `-dev` package pulls in its runtime library (libpq-dev
 * or postgresql-dev libpq, libffi-dev libffi, libxml2-dev libxml2), which the delete removes with
 * the group unless something else installed it: the built program (psycopg2, cffi, lxml, Pillow)
 * then fails when it loads. Which package holds each library is in Alpine's package index, which
 * we could not read from where this was written (2026-12-04): so no runtime package is named by
 * the fix, it asks for a review instead.
 */
const SAFE_DEV = new Set(['musl-dev', 'libc-dev', 'openssl-dev']);

/**
 * The `-dev` packages of the group added by `cmd` whose runtime library the delete may take: not in
 * SAFE_DEV, and neither `<name>` nor `<name>-libs` (the library package of the same Alpine source,
 * by abuild's naming of split packages) installed by another `apk add` of the RUN or of an earlier
 * RUN of the image, as the usual pattern does (`apk add --no-cache libffi && apk add --virtual
 * .build-deps libffi-dev ...`).
 */
function devWithRuntime(model: DockerfileModel, instr: Instr, cmd: ShellCommand): string[] {
  const devs = apkAddPackages(cmd).filter((n) => n.endsWith('-dev') && !SAFE_DEV.has(n));
  if (devs.length === 0) return devs;
  const adds = outsideGroups(model);
  const installed = (name: string) => (adds.get(name) ?? []).some((a) => a.cmd !== cmd && (a.instr === instr || precedesInChain(a.instr, instr)));
  return devs.filter((n) => !installed(n.slice(0, -4)) && !installed(`${n.slice(0, -4)}-libs`));
}

/** Per model: for each package, the `apk add` commands that install it and the RUNs they are in. */
const installers = new WeakMap<DockerfileModel, Map<string, { instr: Instr; cmd: ShellCommand }[]>>();

/**
 * The `apk add` commands of the file by package, those of a group their RUN deletes left out (the
 * delete takes the packages away again). Gathered once per model: every group asks.
 */
function outsideGroups(model: DockerfileModel): Map<string, { instr: Instr; cmd: ShellCommand }[]> {
  let adds = installers.get(model);
  if (adds) return adds;
  installers.set(model, (adds = new Map()));
  for (const i of model.instructions) {
    if (!i.run) continue;
    const commands = ranCommands(i.run);
    commands.forEach((c, k) => {
      if (programName(c) !== 'apk' || subcommand(c)?.value !== 'add') return;
      const group = virtualGroup(c)?.name;
      if (group && commands.slice(k + 1).some((d) => deletes(d, group))) return;
      for (const n of apkAddPackages(c)) {
        const list = adds!.get(n);
        if (list) list.push({ instr: i, cmd: c });
        else adds!.set(n, [{ instr: i, cmd: c }]);
      }
    });
  }
  return adds;
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
  words: ['apk'],
  quotesLines: true,
  docs: {
    summary: '`apk add --virtual .name ...` without `apk del .name` in the same RUN.',
    why: 'A virtual group lets build-time packages (compilers, headers) go with one `apk del` after the build; deleted in a later RUN, they stay stored in this layer. Groups named for run time (`.run-deps`, `.rundeps`, as in the official images) are not reported. `--virtual` and `-t` take the next word as the name, whatever it is: in `apk add --virtual --no-cache gcc` the group is `--no-cache` (and the cache option is not set), most likely a forgotten name, which the message says instead of advising a delete.',
    incorrect: 'RUN apk add --no-cache libpq \\\n    && apk add --no-cache --virtual .build-deps gcc musl-dev libpq-dev \\\n    && pip install --no-cache-dir psycopg2',
    correct: 'RUN apk add --no-cache libpq \\\n    && apk add --no-cache --virtual .build-deps gcc musl-dev libpq-dev \\\n    && pip install --no-cache-dir psycopg2 \\\n    && apk del .build-deps',
    sizeImpact: 'Depends on the packages of the virtual group (compilers and headers are typically the largest).',
    fix: 'Appends `&& apk del <name>` to the RUN only when no later RUN of the image exists (a later RUN, or the running container, may use what the group installed; the rule cannot tell); otherwise the message says where the delete belongs. No fix when the name is not a plain word (letters, digits, `.`, `_`, `+`, `-` after the first): a variable, quotes, or a name `apk del` would take for an option; nor when the `apk add` may not have run in a successful build: inside an `if`, loop or `case`, after a tolerated failure (`test -n "$DEV" && apk add ...; make`, `... || true`), in the background (`&`), after an `exit`, or under `!` (the build succeeds when it fails); nor under a SHELL that is no POSIX shell. Not preferred when the group holds a `-dev` package other than musl-dev, libc-dev and openssl-dev, unless `<name>` or `<name>-libs` (`libffi` for `libffi-dev`) is installed outside it: the delete would also remove the runtime library the build links against (libpq for psycopg2), and the message says to install it outside the group.',
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
        const devs = devWithRuntime(model, instr, cmd);
        const keep = devs.length > 0 ? `, keeping the runtime libraries the build links against: install those of ${devs.join(', ')} outside the group (\`apk add --no-cache\`)` : '';
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `The virtual group \`${name}\` stays in this layer: ${BASIS}.${where} Add \`apk del ${name}\` at the end of this RUN${keep}.`,
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
    if (!edit) return undefined;
    // Not applied by "fix all" where the delete may take a library the built program loads.
    const devs = devWithRuntime(model, found.instr, found.cmd);
    const review = devs.length > 0 ? `; review: it removes the runtime libraries of ${devs.join(', ')} unless installed outside the group` : '';
    return { title: `Delete the virtual group in the same RUN (apk del ${name}${review})`, edits: [edit], preferred: devs.length === 0 };
  },
};
