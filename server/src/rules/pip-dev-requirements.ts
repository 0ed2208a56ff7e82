/**
 * pip-dev-requirements: a requirements file or extra meant for development or tests
 * (`requirements-dev.txt`, `requirements/test.txt`, `.[dev]`) installed in a stage whose layers
 * form the final image: test runners, linters and type checkers then ship with the app. And
 * `poetry install` (and Poetry 2's `poetry sync`, an install that also removes what the lock file
 * does not list), which installs every non-optional group, dev among them, unless told which:
 * `--only main`, `--without dev` (Poetry 1.2+), `--no-dev` (1.2 maps it to `--only main`; read in
 * Poetry 1.3.2's console/commands/group_command.py, Debian's python3-poetry; 2.1.2 rejects it),
 * or every group with Poetry 2's `--all-groups`. `uv sync`, which
 * installs the `dev` dependency group by default (see {@link uvSyncDev}), and `pipenv install
 * --dev` / `pipenv sync --dev` (`-d`), which install the Pipfile's [dev-packages].
 */
import { commandRange, hasFlag, isPipInstall } from '../core/commands';
import { envFor, flagValues, isTruthy, subcommandOf } from '../core/packageManagers';
import type { PyprojectFacts } from '../core/environment';
import type { Instr } from '../core/model';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { operands, optionFreeOperands } from '../core/commands';
import { runInstructions } from '../core/model';
import type { RawFinding, Rule } from './rule';

/** Path segments or name parts that mark development-only dependencies (not `docs`: a documentation image legitimately installs those). */
const DEV_PART = /^(dev|devel|develop|development|test|tests|testing|lint|linting|ci|qa|typing)$/i;
const DEV_DEPENDENCIES = 'development and test dependencies (pytest, linters, type checkers and theirs)';
const BASIS = `${DEV_DEPENDENCIES}; their size depends on the file`;
const GROUP_BASIS = 'the dev group of pyproject.toml (pytest, linters, type checkers), if it has one; its size depends on the project';

/** True when a requirements path names a dev/test set: a part of a name or folder is one of DEV_PART. */
export function isDevRequirementsFile(path: string): boolean {
  const parts = path.replace(/^\.\//, '').split('/');
  const file = parts.pop() ?? '';
  const stem = file.replace(/\.(txt|in|pip)$/i, '');
  const inRequirementsDir = parts.some((p) => /req/i.test(p));
  const nameParts = stem.split(/[-_.]/);
  if (nameParts.some((p) => DEV_PART.test(p)) && (inRequirementsDir || /req/i.test(stem))) return true;
  // `requirements/test.txt`, `tests/requirements.txt`, `docs/requirements.txt`
  return (inRequirementsDir && DEV_PART.test(stem)) || (/req/i.test(stem) && parts.some((p) => DEV_PART.test(p)));
}

/** The dev extras an operand asks for: `.[dev,test]` gives `dev,test`. */
function devExtras(arg: string): string | undefined {
  const m = /\[([^\]]+)\]\s*$/.exec(arg.replace(/["']/g, ''));
  if (!m) return undefined;
  const extras = m[1].split(',').map((s) => s.trim()).filter((s) => DEV_PART.test(s) || /^(dev|test)s?[-_]/i.test(s));
  return extras.length ? extras.join(',') : undefined;
}

/** What a pip / uv pip install pulls in that is meant for development: file names and extras. */
function devInstalls(cmd: ShellCommand): string[] {
  const args = programArgs(cmd).map((w) => w.value);
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let file: string | undefined;
    if (a === '-r' || a === '--requirement') file = args[i + 1];
    else if (a.startsWith('--requirement=')) file = a.slice('--requirement='.length);
    else if (/^-r\S/.test(a)) file = a.slice(2);
    if (file && isDevRequirementsFile(file)) found.push(file);
  }
  for (const w of operands(cmd)) {
    const extras = devExtras(w.value);
    if (extras) found.push(w.value);
  }
  return found;
}

/**
 * The groups besides main that `poetry install` or `poetry sync` installs, as Poetry 1.3.2 and
 * 2.1.2 did (Debian's python3-poetry of bookworm and trixie, `--dry-run` on a project of path
 * dependencies, 2026-12-06): `--only`'s alone (over --with and --without); else the groups not
 * `optional = true` and `--with`'s, less `--without`'s; every group with Poetry 2's --all-groups
 * (2.1.2 refuses it beside --with, --without or --only); none with --only-root or --no-dev (which
 * 2.1.2 rejects: "The option "--no-dev" does not exist"). `true` for the defaults of a
 * pyproject.toml not read.
 */
function poetryGroups(cmd: ShellCommand, pyproject: PyprojectFacts | undefined): string[] | true {
  if (!subcommandOf(cmd, /^poetry$/, ['install', 'sync']) || hasFlag(cmd, '--no-dev', '--only-root')) return [];
  const list = (name: string) => flagValues(cmd, name).flatMap((v) => v.split(',')).filter((g) => g !== 'main');
  const only = flagValues(cmd, '--only');
  if (only.length > 0) return list('--only');
  const without = list('--without');
  if (!pyproject && without.length === 0) return true;
  const all = hasFlag(cmd, '--all-groups') ? pyproject?.poetryOptional ?? [] : list('--with');
  return [...new Set([...(pyproject?.poetryGroups ?? []), ...all])].filter((g) => !without.includes(g));
}

/**
 * Whether `uv sync` installs the `dev` dependency group, as uv's documentation of `uv sync`
 * describes its options: the default groups (uv's default: dev alone; `[tool.uv] default-groups`)
 * unless `--no-default-groups` (UV_NO_DEFAULT_GROUPS) or `--only-group`, plus `--group`s, all of them with `--all-groups`,
 * `--only-dev` the dev group alone; `--no-dev` (`UV_NO_DEV`) is an alias of `--no-group dev`,
 * which wins over all of those. 'default' when the dev group comes from the defaults (`--no-dev`
 * is the advice), 'asked' when an option asks for it, undefined when it is not installed or the
 * build context's pyproject.toml has none.
 */
function uvSyncDev(instr: Instr, cmd: ShellCommand, pyproject: PyprojectFacts | undefined): 'default' | 'asked' | undefined {
  if (!subcommandOf(cmd, /^uv$/, ['sync'])) return undefined;
  if (pyproject && !pyproject.devGroup) return undefined;
  if (hasFlag(cmd, '--no-dev') || flagValues(cmd, '--no-group').includes('dev') || isTruthy(envFor(instr, cmd, 'UV_NO_DEV'))) return undefined;
  const only = flagValues(cmd, '--only-group');
  if (hasFlag(cmd, '--only-dev') || only.includes('dev') || hasFlag(cmd, '--all-groups') || flagValues(cmd, '--group').includes('dev')) return 'asked';
  if (only.length > 0 || hasFlag(cmd, '--no-default-groups') || isTruthy(envFor(instr, cmd, 'UV_NO_DEFAULT_GROUPS'))) return undefined;
  const defaults = pyproject?.defaultGroups ?? ['dev'];
  return defaults === 'all' || defaults.includes('dev') ? 'default' : undefined;
}

/** `pipenv install --dev` or `pipenv sync --dev` (`-d`): the Pipfile's [dev-packages] too. */
function pipenvInstallsDev(cmd: ShellCommand): boolean {
  return !!subcommandOf(cmd, /^pipenv$/, ['install', 'sync']) && hasFlag(cmd, '--dev', '-d');
}

const PIPENV_BASIS = `${DEV_DEPENDENCIES}; their size depends on the Pipfile`;

function isUvPipInstall(cmd: ShellCommand): boolean {
  const ops = optionFreeOperands(cmd);
  return programName(cmd) === 'uv' && ops[0]?.value === 'pip' && ops[1]?.value === 'install';
}

export const rule: Rule = {
  id: 'pip-dev-requirements',
  title: 'development requirements installed in the final image',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  words: ['pip', 'poetry', 'uv', 'pipenv'],
  contextKey: ({ context }) => (context.pyproject ? JSON.stringify(context.pyproject) : ''),
  docs: {
    summary: 'pip installs a dev/test requirements file (`requirements-dev.txt`, `requirements/test.txt`, `dev-requirements.txt`) or extra (`.[dev]`, `.[test]`), `poetry install`/`sync` a group besides main, `uv sync` one (no `--no-dev`, `UV_NO_DEV`), `pipenv install --dev` the [dev-packages], in the final image.',
    why: 'Test runners, linters and type checkers check the code; the app runs without them. Run the tests in a stage of their own (`FROM app AS test`).',
    incorrect: 'FROM python:3.12-slim\nCOPY requirements.txt requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt',
    correct: 'FROM python:3.12-slim AS app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM app AS test\nCOPY requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt && pytest\n\nFROM app',
    sizeImpact: `Depends on the file or group: ${DEV_DEPENDENCIES}; for Poetry and uv none when the context\'s pyproject.toml has no such group.`,
    fix: 'None: whether the image runs the tests is the author\'s call, and a test stage changes the build (`--only main` also needs Poetry 1.2+).',
  },
  check({ model, env }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      if (!instr.stage.layersInFinal) continue;
      const run = instr.run;
      for (const cmd of run.commands) {
        const groups = poetryGroups(cmd, env.context.pyproject);
        if (groups === true || groups.length > 0) {
          out.push({ range: commandRange(model, run, cmd), instr, message: `poetry installs ${groups === true ? 'every non-optional group' : `group ${groups.join(', ')}`} into the final image: ${GROUP_BASIS}. Add --only main (Poetry 1.2+).`, saving: { basis: GROUP_BASIS } });
          continue;
        }
        const uv = uvSyncDev(instr, cmd, env.context.pyproject);
        if (uv) {
          out.push({ range: commandRange(model, run, cmd), instr, message: `uv sync installs the dev dependency group into the final image: ${GROUP_BASIS}. ${uv === 'default' ? 'Add --no-dev.' : 'Install it in a separate test stage.'}`, saving: { basis: GROUP_BASIS } });
          continue;
        }
        if (pipenvInstallsDev(cmd)) {
          out.push({ range: commandRange(model, run, cmd), instr, message: `pipenv installs the [dev-packages] of the Pipfile into the final image (--dev): ${PIPENV_BASIS}. Drop --dev.`, saving: { basis: PIPENV_BASIS } });
          continue;
        }
        if (!isPipInstall(cmd) && !isUvPipInstall(cmd)) continue;
        const dev = devInstalls(cmd);
        if (dev.length === 0) continue;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `Installs ${dev.map((d) => `\`${d}\``).join(', ')} into the final image: ${BASIS}. Install them in a separate test or build stage.`,
          saving: { basis: BASIS },
        });
      }
    }
    return out;
  },
};
