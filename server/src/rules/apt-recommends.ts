/**
 * apt-recommends (hadolint DL3015): without `--no-install-recommends`, apt also installs every
 * package the requested ones merely recommend: documentation tools, extra libraries, whole
 * toolchains sometimes.
 */
import { runInstructions, type DockerfileModel, type Instr, type RunScript, type Stage } from '../core/model';
import { aptPackages, commandRange, hasFlag, firstRanAfter, insertAfterWord, isAptInstall, isPipInstall, ranCommands, runsOn, subcommand } from '../core/commands';
import { findingCommand } from '../core/packageManagers';
import { programArgs, programName, type ShellCommand, type ShellWord } from '../core/shell';
import type { TextEdit } from '../core/types';
import type { RawFinding, Rule } from './rule';
import { aptBase, aptBasis, aptIndexNote, aptStateBefore } from '../core/imageEstimate';
import { estimateAptInstall, formatBytes, OFFICIAL_BASE_PACKAGES, recommendsCost } from '../sizes';

const FLAG = '--no-install-recommends';
/** Recorded in the study the figure comes from; used until the package-level model can say more. */
const STUDY_BASIS = 'recommended packages cost 1 MB to 71 MB in real images (Durieux, ICSE 2024, 11,313 Dockerfiles)';
/** Packages that reach HTTPS hosts and only trust them when `ca-certificates`, a recommendation of theirs, is present. */
const NEEDS_CA = new Set(['curl', 'wget', 'git', 'openssl', 'gnupg', 'ssh', 'openssh-client']);
/**
 * C compilers that find the C library's headers only through a recommendation of theirs,
 * libc6-dev (gcc's and gcc-12's `Recommends: libc6-dev`): without it, on a slim base, compiling
 * anything that includes <stdio.h> (a Python or Ruby extension) fails.
 */
const NEEDS_LIBC_DEV = /^(?:gcc(?:-\d+)?|tcc)$/;

/**
 * gpg operations that work without gpg-agent: measured on bookworm with `apt-get install -y
 * --no-install-recommends gpg` (no gpg-agent, no dirmngr): these exit 0; `--import` (even of a
 * public key), `--recv-keys`, `--sign`, `--quick-gen-key` exit 2 ("can't connect to the agent").
 */
const GPG_AGENT_FREE = new Set(['--dearmor', '--enarmor', '--verify', '--list-keys', '-k', '--show-keys', '--fingerprint', '--export', '--print-md', '--list-packets', '--version', '--help']);
/** gpg operations that reach a key server or a web key directory through dirmngr ("No dirmngr" without it, before any network access). */
const GPG_DIRMNGR = /^--(?:recv-keys?|receive-keys|locate-(?:external-)?keys|fetch-keys|search-keys|refresh-keys|send-keys?|keyserver|auto-key-(?:locate|retrieve))(?:=|$)/;
const isGpg = (c: ShellCommand) => /^gpg2?$/.test(programName(c));
/** apt-key runs gpg: `add` and `adv` import keys (exit 2 without gpg-agent, measured). */
const isAptKeyImport = (c: ShellCommand) => programName(c) === 'apt-key' && /^(?:add|adv)$/.test(subcommand(c)?.value ?? '');
/** A remote git reaches through ssh: `git@host:path`, `ssh://`, `git+ssh://`. */
const SSH_REMOTE = /^(?:(?:git\+)?ssh:\/\/|[\w.-]+@[\w.-]+:)/;
const SSH_PROGRAMS = new Set(['ssh', 'scp', 'sftp', 'ssh-keyscan', 'ssh-keygen', 'ssh-add', 'ssh-agent']);

/**
 * Recommendations whose absence makes a command of the image fail, kept by the fix only when the
 * RUN (after the install) or a later RUN of the image runs such a command, and only when a named
 * package brings them only as a recommendation (gpg: gnupg; git: ssh-client). Measured on a
 * bookworm base, no network: with `--no-install-recommends gpg`, `gpg --import key.asc` exits 2
 * ("failed to start agent '/usr/bin/gpg-agent'") and `gpg --recv-keys` fails with "No dirmngr";
 * with `--no-install-recommends git`, `git clone git@github.com:a/b.git` fails with "cannot run ssh".
 */
const NEEDED_BY_USE: readonly { pkg: string; uses: (c: ShellCommand, instr: Instr) => boolean }[] = [
  {
    pkg: 'dirmngr',
    uses: (c) => (isGpg(c) && programArgs(c).some((w) => GPG_DIRMNGR.test(w.value))) || (isAptKeyImport(c) && programArgs(c).some((w) => GPG_DIRMNGR.test(w.value))),
  },
  {
    pkg: 'gpg-agent',
    uses: (c) => (isGpg(c) && !programArgs(c).some((w) => GPG_AGENT_FREE.has(w.value))) || isAptKeyImport(c),
  },
  {
    pkg: 'openssh-client',
    uses: (c, instr) =>
      SSH_PROGRAMS.has(programName(c)) ||
      (programName(c) === 'git' && (instr.run?.mounts.some((m) => /(?:^|,)type=ssh(?:,|$)/.test(m)) || programArgs(c).some((w) => SSH_REMOTE.test(w.value)))),
  },
];

type Need = (typeof NEEDED_BY_USE)[number];

/**
 * Named packages whose recommendations hold the compilers a later command may need. Measured by
 * helper-120 on bookworm without the recommendations: `pip3 install --no-build-isolation ./e` (a C
 * extension) fails with "command 'x86_64-linux-gnu-gcc' failed" (python3-pip recommends
 * build-essential and python3-dev), `cmake .` on a C project with "CMAKE_C_COMPILER not set" (cmake
 * recommends gcc and make). Whether the later command compiles is not known from the file (most
 * pip packages come as wheels), so there the fix is left to a review instead of keeping them.
 */
const REVIEW_WHEN: readonly (Need & { named: string; why: string })[] = [
  { named: 'python3-pip', pkg: 'build-essential', uses: (c) => isPipInstall(c) !== undefined, why: 'pip may need build-essential, python3-dev' },
  { named: 'python3-pip', pkg: 'python3-dev', uses: (c) => isPipInstall(c) !== undefined, why: 'pip may need build-essential, python3-dev' },
  { named: 'cmake', pkg: 'gcc', uses: (c) => programName(c) === 'cmake', why: 'cmake needs gcc, make' },
];

/** The names an apt install writes, without their `=version`. */
const packageNames = (packages: readonly ShellWord[]): string[] => packages.map((w) => w.value.split('=')[0]);

/** Why the fix needs a review ({@link REVIEW_WHEN}), or undefined. */
function reviewReason(model: DockerfileModel, instr: Instr, cmd: ShellCommand): string | undefined {
  const names = packageNames(aptPackages(cmd));
  return REVIEW_WHEN.find((r) => names.includes(r.named) && recommendsCost(names).packages.includes(r.pkg) && usedLater(model, instr, cmd, r))?.why;
}
/** Per model and need: the RUNs that run a command needing it, in file order (few), found once. */
const USERS = new WeakMap<DockerfileModel, Map<Need, Instr[]>>();

/**
 * True when the RUN runs, after `cmd`, a command that needs `need.pkg`, or a later RUN of the
 * image does (its own stage or one built on it). The RUNs that use it are listed once per model,
 * so asking for every install stays linear.
 */
function usedLater(model: DockerfileModel, instr: Instr, cmd: ShellCommand, need: Need): boolean {
  if (instr.run && firstRanAfter(instr.run, cmd, (c) => need.uses(c, instr), need)) return true;
  let byNeed = USERS.get(model);
  if (!byNeed) USERS.set(model, (byNeed = new Map()));
  let users = byNeed.get(need);
  if (!users) byNeed.set(need, (users = runInstructions(model).filter((at) => ranCommands(at.run).some((c) => need.uses(c, at)))));
  const stage = instr.stage;
  return !!stage && users.some((at) => at.index > instr.index && runsOn(at, stage));
}

/** The recommendations the fix keeps by naming them: those that make the named packages work in most images, and those a later command needs (NEEDED_BY_USE). */
function keptRecommendations(names: readonly string[], model: DockerfileModel, instr: Instr, cmd: ShellCommand): string[] {
  const kept: string[] = [];
  if (names.some((n) => NEEDS_CA.has(n)) && !names.includes('ca-certificates')) kept.push('ca-certificates');
  if (names.some((n) => NEEDS_LIBC_DEV.test(n)) && !names.includes('libc6-dev') && !names.includes('libc-dev') &&
      // Another named package may depend on it (g++, build-essential, zlib1g-dev): then it comes
      // anyway (libc6-dev is in no official base, so the estimate on one lists it when it does).
      !estimateAptInstall(names, { recommends: false }).packages.includes('libc6-dev')) kept.push('libc6-dev');
  let recommended: readonly string[] | undefined;
  for (const need of NEEDED_BY_USE) {
    // Only what the recommendations add (none of these is in an official base): a named package
    // that depends on it (gnupg, openssh-client itself) brings it anyway.
    if (!names.includes(need.pkg) && (recommended ??= recommendsCost(names).packages).includes(need.pkg) && usedLater(model, instr, cmd, need)) kept.push(need.pkg);
  }
  return kept;
}
/**
 * The recommendations the fix names (keptRecommendations), and the word it writes them after:
 * the last package written as a plain name. A last operand in quotes, or an open backquote
 * (`curl \`` ending a here-document body with the backtick escape, which the shell reads to the
 * end of the body), would take the name into it, or write it past the body's end onto the
 * terminator's line, which then ends nothing. Undefined when there are none, or no such word.
 */
function fixKeeps(model: DockerfileModel, instr: Instr, run: RunScript, cmd: ShellCommand): { names: string[]; after: ShellWord } | undefined {
  const packages = aptPackages(cmd);
  const plain = packages.filter((w) => /^[A-Za-z0-9][A-Za-z0-9+.:=~_-]*$/.test(w.value) && run.text.slice(w.start, w.end) === w.value);
  const after = plain[plain.length - 1];
  const names = after && keptRecommendations(packageNames(packages), model, instr, cmd);
  return names && names.length > 0 ? { names, after } : undefined;
}

/** The apt setting that turns recommendations off, as a configuration file writes it (`APT::Install-Recommends "false";`, also from `echo "... \"false\";"`). */
const CONF_OFF = /APT::Install-Recommends\s+(?:\\?")?(?:false|0|no|off)(?:\\?")?\s*;/i;
/** Where apt reads its configuration: the setting counts only in a text that writes there. */
const APT_CONF = /\/etc\/apt\/apt\.conf/;
const writesConfOff = (text: string) => CONF_OFF.test(text) && APT_CONF.test(text);

/**
 * The RUNs and COPYs (a here-document) of a stage whose text writes {@link CONF_OFF}: few or none,
 * found once per stage and only for the stages of a FROM chain that installs with apt (not the
 * whole file on every keystroke).
 */
const CONF_WRITERS = new WeakMap<Stage, Instr[]>();
function confWriters(model: DockerfileModel, stage: Stage): Instr[] {
  let found = CONF_WRITERS.get(stage);
  if (!found) {
    const text = (i: Instr) => i.run?.text ?? model.text.slice(model.lines.offsetAt(i.range.start), model.lines.offsetAt(i.range.end));
    found = stage.instructions.filter((i) => (i.keyword === 'RUN' || i.keyword === 'COPY') && writesConfOff(text(i)));
    CONF_WRITERS.set(stage, found);
  }
  return found;
}

/**
 * The shortest start of a RUN's text that {@link writesConfOff} (Infinity when the whole text does
 * not): a longer start does too (neither pattern has an anchor or a lookaround), so an install
 * sees the setting iff it starts at or after it. Found once per RUN by halving, not by testing the
 * text up to each install (quadratic in the installs of one RUN, issue #7).
 */
const CONF_OFF_FROM = new WeakMap<RunScript, number>();
function confOffFrom(run: RunScript): number {
  let found = CONF_OFF_FROM.get(run);
  if (found === undefined) {
    found = Infinity;
    if (writesConfOff(run.text)) {
      let [lo, hi] = [0, run.text.length]; // the prefix of length hi writes it, that of lo does not
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (writesConfOff(run.text.slice(0, mid))) hi = mid;
        else lo = mid;
      }
      found = hi;
    }
    CONF_OFF_FROM.set(run, found);
  }
  return found;
}

/**
 * True when apt's configuration turns recommendations off before `cmd` runs: an earlier RUN or
 * COPY of the image, or the same RUN before it, writes `APT::Install-Recommends "false"` (into
 * /etc/apt/apt.conf.d, as images that want it everywhere do).
 */
function recommendsOffInConfig(model: DockerfileModel, instr: Instr, run: RunScript, cmd: ShellCommand): boolean {
  if (cmd.start >= confOffFrom(run)) return true;
  for (let st = instr.stage; st; st = st.from.stage) if (confWriters(model, st).some((w) => w.index < instr.index)) return true;
  return false;
}

/**
 * True when the apt install `cmd` of `instr` installs recommended packages: no flag, no `-o
 * APT::Install-Recommends=false`, no apt configuration before it that turns them off. The rule
 * reports these, and the image estimate counts their recommendations.
 */
export function installsRecommends(model: DockerfileModel, instr: Instr, cmd: ShellCommand): boolean {
  if (hasFlag(cmd, FLAG) || programArgs(cmd).some((w) => /APT::Install-Recommends=(?:false|0|no|off)\b/i.test(w.value))) return false;
  return !(instr.run && recommendsOffInConfig(model, instr, instr.run, cmd));
}

/**
 * A repository the image adds before an install (NodeSource's setup script piped to a shell,
 * add-apt-repository, a sources.list entry): its packages may replace Debian's, whose index then
 * does not tell their recommendations (NodeSource's nodejs recommends nothing, Debian's
 * nodejs-doc). Read in this RUN before the install and in the image's earlier RUNs. The image
 * estimate does not size such an install.
 */
const ADDS_REPO = /sources\.list|add-apt-repo|\|\s*(sudo (-E )?)?(ba)?sh\b/;
export function addsRepo(instr: Instr, cmd: ShellCommand): boolean {
  if (repoEnd(instr.run!) <= cmd.start) return true;
  for (let s = instr.stage; s; s = s.from.stage) if (firstRepoRun(s) < instr.index) return true;
  return false;
}
/** Where the first match of {@link ADDS_REPO} in the RUN's text ends (Infinity: none), once per RUN, not per install. */
const REPO_END = new WeakMap<RunScript, number>();
function repoEnd(run: RunScript): number {
  let end = REPO_END.get(run);
  if (end === undefined) {
    const m = ADDS_REPO.exec(run.text);
    REPO_END.set(run, (end = m ? m.index + m[0].length : Infinity));
  }
  return end;
}
/** The index of the stage's first RUN that adds a repository (Infinity: none), once per stage: each install asked every earlier RUN. */
const FIRST_REPO_RUN = new WeakMap<Stage, number>();
function firstRepoRun(stage: Stage): number {
  let at = FIRST_REPO_RUN.get(stage);
  if (at === undefined) FIRST_REPO_RUN.set(stage, (at = stage.instructions.find((i) => i.run && repoEnd(i.run) < Infinity)?.index ?? Infinity));
  return at;
}

export const rule: Rule = {
  id: 'apt-recommends',
  title: 'apt installs recommended packages',
  severity: 'warning',
  hadolint: 'DL3015',
  scope: 'layers',
  reads: 'family',
  words: ['apt'],
  docs: {
    summary: '`apt-get install` without `--no-install-recommends`.',
    why: 'Recommended packages are not needed to run what you install: dead weight in an image. `APT::Install-Recommends "false";` written to /etc/apt/apt.conf.d earlier in the image turns them off like the flag (the rule then stays quiet).',
    incorrect: 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
    correct: 'RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*',
    sizeImpact: `On Debian-based images the message gives the Installed-Size of what the recommendations add beyond the base image's packages and what earlier installs of the image (its FROM chain) added, from Debian bookworm's package index, which on an Ubuntu base or another Debian release (\`python:3.12-slim\` is trixie) stands in for the base's and says so; after the image adds a repository (a piped setup script, sources.list), the study's range. The saving leaves out what the fix keeps by naming it (ca-certificates beside curl). Elsewhere: ${STUDY_BASIS}.`,
    fix: `Inserts \`${FLAG}\` after \`install\`. When a package that talks HTTPS (curl, wget, git...) is installed without \`ca-certificates\`, the fix adds it; likewise \`libc6-dev\` for \`gcc\` (without its headers gcc compiles no C extension on a slim base) when no other named package depends on it. It also keeps a recommendation that a later command of the image needs: \`gpg-agent\` beside \`gpg\` when gpg does more than \`--dearmor\`, \`--verify\` or list keys, \`dirmngr\` when it fetches keys (\`--recv-keys\`, \`--locate-keys\`, \`--fetch-keys\`: "No dirmngr" without it), and \`openssh-client\` beside \`git\` when a clone goes over ssh (\`git@host:\`, \`ssh://\`, \`RUN --mount=type=ssh\`) or ssh programs run ("cannot run ssh" without it). A script the RUN runs from a file is not read. To review (not in \`--fix\`): \`python3-pip\` before a pip install, \`cmake\` before cmake.`,
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        if (!isAptInstall(cmd) || !installsRecommends(model, instr, cmd)) continue;
        // On Debian-like bases the package table says what the recommendations weigh.
        const base = aptBase(instr.stage);
        // Against the base's packages and what the image's earlier installs added, as the image
        // estimate sizes the install: a recommendation already there adds nothing.
        const packages = aptPackages(cmd).map((w) => w.value);
        const opts = { basePackages: OFFICIAL_BASE_PACKAGES, after: aptStateBefore(model, instr, cmd) };
        const cost = (base === 'debian' || base === 'ubuntu') && !addsRepo(instr, cmd) ? recommendsCost(packages, opts) : undefined;
        const sized = cost && cost.unknown.length === 0;
        // What the fix saves: the recommendations less the ones it names (ca-certificates beside curl).
        const keeps = sized && cost.bytes > 0 ? fixKeeps(model, instr, run, cmd) : undefined;
        const kept = keeps && estimateAptInstall([...packages, ...keeps.names], { ...opts, recommends: false }).bytes - estimateAptInstall(packages, { ...opts, recommends: false }).bytes;
        const saving = kept === undefined || !sized ? cost?.bytes : Math.max(0, cost.bytes - kept);
        const keptNote = keeps && kept ? `: the fix keeps ${keeps.names.join(' and ')}, which these packages need (${formatBytes(kept)} with what ${keeps.names.length === 1 ? 'it pulls' : 'they pull'} in), and saves about ${formatBytes(saving!)}` : '';
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: sized
            ? cost.bytes > 0
              ? `apt will also install ${cost.packages.length} recommended package${cost.packages.length === 1 ? '' : 's'}: about ${formatBytes(cost.bytes)}${aptIndexNote(instr.stage)}. Add ${FLAG}${keptNote}.`
              : `Add ${FLAG}: these packages recommend nothing today, but the flag keeps future recommendations out.`
            : `apt will also install recommended packages; ${STUDY_BASIS}. Add ${FLAG}.`,
          saving: sized ? { bytes: saving!, basis: aptBasis(`${cost.basis}${keeps && kept ? `, less ${keeps.names.join(' and ')} and what ${keeps.names.length === 1 ? 'it pulls' : 'they pull'} in, which the fix names` : ''}; compared with real builds in docs/measurements.md`, instr.stage) } : { basis: STUDY_BASIS },
          data: { commandStart: cmd.start },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    const install = found && subcommand(found.cmd);
    if (!found || !install) return undefined;
    const { instr, run, cmd } = found;
    const edits: TextEdit[] = [insertAfterWord(model, run, install, ` ${FLAG}`)];
    const keeps = fixKeeps(model, instr, run, cmd);
    if (keeps) edits.push(insertAfterWord(model, run, keeps.after, ` ${keeps.names.join(' ')}`));
    const review = reviewReason(model, instr, cmd);
    return { title: review ? `Add ${FLAG} (review: ${review})` : `Add ${FLAG}`, edits, preferred: !review };
  },
};
