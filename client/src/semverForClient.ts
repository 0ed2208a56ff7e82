/**
 * What the language client library gets for `semver/functions/parse` and
 * `semver/functions/satisfies` (scripts/build.mjs, STUBBED): the library's constructor checks
 * VS Code's version with them (`satisfies(parse(vscode.version), '^1.91.0')`, after clearing the
 * parsed version's prerelease), and loading semver for that was about 4 ms of the first
 * activation's CPU in plain Node 20 (semver builds its regular expressions when it loads; medians
 * of eight fresh processes, 2026-12-06). A plain `X.Y.Z` version against a `^X.Y.Z` range with
 * X > 0 is answered here, as semver answers it; anything else (a prerelease, build metadata, a
 * leading `v`, spaces, another kind of range, a 0.x caret) is handed to semver itself, loaded
 * then. test/unit/build/semverForClient.test.ts compares the two over many versions and ranges.
 */
import type { SemVer } from 'semver';

/** The semver functions this module falls back on, loaded on first use (the bundle's dist/v/semver.js). */
function semver(): { parse: typeof import('semver/functions/parse'); satisfies: typeof import('semver/functions/satisfies') } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('semver') as never;
}

/** A version made of three plain numbers (no leading zeros), as semver's strict parse reads it. */
const PLAIN_VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** A caret range on a plain version with a major above 0 (`^0.x` has its own meaning). */
const PLAIN_CARET = /^\^([1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** semver's longest version string and largest number. */
const MAX_LENGTH = 256;

/** A parsed plain version: the fields the library reads and may change (it empties `prerelease`). */
export class PlainVersion {
  prerelease: (string | number)[] = [];
  constructor(
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
  ) {}
  /** The version as semver would print it, with whatever prerelease it was given since. */
  get version(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.prerelease.length > 0 ? `-${this.prerelease.join('.')}` : ''}`;
  }
  toString(): string {
    return this.version;
  }
}

/** semver's `parse(version)` for a plain version; semver's own answer for anything else. */
export function parse(version: unknown): PlainVersion | SemVer | null {
  if (typeof version === 'string' && version.length <= MAX_LENGTH) {
    const m = PLAIN_VERSION.exec(version);
    if (m) {
      const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
      if ([major, minor, patch].every(Number.isSafeInteger)) return new PlainVersion(major, minor, patch);
    }
  }
  return semver().parse(version as string);
}

/** semver's `satisfies(version, range)` for a plain version without prerelease against `^X.Y.Z` (X > 0); semver's own answer otherwise. */
export function satisfies(version: PlainVersion | SemVer | string, range: string): boolean {
  const r = typeof range === 'string' ? PLAIN_CARET.exec(range) : null;
  if (version instanceof PlainVersion) {
    if (r && version.prerelease.length === 0) {
      const [major, minor, patch] = [r[1], r[2], r[3]].map(Number);
      // semver's upper bound is (major + 1).0.0: past the largest safe integer it cannot be a version, and semver answers false.
      if ([major + 1, minor, patch].every(Number.isSafeInteger)) {
        return version.major === major && (version.minor > minor || (version.minor === minor && version.patch >= patch));
      }
    }
    return semver().satisfies(version.version, range);
  }
  return semver().satisfies(version, range);
}
