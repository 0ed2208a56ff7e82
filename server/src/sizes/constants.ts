/**
 * Measured sizes the rules cite. Each figure says what was measured, on what, when, and where the
 * raw result lives. The measurement bench (test/bench/measure) regenerates these; until it has
 * run on an official-like base, the first figure below is a plain host measurement and says so.
 */

export interface MeasuredConstant {
  /** Bytes on disk (what `docker history` counts). */
  bytes: number;
  /** One line a user can read in a hover. */
  basis: string;
  /** ISO date of the measurement. */
  measuredOn: string;
  /** Where the raw measurement is recorded. */
  source: string;
}

/**
 * The apt package lists `apt-get update` leaves in /var/lib/apt/lists on Debian bookworm
 * (bookworm, bookworm-updates, bookworm-security main, amd64).
 */
export const APT_LISTS: MeasuredConstant = {
  bytes: 19_868_756,
  basis: 'apt lists of bookworm main + updates + security after `apt-get update`, measured with `du -sb /var/lib/apt/lists` on a Debian 12 host (lz4-compressed lists)',
  measuredOn: '2026-11-24',
  source: 'host measurement; superseded by test/bench/measure when it runs',
};
