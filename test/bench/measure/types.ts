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
  note: string;
}

export interface AptPrediction {
  packages: string[];
  recommends: boolean;
  /** Size of the `apt-get update && apt-get install ... && rm -rf /var/lib/apt/lists/*` layer. */
  measuredLayerBytes: number;
  /** estimateAptInstall(): the sum of Installed-Size of the packages it predicts. */
  predictedBytes: number;
  /** (predicted - measured) / measured, in percent. */
  errorPct: number;
  measuredPackageCount: number;
  predictedPackageCount: number;
  /** Installed by apt but not predicted. */
  missedPackages: string[];
  /** Predicted but not installed by apt. */
  extraPackages: string[];
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
  aptPredictions: AptPrediction[];
  recommends: RecommendsResult[];
}
