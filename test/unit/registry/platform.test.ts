import * as assert from 'node:assert/strict';
import { formatPlatform, hostPlatform, parsePlatform, platformMatches, selectPlatform, type Platform } from '../../../server/src/sources/registry/platform';

describe('registry: platform matching', () => {
  const p = (text: string): Platform => parsePlatform(text)!;

  it('treats linux/arm64 and linux/arm64/v8 as the same platform', () => {
    assert.deepEqual(p('linux/arm64'), p('linux/arm64/v8'));
    assert.ok(platformMatches(p('linux/arm64'), { os: 'linux', architecture: 'arm64' }));
    assert.ok(platformMatches(p('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' }));
    assert.ok(platformMatches(p('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  });

  it('normalises aliases and implied variants', () => {
    assert.equal(formatPlatform(p('linux/x86_64')), 'linux/amd64');
    assert.equal(formatPlatform(p('linux/aarch64')), 'linux/arm64/v8');
    assert.equal(formatPlatform(p('linux/arm')), 'linux/arm/v7');
    assert.equal(formatPlatform(p('linux/armhf')), 'linux/arm/v7');
    assert.equal(formatPlatform(p('amd64')), 'linux/amd64');
    assert.equal(formatPlatform(p('LINUX/AMD64')), 'linux/amd64');
    assert.equal(parsePlatform('linux/amd64/v2/x'), undefined);
    assert.equal(parsePlatform('linux/$ARCH'), undefined);
  });

  it('keeps variants apart where they matter', () => {
    assert.ok(!platformMatches(p('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }));
    assert.ok(!platformMatches(p('linux/arm64'), { os: 'linux', architecture: 'arm', variant: 'v8' }));
    assert.ok(!platformMatches(p('linux/amd64'), { os: 'windows', architecture: 'amd64' }));
    // a wanted platform without variant accepts a variant it does not imply
    assert.ok(platformMatches(p('linux/amd64'), { os: 'linux', architecture: 'amd64', variant: 'v3' }));
    assert.ok(!platformMatches(p('linux/amd64/v3'), { os: 'linux', architecture: 'amd64' }));
  });

  it('selects the index entry for the platform, skipping attestation entries', () => {
    const entries = [
      { digest: 'att', platform: { os: 'unknown', architecture: 'unknown' } },
      { digest: 'amd', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: 'v6', platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { digest: 'v7', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { digest: 'a64', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { digest: 'none' },
    ];
    assert.equal(selectPlatform(entries, p('linux/amd64'))?.digest, 'amd');
    assert.equal(selectPlatform(entries, p('linux/arm64'))?.digest, 'a64');
    assert.equal(selectPlatform(entries, p('linux/arm'))?.digest, 'v7');
    assert.equal(selectPlatform(entries, p('linux/arm/v6'))?.digest, 'v6');
    assert.equal(selectPlatform(entries, p('linux/s390x')), undefined);
    assert.equal(selectPlatform(entries, p('unknown/unknown')), undefined);
  });

  it('maps Node architectures to a Linux container platform', () => {
    assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(hostPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(hostPlatform('s390x'), { os: 'linux', architecture: 's390x' });
  });
});
