/**
 * package-upgrade: `apt-get upgrade`, `apk upgrade`, `dnf upgrade`... in a Dockerfile rewrite
 * every package that changed since the base image was built. The new files land in this layer;
 * the old ones stay in the base image's layers, so each upgraded package is stored twice.
 */
import { runInstructions } from '../core/model';
import { commandRange, operands } from '../core/commands';
import { programName, type ShellCommand } from '../core/shell';
import type { RawFinding, Rule } from './rule';

/** Subcommands that upgrade everything installed, per package manager. */
const UPGRADES: Record<string, RegExp> = {
  'apt-get': /^(upgrade|dist-upgrade|full-upgrade)$/,
  apt: /^(upgrade|dist-upgrade|full-upgrade)$/,
  aptitude: /^(upgrade|safe-upgrade|full-upgrade|dist-upgrade)$/,
  apk: /^upgrade$/,
  yum: /^(update|upgrade|distro-sync)$/,
  dnf: /^(update|upgrade|distro-sync)$/,
  dnf5: /^(update|upgrade|distro-sync)$/,
  microdnf: /^(update|upgrade)$/,
  zypper: /^(update|up|dist-upgrade|dup|patch)$/,
};
const BASIS = "each package changed since the base image was built is written again, its old copy staying in the base layers; how much depends on the base image's age";

/** The upgrade subcommand when `cmd` upgrades all installed packages (not a named few). */
function upgradesAll(cmd: ShellCommand): string | undefined {
  const name = programName(cmd);
  const pattern = UPGRADES[name];
  if (!pattern) return undefined;
  const ops = operands(cmd);
  // Skip option values (`-o Dpkg::Options::=...` is one word; `--setopt x` rare) by finding the subcommand.
  const k = ops.findIndex((w) => pattern.test(w.value));
  if (k < 0 || ops.slice(0, k).some((w) => /^[a-z][a-z-]*$/.test(w.value))) return undefined;
  // `dnf upgrade openssl` names packages: a targeted update, not the whole image.
  if (ops.length > k + 1) return undefined;
  return `${name} ${ops[k].value}`;
}

export const rule: Rule = {
  id: 'package-upgrade',
  title: 'all packages upgraded in the image',
  severity: 'info',
  scope: 'layers',
  reads: 'family',
  words: ['apt', 'apk', 'yum', 'dnf', 'zypper'],
  docs: {
    summary: '`apt-get upgrade` / `dist-upgrade` / `full-upgrade` (also `apk upgrade`, `dnf`/`yum`/`microdnf` `upgrade`, `zypper update`) in a Dockerfile.',
    why: 'An upgrade rewrites every package that changed since the base image was built. Layers only add files: the new versions go into this layer and the old ones stay in the base image\'s layers, so each upgraded package is stored twice. A newer tag of the base image carries the same updates once. Security updates are a good reason to upgrade; the size-friendly way to get them is to rebuild on a fresh base tag (official images are rebuilt regularly with the distribution updates).',
    incorrect: 'FROM debian:bookworm-20240110-slim\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*',
    correct: '# a current tag already contains the updates\nFROM debian:bookworm-slim',
    sizeImpact: "Depends on the base image's age: each package changed since it was built is stored a second time.",
    fix: 'None: whether to take updates now or via a newer base tag is a choice the author has to make, and changing the FROM changes what is built.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        const what = upgradesAll(cmd);
        if (!what) continue;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `\`${what}\` stores upgraded packages a second time: ${BASIS}. Prefer a newer base image tag.`,
          saving: { basis: BASIS },
        });
      }
    }
    return out;
  },
};
