// The ecosystems' entries of the .dockerignore context-without-dockerignore creates, in a module
// without runtime imports: dockerignore-matches-nothing reads them too, and importing the rule's
// module into the ignore-file checks moved its imports up the server bundle, which then deflated
// worse (gzip -9 of the production server-main.js: +318 bytes that way, +132 this way).
import type { BuildContextFacts } from '../environment';

/**
 * Ignore entries per ecosystem, chosen from files at the top of the build context (a marker with
 * `*` is a file name's end). `outputs`: build output, left out when the image uses it after a `COPY
 * .`; `madeBy`: the kind of heavy folder (sources/context/names.ts), or `bundler`, whose tool the image
 * must run for the entries to be written (core/buildContext.ts MADE_BY, madeInImage).
 */
export const ECOSYSTEMS: { name: string; markers: string[]; entries: string[]; outputs?: string[]; madeBy?: string; scanned?: (context: BuildContextFacts) => string[] }[] = [
  { name: 'any project', markers: [], entries: ['.git', '.gitignore', '.dockerignore', '**/.DS_Store', '.idea', '.vscode', '*.log', '**/*.swp'] },
  { name: 'Node.js', markers: ['package.json'], entries: ['node_modules', '**/node_modules', 'npm-debug.log*', 'yarn-error.log*', '.npm', 'coverage', '.nyc_output'] },
  {
    name: 'Python',
    markers: ['requirements.txt', 'pyproject.toml', 'setup.py', 'Pipfile', 'poetry.lock', 'uv.lock'],
    entries: ['**/__pycache__', '**/*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '**/*.egg-info', 'htmlcov', '.coverage'],
  },
  { name: 'Go', markers: ['go.mod'], entries: ['**/*.test', 'coverage.out'] },
  { name: 'Java', markers: ['pom.xml', 'build.gradle', 'build.gradle.kts'], entries: ['target', 'build', '.gradle'], outputs: ['target', 'build'] },
  { name: 'Rust', markers: ['Cargo.toml'], entries: ['target'], outputs: ['target'] },
  // `**/obj`, but not `**/bin`: bin/ is a common name for scripts (a top-level bin/entrypoint.sh the
  // image runs), so only the bin/ folders the scan found beside a project file are written, by path.
  {
    name: '.NET',
    markers: ['*.sln', '*.csproj', '*.fsproj', '*.vbproj'],
    entries: ['**/obj'],
    outputs: ['**/obj'],
    madeBy: 'dotnet-output',
    scanned: (context) => (context.scan?.heavy ?? []).filter((h) => h.kind === 'dotnet-output' && /(^|\/)bin$/.test(h.path)).map((h) => h.path),
  },
  { name: 'PHP', markers: ['composer.json'], entries: ['vendor'], madeBy: 'composer-dependencies' },
  // Not vendor/ (vendor/cache holds the gems `bundle install --local` reads), nor all of log/ and tmp/: puma needs tmp/pids/.
  // .bundle is left out where Bundler installs from a COPY . (its config may hold credentials): bundleConfigReadAfterContextCopy.
  { name: 'Ruby', markers: ['Gemfile'], entries: ['.bundle', 'vendor/bundle', 'log/*.log', 'tmp/cache', '.byebug_history'], madeBy: 'bundler' },
];
