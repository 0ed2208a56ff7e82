/**
 * Types of the bundled base-image size table. The table itself is generated
 * (`base-images.generated.ts`, by `npm run sizes:generate`) from the measured data file; these
 * types are hand-written so the generator stays a plain script.
 */

/** One measured (image, tag, platform) row, with its provenance. */
export interface BaseImageRow {
  /** Official image name without `library/`, e.g. `python`. */
  readonly image: string;
  /** Tag as published, e.g. `3.12-slim`. */
  readonly tag: string;
  /** Normalised platform, `linux/amd64` or `linux/arm64/v8`. */
  readonly platform: string;
  /** Sum of the gzip layer blobs of that platform's manifest: what `docker pull` downloads. */
  readonly compressedBytes: number;
  /** Unpacked size as `docker images` shows it: measured when `uncompressedMeasured`, else derived. */
  readonly uncompressedBytes: number;
  /** True when `uncompressedBytes` was measured (a rounded figure), false when derived from a ratio. */
  readonly uncompressedMeasured: boolean;
  /** Unpacked / compressed ratio: the measured one, or the one used to derive `uncompressedBytes`. */
  readonly uncompressedRatio: number;
  /** How `uncompressedBytes` was obtained, in a few words. */
  readonly uncompressedBasis: string;
  /** ISO date (YYYY-MM-DD): the newest layer's Last-Modified time, about when it was pushed. */
  readonly reportedDate: string;
  /** Where the figure comes from (repository, path and commit). */
  readonly sourcePath: string;
  /** Version and base distribution, as recorded with the measurement (the data file's note up to its first `|`). */
  readonly note: string;
}
