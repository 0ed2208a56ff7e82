/**
 * Property tests: the size model is called on every hover with whatever text sits on a FROM line,
 * so it must never throw, and what it returns must be consistent.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { estimateBaseImage, formatImageReference, parseImageReference, slimVariant, smallerAlternatives } from '../../../server/src/sizes';
import { PROPERTY_SEED } from '../../support/propertySeed';

const images = ['python', 'node', 'golang', 'nginx', 'eclipse-temurin', 'php', 'debian', 'ubuntu', 'alpine', 'redis', 'nosuch'];
const tagPart = fc.constantFrom('3.12', '3.11.9', '22', '1.26.3', '8.3', 'slim', 'alpine', 'alpine3.20', 'bookworm', 'trixie', 'jre', 'jdk', 'fpm', 'cli', 'apache', 'latest', 'mainline', 'lts', '20240110', 'rc1');
const tag = fc.array(tagPart, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('-'));
const platform = fc.constantFrom(undefined, 'linux/amd64', 'linux/arm64', 'linux/arm/v7', '$BUILDPLATFORM', 'windows/amd64');
const officialRef = fc.tuple(fc.constantFrom(...images), tag).map(([image, t]) => `${image}:${t}`);

describe('size model robustness (property tests)', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), platform, (text, p) => {
      parseImageReference(text);
      estimateBaseImage(text, p);
      smallerAlternatives(text, p, { staticBinary: true });
      slimVariant(text);
    }), { numRuns: 300, seed: PROPERTY_SEED });
  });

  it('writes back what it parses', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const ref = fc.tuple(fc.constantFrom('', 'ghcr.io/', 'localhost:5000/', 'registry.example.com:8443/'), fc.array(component, { minLength: 1, maxLength: 3 }), fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }))
      .map(([host, path, t]) => `${host}${path.join('/')}${t !== undefined ? `:${t}` : ''}`);
    fc.assert(fc.property(ref, (text) => {
      const parsed = parseImageReference(text);
      assert.ok(parsed, text);
      const again = parseImageReference(formatImageReference(parsed));
      assert.deepEqual({ ...again, raw: '' }, { ...parsed, raw: '' });
    }), { numRuns: 300, seed: PROPERTY_SEED });
  });

  it('returns positive, consistent figures with provenance for official tags', () => {
    fc.assert(fc.property(officialRef, platform, (ref, p) => {
      const e = estimateBaseImage(ref, p);
      if (!e) return;
      assert.ok(e.compressedBytes > 0 && Number.isInteger(e.compressedBytes), ref);
      assert.ok(e.unpackedBytes >= e.compressedBytes, ref);
      assert.ok(e.rows.length >= 1 || e.confidence === 'guess', ref);
      if (e.confidence === 'exact') assert.equal(e.rows.length, 1, ref);
      for (const r of e.rows) assert.ok(r.sourcePath !== '' && r.reportedDate !== '', ref);
      for (const alt of smallerAlternatives(ref, p)) {
        assert.ok(alt.savingBytes > 0 && alt.savingCompressedBytes > 0, `${ref} -> ${alt.reference}`);
        assert.equal(alt.estimate.unpackedBytes + alt.savingBytes, e.unpackedBytes);
      }
      const slim = slimVariant(ref);
      if (slim !== undefined) {
        assert.ok(parseImageReference(slim), slim);
        assert.equal(slimVariant(slim), undefined, `${slim} is already slim`);
      }
    }), { numRuns: 400, seed: PROPERTY_SEED });
  });
});
