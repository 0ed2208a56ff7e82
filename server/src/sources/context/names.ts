/**
 * The names the build-context scan reports on: folders that are usually dead weight in an image
 * (at any depth; context-large-paths and context-without-dockerignore name them) and files that
 * likely hold credentials (context-secrets and context-without-dockerignore name them).
 *
 * One list for two readers, so that they cannot drift apart: the scan (scan.ts) looks at these
 * names and no others (except the service-account keys below), and the file watchers
 * (server/src/watchedNames.ts) watch all of them, so a finding that names such a file or folder
 * is refreshed when it is created or deleted. test/unit/context/watchedNames.test.ts checks it.
 *
 * No imports: the VS Code client bundles this module (through watchedNames.ts).
 */

export type NotableKind = 'vcs' | 'dependencies' | 'virtualenv' | 'cache' | 'build-output' | 'coverage' | 'dotnet-output' | 'composer-dependencies';

/** Folders reported at any depth, by exact name. A Map: a folder named `constructor` is no kind. */
export const NOTABLE_FOLDERS: ReadonlyMap<string, NotableKind> = new Map<string, NotableKind>([
  ['.git', 'vcs'],
  ['.hg', 'vcs'],
  ['.svn', 'vcs'],
  ['node_modules', 'dependencies'],
  ['bower_components', 'dependencies'],
  ['.venv', 'virtualenv'],
  ['venv', 'virtualenv'],
  ['__pycache__', 'cache'],
  ['.mypy_cache', 'cache'],
  ['.pytest_cache', 'cache'],
  ['.ruff_cache', 'cache'],
  ['.tox', 'cache'],
  ['.cache', 'cache'],
  ['.gradle', 'cache'],
  ['.terraform', 'cache'],
  ['.turbo', 'cache'],
  ['target', 'build-output'],
  ['dist', 'build-output'],
  ['build', 'build-output'],
  ['out', 'build-output'],
  ['.next', 'build-output'],
  ['.nuxt', 'build-output'],
  ['coverage', 'coverage'],
  ['.nyc_output', 'coverage'],
]);

/**
 * Folders reported only where the same folder holds a project file of their ecosystem: the names
 * alone are too common to mean dead weight (Rails keeps scripts in `bin/`, a Go build with
 * `-mod=vendor` needs `vendor/`, Bundler installs into `vendor/bundle`). `bin/` and `obj/` beside
 * a .NET project file are what `dotnet build` writes (a solution's projects each have their own);
 * `vendor/` beside `composer.json` is what `composer install` writes. The rules suggest them only
 * when the image runs that tool itself (core/buildContext.ts).
 */
export const NOTABLE_BESIDE_PROJECT: ReadonlyArray<{ kind: NotableKind; folders: readonly string[]; projectFiles: RegExp }> = [
  { kind: 'dotnet-output', folders: ['bin', 'obj'], projectFiles: /\.(?:cs|fs|vb)proj$/ },
  { kind: 'composer-dependencies', folders: ['vendor'], projectFiles: /^composer\.json$/ },
];

/**
 * The kind of the folder `name` inside a folder whose entries are named `siblings` (only asked for
 * the few names of NOTABLE_BESIDE_PROJECT, so a listing is searched only where one of them is).
 */
export function notableFolderKind(name: string, siblings: () => readonly string[]): NotableKind | undefined {
  const kind = NOTABLE_FOLDERS.get(name);
  if (kind) return kind;
  const beside = NOTABLE_BESIDE_PROJECT.find((b) => b.folders.includes(name));
  return beside && siblings().some((s) => beside.projectFiles.test(s)) ? beside.kind : undefined;
}

export type SecretKind =
  | 'dotenv'
  | 'private-key'
  | 'keystore'
  | 'ssh-key'
  | 'npm-token'
  | 'pypi-password'
  | 'netrc'
  | 'git-credentials'
  | 'aws-credentials'
  | 'docker-auth'
  | 'terraform-state'
  | 'gcloud-service-account';

/**
 * Google Cloud service-account keys can have any name: the scan finds them by the content of
 * small JSON files. Watching `*.json` would refresh every open Dockerfile on each JSON file
 * written anywhere in the workspace, so they are the one kind not watched.
 */
export type NamedSecretKind = Exclude<SecretKind, 'gcloud-service-account'>;

/**
 * The file names that make a file a candidate for each kind, as globs whose only wildcard is `*`,
 * in the order the scan tries them (the first kind that accepts the file wins). Once the name
 * matched, the scan may still look at the folder or the content (scan.ts: `id_rsa.pub` is no
 * key, a `.pem` must hold a private key, `credentials` must be in `.aws`). `ignoreCase` kinds
 * match `.ENV` and `CERT.PEM` too, and are watched in both cases.
 */
export const SECRET_FILE_NAMES: ReadonlyArray<{ kind: NamedSecretKind; names: readonly string[]; ignoreCase?: true }> = [
  { kind: 'dotenv', names: ['.env', '.env.*'], ignoreCase: true },
  { kind: 'ssh-key', names: ['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_rsa_*', 'id_dsa_*', 'id_ecdsa_*', 'id_ed25519_*'] },
  { kind: 'keystore', names: ['*.p12', '*.pfx', '*.jks', '*.keystore'], ignoreCase: true },
  { kind: 'private-key', names: ['*.pem', '*.key'], ignoreCase: true },
  { kind: 'terraform-state', names: ['*.tfstate'], ignoreCase: true },
  { kind: 'git-credentials', names: ['.git-credentials'] },
  { kind: 'aws-credentials', names: ['credentials'] },
  { kind: 'npm-token', names: ['.npmrc', '.yarnrc.yml'] },
  { kind: 'pypi-password', names: ['.pypirc'] },
  { kind: 'netrc', names: ['.netrc', '_netrc'] },
  { kind: 'docker-auth', names: ['config.json'] },
];

/**
 * One RegExp for file names matching any of `globs` (`*`: any run of characters but `/`, as in a
 * file watcher's glob). A glob that starts with `*` is a test of the end of the name: left
 * unanchored at the start, it does not make the engine try every position for each name.
 */
function namesRegExp(globs: readonly string[], ignoreCase: boolean): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = (g: string) => g.split('*').map(escape).join('[^/]*');
  const isEnd = (g: string) => g.startsWith('*') && !g.slice(1).includes('*');
  const whole = globs.filter((g) => !isEnd(g)).map(source);
  const ends = globs.filter(isEnd).map((g) => source(g.slice(1)));
  const alternatives = [...(whole.length ? [`^(?:${whole.join('|')})$`] : []), ...(ends.length ? [`(?:${ends.join('|')})$`] : [])];
  return new RegExp(alternatives.join('|') || '(?!)', ignoreCase ? 'i' : '');
}

/** Built on first use, not when the VS Code client loads this module for the names alone. Most files match no kind: `any` rules them out in one test. */
let tests: { any: RegExp; byKind: Array<{ kind: NamedSecretKind; test: RegExp }> } | undefined;

/** The kinds whose names `name` (a file name, no folder) matches, in the order the scan tries them. */
export function secretKindsNamed(name: string): NamedSecretKind[] {
  tests ??= {
    any: namesRegExp(SECRET_FILE_NAMES.flatMap((e) => e.names), true),
    byKind: SECRET_FILE_NAMES.map((e) => ({ kind: e.kind, test: namesRegExp(e.names, e.ignoreCase === true) })),
  };
  if (!tests.any.test(name)) return [];
  return tests.byKind.filter((k) => k.test.test(name)).map((k) => k.kind);
}

/** The globs a file watcher needs for one entry of SECRET_FILE_NAMES: letters as `[eE]` classes where case does not matter (watchers compare case). */
export function watchGlobs(entry: (typeof SECRET_FILE_NAMES)[number]): string[] {
  if (!entry.ignoreCase) return [...entry.names];
  return entry.names.map((g) => g.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`));
}
