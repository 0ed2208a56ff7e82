/**
 * context-secrets: `COPY . <dest>` / `ADD . <dest>` while the build context holds likely
 * credentials the ignore file does not exclude (`.env`, private keys, `.npmrc` with a token,
 * cloud credential files). The scan in `sources/context/scan.ts` decides what looks like a secret;
 * without an ignore file at all, `context-without-dockerignore` names them instead.
 */
import { explicitSources, ignoreFileName, ignoreMatcher, ignorePathsFix, overlaps, onWholeContextCopies } from '../core/buildContext';
import type { BuildContextFacts } from '../core/environment';
import type { DockerfileModel } from '../core/model';
import type { Rule } from './rule';

/** Secrets the builder receives, except those the Dockerfile copies by name (a deliberate choice, and ignoring them would break the build). */
function unignoredSecrets(context: BuildContextFacts, model: DockerfileModel): Array<{ path: string; reason: string }> {
  const secrets = context.scan?.secrets ?? [];
  if (secrets.length === 0) return [];
  const matcher = ignoreMatcher(context);
  const keep = explicitSources(model);
  return secrets.filter((s) => !matcher?.isExcluded(s.path) && !keep.some((k) => overlaps(k, s.path)));
}

export const rule: Rule = {
  id: 'context-secrets',
  title: 'likely secrets in the build context are copied into the image',
  severity: 'warning',
  scope: 'layers',
  docs: {
    summary: '`COPY . <dest>` or `ADD . <dest>` while the build context holds likely credentials (`.env`, private keys, `.npmrc` with a token, cloud credential files) that the ignore file does not exclude.',
    why: 'Whatever `COPY .` copies stays in that layer for good: deleting the file in a later instruction does not remove it from the image, and anyone who can pull the image can read it. Secrets belong in build secrets (`RUN --mount=type=secret`) or in the runtime environment.',
    incorrect: '# .dockerignore holds only ".git"; the context has .env and certs/server.key\nCOPY . /app',
    correct: '# .dockerignore\n.env\ncerts/server.key\n.git\n\n# Dockerfile\nCOPY . /app',
    sizeImpact: 'Usually a few bytes; the cost is exposure, not size.',
    fix: 'Adds the files to the ignore file in force, above its first pattern so that existing `!` exceptions keep working; where a line re-includes the path itself (`!.env`, or `!*` below the new line), right below the last line that matches it instead, since a line placed first would change nothing. Needs a review (not applied by Apply all or `--fix`): an application may read them at run time (dotenv, a TLS key).',
  },
  check({ model, env }) {
    const { context } = env;
    if (!context.scan || !context.ignoreFile) return [];
    const secrets = unignoredSecrets(context, model);
    if (secrets.length === 0) return [];
    const list = secrets.slice(0, 4).map((s) => `${s.path} (${s.reason})`).join(', ') + (secrets.length > 4 ? `, and ${secrets.length - 4} more` : '');
    return onWholeContextCopies(model, (instr) => ({
      message: `${instr.keyword} . bakes likely secrets into the image, and ${ignoreFileName(context)} does not exclude them: ${list}.`,
    }));
  },
  fix(_finding, { model, env }) {
    const paths = unignoredSecrets(env.context, model).map((s) => s.path);
    const fix = ignorePathsFix(env.context, paths, `Add ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', ...' : ''} to ${ignoreFileName(env.context)} (if the app does not read them)`);
    // Never applied unasked: an application may read them at run time (see docs.fix).
    return fix && { ...fix, preferred: false };
  },
};
