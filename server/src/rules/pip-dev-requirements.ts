/**
 * pip-dev-requirements: a requirements file or extra meant for development or tests
 * (`requirements-dev.txt`, `requirements/test.txt`, `.[dev]`) installed in a stage whose layers
 * form the final image: test runners, linters and type checkers then ship with the app. And
 * `poetry install` (and Poetry 2's `poetry sync`, an install that also removes what the lock file
 * does not list), which installs every non-optional group, dev among them, unless told which:
 * `--only main`, `--without dev` (Poetry 1.2+), `--no-dev` (1.2 maps it to `--only main`; read in
 * Poetry 1.3.2's console/commands/group_command.py, Debian's python3-poetry).
 */
import { commandRange, hasFlag, isPipInstall } from '../core/commands';
import { subcommandOf } from '../core/packageManagers';
import { programArgs, programName, type ShellCommand } from '../core/shell';
import { operands } from '../core/commands';
import { runInstructions } from '../core/model';
import type { RawFinding, Rule } from './rule';

/** Path segments or name parts that mark development-only dependencies (not `docs`: a documentation image legitimately installs those). */
const DEV_PART = /^(dev|devel|develop|development|test|tests|testing|lint|linting|ci|qa|typing)$/i;
const BASIS = 'development and test dependencies (pytest, linters, type checkers and theirs); their size depends on the file';
const POETRY_BASIS = 'the dev group of pyproject.toml (pytest, linters, type checkers), if it has one; its size depends on the project';

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

/** `poetry install` or `poetry sync` that leaves the groups to their defaults (dev included): none of --only, --without, --no-dev, --only-root. */
function poetryInstallsDev(cmd: ShellCommand): boolean {
  return !!subcommandOf(cmd, /^poetry$/, ['install', 'sync']) && !hasFlag(cmd, '--only', '--without', '--no-dev', '--only-root');
}

function isUvPipInstall(cmd: ShellCommand): boolean {
  const ops = operands(cmd);
  return programName(cmd) === 'uv' && ops[0]?.value === 'pip' && ops[1]?.value === 'install';
}

export const rule: Rule = {
  id: 'pip-dev-requirements',
  title: 'development requirements installed in the final image',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  words: ['pip', 'poetry'],
  docs: {
    summary: 'pip installs a dev/test requirements file (`requirements-dev.txt`, `requirements/test.txt`, `dev-requirements.txt`) or extra (`.[dev]`, `.[test]`), or `poetry install` (`poetry sync` in Poetry 2) its dev group (no `--only main`, `--without` or `--no-dev`), in a stage whose layers form the final image.',
    why: 'Test runners, linters, type checkers and documentation tools are needed to check the code, not to run it. Installed in the final image they ship with every deployment. Run the tests in a separate stage (`FROM app AS test`) and keep the final stage on the runtime requirements.',
    incorrect: 'FROM python:3.12-slim\nCOPY requirements.txt requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements.txt -r requirements-dev.txt',
    correct: 'FROM python:3.12-slim AS app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\n\nFROM app AS test\nCOPY requirements-dev.txt ./\nRUN pip install --no-cache-dir -r requirements-dev.txt && pytest\n\nFROM app',
    sizeImpact: `Depends on the file: ${BASIS}. For Poetry: ${POETRY_BASIS}.`,
    fix: 'None (for Poetry too: `--only main` needs Poetry 1.2+, and the version is not known here): whether the image runs the tests is the author\'s call, and moving them to a test stage changes the build. Stages whose layers do not reach the final image are not reported.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      if (!instr.stage.layersInFinal) continue;
      const run = instr.run;
      for (const cmd of run.commands) {
        if (poetryInstallsDev(cmd)) {
          out.push({ range: commandRange(model, run, cmd), instr, message: `poetry installs every non-optional group into the final image: ${POETRY_BASIS}. Add --only main (Poetry 1.2+).`, saving: { basis: POETRY_BASIS } });
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
