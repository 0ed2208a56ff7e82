/**
 * The apt lists of Debian releases other than bookworm's (whose figure, APT_LISTS, the Docker
 * bench measures), measured by hand: test/bench/measure/debian-release.sh runs `apt-get update`
 * with the official images' apt settings in a debootstrap minbase chroot of the release and sums
 * the bytes of the files it leaves in /var/lib/apt/lists. Run for bookworm the same day it gave
 * 19,873,292 bytes against the bench's 19,857,442 of 2026-11-24. Commands and files:
 * docs/measurements.md ("Other Debian releases").
 */
import { APT_LISTS, type MeasuredConstant } from './constants';

const SOURCE = 'docs/measurements.md';

/** The package lists `apt-get update` leaves on an official-like debian:trixie image. */
export const APT_LISTS_TRIXIE: MeasuredConstant = {
  bytes: 21_672_527,
  basis: 'apt lists of trixie, trixie-updates and trixie-security main (amd64, lz4 as in the official images) after `apt-get update` with apt 3.0.4 in a debootstrap chroot, file bytes summed',
  measuredOn: '2026-12-04',
  source: SOURCE,
};

/**
 * How far bookworm's package index is from a release's, where measured: said after the caveat of a
 * figure bookworm's index gives for that release (test/bench/measure/debian-release-compare.mjs).
 */
export const INDEX_DIFFERENCE: Readonly<Record<string, string>> = {
  trixie: " (for 13 common installs trixie's Installed-Size differs by -67% to +35%: docs/measurements.md)",
};

/** The lists measured for each Debian release; a release not here gets bookworm's figure, said to stand in. */
export const APT_LISTS_BY_RELEASE: Readonly<Record<string, MeasuredConstant>> = { bookworm: APT_LISTS, trixie: APT_LISTS_TRIXIE };
