/** Shape of test/bench/measure/results.json (written by run.ts, read by constants-template.ts). */

export interface LayerSize {
  /** The instruction that made the layer, as the engine records it. */
  createdBy: string;
  bytes: number;
}

export interface BuildResult {
  dockerfile: string;
  /** Layers the Dockerfile added on top of its base image, oldest first. */
  addedLayers: LayerSize[];
  /** Whole image size as the engine reports it (base included). */
  imageBytes: number;
  seconds: number;
}

export interface Measurement {
  id: string;
  title: string;
  base: string;
  smelly: BuildResult;
  fixed: BuildResult;
  /** smelly image - fixed image: what the fix saves. */
  deltaBytes: number;
  /** `du -ab` of /var/lib/apt/lists, /var/cache/apt and /root/.cache in the smelly image. */
  smellyContents: string[];
  note: string;
  /** The same build with a BuildKit cache mount instead of the cleanup (toolchain cases). */
  cacheMount?: BuildResult;
  /** The toolchain's own version line (`go version`, `cargo --version`, `mvn -v`). */
  toolVersion?: string;
  /** When this measurement was made, where it was run apart from the whole bench (`npm run bench:measure -- ID`). */
  measuredOn?: string;
  /** Bytes of what the build produced (the program), read in the fixed image. */
  outputBytes?: number;
  /** What outputBytes counts. */
  output?: string;
}

export interface AptPrediction {
  packages: string[];
  recommends: boolean;
  /** Size of the `apt-get update && apt-get install ... && rm -rf /var/lib/apt/lists/*` layer. */
  measuredLayerBytes: number;
  /** .pyc bytes found in the built image. */
  measuredPycBytes: number;
  /** estimateAptInstall(): the sum of Installed-Size of the packages it predicts. */
  predictedInstalledBytes: number;
  /** estimateAptInstall(): the .pyc model (fitted ratio x Installed-Size of Python packages). */
  predictedBytecodeBytes: number;
  predictedBytes: number;
  /** (predicted - measured) / measured, in percent. */
  errorPct: number;
  /** The same error for Installed-Size alone (no .pyc model). */
  installedSizeOnlyErrorPct: number;
  /** estimateAptInstall(): dpkg and debconf records (APT_LAYER_BOOKKEEPING, DEBCONF_TEMPLATES_BACKUP), included in predictedBytes (runs from 2026-12-04 on). */
  predictedBookkeepingBytes?: number;
  /** The error without that term (Installed-Size and .pyc model only), as the model was before 2026-12-04. */
  withoutBookkeepingErrorPct?: number;
  /** Bytes of the layer's files by where they are (read from the layer's directory), from 2026-12-04 on. */
  layerParts?: Record<string, number>;
  measuredPackageCount: number;
  /** Packages dpkg lists in the built image that the base did not have (from runs after 2026-11-24 11:50). */
  addedPackages?: string[];
  predictedPackageCount: number;
  /** Installed by apt but not predicted. */
  missedPackages: string[];
  /** Predicted but not installed by apt. */
  extraPackages: string[];
  /** Base packages apt upgraded as a side effect (versioned dependencies on newer releases). */
  upgradedBasePackages: string[];
  unknown: string[];
  dockerfile: string;
}

export interface RecommendsResult {
  packages: string[];
  measuredDeltaBytes: number;
  predictedDeltaBytes: number;
  errorPct: number;
}

export interface Results {
  date: string;
  command: string;
  engine: { server: string; client: string; builder: string };
  baseImages: { officialLike: { name: string; bytes: number; packages: number }; bare: { name: string; bytes: number } };
  measurements: Measurement[];
  pip: { wheelBytes: number };
  /** The .pyc model: ratio = pycBytes / Installed-Size of the byte-compiled packages, fitted on one set. */
  bytecode: { ratio: number; fittedOn: string; pycBytes: number; compiledInstalledBytes: number };
  aptPredictions: AptPrediction[];
  recommends: RecommendsResult[];
  /**
   * The apt bookkeeping terms: layerBytes fitted as the median of (measured layer - Installed-Size -
   * measured .pyc) over the installs in fittedOn (no upgraded base package, no debconf templates);
   * debconfTemplatesBytes is templates.dat in the base; caCertificatesBytes is /etc/ssl/certs in
   * the layer of ca-certificates alone.
   */
  aptBookkeeping?: { id: 'apt-installs'; layerBytes: number; fittedOn: string[]; debconfTemplatesBytes: number; caCertificatesBytes: number; measuredOn: string };
  /** Runs of only some cases (`npm run bench:measure -- ID...`), merged into these results. */
  partialRuns?: { date: string; command: string; engine: string; cases: string[] }[];
}
