/**
 * copy-source-ignored: a COPY/ADD names, or a RUN bind-mounts, a path of the build context that
 * the ignore file excludes. The builder never receives it, so the build fails ("failed to compute cache key:
 * ... not found"). Only sources written literally are judged (no wildcards or variables); the
 * decision is Docker's, including the rule that an excluded folder is not entered unless an
 * exception starts with its path.
 */
import { bindMountSources, contextSources, ignoreFileName, ignoreMatcher, literalSourcePath } from '../core/buildContext';
import { explainDecision, literalPattern } from '../core/dockerignore';
import type { BuildContextFacts } from '../core/environment';
import { LineIndex } from '../core/text';
import type { RawFinding, Rule } from './rule';

/** Why the builder receives nothing of `path` (a clause), or undefined when it receives something. */
function whyExcluded(context: BuildContextFacts, path: string): string | undefined {
  const matcher = ignoreMatcher(context);
  if (!matcher) return undefined;
  const decision = matcher.decide(path);
  if (!decision.excluded) return undefined;
  // An excluded folder the builder still enters (an exception starts with its path) may send part of it.
  if (decision.skippedDirectory === undefined && matcher.patterns.some((p) => p.exclusion && p.pattern.startsWith(path + '/'))) return undefined;
  // 'excluded by line 2' needs a subject; 'the builder never looks inside ...' has one.
  return decision.skippedDirectory === undefined ? `it is ${explainDecision(decision)}` : explainDecision(decision);
}

export const rule: Rule = {
  id: 'copy-source-ignored',
  title: 'COPY/ADD source excluded by the ignore file',
  severity: 'error',
  scope: 'always',
  docs: {
    summary: 'A COPY or ADD names a path of the build context that `.dockerignore` (or the per-Dockerfile ignore file) excludes, or a RUN bind-mounts one (`--mount=type=bind,source=...`).',
    why: 'The builder never receives excluded paths, so the instruction finds nothing to copy and the build fails with "not found". It is easy to cause by adding a broad entry such as `build` or `*.json` to the ignore file.',
    incorrect: '# .dockerignore\ntarget\n\n# Dockerfile\nCOPY target/app.jar /app.jar',
    correct: '# .dockerignore\ntarget\n!target/app.jar\n\n# Dockerfile\nCOPY target/app.jar /app.jar',
    sizeImpact: 'None: the build fails.',
    fix: 'Adds an exception (`!path`) for the copied path at the end of the ignore file, which Docker honours even inside an excluded folder because the exception starts with that folder\'s path.',
  },
  check({ model, env }) {
    const { context } = env;
    if (!context.ignoreFile) return [];
    const out: RawFinding[] = [];
    for (const instr of model.instructions) {
      for (const source of [...contextSources(instr), ...bindMountSources(instr)]) {
        const path = source.whole ? undefined : literalSourcePath(source.value);
        const why = path && whyExcluded(context, path);
        if (!why) continue;
        out.push({
          range: source.range,
          instr,
          message: `The builder never receives \`${path}\`, so this ${instr.keyword} fails: in ${ignoreFileName(context)}, ${why}.`,
          data: { path },
        });
      }
    }
    return out;
  },
  fix(finding, { env }) {
    const file = env.context.ignoreFile;
    const path = typeof finding.data?.path === 'string' ? finding.data.path : undefined;
    const line = path && literalPattern(path);
    if (!file || !line || !whyExcluded(env.context, path)) return undefined;
    const lines = new LineIndex(file.text);
    const end = lines.positionAt(file.text.length);
    const needsBreak = file.text.length > 0 && !file.text.endsWith('\n');
    return {
      title: `Let ${path} through: add !${line} to ${ignoreFileName(env.context)}`,
      edits: [],
      editFiles: [{ relativePath: file.relativePath, edits: [{ range: { start: end, end }, newText: `${needsBreak ? lines.eol : ''}!${line}${lines.eol}` }] }],
      preferred: true,
    };
  },
};
