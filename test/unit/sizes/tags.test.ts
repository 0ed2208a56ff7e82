import * as assert from 'node:assert/strict';
import { composeTag, estimateBaseImage, normalizePlatform, parseTag, slimVariant, smallerAlternatives } from '../../../server/src/sizes';
import { analyze } from '../../../server/src/core/analyze';

describe('parseTag', () => {
  it('splits version and variant', () => {
    const t = parseTag('python', '3.12.4-slim-bookworm');
    assert.deepEqual(t.version, [3, 12, 4]);
    assert.equal(t.versionText, '3.12.4');
    assert.equal(t.kind, 'slim');
    assert.equal(t.distro, 'bookworm');
    assert.equal(t.role, '');
  });

  it('reads a three-part Go version', () => {
    assert.deepEqual(parseTag('golang', '1.26.3').version, [1, 26, 3]);
    assert.equal(parseTag('golang', '1.26.3').kind, 'full');
  });

  it('reads alpine with and without its release', () => {
    assert.equal(parseTag('python', '3.12-alpine').kind, 'alpine');
    assert.equal(parseTag('python', '3.12-alpine').distro, undefined);
    const t = parseTag('php', '8.3-fpm-alpine3.20');
    assert.equal(t.kind, 'alpine');
    assert.equal(t.distro, 'alpine3.20');
    assert.equal(t.role, 'fpm');
  });

  it('reads Java roles and their default', () => {
    assert.equal(parseTag('eclipse-temurin', '21-jre').role, 'jre');
    const jdkAlpine = parseTag('eclipse-temurin', '21-jdk-alpine');
    assert.equal(jdkAlpine.role, 'jdk');
    assert.equal(jdkAlpine.kind, 'alpine');
    const bare = parseTag('eclipse-temurin', '21');
    assert.equal(bare.role, 'jdk');
    assert.equal(bare.roleImplied, true);
    assert.equal(parseTag('eclipse-temurin', '21-jre-noble').distro, 'noble');
  });

  it('reads PHP roles, with cli as the default', () => {
    assert.equal(parseTag('php', '8.2-apache').role, 'apache');
    assert.equal(parseTag('php', '8.3-cli').role, 'cli');
    assert.equal(parseTag('php', '8.3').role, 'cli');
  });

  it('reads slim-bookworm and bookworm-slim alike', () => {
    const a = parseTag('python', '3.12-slim-bookworm');
    const b = parseTag('node', '22-bookworm-slim');
    assert.equal(a.kind, 'slim');
    assert.equal(b.kind, 'slim');
    assert.equal(a.distro, 'bookworm');
    assert.equal(b.distro, 'bookworm');
  });

  it('treats latest and kind-only tags as versionless', () => {
    for (const tag of ['latest', 'slim', 'alpine', 'bookworm']) assert.equal(parseTag('python', tag).version, undefined, tag);
    assert.equal(parseTag('python', 'slim').kind, 'slim');
    assert.equal(parseTag('python', 'bookworm').distro, 'bookworm');
  });

  it('reads named channels', () => {
    const t = parseTag('nginx', 'mainline-alpine');
    assert.equal(t.channel, 'mainline');
    assert.equal(t.kind, 'alpine');
    assert.equal(parseTag('node', 'lts-slim').channel, 'lts');
  });

  it("reads Node.js LTS codenames as node's versions (node:iron is node:20), not as a role", () => {
    // Before, `iron` was a role: no -slim variant was found, so FROM node:iron got no
    // base-image-not-slim finding, and its size was guessed from node:24.
    const iron = parseTag('node', 'iron');
    assert.deepEqual([iron.version, iron.versionText, iron.role, iron.kind], [[20], 'iron', '', 'full']);
    const jod = parseTag('node', 'jod-bookworm-slim');
    assert.deepEqual([jod.version, jod.role, jod.kind, jod.distro], [[22], '', 'slim', 'bookworm']);
    assert.deepEqual(parseTag('node', 'Krypton-alpine').version, [24]);
    // Only node's tags: elsewhere the word is what it was.
    assert.equal(parseTag('python', 'iron').role, 'iron');
    assert.equal(slimVariant('node:iron'), 'node:iron-slim');
    assert.equal(slimVariant('node:jod-bookworm'), 'node:jod-bookworm-slim');
    assert.equal(estimateBaseImage('node:iron')?.unpackedBytes, estimateBaseImage('node:20')?.unpackedBytes);
    const finding = analyze('FROM node:iron\nCMD ["node", "index.js"]\n', { context: {} }).findings.find((f) => f.ruleId === 'base-image-not-slim');
    assert.match(finding?.message ?? '', /^node:iron is a full image .*node:iron-slim has the same runtime/);
  });

  it('suggests no -slim variant for a digest without a tag, which may pin a -slim image', () => {
    // Before, node@sha256:... read as node:latest: "is a full image", and the fix wrote node:slim
    // over the pinned digest.
    const digest = 'sha256:' + '0123456789abcdef'.repeat(4);
    assert.equal(slimVariant(`node@${digest}`), undefined);
    assert.equal(slimVariant(`node:20@${digest}`), 'node:20-slim');
    const findings = (from: string) => analyze(`FROM ${from}\nCMD ["node", "index.js"]\n`, { context: {} }).findings.filter((f) => f.ruleId === 'base-image-not-slim').length;
    assert.deepEqual([findings(`node@${digest}`), findings(`node:20@${digest}`)], [0, 1]);
    // Nor does the FROM hover list node:slim and node:alpine as smaller variants of it.
    assert.deepEqual(smallerAlternatives(`node@${digest}`).map((a) => a.reference), []);
    assert.deepEqual(smallerAlternatives(`node:20@${digest}`).map((a) => a.reference), ['node:20-alpine', 'node:20-slim']);
  });

  it('uses Debian and Ubuntu releases as versions of those images', () => {
    assert.deepEqual(parseTag('debian', 'bookworm-slim').version, [12]);
    assert.equal(parseTag('debian', 'bookworm-slim').kind, 'slim');
    assert.equal(parseTag('debian', '12').distro, 'bookworm');
    assert.deepEqual(parseTag('ubuntu', 'noble').version, [24, 4]);
    assert.equal(parseTag('ubuntu', '24.04').distro, 'noble');
  });

  it('ignores date stamps and marks pre-releases', () => {
    assert.deepEqual(parseTag('debian', 'bookworm-20240110-slim').version, [12]);
    assert.equal(parseTag('debian', 'bookworm-20240110-slim').kind, 'slim');
    const rc = parseTag('python', '3.14.0rc1-slim');
    assert.deepEqual(rc.version, [3, 14, 0]);
    assert.equal(rc.prerelease, true);
  });

  it('reads a v-prefixed version', () => {
    assert.deepEqual(parseTag('traefik', 'v2.11').version, [2, 11]);
  });

  it('reads a distribution written in two parts as one (ubi9-minimal, alpine-3.21)', () => {
    // Before, `ubi9-minimal` was distro ubi9 and role `jdk-minimal`, and Temurin's `alpine-3.21`
    // a role `3.21-jdk` without a distro: the size came from a mix of JDK and JRE rows.
    const ubi = parseTag('eclipse-temurin', '21-jdk-ubi9-minimal');
    assert.deepEqual([ubi.role, ubi.kind, ubi.distro], ['jdk', 'full', 'ubi9-minimal']);
    const bare = parseTag('eclipse-temurin', '21-ubi9-minimal');
    assert.deepEqual([bare.role, bare.roleImplied, bare.distro], ['jdk', true, 'ubi9-minimal']);
    const alpine = parseTag('eclipse-temurin', '21-jre-alpine-3.21');
    assert.deepEqual([alpine.role, alpine.kind, alpine.distro], ['jre', 'alpine', 'alpine-3.21']);
    // A date stamp after alpine is not its release.
    assert.equal(parseTag('python', '3.12-alpine-20240110').distro, undefined);
  });

  it('sizes such tags from rows of their own role, and keeps the distribution in the smaller variants', () => {
    const rows = (ref: string) => [...new Set(estimateBaseImage(ref)?.rows.map((r) => r.tag))].sort();
    assert.deepEqual(rows('eclipse-temurin:21-jdk-ubi9-minimal'), ['21-jdk']);
    assert.deepEqual(rows('eclipse-temurin:21-jre-ubi9-minimal'), ['21-jre']);
    assert.deepEqual(rows('eclipse-temurin:21-jdk-alpine-3.21'), ['21-jdk-alpine']);
    assert.deepEqual(rows('eclipse-temurin:21-jre-alpine-3.21'), ['21-jre-alpine']);
    const alternatives = (ref: string) => smallerAlternatives(ref).map((a) => a.reference);
    assert.ok(alternatives('eclipse-temurin:21-jdk-ubi9-minimal').includes('eclipse-temurin:21-jre-ubi9-minimal'));
    assert.deepEqual(alternatives('eclipse-temurin:21-jdk-alpine-3.21'), ['eclipse-temurin:21-jre-alpine-3.21']);
    assert.deepEqual(alternatives('eclipse-temurin:17-jdk-alpine-3.21'), ['eclipse-temurin:17-jre-alpine-3.21']);
  });

  it('reads a Windows release as the distribution whatever its case (20H2 as ltsc2022)', () => {
    // The pattern was `\d{4}H\d`, tested on lower-cased tokens and with two digits too many: Microsoft's
    // mcr.microsoft.com/windows/servercore:20H2 was read as a role `20h2`.
    for (const [image, tag, distro] of [
      ['servercore', '20H2', '20H2'], // mcr.microsoft.com/windows/servercore
      ['python', '3.12-windowsservercore-ltsc2022', 'windowsservercore-ltsc2022'], // Docker Official Images: python
      ['golang', '1.22-nanoserver-ltsc2022', 'nanoserver-ltsc2022'], // and golang
    ]) {
      const t = parseTag(image, tag);
      assert.deepEqual([t.role, t.kind, t.distro], ['', 'full', distro], tag);
    }
  });

  it('keeps a Windows edition and its release whole and as written, so a tag composed from them is the same tag', () => {
    // windowsservercore-ltsc2022 was read as ltsc2022 (the edition lost), 20H2 as 20h2, and of the
    // four-digit releases only 1809 was one: 1903 was read as a role.
    const releases = ['1809', '1903', '1909', '2004', '20H2', 'ltsc2016', 'ltsc2019', 'ltsc2022', 'ltsc2025', 'sac2016'];
    for (const edition of ['windowsservercore', 'nanoserver']) {
      for (const release of releases) {
        const tag = `3.12-${edition}-${release}`;
        const t = parseTag('python', tag);
        assert.deepEqual([t.versionText, t.role, t.kind, t.distro], ['3.12', '', 'full', `${edition}-${release}`], tag);
        assert.equal(composeTag('python', t), tag);
      }
      assert.equal(parseTag('python', `3.12-${edition}`).distro, edition);
    }
    const jdk = parseTag('eclipse-temurin', '21-jdk-windowsservercore-1903');
    assert.deepEqual([jdk.role, jdk.distro], ['jdk', 'windowsservercore-1903']);
    assert.equal(composeTag('eclipse-temurin', { ...jdk, role: 'jre' }), '21-jre-windowsservercore-1903');
  });

  it('reads oraclelinux8-slim as the distribution, not a -slim kind of the image', () => {
    // oraclelinux:8-slim and 9-slim are Oracle Linux's own slim images. Images built on them name no
    // -slim: mysql:8.4 and 9 (the size table's notes: oraclelinux9-slim), also tagged -oraclelinux9,
    // and openjdk's -oraclelinux8 tags; we know of no tag ending in -oraclelinuxN-slim. Read as a
    // -slim kind, mysql:8.4-oraclelinux9-slim was sized as a slim mysql (none exists), guessed at about 159 MB.
    const t = parseTag('openjdk', '21-jdk-oraclelinux8-slim');
    assert.deepEqual([t.role, t.kind, t.distro], ['jdk', 'full', 'oraclelinux8-slim']);
    assert.equal(parseTag('mysql', '8.4-oraclelinux9-slim').kind, 'full');
    assert.equal(parseTag('oraclelinux', '8-slim').kind, 'slim');
    assert.notEqual(estimateBaseImage('mysql:8.4-oraclelinux9-slim')?.confidence, 'guess');
  });

  it('makes every alpine image tag alpine', () => {
    assert.equal(parseTag('alpine', '3.21').kind, 'alpine');
  });
});

describe('composeTag', () => {
  it('writes tags in the order official images use', () => {
    assert.equal(composeTag('python', { versionText: '3.12', kind: 'slim' }), '3.12-slim');
    assert.equal(composeTag('python', { versionText: '3.12', kind: 'slim', distro: 'bookworm' }), '3.12-slim-bookworm');
    assert.equal(composeTag('node', { versionText: '22', kind: 'slim', distro: 'bookworm' }), '22-bookworm-slim');
    assert.equal(composeTag('eclipse-temurin', { versionText: '21', role: 'jre', kind: 'alpine' }), '21-jre-alpine');
    assert.equal(composeTag('php', { versionText: '8.3', role: 'fpm', kind: 'alpine', distro: 'alpine3.20' }), '8.3-fpm-alpine3.20');
    assert.equal(composeTag('python', { kind: 'slim' }), 'slim');
    assert.equal(composeTag('python', { kind: 'full' }), undefined);
    assert.equal(composeTag('debian', { versionText: 'bookworm', kind: 'slim', distro: 'bookworm' }), 'bookworm-slim');
    assert.equal(composeTag('debian', { kind: 'slim' }), 'stable-slim');
  });

  it('round-trips through parseTag', () => {
    for (const [image, tag] of [['python', '3.12-slim-bookworm'], ['node', '22-bookworm-slim'], ['eclipse-temurin', '21-jre-alpine'], ['php', '8.2-fpm-alpine'], ['nginx', 'mainline-alpine'], ['eclipse-temurin', '21-jre-ubi9-minimal'], ['eclipse-temurin', '21-jre-alpine-3.21']]) {
      const t = parseTag(image, tag);
      assert.equal(composeTag(image, { versionText: t.versionText, role: t.roleImplied ? '' : t.role, kind: t.kind, distro: t.distro }), tag);
    }
  });
});

describe('normalizePlatform', () => {
  it('defaults to linux/amd64', () => {
    assert.equal(normalizePlatform(undefined), 'linux/amd64');
    assert.equal(normalizePlatform(''), 'linux/amd64');
    assert.equal(normalizePlatform('$BUILDPLATFORM'), 'linux/amd64');
  });

  it('treats linux/arm64 as linux/arm64/v8', () => {
    assert.equal(normalizePlatform('linux/arm64'), 'linux/arm64/v8');
    assert.equal(normalizePlatform('linux/arm64/v8'), 'linux/arm64/v8');
    assert.equal(normalizePlatform('arm64'), 'linux/arm64/v8');
    assert.equal(normalizePlatform('linux/aarch64'), 'linux/arm64/v8');
  });

  it('normalises case and x86_64', () => {
    assert.equal(normalizePlatform('Linux/AMD64'), 'linux/amd64');
    assert.equal(normalizePlatform('linux/x86_64'), 'linux/amd64');
    assert.equal(normalizePlatform('linux/arm/v7'), 'linux/arm/v7');
  });

  it('passes unknown platforms through', () => {
    assert.equal(normalizePlatform('windows/amd64'), 'windows/amd64');
    assert.equal(normalizePlatform('plan9/weird'), 'plan9/weird');
  });
});
