/**
 * context-without-dockerignore: `COPY . <dest>` / `ADD . <dest>` copies the whole build context
 * into the image. Without a `.dockerignore`, that includes `.git`, local dependency folders,
 * virtual environments, build output and sometimes secrets.
 */
import { bundleConfigReadAfterContextCopy, contextNote, explicitSources, gitUsedAfterContextCopy, heavyPathsNote, ignoreFileName, isGitFolder, madeInImage, overlaps, onWholeContextCopies, pathsUsedAfterContextCopy, replacedInImage, suggestedHeavyPaths, usesHostDependencies } from '../core/buildContext';
import { createDockerignoreMatcher, literalPattern } from '../core/dockerignore';
import type { BuildContextFacts } from '../core/environment';
import { instructionAt, type DockerfileModel } from '../core/model';
import { countOf, formatBytes } from '../sizes/format';
import type { Rule } from './rule';
import { ECOSYSTEMS } from '../core/dockerignore/ecosystems';

/** A heavy folder is named in the message and the created file from this size on. */
export const HEAVY_PATH_MIN_BYTES = 1_000_000;


/** True when a file named like `marker` (`*.csproj`: any name ending in `.csproj`) is among `names`. */
const hasMarker = (names: ReadonlySet<string>, marker: string) => (marker.startsWith('*') ? [...names].some((n) => n.endsWith(marker.slice(1))) : names.has(marker));

/**
 * False when a finished scan found node_modules only at the top of the context: `**\/node_modules`
 * beside `node_modules` would then exclude nothing more, which dockerignore-overridden-pattern
 * reports as a warning on the file the fix just created. Without a scan both lines stay; a nested
 * node_modules that turns up later is context-large-paths' to report once it weighs.
 */
function nestedNodeModules(context: BuildContextFacts): boolean {
  const scan = context.scan;
  return !scan?.complete || scan.heavy.some((h) => /\/node_modules$/.test(h.path));
}

/** The `.dockerignore` text the fix creates, for the ecosystems found in the context. */
export function suggestedDockerignore(context: BuildContextFacts, model: DockerfileModel): string {
  const names = new Set(context.topLevelNames ?? []);
  const keep = explicitSources(model);
  const used = pathsUsedAfterContextCopy(model);
  const gitUsed = gitUsedAfterContextCopy(model);
  const bundleRead = bundleConfigReadAfterContextCopy(model);
  // An entry is left out when Docker's matcher, given that entry alone, would exclude a copied path,
  // or a build output the image uses after copying the whole context (`java -jar target/app.jar`),
  // or `.git` when a later RUN runs git on the copy, or `.bundle` when a later RUN installs gems with
  // Bundler from the copy (bundleConfigReadAfterContextCopy).
  const covers = (entry: string, src: string) => createDockerignoreMatcher(entry).isExcluded(src);
  const lines: string[] = ['# Created by Dockerfile Size Hints: keeps these out of the build context and the image.'];
  for (const eco of ECOSYSTEMS) {
    if (eco.markers.length > 0 && !eco.markers.some((m) => hasMarker(names, m))) continue;
    // A tool's folder the image does not make itself stays, unless a COPY --from puts it in place.
    const made = eco.madeBy === undefined || madeInImage(model, eco.madeBy);
    // The image runs the host's node_modules (no install in it): ignoring them would take them away.
    const hostDependencies = eco.name === 'Node.js' && usesHostDependencies(model);
    const scanned = (eco.scanned?.(context) ?? []).map(literalPattern).filter((l): l is string => l !== undefined);
    const replaced = (e: string) => replacedInImage(model, e);
    const entries = [...eco.entries, ...scanned].filter((e) => (made || replaced(e)) && !(hostDependencies && /node_modules$/.test(e) && !replaced(e)) && !keep.some((src) => covers(e, src)) && !((eco.outputs?.includes(e) || scanned.includes(e)) && used.some((u) => covers(e, u))) && !(gitUsed && isGitFolder(e)) && !(bundleRead && e === '.bundle') && !(e === '**/node_modules' && !nestedNodeModules(context)));
    if (entries.length === 0) continue;
    lines.push('', `# ${eco.name}`, ...entries);
  }
  // What the scan measured beyond the ecosystem entries: heavy folders at any depth and likely secrets.
  const chosen = createDockerignoreMatcher(lines.join('\n'));
  const measured = (paths: string[], title: string[], prefix = '') => {
    const extra = paths.filter((p) => !chosen.isExcluded(p) && !keep.some((src) => overlaps(src, p))).map(literalPattern).filter((l): l is string => l !== undefined);
    if (extra.length) lines.push('', ...title, ...[...new Set(extra)].map((e) => prefix + e));
  };
  measured(suggestedHeavyPaths(model, context, HEAVY_PATH_MIN_BYTES).map((h) => h.path), ['# Large folders found in the build context']);
  // Listed as comments: the application may read them at run time (see context-secrets' fix).
  measured((context.scan?.secrets ?? []).map((s) => s.path), ['# Likely secrets found in the build context: uncomment those the app does not read'], '# ');
  return lines.join('\n') + '\n';
}

export const rule: Rule = {
  id: 'context-without-dockerignore',
  title: 'whole build context copied without a .dockerignore',
  severity: 'warning',
  scope: 'layers',
  docs: {
    summary: '`COPY . <dest>` or `ADD . <dest>` while the build context has no `.dockerignore`.',
    why: 'Everything in the context lands in the image: `.git` history, `node_modules` or `.venv` built on your machine, test data, build output, and sometimes secrets such as `.env`.',
    incorrect: '# no .dockerignore next to the Dockerfile\nCOPY . /app',
    correct: '# .dockerignore\n.git\nnode_modules\n\n# Dockerfile\nCOPY . /app',
    sizeImpact: 'What the context holds beyond the sources: it depends on the project, so no figure is given.',
    fix: 'Creates a `.dockerignore` at the root of the build context with entries for the ecosystems found in the context (Node.js, with `**/node_modules` beside `node_modules` only when the scan found one below the top or did not finish; Python, Go, Java, Rust; .NET\'s `**/obj` and the `bin` folders the scan found beside a project file, PHP\'s `vendor` and Ruby\'s (`.bundle`, `vendor/bundle`, logs), only when the image runs `dotnet restore`/`build`/`publish`, `composer install` or `bundle install` itself or a `COPY --from` puts the folder in place), plus the heavy folders the context scan found and, as comments (the app may read them), the likely secrets it found, leaving out any entry that would exclude a file the Dockerfile copies by name, or a build output (`dist`, `target`...) that a later RUN, CMD or ENTRYPOINT of the image uses from a `COPY .`, or `.git` (`.bundle`) when a later RUN of the image runs git (Bundler\'s install) on the copy. Once an ignore file exists, `context-large-paths` and `context-secrets` take over.',
  },
  check({ model, env }) {
    if (env.context.hasDockerignore !== false) return [];
    const scan = env.context.scan;
    const heavy = suggestedHeavyPaths(model, env.context, HEAVY_PATH_MIN_BYTES);
    const heavyBytes = heavy.reduce((n, h) => n + h.bytes, 0);
    const about = scan?.complete ? 'about' : 'at least about';
    let measured = '';
    if (scan) {
      measured = ` It sends ${about} ${formatBytes(scan.bytes)} (${countOf(scan.files, 'file')})`;
      measured += heavy.length ? `, among them ${heavy.slice(0, 5).map((h) => `${h.path} ${formatBytes(h.bytes)}`).join(', ')}.${heavyPathsNote(heavy)}` : '.';
      const keep = scan.secrets.length > 0 ? explicitSources(model) : [];
      const secrets = scan.secrets.filter((s) => !keep.some((k) => overlaps(k, s.path)));
      if (secrets.length) measured += ` Likely secrets: ${secrets.slice(0, 3).map((s) => s.path).join(', ')}.`;
    }
    return onWholeContextCopies(model, (instr) => ({
      message: `${instr.keyword} . copies the whole build context${contextNote(env.context)}, and there is no .dockerignore: .git, local dependencies and build output go into the image too.${measured} Add a .dockerignore.`,
      saving: scan ? { bytes: heavyBytes, basis: `${about} the measured size of the heavy folders in the build context` } : { basis: 'whatever the build context holds beyond the sources (not scanned yet)' },
    }));
  },
  fix(finding, { model, env }) {
    if (!instructionAt(model, finding.range.start.line)) return undefined;
    return {
      title: `Create a ${ignoreFileName(env.context)} for this build context`,
      edits: [],
      createFiles: [{ relativePath: env.context.newIgnoreFilePath ?? '.dockerignore', content: suggestedDockerignore(env.context, model) }],
      preferred: true,
    };
  },
};
