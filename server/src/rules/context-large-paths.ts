/**
 * context-large-paths: `COPY . <dest>` / `ADD . <dest>` while the build context holds heavy
 * folders the ignore file does not exclude (`.git`, `node_modules`, `.venv`, caches, build
 * output). Needs a scan of the context; without an ignore file at all,
 * `context-without-dockerignore` reports the same copy (never both).
 */
import { contextNote, copyExcludes, heavyPathsNote, ignoreFileName, ignorePathsFix, onWholeContextCopies, replacedBeforeCarried, suggestedHeavyPaths } from '../core/buildContext';
import { countOf, formatBytes } from '../sizes/format';
import { HEAVY_PATH_MIN_BYTES } from './context-without-dockerignore';
import type { Rule } from './rule';
import { createDockerignoreMatcher } from '../core/dockerignore';

export const rule: Rule = {
  id: 'context-large-paths',
  title: 'whole build context copied with large folders not ignored',
  severity: 'warning',
  scope: 'layers',
  docs: {
    summary: '`COPY . <dest>` or `ADD . <dest>` while the build context holds heavy folders (`.git`, `node_modules`, `.venv`, caches, build output) that the ignore file does not exclude.',
    why: 'The builder receives everything the ignore file lets through, and `COPY .` puts all of it into a layer: the Git history, dependencies installed on your machine (often for another platform), caches and old build output. The image grows by their size and every change to them invalidates the layer cache.',
    incorrect: '# .dockerignore holds only "*.log"; the context has node_modules (420 MB) and .git (180 MB)\nCOPY . /app',
    correct: '# .dockerignore\nnode_modules\n.git\n*.log\n\n# Dockerfile\nCOPY . /app',
    sizeImpact: 'The measured size of the folders named in the message (apparent file sizes from a scan of the build context). Folders of at least 1 MB are reported; a folder the Dockerfile copies by name is never suggested, nor a build-output folder (`dist`, `target`...) that a later RUN, CMD or ENTRYPOINT of the image uses from the copy, nor `node_modules` when the image runs Node without installing packages itself (no `npm ci`/`npm install`, `yarn`, `pnpm install` or `bun install` in the image of the copy: it runs the host\'s), nor .NET\'s `bin`/`obj` (found beside a `*.csproj`, `*.fsproj` or `*.vbproj`) unless the image runs `dotnet restore`, `build` or `publish` itself, nor Composer\'s `vendor` (beside `composer.json`) unless it runs `composer install`, except when a `COPY --from` puts that folder where the copy lands; the install (or that `COPY --from`) must come before any other RUN that sees the copy, in its stage and every stage built on it. One that a `COPY --exclude` pattern leaves out is not reported on that COPY. In a builder stage, the `node_modules` that `npm ci` deletes after the copy does not reach the final image through a `COPY --from` of the copy\'s folder (a hint when nothing else does).',
    fix: 'Adds the folders to the ignore file in force (the per-Dockerfile `<name>.dockerignore` when it exists, else the context\'s `.dockerignore`), above its first pattern so that existing `!` exceptions keep working; where a line re-includes the path itself (`!.env`, or `!*` below the new line), right below the last line that matches it instead, since a line placed first would change nothing. The title names the folders: a build-output folder (`dist`, `build`, `target`) built on your machine is dead weight when the Dockerfile builds it again, but check that the image does not rely on it. `.git` is not suggested when a later RUN of the image runs git on the copy (`git rev-parse HEAD`).',
  },
  check({ model, env }) {
    const { context } = env;
    const scan = context.scan;
    if (!scan || !context.ignoreFile) return [];
    const heavy = suggestedHeavyPaths(model, context, HEAVY_PATH_MIN_BYTES);
    if (heavy.length === 0) return [];
    const about = scan.complete ? 'about' : 'at least about';
    // A `COPY --exclude=<pattern> .` leaves out what its patterns match: only the rest is reported there.
    return onWholeContextCopies(model, (instr) => {
      const excludes = copyExcludes(instr);
      const matcher = excludes.length > 0 ? createDockerignoreMatcher(excludes.join('\n')) : undefined;
      const left = matcher ? heavy.filter((h) => !matcher.isExcluded(h.path)) : heavy;
      const leftBytes = left.reduce((n, h) => n + h.bytes, 0);
      const list = left.slice(0, 5).map((h) => `${h.path} ${formatBytes(h.bytes)}`).join(', ') + (left.length > 5 ? `, and ${left.length - 5} more` : '');
      // In a builder whose copy a COPY --from takes on: what npm ci replaced there does not go along.
      const replaced = replacedBeforeCarried(model, instr, left);
      const replacedNote = replaced.length > 0 ? ` npm ci after this copy deletes the host's ${replaced.map((h) => h.path).join(', ')}: the final image gets the installed ones.` : '';
      return {
        message: `${instr.keyword} . copies the build context (${about} ${formatBytes(scan.bytes)}, ${countOf(scan.files, 'file')}), including folders ${ignoreFileName(context)} does not exclude: ${list}. Adding them saves ${about} ${formatBytes(leftBytes)}.${heavyPathsNote(left)}${replacedNote}`,
        saving: { bytes: leftBytes, basis: `measured: apparent sizes of these folders in the build context${contextNote(context)}` },
        // None carried into the final image: read as the builder's alone.
        ...(replaced.length > 0 && replaced.length === left.length ? { holds: undefined } : {}),
      };
    }).filter((f) => f.saving!.bytes! > 0);
  },
  fix(_finding, { model, env }) {
    const heavy = suggestedHeavyPaths(model, env.context, HEAVY_PATH_MIN_BYTES);
    return ignorePathsFix(env.context, heavy.map((h) => h.path), `Add ${heavy.map((h) => h.path).slice(0, 3).join(', ')}${heavy.length > 3 ? ', ...' : ''} to ${ignoreFileName(env.context)}`);
  },
};
