/**
 * What the analysis knows about the world around a Dockerfile. The core never touches the file
 * system: the language server and the CLI gather these facts through `sources/` and pass them in.
 */
import type { NpmLockEntry } from '../sizes/npm';

export interface BuildContextFacts {
  /** Whether an ignore file applies to this Dockerfile's build context (undefined: not known). */
  hasDockerignore?: boolean;
  /** Names of files at the top of the build context, used to guess the ecosystem. */
  topLevelNames?: string[];
  /** Bytes each COPY/ADD of the build context copies, by instruction index, once a scan measured them. */
  copySizes?: Record<number, number>;
  /** The ignore file the build uses (the per-Dockerfile one wins over the context's), when one exists. */
  ignoreFile?: IgnoreFileFacts;
  /**
   * Why the context is another folder than the Dockerfile's when nothing named it (no setting, no
   * Compose service): `inferred as the workspace root: 2 of the 2 COPY/ADD sources exist there
   * (package.json, src/), none in docker/`. Texts that speak of the context say it.
   */
  inferredContext?: string;
  /** Where a fix creates the context's `.dockerignore`, relative to the Dockerfile's folder. Default `.dockerignore`. */
  newIgnoreFilePath?: string;
  /** What a scan of the build context measured, once one finished (absent while it runs). */
  scan?: ContextScanFacts;
  /** The npm lockfile at the top of the build context, when there is one (what `npm ci` installs). */
  npmLockfile?: NpmLockfileFacts;
  /** The package.json at the top of the build context, when it can be read (what `npm install` installs without a lockfile). */
  npmManifest?: NpmManifestFacts;
  /** The .yarnrc.yml at the top of the build context (Yarn 2+), when it can be read. */
  yarnrc?: YarnrcFacts;
  /** The pyproject.toml at the top of the build context, when it can be read: whether `uv sync` has a dev group to install. */
  pyproject?: PyprojectFacts;
  /** The stage the Compose services that build this Dockerfile name as their `build.target` (all the same one). */
  buildTarget?: string;
}

/** An npm lockfile (lockfileVersion 2 or 3) as the size model reads it. */
export interface NpmLockfileFacts {
  /** `npm-shrinkwrap.json` or `package-lock.json` (npm prefers the first), relative to the context root. */
  path: string;
  /** Every package the lockfile installs (its entries under a node_modules folder), nested copies included. */
  packages: NpmLockEntry[];
  /** The names the project itself depends on (dependencies, devDependencies, optional and peer ones). */
  rootRequires: string[];
}

/** What package.json declares, as `npm install` without a lockfile reads it. */
export interface NpmManifestFacts {
  /** `package.json`, relative to the context root. */
  path: string;
  /** `name@range` of each entry of `dependencies` (npm's own spelling of a spec). */
  dependencies: string[];
  devDependencies: string[];
  optionalDependencies: string[];
  /** The project is an npm workspaces root: the workspaces' own package.json files add packages. */
  workspaces: boolean;
  /** The `packageManager` field as written (`yarn@4.5.0`), which corepack reads to pick the tool. */
  packageManager?: string;
}

/** What pyproject.toml declares about uv's and Poetry's dependency groups. */
export interface PyprojectFacts {
  /** `pyproject.toml`, relative to the context root. */
  path: string;
  /** A `dev` group: a `dev` key in `[dependency-groups]`, or `dev-dependencies` in `[tool.uv]` (uv's older spelling of it). */
  devGroup: boolean;
  /** `[tool.uv] default-groups` as written (the groups `uv sync` installs unless told; uv's default is the dev group alone). */
  defaultGroups?: readonly string[] | 'all';
  /** Poetry's groups besides main ([tool.poetry.group.*], [tool.poetry.dev-dependencies], [dependency-groups]) less the `optional = true` ones; absent when there is none. */
  poetryGroups?: string[];
  /** Poetry's `optional = true` groups, which `--all-groups` (Poetry 2) installs too; absent when there is none. */
  poetryOptional?: string[];
}

/** The .yarnrc.yml settings the Yarn rules read. */
export const YARNRC_KEYS = ['nodeLinker', 'enableGlobalCache', 'cacheFolder', 'globalFolder'] as const;

/** What .yarnrc.yml sets at its top level, values as written (unquoted). */
export type YarnrcFacts = { path: string } & { [K in (typeof YARNRC_KEYS)[number]]?: string };

export interface IgnoreFileFacts {
  /** Relative to the Dockerfile's folder, `/`-separated (`.dockerignore`, `../.dockerignore`, `app.Dockerfile.dockerignore`). */
  relativePath: string;
  text: string;
  /** Why the file is not evaluated (beyond `IGNORE_LIMITS`): then no matcher is built from it and the context is not scanned. */
  notEvaluated?: string;
}

/** A path of the build context with what the builder receives from it (after the ignore file the scan used). */
export interface ContextPathFacts {
  /** Relative to the context root, `/`-separated. */
  path: string;
  bytes: number;
  files: number;
  /** True for a folder, false for a file or link; absent when not known. */
  isDirectory?: boolean;
}

export interface ContextScanFacts {
  /** False when a limit stopped the scan: figures are lower bounds. */
  complete: boolean;
  /** Files and bytes `COPY .` sends (apparent sizes), as the scan measured them. */
  files: number;
  bytes: number;
  /** Every top-level entry of the context with what it sends, largest first (the largest {@link TOP_LEVEL_ENTRIES} when there are more). */
  topLevel: ContextPathFacts[];
  /** Folders that are usually dead weight in an image (`.git`, `node_modules`, `.venv`, caches, build output), at any depth, that send something. */
  heavy: Array<ContextPathFacts & { kind: string }>;
  /** Likely credentials the builder receives. */
  secrets: Array<{ path: string; kind: string; reason: string }>;
  /** What the builder receives from folders one or two levels below a top-level one (`app/cache`), outside the heavy ones; a bounded number of them. */
  folders?: ReadonlyMap<string, number>;
  /** Every path of the context, sent or not, when the scan walked it all without an error: what shows that a path is not there. */
  listing?: { files: readonly string[]; dirs: readonly string[] };
}

export interface AnalysisEnvironment {
  context: BuildContextFacts;
}

/** How many top-level entries a scan lists at most: a scan that lists fewer listed them all. */
export const TOP_LEVEL_ENTRIES = 1000;

export const EMPTY_ENVIRONMENT: AnalysisEnvironment = { context: {} };
