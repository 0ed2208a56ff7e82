/**
 * composer-cache-kept: Composer keeps every package archive it downloads, and the repository
 * metadata, in its cache (~/.composer/cache or ~/.cache/composer; $COMPOSER_HOME/cache).
 */
import { hasFlag } from '../core/commands';
import { appendRepair, baseImageOf, cacheRule, composerCommand, composerSubcommand, imageRepository } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import type { ShellCommand } from '../core/shell';

const CLEAN = 'composer clear-cache';
const BASIS = "each downloaded package archive plus repository metadata: roughly the dependencies' download size; not yet measured by our bench";

function composerFills(cmd: ShellCommand) {
  const sub = composerSubcommand(cmd, ['install', 'i', 'require', 'r', 'update', 'u', 'upgrade', 'create-project', 'global']);
  if (sub?.value !== 'global') return sub;
  const rest = composerCommand(cmd)!.args.filter((w) => !w.value.startsWith('-'));
  const next = rest[rest.indexOf(sub) + 1];
  return next && ['require', 'update', 'install'].includes(next.value) ? next : undefined;
}

/** `composer clear-cache`, run as the install runs Composer (`php composer.phar clear-cache`: then there is no `composer` on the PATH). */
const cleanup = (cmd: ShellCommand) => `${composerCommand(cmd)?.invocation ?? 'composer'} clear-cache`;

export const rule = cacheRule({
  id: 'composer-cache-kept',
  title: "Composer's cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`composer install` without `composer clear-cache`, `--no-cache`, `COMPOSER_CACHE_DIR` cleanup or a cache mount in the same RUN.',
    why: 'Composer keeps the zip of every package it downloads and the repository metadata in its cache. vendor/ is all the app needs, and a cleanup in a later RUN cannot take the cache out of this layer.',
    incorrect: 'RUN composer install --no-dev --optimize-autoloader',
    correct: 'RUN composer install --no-dev --optimize-autoloader \\\n    && composer clear-cache\n# or\nRUN --mount=type=cache,target=/root/.composer/cache composer install --no-dev',
    sizeImpact: `Depends on the dependencies: ${BASIS}.`,
    fix: `Appends \`&& ${CLEAN}\` to the RUN (\`php composer.phar clear-cache\` when the install runs \`php composer.phar\`). \`--no-cache\`, \`COMPOSER_CACHE_DIR=/dev/null\`, removing the cache folder, or a cache mount on it also satisfy the rule (on the official composer image, which sets COMPOSER_HOME=/tmp, the folder is /tmp/cache).`,
  },
  words: ['composer'],
  fills: composerFills,
  optsOut: ({ cmd, env }) => hasFlag(cmd, '--no-cache') || env('COMPOSER_CACHE_DIR') === '/dev/null',
  cleans: (cmd) => composerSubcommand(cmd, ['clear-cache', 'clearcache', 'cc']) !== undefined,
  cacheHandled: (handled, { env, instr }) => {
    const dir = env('COMPOSER_CACHE_DIR') ?? (env('COMPOSER_HOME') !== undefined ? `${env('COMPOSER_HOME')}/cache` : undefined);
    if (dir !== undefined) return handled(dir);
    // The official composer image sets COMPOSER_HOME=/tmp in its own ENV, which the file does not show.
    const home = imageRepository(baseImageOf(instr)) === 'composer' ? ['/tmp/cache'] : [];
    return [...home, '~/.composer/cache', '~/.cache/composer', '~/.config/composer/cache'].some(handled);
  },
  // The folder COMPOSER_CACHE_DIR or COMPOSER_HOME names, or the official image's (COMPOSER_HOME=/tmp); Composer's own default depends on the XDG folders it finds.
  holds: ({ instr, cmd, env }) => {
    const dir = env('COMPOSER_CACHE_DIR') ?? (env('COMPOSER_HOME') !== undefined ? `${env('COMPOSER_HOME')}/cache` : imageRepository(baseImageOf(instr)) === 'composer' ? '/tmp/cache' : undefined);
    return dir === undefined ? undefined : namedPath(instr, cmd, dir);
  },
  message: ({ cmd }) => `Composer leaves its cache in this layer: ${BASIS}. Add \`${cleanup(cmd)}\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd }) => appendRepair(model, instr, cleanup(cmd)),
});
