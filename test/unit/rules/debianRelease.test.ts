/**
 * The apt figures come from Debian bookworm (its package index, its measured lists). On a base of
 * another Debian release (python:3.12-slim is trixie) they say that bookworm's stand in, except the
 * lists of trixie, which are measured (APT_LISTS_TRIXIE) and used there.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { aptBase, debianRelease, estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { APT_LISTS } from '../../../server/src/sizes/constants';
import { APT_LISTS_TRIXIE } from '../../../server/src/sizes/aptLists';
import { RULES } from '../../../server/src/rules';

const ENV = { context: {} };
const RUN = 'RUN apt-get update && apt-get install -y curl\n';
const STANDS_IN = /Debian bookworm's figure standing in for trixie's, the base's release/;

/** apt-clean-keeps-lists gives the lists figure only while apt-lists-kept does not (one cost, reported once). */
const LISTS_OFF = { severities: { 'apt-lists-kept': 'off' as const } };

function finding(text: string, ruleId: string, settings = {}) {
  const f = analyze(text, ENV, settings).findings.find((x) => x.ruleId === ruleId);
  assert.ok(f, ruleId);
  return f;
}

const release = (text: string) => {
  const model = buildModel(text);
  return debianRelease(model.stages[model.stages.length - 1]);
};

describe('apt figures on a Debian release other than bookworm', () => {
  it('reads the release from the tag, debian:<number>, the size table row of the tag, and the FROM chain', () => {
    for (const [from, want] of [
      ['python:3.12-slim', 'trixie'], ['python:3.12', 'trixie'], ['debian:trixie-slim', 'trixie'], ['debian:13', 'trixie'],
      ['python:3.12-slim-bookworm', 'bookworm'], ['node:22-slim', 'bookworm'], ['node:20-bookworm-slim', 'bookworm'], ['debian:12.5-slim', 'bookworm'],
      ['python:3.11-slim-bullseye', 'bullseye'], ['debian:bullseye', 'bullseye'],
    ]) assert.equal(release(`FROM ${from}\n`).release, want, from);
    assert.equal(release('FROM python:3.12-slim AS base\nFROM base AS app\nFROM app\n').release, 'trixie');
    // No release named and no row of that tag: what the table has the image's unnamed tags on.
    assert.deepEqual(release('FROM python:3.12.5-slim\n'), { defaults: ['bullseye', 'trixie'] });
    assert.deepEqual(release('FROM myorg/python:3.12\n'), { defaults: [] });
  });

  it('says on every package figure of a trixie base that bookworm stands in, and nowhere on bookworm', () => {
    const text = (from: string) => `FROM ${from}\n${RUN}RUN apt-get install -y --no-install-recommends build-essential\n`;
    for (const from of ['python:3.12-slim', 'debian:trixie-slim', 'debian:13']) {
      const recommends = finding(text(from), 'apt-recommends');
      assert.match(recommends.message, /by Debian bookworm's package index \(trixie's differs\)/, from);
      assert.match(recommends.saving!.basis, STANDS_IN, from);
      assert.match(finding(text(from), 'build-tools-in-final-image').saving!.basis, STANDS_IN, from);
      const installs = estimateImage(buildModel(text(from)), ENV)!.layers.flatMap((l) => l.parts).filter((p) => p.label.startsWith('apt-get install'));
      assert.equal(installs.length, 2, from);
      for (const p of installs) assert.match(p.basis, STANDS_IN, `${from}: ${p.label}`);
    }
    for (const from of ['debian:bookworm-slim', 'python:3.12-slim-bookworm', 'node:22-slim', 'debian:12']) {
      const findings = analyze(text(from), ENV).findings.filter((f) => ['apt-recommends', 'build-tools-in-final-image', 'apt-lists-kept'].includes(f.ruleId));
      assert.ok(findings.length >= 2, from);
      for (const f of findings) assert.doesNotMatch(`${f.message} ${f.saving?.basis}`, /standing in|differs\)|not measured/, `${from}: ${f.ruleId}`);
      for (const p of estimateImage(buildModel(text(from)), ENV)!.layers.flatMap((l) => l.parts)) assert.doesNotMatch(p.basis, /standing in/, `${from}: ${p.label}`);
    }
  });

  it("uses trixie's measured lists on a trixie base, with their own basis", () => {
    const lists = finding(`FROM python:3.12-slim\n${RUN}`, 'apt-lists-kept');
    assert.equal(lists.saving!.bytes, APT_LISTS_TRIXIE.bytes);
    assert.match(lists.saving!.basis, /^apt lists of trixie, trixie-updates and trixie-security/);
    assert.match(lists.message, /^apt lists stay in this layer: about 22 MB\. /);
    const part = estimateImage(buildModel(`FROM python:3.12\n${RUN}`), ENV)!.layers[0].parts.find((p) => p.label === 'apt lists left in the layer');
    assert.equal(part?.bytes, APT_LISTS_TRIXIE.bytes);
    const split = `FROM debian:trixie\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends git && apt-get clean\n`;
    const later = `FROM debian:trixie\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n`;
    for (const f of [finding(split, 'index-update-in-separate-run', LISTS_OFF), finding(split, 'apt-clean-keeps-lists', LISTS_OFF), finding(later, 'files-changed-in-later-layer', LISTS_OFF)]) {
      assert.equal(f.saving!.bytes, APT_LISTS_TRIXIE.bytes, f.ruleId);
      assert.match(f.message, /about 22 MB[.),]/, f.ruleId);
    }
    assert.equal(finding(`FROM debian:bookworm\n${RUN}`, 'apt-lists-kept').saving!.bytes, APT_LISTS.bytes);
  });

  it("gives bookworm's lists with the caveat on a release whose lists were not measured, or where the release is not known", () => {
    const bullseye = finding(`FROM python:3.11-slim-bullseye\n${RUN}`, 'apt-lists-kept');
    assert.equal(bullseye.saving!.bytes, APT_LISTS.bytes);
    assert.match(bullseye.message, /about 20 MB on Debian bookworm; bullseye's lists were not measured\./);
    assert.match(bullseye.saving!.basis, /standing in for bullseye's, the base's release$/);
    const unknown = finding(`FROM python:3.12.5-slim\n${RUN}`, 'apt-lists-kept');
    assert.equal(unknown.saving!.bytes, APT_LISTS.bytes);
    assert.match(unknown.message, /about 20 MB on Debian bookworm; the base's release is not known\./);
    assert.match(unknown.saving!.basis, /standing in for the base's release, which its tag does not name \(the size table has python on bullseye and trixie\)/);
    assert.match(finding(`FROM python:3.12.5-slim\n${RUN}`, 'apt-recommends').message, /\(the base release's differs\)/);
  });

  it('takes the release of a tag without a version from the row its base size comes from, and says so', () => {
    for (const [from, want, row] of [['debian', 'trixie', 'debian:trixie'], ['debian:latest', 'trixie', 'debian:trixie'], ['python:slim', 'trixie', 'python:3.14-slim'], ['node:slim', 'bookworm', 'node:24-slim']]) {
      const r = release(`FROM ${from}\n`);
      assert.equal(r.release, want, from);
      assert.ok(estimateImage(buildModel(`FROM ${from}\n`), ENV)!.base!.basis.includes(`from ${row}`), from);
      const lists = finding(`FROM ${from}\n${RUN}`, 'apt-lists-kept');
      assert.match(lists.message, new RegExp(`on ${want}, the release of the row the base size comes from \\(${row}, reported \\d{4}-\\d\\d-\\d\\d\\)\\.`), from);
      assert.match(lists.saving!.basis, new RegExp(`; ${want}: the release of the row the base size comes from \\(${row}, `), from);
    }
    const recommends = finding(`FROM python:slim\n${RUN}`, 'apt-recommends');
    assert.match(recommends.message, /\(trixie's differs\)/);
    assert.match(recommends.saving!.basis, /standing in for trixie's, the release of the row the base size comes from \(python:3\.14-slim, reported 2026-08-05\)/);
    // Several rows (nearest versions) or a version the row may be newer than: not known.
    for (const from of ['debian:stable', 'python:3.12.5-slim']) assert.equal(release(`FROM ${from}\n`).release, undefined, from);
  });

  it("gives openjdk's Oracle Linux tags the treatment of a base the apt figures do not size, not its Debian -slim tags", () => {
    for (const from of ['openjdk:17', 'openjdk:21', 'openjdk', 'openjdk:21-jdk-oraclelinux8']) {
      assert.equal(aptBase(buildModel(`FROM ${from}\n`).stages[0]), 'other', from);
      const parts = estimateImage(buildModel(`FROM ${from}\n${RUN}`), ENV)!.layers[0].parts;
      assert.ok(parts.some((p) => p.label === 'apt-get install on a base the Debian package table does not describe'), from);
      for (const p of parts) assert.doesNotMatch(p.basis, /it is sized/, from);
    }
    for (const [from, want] of [['openjdk:17-slim', 'debian'], ['openjdk:21-jdk-slim', 'debian'], ['openjdk:17-jdk-bullseye', 'full'], ['openjdk:11', 'full']]) {
      assert.equal(aptBase(buildModel(`FROM ${from}\n`).stages[0]), want, from);
    }
  });

  it('takes a Windows base, and only one, for a base the apt figures do not size', () => {
    // dockurr/windows is Debian running Windows in QEMU: "windows" in its name made it 'other' (failed before).
    for (const [from, want] of [['dockurr/windows', 'debian'], ['myorg/windows-builder-tools:1.4', 'debian'], ['mcr.microsoft.com/windows/servercore:ltsc2022', 'other'], ['--platform=windows/amd64 mcr.microsoft.com/dotnet/sdk:8.0', 'other']]) {
      assert.equal(aptBase(buildModel(`FROM ${from}\n`).stages[0]), want, from);
    }
  });

  it('takes a base whose size-table rows are on a distribution without apt for one the apt figures do not size, unless its tag names Debian', () => {
    // mysql:8.4 and mysql (latest) are Oracle Linux 9 in the table; mysql:8.0 has no row and is estimated from 8.4's.
    for (const from of ['mysql:8.4', 'mysql:8.0', 'mysql', 'traefik']) {
      assert.equal(aptBase(buildModel(`FROM ${from}\n`).stages[0]), 'other', from);
      assert.match(finding(`FROM ${from}\n${RUN}`, 'apt-lists-kept').message, /about 20 MB on Debian bookworm; this base is not Debian\./, from);
    }
    // Named Debian, or guessed from another variant's rows (haproxy:3 from haproxy:alpine): as before.
    for (const from of ['mysql:8.0-debian', 'haproxy:3']) assert.equal(aptBase(buildModel(`FROM ${from}\n`).stages[0]), 'debian', from);
    assert.doesNotMatch(finding(`FROM mysql:8.0-debian\n${RUN}`, 'apt-lists-kept').message, /not Debian/);
  });

  it("apt-lists-kept's docs say how each lists figure was measured: bookworm's with Docker, trixie's in a chroot", () => {
    const doc = RULES.find((r) => r.id === 'apt-lists-kept')!.docs.sizeImpact;
    assert.match(doc, /on Debian bookworm \([^;]*measured with Docker/);
    assert.match(doc, /on trixie \(measured in a debootstrap chroot/);
  });
});
