/**
 * apk-virtual-not-deleted on `apk add --virtual --no-cache gcc`: `--virtual` (and `-t`) require an
 * argument, so apk takes the next word as the group's name even when it looks like an option. The
 * finding stays (the packages stay in the layer), but its message must say the name is most likely
 * missing, and must not advise `apk del --no-cache`, which apk would read as an option.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };
const RULE = 'apk-virtual-not-deleted';

function findingsOf(run: string) {
  const analysis = analyze(`FROM alpine:3.21\n${run}\n`, ENV);
  return analysis.findings.filter((f) => f.ruleId === RULE).map((f) => ({ message: f.message, fix: fixFor(analysis, f, ENV) }));
}

describe('apk-virtual-not-deleted: a group named like an option', () => {
  for (const [run, name, option] of [
    ['RUN apk add --virtual --no-cache gcc musl-dev', '--no-cache', '--virtual'],
    ['RUN apk add -t -U gcc', '-U', '-t'],
    ['RUN apk add --virtual=--no-cache gcc', '--no-cache', '--virtual'],
  ]) {
    it(`says the name is missing, with no apk del of an option: ${run}`, () => {
      const found = findingsOf(run);
      assert.equal(found.length, 1);
      const { message, fix } = found[0];
      assert.match(message, new RegExp(`reads \`${name}\` as the group's name`));
      assert.match(message, /most likely a forgotten name/);
      assert.match(message, new RegExp(`Write a name after \`${option}\``));
      assert.doesNotMatch(message, /apk del -/, message);
      assert.equal(fix, undefined);
    });
  }

  it('still advises the delete by name for a group with a name', () => {
    const found = findingsOf('RUN apk add --virtual .build-deps --no-cache gcc');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /Add `apk del \.build-deps` at the end of this RUN/);
    assert.ok(found[0].fix);
  });
});

/**
 * The appended `apk del` runs when the script's last list succeeds, so it is safe only after an
 * `apk add` that ran in every run of the script that exited 0 (runsWheneverScriptSucceeds): after
 * `test ... &&` in an earlier list, after `||`, in the background or after an `exit`, the add may
 * have been skipped while the build went on.
 */
describe('apk-virtual-not-deleted: an apk add a successful build may have skipped', () => {
  const add = 'apk add --no-cache --virtual .deps gcc';
  it('keeps the finding and appends no apk del', () => {
    for (const run of [
      `RUN test -n "$DEV" && ${add}; make`,
      `RUN test -n "$DEV" && ${add} || true`,
      `RUN make || ${add}`,
      `RUN ${add} & make`,
      `RUN test -n "$DEV" || exit 0; ${add}`,
      `RUN test -n "$DEV" && { ${add}; }; make`,
      // The build succeeded only when the add failed.
      `RUN ! ${add}`,
      `RUN ! ${add} && make`,
    ]) {
      const found = findingsOf(run);
      assert.equal(found.length, 1, run);
      assert.match(found[0].message, /Add `apk del \.deps` at the end of this RUN/, run);
      assert.equal(found[0].fix, undefined, run);
    }
  });

  it('appends it when the build vouches for the add', () => {
    // The script's status is its last list's: when `test` fails there, the RUN fails.
    for (const run of [`RUN test -n "$DEV" && ${add}`, `RUN ${add}; make`, `RUN ${add} && make || true`]) {
      const found = findingsOf(run);
      assert.equal(found.length, 1, run);
      assert.ok(found[0].fix, run);
    }
  });
});

/**
 * `apk del` removes what nothing else installed needs any more: a `-dev` package's runtime library
 * goes with the group (libpq with postgresql-dev), and the program built against it fails when it
 * loads it (`import psycopg2`). "Fix all" must not apply that delete; the message says to keep the
 * runtime libraries, as build-tools-in-final-image said before it left these groups to this rule.
 */
describe('apk-virtual-not-deleted: -dev packages whose runtime library the delete would take', () => {
  function one(text: string) {
    const analysis = analyze(`FROM python:3.12-alpine\n${text}\n`, ENV);
    const found = analysis.findings.filter((f) => f.ruleId === RULE);
    assert.equal(found.length, 1, text);
    return { message: found[0].message, fix: fixFor(analysis, found[0], ENV) };
  }

  it('offers the delete as not preferred, and says what to review and to keep', () => {
    for (const [run, devs] of [
      ['RUN apk add --virtual .build-deps gcc musl-dev postgresql-dev && pip install psycopg2', 'postgresql-dev'],
      ['RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev && pip install cffi', 'libffi-dev'],
      ['RUN apk add -t .deps gcc libxml2-dev libxslt-dev=1.1.42-r1 && pip install lxml', 'libxml2-dev, libxslt-dev'],
      ['RUN apk add --no-cache --virtual .build-deps build-base jpeg-dev zlib-dev && pip install Pillow', 'jpeg-dev, zlib-dev'],
      // libffi in a group the RUN deletes is not kept.
      ['RUN apk add --virtual .f libffi && apk add --virtual .b gcc libffi-dev && pip install cffi && apk del .f', 'libffi-dev'],
    ]) {
      const { message, fix } = one(run);
      assert.match(message, new RegExp(`keeping the runtime libraries the build links against: install those of ${devs} outside the group`), run);
      assert.ok(fix, run);
      assert.equal(fix.preferred, false, run);
      assert.match(fix.title, new RegExp(`review: it removes the runtime libraries of ${devs} unless installed outside the group`), run);
    }
  });

  it('stays preferred for headers, the C library and OpenSSL, and for libraries installed outside the group', () => {
    for (const run of [
      'RUN apk add --no-cache --virtual .build-deps gcc musl-dev linux-headers openssl-dev libc-dev make && make',
      'RUN apk add --no-cache libpq && apk add --no-cache --virtual .build-deps gcc musl-dev libpq-dev && pip install psycopg2',
      'RUN apk add --no-cache --virtual .build-deps gcc libffi-dev && apk add --no-cache libffi && pip install cffi',
      'RUN apk add --no-cache --virtual .build-deps gcc sqlite-dev && apk add sqlite-libs && make',
    ]) {
      const { message, fix } = one(run);
      assert.doesNotMatch(message, /runtime libraries/, run);
      assert.equal(fix?.preferred, true, run);
    }
  });

  it('counts a library installed by an earlier RUN of the image', () => {
    const analysis = analyze('FROM alpine:3.21 AS base\nRUN apk add --no-cache libffi\nFROM base\nRUN apk add --no-cache --virtual .build-deps gcc libffi-dev && make\n', ENV);
    const found = analysis.findings.find((f) => f.ruleId === RULE)!;
    assert.equal(fixFor(analysis, found, ENV)?.preferred, true);
  });

  it('stays linear on long files: three times the groups take under 4.5 times as long (each group walked every RUN: over 8 times)', function () {
    this.timeout(120_000);
    assertLinearCheck(RULE, (runs) => `FROM python:3.12-alpine\n${Array.from({ length: runs }, (_, i) => `RUN apk add --virtual .b${i} gcc libffi-dev && pip install cffi\n`).join('')}`);
  });
});
