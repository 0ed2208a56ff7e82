/**
 * apk-virtual-not-deleted on `apk add --virtual --no-cache gcc`: `--virtual` (and `-t`) require an
 * argument, so apk takes the next word as the group's name even when it looks like an option. The
 * finding stays (the packages stay in the layer), but its message must say the name is most likely
 * missing, and must not advise `apk del --no-cache`, which apk would read as an option.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

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
