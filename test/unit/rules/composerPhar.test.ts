/**
 * Composer run as getcomposer.org's installer leaves it: `php composer.phar install` (PHP options
 * such as `-d memory_limit=-1` before the script). composer-cache-kept and
 * composer-dev-dependencies said nothing of it, and the cleanup a fix appends must run Composer
 * the same way: such an image has no `composer` on its PATH.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { composerCommand, composerSubcommand } from '../../../server/src/core/packageManagers';
import { buildModel } from '../../../server/src/core/model';
import { ruleFixes } from '../../support/ruleFixes';

const dockerfile = (install: string) => `FROM php:8.3-cli\nWORKDIR /app\nRUN curl -sS https://getcomposer.org/installer | php\nCOPY . .\nRUN ${install}\nCMD ["php", "app.php"]\n`;
const ids = (text: string) => analyze(text, { context: {} }).findings.map((f) => f.ruleId);

describe('Composer run as php composer.phar', () => {
  it('reads php [options] composer.phar <subcommand> as Composer', () => {
    const cmd = (text: string) => buildModel(`FROM php\nRUN ${text}\n`).instructions[1].run!.commands[0];
    assert.equal(composerSubcommand(cmd('php composer.phar install --no-dev'), ['install'])?.value, 'install');
    assert.equal(composerSubcommand(cmd('php -d memory_limit=-1 /usr/local/bin/composer.phar install'), ['install'])?.value, 'install');
    assert.equal(composerCommand(cmd('php -d memory_limit=-1 composer.phar install'))?.invocation, 'php composer.phar');
    assert.equal(composerCommand(cmd('php artisan migrate')), undefined);
    assert.equal(composerSubcommand(cmd('php composer.phar dump-autoload'), ['install']), undefined);
  });

  it('gets composer-cache-kept and composer-dev-dependencies, and the cleanup runs php composer.phar', () => {
    for (const install of ['php composer.phar install', 'php -d memory_limit=-1 composer.phar install --optimize-autoloader']) {
      assert.ok(ids(dockerfile(install)).includes('composer-cache-kept'), install);
      assert.ok(ids(dockerfile(install)).includes('composer-dev-dependencies'), install);
      const cache = analyze(dockerfile(install), { context: {} }).findings.find((f) => f.ruleId === 'composer-cache-kept')!;
      assert.match(cache.message, /Add `php composer\.phar clear-cache` to the same RUN\./);
    }
    const [fixed] = ruleFixes(dockerfile('php composer.phar install --no-dev'), 'composer-cache-kept');
    assert.match(fixed ?? '', /RUN php composer\.phar install --no-dev && php composer\.phar clear-cache\n/);
    // The cleanup in that form satisfies the rule; plain composer keeps its wording.
    assert.ok(!ids(dockerfile('php composer.phar install --no-dev && php composer.phar clear-cache')).includes('composer-cache-kept'));
    assert.match(analyze(dockerfile('composer install --no-dev'), { context: {} }).findings.find((f) => f.ruleId === 'composer-cache-kept')!.message, /Add `composer clear-cache`/);
  });
});
