/**
 * fast-check arbitraries for Dockerfiles in a build context: the facts the server gathers (an
 * ignore file or none, top-level names, a scan's heavy folders and secrets), so that the rules
 * that read them (context-without-dockerignore, context-large-paths, context-secrets,
 * copy-source-ignored) and their fixes, which create or edit the ignore file, meet random input.
 * The Dockerfile corpus in arbitraries.ts runs in an empty context, where those rules never fire.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import type { AnalysisSettings } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment, BuildContextFacts } from '../../../server/src/core/environment';
import { FIXTURES_DIR, fixtureFiles, parseFixture } from '../../support/fixtures';
import { applyMutations, mutations, randomDockerignore } from './arbitraries';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface InContext {
  text: string;
  env: AnalysisEnvironment;
  settings: AnalysisSettings;
}

/** Every rule fixture with the context and settings its header gives, and every example in its folder without an ignore file. */
export const IN_CONTEXT: InContext[] = [
  ...fixtureFiles(path.join(FIXTURES_DIR, 'rules')).map(parseFixture).map(({ text, env, settings }) => ({ text, env, settings })),
  ...fs.readdirSync(path.join(ROOT, 'examples')).sort().map((name) => {
    const dir = path.join(ROOT, 'examples', name);
    return { text: fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), env: { context: { hasDockerignore: false, topLevelNames: fs.readdirSync(dir).sort() } }, settings: {} };
  }),
];

/** Names a context may hold: heavy folders, secrets, ecosystem markers, names the fixtures copy, and names that read as patterns. */
const NAMES = ['node_modules', '.git', '.env', 'id_rsa', 'package.json', 'requirements.txt', 'app', 'dist', 'build', 'src', '.venv', 'Dockerfile', '.dockerignore', 'x.tar.gz', 'secrets', 'coverage', 'go.mod', 'Gemfile', 'package-lock.json', 'a b', '.next', '*', '!keep', '[x]', '#notes'];
const HEAVY = ['node_modules', '.git', '.venv', 'coverage', 'app/node_modules', '.next', 'build'];
const SECRETS = ['.env', 'id_rsa', 'app/.env', 'secrets/key.pem', 'config/.npmrc'];

/** An ignore file: random text, or lines naming context paths (with `!` exceptions among them). */
const ignoreText = fc.oneof(
  randomDockerignore,
  fc.array(fc.tuple(fc.constantFrom('', '', '!', '**/', '# '), fc.constantFrom(...NAMES, ...HEAVY, ...SECRETS, '*', '**')).map(([a, b]) => a + b), { maxLength: 8 }).map((ls) => ls.join('\n') + '\n'),
);

/** The facts of a build context, as the server gathers them. */
export const buildContext: fc.Arbitrary<BuildContextFacts> = fc.oneof(
  fc.constant({}),
  fc.subarray(NAMES).map((names) => ({ hasDockerignore: false, topLevelNames: names })),
  fc
    .record({
      text: ignoreText,
      names: fc.subarray(NAMES),
      file: fc.constantFrom('.dockerignore', '../.dockerignore', 'Dockerfile.dockerignore'),
      scan: fc.option(fc.record({ top: fc.subarray(NAMES), heavy: fc.subarray(HEAVY), secrets: fc.subarray(SECRETS), complete: fc.boolean() })),
    })
    .map(({ text, names, file, scan }) => ({
      hasDockerignore: true,
      topLevelNames: names,
      ignoreFile: { relativePath: file, text },
      scan: scan
        ? {
            complete: scan.complete,
            files: 1_000,
            bytes: 300_000_000,
            topLevel: scan.top.map((p, i) => ({ path: p, bytes: 10_000_000 * (i + 1), files: 3 })),
            heavy: scan.heavy.map((p) => ({ path: p, bytes: 50_000_000, files: 100, kind: p.slice(p.lastIndexOf('/') + 1) })),
            secrets: scan.secrets.map((p) => ({ path: p, kind: 'env', reason: 'a likely secret' })),
          }
        : undefined,
    })),
);

/** A fixture or example as it is or mutated, in its own context or in a random one. */
export const dockerfileInContext: fc.Arbitrary<InContext> = fc
  .tuple(fc.constantFrom(...IN_CONTEXT), fc.option(mutations), fc.option(buildContext, { freq: 2 }))
  .map(([{ text, env, settings }, ms, context]) => ({ text: ms ? applyMutations(text, ms) : text, env: context ? { context } : env, settings }));
