/**
 * useradd-without-no-log-init and the base's release: shadow 4.13 (Debian 12, Ubuntu 24.04) writes
 * no lastlog or faillog record for a new UID (a build on Debian 12 showed no byte to save,
 * test/integration/engine/fixes.test.ts), so only an older useradd gets the figure, and a base
 * whose reference names no release gets it as a condition, not sized.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { useraddFillsLastlog } from '../../../server/src/rules/useradd-without-no-log-init';
import { ruleFixes } from '../../support/ruleFixes';

const RULE = 'useradd-without-no-log-init';
const findings = (from: string) => analyze(`FROM ${from}\nRUN useradd -u 1000000 app\n`, { context: {} }).findings.filter((f) => f.ruleId === RULE);

describe('useradd-without-no-log-init: the release of the base', () => {
  it('reads the release from the tag or the version of the debian and ubuntu images', () => {
    const fills = (from: string) => useraddFillsLastlog(buildModel(`FROM ${from}\n`).stages[0]);
    for (const from of ['debian:bookworm-slim', 'debian:12', 'debian:12.8-slim', 'debian:trixie', 'python:3.12-slim-bookworm', 'node:22-bookworm', 'ubuntu:24.04', 'ubuntu:noble', 'localhost/debian-minbase:bookworm', 'nvidia/cuda:12.6.0-runtime-ubuntu24.04', 'python:3.12-slim', 'node:22', 'docker.io/library/python:3.12-slim']) {
      assert.equal(fills(from), false, from);
    }
    for (const from of ['debian:bullseye', 'debian:11-slim', 'ubuntu:22.04', 'ubuntu:jammy', 'python:3.9-slim-buster', 'nvidia/cuda:12.2.0-runtime-ubuntu22.04']) assert.equal(fills(from), true, from);
    for (const from of ['myorg/python-base:3.12', 'python:3.9-slim', 'redhat/ubi9', 'ubi9:12', 'alpine:3.20', 'scratch', 'python:${PY}']) assert.equal(fills(from), undefined, from);
    // A tag without a version: the release of the one row the base size comes from, as the apt figures take it
    // (debian: debian:trixie, ubuntu:latest: ubuntu:26.04, python: python:3.13, node:slim: node:24-slim, bookworm).
    for (const from of ['debian', 'ubuntu:latest', 'python', 'node:slim']) assert.equal(fills(from), false, from);
    // Ubuntu 23.04 and 23.10 have shadow 4.13 already (lunar and mantic: 1:4.13+dfsg1-1ubuntu1); 22.10 has 4.11.1.
    for (const from of ['ubuntu:23.04', 'ubuntu:lunar', 'ubuntu:23.10', 'ubuntu:mantic', 'nvidia/cuda:12.4.0-runtime-ubuntu23.10']) assert.equal(fills(from), false, from);
    for (const from of ['ubuntu:22.10', 'ubuntu:kinetic']) assert.equal(fills(from), true, from);
    // A stage built on another reads the first stage's base.
    const model = buildModel('FROM ubuntu:24.04 AS base\nFROM base\n');
    assert.equal(useraddFillsLastlog(model.stages[1]), false);
  });

  it('reports nothing on Debian 12 or Ubuntu 24.04, the figure on older releases', () => {
    assert.deepEqual(findings('debian:bookworm-slim'), []);
    // The size table records python:3.12-slim as trixie-based (its note: "version: 3.12.13 trixie").
    assert.deepEqual(findings('python:3.12-slim'), []);
    assert.deepEqual(findings('ubuntu:24.04'), []);
    const [old] = findings('debian:bullseye-slim');
    assert.equal(old.saving?.bytes, 1_000_001 * 324);
    assert.match(old.message, /^useradd with UID 1000000 writes \/var\/log\/lastlog and faillog in full into this layer: about 324 MB\./);
  });

  it('reports Debian\'s adduser on an older base, without a fix (adduser has no -l)', () => {
    const text = "FROM debian:bullseye-slim\nRUN adduser --uid 70000 --disabled-password --gecos '' app\n";
    assert.deepEqual(ruleFixes(text, RULE), [undefined]);
  });

  it('gives the figure as a condition, not sized, when the reference names no release', () => {
    const [f] = findings('myorg/python-base:3.12');
    assert.equal(f.saving?.bytes, undefined);
    assert.match(f.message, /if this base's useradd is older than shadow 4\.13 \(Debian 11, Ubuntu 22\.10 and earlier\), it writes \/var\/log\/lastlog and faillog in full into this layer, about 324 MB; Debian 12 and Ubuntu 23\.04 and later write none\. Add -l/);
    assert.match(f.saving!.basis, /^about 324 MB with a useradd older than shadow 4\.13 .*none on newer bases/);
    // The fix is the same: -l after useradd.
    assert.deepEqual(ruleFixes('FROM myorg/python-base:3.12\nRUN useradd -u 1000000 app\n', RULE), ['FROM myorg/python-base:3.12\nRUN useradd -l -u 1000000 app\n']);
  });
});
