import * as assert from 'node:assert/strict';
import { countOf, formatBytes, formatCount } from '../../../server/src/sizes';

describe('formatBytes', () => {
  it('gives the figures the hover shows', () => {
    assert.equal(formatBytes(1_110_000_000), '1.1 GB');
    assert.equal(formatBytes(119_200_000), '119 MB');
    assert.equal(formatBytes(18_037_743), '18 MB');
    assert.equal(formatBytes(850_000), '850 KB');
    assert.equal(formatBytes(7_800_000), '7.8 MB');
  });

  it('uses decimal units like docker images', () => {
    assert.equal(formatBytes(1_000_000), '1.0 MB');
    assert.equal(formatBytes(1_048_576), '1.0 MB');
    assert.equal(formatBytes(2_500_000_000_000), '2.5 TB');
  });

  it('prints small counts in bytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1000), '1.0 KB');
  });

  it('carries rounding over into the next unit', () => {
    assert.equal(formatBytes(999_700), '1.0 MB');
    assert.equal(formatBytes(9_960_000), '10 MB');
    assert.equal(formatBytes(99_600_000), '100 MB');
  });

  it('keeps the sign and refuses non-numbers', () => {
    assert.equal(formatBytes(-18_000_000), '-18 MB');
    assert.equal(formatBytes(Number.NaN), 'unknown');
    assert.equal(formatBytes(Number.POSITIVE_INFINITY), 'unknown');
  });
});

describe('formatCount', () => {
  it('groups thousands like en-US', () => {
    for (const n of [0, 7, 999, 1000, 66_503, 100_000, 1_234_567, 5_000_000_000, -1_234_567]) assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
  });

  it('rounds to whole numbers and passes non-numbers through', () => {
    assert.equal(formatCount(1234.6), '1,235');
    assert.equal(formatCount(Number.NaN), 'NaN');
  });
});

describe('countOf', () => {
  it('writes the noun in the singular for one only (the CLI said "1 files" for a one-file context)', () => {
    assert.equal(countOf(1, 'file'), '1 file');
    assert.equal(countOf(0, 'file'), '0 files');
    assert.equal(countOf(1_200, 'package'), '1,200 packages');
  });
});
