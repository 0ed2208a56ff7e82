/**
 * The names of the files and folders whose creation, change or deletion changes the server's
 * findings. A glob with no `/` in it, so that a watcher with a folder as its base watches that
 * folder's top level only: the VS Code client's watchers (client/src/extension.ts,
 * client/src/outsideWatcher.ts) and the ones the server asks the client for
 * (server/src/lsp/contextWatchers.ts) rely on that.
 *
 * What the context scan reports on (heavy folders, likely secrets) comes from the list the scan
 * itself uses (sources/context/names.ts). The names the server reads are listed here, because
 * the modules that read them would bring the file system and YAML code into the client's bundle;
 * test/unit/context/watchedNames.test.ts fails when one of those modules reads a name missing here.
 */
import { NOTABLE_BESIDE_PROJECT, NOTABLE_FOLDERS, SECRET_FILE_NAMES, watchGlobs } from './sources/context/names';

/** Files the server reads by name: ignore files, its config and hadolint's, Compose files, npm lockfiles, .yarnrc.yml, and the project files that choose a fix's entries (context-without-dockerignore) or make a folder beside them notable (names.ts). */
const READ_NAMES = [
  '.dockerignore',
  '*.dockerignore',
  '.dockerfile-size-hints.yaml',
  '.dockerfile-size-hints.yml',
  '.dockerfile-size-hints.json',
  '.hadolint.yaml',
  '.hadolint.yml',
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  '.yarnrc.yml',
  'requirements.txt',
  'pyproject.toml',
  'setup.py',
  'Pipfile',
  'poetry.lock',
  'uv.lock',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'Cargo.toml',
  'composer.json',
  'Gemfile',
  '*.sln',
  '*.csproj',
  '*.fsproj',
  '*.vbproj',
];

export const WATCHED_NAMES = `{${[...new Set([...READ_NAMES, ...NOTABLE_FOLDERS.keys(), ...NOTABLE_BESIDE_PROJECT.flatMap((b) => b.folders), ...SECRET_FILE_NAMES.flatMap(watchGlobs)])].join(',')}}`;
