/**
 * composer-dev-dependencies: `composer install` installs require-dev too (PHPUnit, static
 * analysers, debug bars) unless told `--no-dev`. In a stage whose layers form the final image
 * they ship with the app.
 */
import { commandRange, firstRanAfter, hasFlag, insertAfterWord, operands, ranCommands } from '../core/commands';
import { composerSubcommand, envFor, findingCommand, firstFollowing, isTruthy } from '../core/packageManagers';
import { runInstructions, type DockerfileModel, type Instr } from '../core/model';
import { programName, type ShellCommand } from '../core/shell';
import type { RawFinding, Rule } from './rule';

const BASIS = "the require-dev packages of composer.json (PHPUnit, static analysers and their dependencies); their size depends on the project";
const DEV_TOOLS = /^(phpunit|pest|phpstan|psalm|phpcs|php-cs-fixer|paratest|infection)$/;

/** A command that needs require-dev: test runners, analysers, `composer test`, `php artisan test`. */
function usesDev(cmd: ShellCommand): boolean {
  const name = programName(cmd);
  if (DEV_TOOLS.test(name)) return true;
  if (name !== 'composer' && name !== 'composer.phar' && !/^php(\d+(\.\d+)?)?$/.test(name)) return false;
  const ops = operands(cmd).map((w) => w.value);
  if (composerSubcommand(cmd, ['test', 'run-script', 'run', 'check', 'lint', 'analyse', 'analyze'])) return true;
  if (name === 'php') return ops.some((o) => /vendor\/bin\/(phpunit|pest|phpstan|psalm)/.test(o)) || (ops[0] === 'artisan' && ops[1] === 'test');
  return false;
}

/** Instructions that use require-dev: RUNs with tests or analysers, a CMD/ENTRYPOINT running tests (found once per check, when needed). */
function devUses(model: DockerfileModel): Instr[] {
  return model.instructions.filter(
    (i) => (i.run && ranCommands(i.run).some(usesDev)) || ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && /\b(phpunit|pest|artisan["',\s]+test)\b/.test(i.node.getArgumentsContent() ?? '')),
  );
}

function laterDevUse(model: DockerfileModel, instr: Instr, cmd: ShellCommand, uses: Instr[]): number | undefined {
  const run = instr.run!;
  // As npm-dev-dependencies: a -c script's hidden commands too.
  const inRun = firstRanAfter(run, cmd, usesDev);
  if (inRun) return !run.hidden || run.commands.includes(inRun) ? model.lines.positionAt(run.docOffset(inRun.start)).line : instr.range.start.line;
  return firstFollowing(uses, instr)?.range.start.line;
}

export const rule: Rule = {
  id: 'composer-dev-dependencies',
  title: 'Composer dev packages installed in the final image',
  severity: 'warning',
  scope: 'layers',
  // A later use of the dev packages counts only in the same image (followsInImage): same family.
  reads: 'family',
  words: ['composer'],
  quotesLines: true,
  docs: {
    summary: '`composer install` without `--no-dev` (or `COMPOSER_NO_DEV=1`) in a stage whose layers form the final image.',
    why: 'require-dev holds what is needed to test and analyse the code. In the final image it ships with every deployment, and development tools in production are also a risk. When the image runs the tests (`vendor/bin/phpunit`), do that in a separate stage.',
    incorrect: 'RUN composer install --optimize-autoloader',
    correct: 'RUN composer install --no-dev --optimize-autoloader',
    sizeImpact: 'Depends on the project: the require-dev packages of composer.json (PHPUnit, static analysers and their dependencies).',
    fix: 'Inserts `--no-dev` after `install`. Not offered when a later command of the image runs tests or analysers (phpunit, pest, phpstan, `composer test`, `php artisan test`); the finding then suggests a separate stage. Check composer scripts (`post-install-cmd`) that load dev-only classes: they fail without them. Stages whose layers do not reach the final image are not reported.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    // Looked for at the first `composer install` without --no-dev only: most files have none.
    let uses: Instr[] | undefined;
    for (const instr of runInstructions(model)) {
      if (!instr.stage.layersInFinal) continue;
      const run = instr.run;
      for (const cmd of run.commands) {
        if (!composerSubcommand(cmd, ['install', 'i']) || hasFlag(cmd, '--no-dev')) continue;
        if (isTruthy(envFor(instr, cmd, 'COMPOSER_NO_DEV'))) continue;
        const line = laterDevUse(model, instr, cmd, (uses ??= devUses(model)));
        const message =
          line === undefined
            ? `Composer installs require-dev into the final image: ${BASIS}. Add --no-dev.`
            : `Composer installs require-dev into the final image: ${BASIS}. Line ${line + 1} uses them, so run that in a separate stage and install with --no-dev in the final one.`;
        out.push({ range: commandRange(model, run, cmd), instr, message, saving: { basis: BASIS }, data: { commandStart: cmd.start, needsDev: line !== undefined } });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    if (finding.data?.needsDev) return undefined;
    const found = findingCommand(model, finding);
    const sub = found && composerSubcommand(found.cmd, ['install', 'i']);
    if (!found || !sub) return undefined;
    return { title: 'Install without require-dev (--no-dev)', edits: [insertAfterWord(model, found.run, sub, ' --no-dev')] };
  },
};
