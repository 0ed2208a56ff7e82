/**
 * uv-cache-kept: uv keeps downloaded and built wheels in its cache (~/.cache/uv) unless told
 * not to (`--no-cache`, `UV_NO_CACHE`) or the cache sits in a cache mount.
 */
import { hasFlag, insertAfterWord, optionFreeOperands } from '../core/commands';
import { cacheRule, flagValue, isTruthy, userCacheDir } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programName, type ShellCommand } from '../core/shell';

const BASIS = "the wheels uv downloaded or built: shared with the environment where uv hard-links them (its Linux default), about the environment's size again where it copies (UV_LINK_MODE=copy); not yet measured by our bench";

/** `uv pip install|sync`, `uv sync`, `uv add`, `uv tool install` (global options before them too): the word `--no-cache` follows. */
function uvInstall(cmd: ShellCommand) {
  if (programName(cmd) !== 'uv') return undefined;
  const ops = optionFreeOperands(cmd);
  const [a, b] = [ops[0]?.value, ops[1]?.value];
  if (a === 'pip' && (b === 'install' || b === 'sync')) return ops[1];
  if (a === 'tool' && b === 'install') return ops[1];
  if (a === 'sync' || a === 'add') return ops[0];
  return undefined;
}

/** uv's cache folder as its documentation gives it: --cache-dir, else UV_CACHE_DIR, else $XDG_CACHE_HOME/uv, else ~/.cache/uv. */
function uvCacheDir(cmd: ShellCommand, env: (name: string) => string | undefined): string {
  return flagValue(cmd, '--cache-dir') ?? env('UV_CACHE_DIR') ?? userCacheDir(env, 'uv');
}

export const rule = cacheRule({
  id: 'uv-cache-kept',
  title: "uv's cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`uv pip install` / `uv sync` without `--no-cache`, `UV_NO_CACHE` or a cache mount.',
    why: 'uv caches every wheel it downloads or builds in ~/.cache/uv (or `$XDG_CACHE_HOME/uv`, `UV_CACHE_DIR`). In an image nothing reuses it, and a cleanup in a later RUN cannot take it out of this layer. uv\'s own Docker guide recommends `--no-cache` / `UV_NO_CACHE=1`, or a cache mount.',
    incorrect: 'RUN uv pip install --system -r requirements.txt',
    correct: 'RUN uv pip install --system --no-cache -r requirements.txt\n# or\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --locked',
    sizeImpact: `Depends on the packages and on how uv links them: ${BASIS}.`,
    fix: 'Inserts `--no-cache` after the subcommand (`uv pip install --no-cache`, `uv sync --no-cache`). `UV_NO_CACHE=1`, `uv cache clean` or removing the cache folder in the same RUN, or a cache mount on it also satisfy the rule.',
  },
  words: ['uv'],
  // Its repair is a flag on each command.
  perCommand: true,
  fills: uvInstall,
  optsOut: ({ cmd, env }) => hasFlag(cmd, '--no-cache', '-n') || isTruthy(env('UV_NO_CACHE')),
  cleans: (cmd) => {
    const [a, b] = programName(cmd) === 'uv' ? optionFreeOperands(cmd).map((w) => w.value) : [];
    return (a === 'cache' && b === 'clean') || a === 'clean';
  },
  cacheHandled: (handled, { cmd, env }) => handled(uvCacheDir(cmd, env)),
  holds: ({ instr, cmd, env }) => namedPath(instr, cmd, uvCacheDir(cmd, env)),
  message: () => `uv leaves its cache in this layer: ${BASIS}. Add --no-cache (or UV_NO_CACHE=1, or a cache mount).`,
  saving: { basis: BASIS },
  anyShell: true,
  repair: ({ model, instr, word }) => ({ title: 'Add --no-cache', edits: [insertAfterWord(model, instr.run!, word, ' --no-cache')] }),
});
