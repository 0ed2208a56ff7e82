/**
 * Yarn questions the yarn rules share: which commands install, whether the Dockerfile shows Yarn
 * 2+ ("berry"), and a berry setting as an install sees it (environment, `yarn config set`, the
 * build context's .yarnrc.yml when the Dockerfile copies it).
 */
import { operands } from './commands';
import { copiedBefore } from './npmLockfile';
import { perInstruction, type DockerfileModel, type Instr, type RunScript, type Stage } from './model';
import { programWord } from './packageManagers';
import { programArgs, programName, type ShellCommand } from './shell';
import type { BuildContextFacts, YarnrcFacts } from './environment';

/** `yarn`, `yarn install`, `yarn add x`, `yarn global add x`: the word a flag would follow. */
export function yarnInstall(cmd: ShellCommand) {
  if (programName(cmd) !== 'yarn') return undefined;
  const ops = operands(cmd);
  const first = ops[0]?.value;
  if (first === undefined) {
    // Bare `yarn` installs; `yarn --version` or `yarn -h` do not.
    return programArgs(cmd).some((w) => /^(-v|--version|-h|--help)$/.test(w.value)) ? undefined : programWord(cmd);
  }
  if (first === 'install' || first === 'add') return ops[0];
  if (first === 'global' && ops[1]?.value === 'add') return ops[1];
  return undefined;
}

/** `yarn cache clean` with any flags (berry's `--all` and `--mirror` too). */
export function yarnCacheClean(cmd: ShellCommand): boolean {
  const ops = operands(cmd);
  return programName(cmd) === 'yarn' && ops[0]?.value === 'cache' && ops[1]?.value === 'clean';
}

/** Signs that the Dockerfile uses yarn 2+ (berry), whose cache may be the install itself. */
export function usesYarnBerry(model: DockerfileModel): boolean {
  // Every sign names yarn, corepack or a .pnp file: a file without any (most) needs no look at its instructions.
  const t = model.text;
  return (t.includes('yarn') || t.includes('corepack') || t.includes('.pnp.') || t.includes('YARN_NODE_LINKER')) && model.instructions.some(showsYarnBerry);
}

const showsYarnBerry = perInstruction((i) => {
  if (i.keyword === 'COPY' || i.keyword === 'ADD') return /(^|[\s/"])\.(yarnrc\.yml|yarn\/|yarn\b|pnp\.c?js)/.test(i.node.getArgumentsContent() ?? '');
  // Only berry reads YARN_NODE_LINKER.
  if (i.keyword === 'ENV') return /(^|\s)YARN_NODE_LINKER[=\s]/.test(i.node.getArgumentsContent() ?? '');
  return i.run ? runShowsYarnBerry(i.run) : false;
});

/**
 * Answers by script: the question is asked of every RUN of the file on each analysis, and a RUN
 * parsed again because lines above it moved (Enter) has a new node but the same script.
 */
const byScript = new Map<string, boolean>();

function runShowsYarnBerry(run: RunScript): boolean {
  const key = `${run.form}\u0000${run.text}`;
  let answer = byScript.get(key);
  if (answer === undefined) {
    answer = run.commands.some((c) => {
      const name = programName(c);
      if (name === 'corepack') return true;
      if (name !== 'yarn') return false;
      const ops = operands(c).map((w) => w.value);
      return (ops[0] === 'set' && ops[1] === 'version') || ops[0] === 'dlx' || configSet(c)?.key === 'nodeLinker' || programArgs(c).some((w) => w.value === '--immutable' || w.value === '--immutable-cache');
    });
    if (byScript.size >= 10_000) byScript.clear();
    byScript.set(key, answer);
  }
  return answer;
}

/** `yarn config set [-H] <key> <value>`: the key and value. */
function configSet(cmd: ShellCommand): { key: string; value: string } | undefined {
  if (programName(cmd) !== 'yarn') return undefined;
  const ops = operands(cmd).map((w) => w.value);
  return ops[0] === 'config' && ops[1] === 'set' && ops.length >= 4 ? { key: ops[2], value: ops[3] } : undefined;
}

/**
 * A berry setting as the yarn command `cmd` sees it: its environment variable (`YARN_NODE_LINKER`
 * for nodeLinker), else the last `yarn config set <key>` before it along the FROM chain, else the
 * build context's .yarnrc.yml when a COPY/ADD before it put that file in the folder it runs in.
 * Undefined when none tells (berry's default then applies). A `yarn config set` followed by a COPY
 * of .yarnrc.yml over it is taken as the former: rare, and the answer only decides whether to speak.
 */
export function yarnSetting(instr: Instr, cmd: ShellCommand, key: keyof Omit<YarnrcFacts, 'path'>, env: (name: string) => string | undefined, context?: BuildContextFacts): string | undefined {
  const fromEnv = env(`YARN_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
  if (fromEnv !== undefined) return fromEnv;
  let set: string | undefined;
  const stages: Stage[] = [];
  for (let st: Stage | undefined = instr.stage; st; st = st.from.stage) stages.unshift(st);
  for (const st of stages) {
    for (const i of st.instructions) {
      if (i.index > instr.index && st === instr.stage) break;
      for (const c of i.run?.commands ?? []) {
        if (i === instr && c.start >= cmd.start) break;
        const s = configSet(c);
        if (s?.key === key) set = s.value;
      }
    }
  }
  if (set !== undefined) return set;
  return copiesYarnrc(instr, cmd, context) ? context!.yarnrc![key] : undefined;
}

/** Whether the build context's .yarnrc.yml is copied before `cmd` into the folder it runs in: then yarn is berry. */
export function copiesYarnrc(instr: Instr, cmd: ShellCommand, context?: BuildContextFacts): boolean {
  return !!context?.yarnrc && copiedBefore(instr, context.yarnrc.path, cmd);
}
