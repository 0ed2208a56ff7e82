/**
 * pip-cache-kept (hadolint DL3042): `pip install` keeps every wheel it downloaded or built in
 * ~/.cache/pip unless told not to.
 */
import { cacheMountTargets, commandRange, hasFlag, insertAfterWord, isPipCachePurge, normalizeCachePath, pathCovers, pipFillsCache, pipWords, ranInBackground } from '../core/commands';
import { runInstructions, type Instr, type RunScript } from '../core/model';
import { findingCommand, heldFolder, homeOf, laterCovers, pipCacheDir, pipKeepsCache, removalsIn } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import type { ShellCommand } from '../core/shell';
import type { RawFinding, Rule } from './rule';

const BASIS = "pip's cache holds a copy of every wheel it downloaded or built: roughly the installed packages' download size again";
/** `pip wheel` and `pip download` write what they fetch (and build) where asked, and a copy into the cache. */
const FETCH_BASIS = "pip's cache holds a copy of what it downloaded and built: roughly the size of what it wrote again";

export const rule: Rule = {
  id: 'pip-cache-kept',
  title: "pip's download cache left in the layer",
  severity: 'warning',
  hadolint: 'DL3042',
  scope: 'layers',
  reads: 'family',
  words: ['pip'],
  docs: {
    summary: '`pip install` (`wheel`, `download`) without `--no-cache-dir` (and without `PIP_NO_CACHE_DIR` or a cache mount).',
    why: "pip caches the wheels it downloads and builds in the user's ~/.cache/pip ($XDG_CACHE_HOME/pip when set), or where PIP_CACHE_DIR or --cache-dir says; nothing reuses them in an image. Not reported with --no-index unless a URL or sdist is installed: pip 23.2.1 cached nothing.",
    incorrect: 'RUN pip install -r requirements.txt',
    correct: 'RUN pip install --no-cache-dir -r requirements.txt',
    sizeImpact: `${BASIS}. Large for numeric packages (numpy, torch).`,
    fix: 'Inserts `--no-cache-dir` after the subcommand. Also satisfied by `ENV PIP_NO_CACHE_DIR=1`, `no-cache-dir` in a pip.conf the Dockerfile writes (`pip config set global.no-cache-dir true`, a here-document), a cache mount on pip\'s cache folder (`target=/root/.cache/pip` as root), or `pip cache purge` or removing that folder (`rm -rf`, a `find` deleting all it holds) later in the RUN.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      // A cache mount on the folder pip caches in keeps the cache out of the layer: the user's
      // ~/.cache/pip (/root's, or /home/app's after USER app; $XDG_CACHE_HOME/pip), or --cache-dir / PIP_CACHE_DIR.
      const mounts = cacheMountTargets(instr);
      const cacheDir = (c: ShellCommand) => pipCacheDir(instr, c);
      let lastPurge: Map<string, number> | undefined;
      for (let k = 0; k < run.commands.length; k++) {
        const cmd = run.commands[k];
        const fills = pipFillsCache(cmd);
        if (!fills || !pipKeepsCache(model, instr, cmd, fills.command) || (fills.command === 'install' && cachesNothing(cmd))) continue;
        // `~` is the home of the user the install runs as (/home/app after USER app), not always /root's.
        const written = cacheDir(cmd);
        const dir = normalizeCachePath(written, homeOf(instr, cmd));
        if (mounts.some((m) => pathCovers(m, dir))) continue;
        // Emptied later in the same RUN (`pip cache purge`, `rm -rf /root/.cache/pip`): nothing stays in the layer.
        // A purge empties the cache folder it sees: not the one an install's --cache-dir or its own PIP_CACHE_DIR=... named.
        // What the RUN purges and removes is read once for all its installs (a walk per install was quadratic).
        lastPurge ??= purges(instr, run, cacheDir);
        if ((lastPurge.get(dir) ?? -1) > k || laterCovers(removalsIn(instr, 'own'), k, dir, {})) continue;
        // What pip wheel and pip download write where asked is the user's: only the cache's copy is reported.
        const basis = fills.command === 'install' ? BASIS : FETCH_BASIS;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `${fills.command === 'install' ? 'pip keeps its download cache' : `pip ${fills.command} keeps its cache`} (${written}) in this layer: ${basis}. Add --no-cache-dir.`,
          saving: { basis },
          // The folder pip caches in, for a COPY --from that carries it into the final image.
          holds: heldFolder(instr, namedPath(instr, cmd, written)),
          data: { commandStart: cmd.start },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    const pip = found && pipFillsCache(found.cmd);
    if (!found || !pip) return undefined;
    const { run } = found;
    return { title: 'Add --no-cache-dir', edits: [insertAfterWord(model, run, pip.word, ' --no-cache-dir')], preferred: true };
  },
};

/**
 * Whether an install with --no-index leaves nothing in pip's cache: pip caches no wheel file it
 * installs (pip 23.2.1: `pip install --no-index /wheels/*.whl`, `pip install /wheels/*.whl` and
 * `--no-index --find-links /wheels name` of a wheel built beforehand made no cache folder) and
 * fetches nothing from an index. Not for a URL (downloaded whatever --no-index says; file: is
 * local) or a local sdist (pip caches the wheel it builds of it). Without --no-index a wheel's
 * dependencies may come from the index.
 */
function cachesNothing(cmd: ShellCommand): boolean {
  return hasFlag(cmd, '--no-index') && !pipWords(cmd)!.some(({ value: w }) => (w.includes('://') && !w.includes('file:')) || /\.(gz|zip|bz2|xz|tgz)\b/.test(w));
}

/**
 * Per cache folder (normalized), the index of the RUN's last `pip cache purge` of it, read once for
 * all its installs. A purge run in the background is none: the layer may be committed before it ends.
 */
function purges(instr: Instr, run: RunScript, cacheDir: (c: ShellCommand) => string): Map<string, number> {
  const lastPurge = new Map<string, number>();
  const background = ranInBackground(run);
  run.commands.forEach((c, at) => background.has(c) || !isPipCachePurge(c) || lastPurge.set(normalizeCachePath(cacheDir(c), homeOf(instr, c)), at));
  return lastPurge;
}
