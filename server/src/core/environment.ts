/**
 * What the analysis knows about the world around a Dockerfile. The core never touches the file
 * system: the language server and the CLI gather these facts through `sources/` and pass them in.
 */

export interface BuildContextFacts {
  /** Whether an ignore file applies to this Dockerfile's build context (undefined: not known). */
  hasDockerignore?: boolean;
  /** Names of files at the top of the build context, used to guess the ecosystem. */
  topLevelNames?: string[];
  /** Bytes each COPY/ADD of the build context copies, by instruction index, once a scan measured them. */
  copySizes?: Record<number, number>;
}

export interface AnalysisEnvironment {
  context: BuildContextFacts;
}

export const EMPTY_ENVIRONMENT: AnalysisEnvironment = { context: {} };
