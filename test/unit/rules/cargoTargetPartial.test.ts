/**
 * cargo-cache-kept where the RUN removes part of target/ (`rm -rf target/release/deps`), or all of
 * this build's output (`rm -rf target`, `rm -rf target/release`): the message says what was
 * removed and what stays. Measured with rustc and cargo 1.95.0 on the host, 2026-12-05, for the
 * bench's program (serde with derive, serde_json, regex; Debian bookworm's crates through a
 * directory source: crates.io is not reachable here), files' bytes once per inode:
 *   - `cargo build --release`: target/ 55,706,329 (release/deps 51,338,335, release/build
 *     4,350,268, the binary 2,030,560, hard-linked from deps); after `rm -rf target/release/deps`
 *     6,398,554 stay and the binary runs; after `rm -rf target/release/build` 51,356,061; after
 *     `rm -rf target/debug` all 55,706,329 (a release build writes no target/debug); after
 *     `rm -rf target/release` 1,210 (.rustc_info.json and CACHEDIR.TAG).
 *   - `cargo build`: target/debug 124,447,106 (deps 86,385,097, build 35,565,124, incremental
 *     2,480,422, the binary 14,490,840); after `rm -rf target/debug/deps` 52,552,849 stay.
 * So what stays depends on the crates and on what was removed: the message gives no figure then.
 * A removal of debug/incremental alone (2,480,422 here) leaves every compiled dependency: not read as one.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../../../server/src/sizes';

const REGISTRY_RM = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';
const findings = (run: string, env = '') =>
  analyze(`FROM rust:1.83\n${env}WORKDIR /app\nCOPY . .\nRUN ${run}\nCMD ["/app/target/release/app"]\n`, { context: {} }).findings.filter((f) => f.ruleId === 'cargo-cache-kept');
const only = (run: string, env = '') => {
  const [f, ...more] = findings(run, env);
  assert.ok(f, run);
  assert.equal(more.length, 0);
  return f;
};

describe('cargo-cache-kept: a RUN that removes part of target/', () => {
  for (const [run, env, removed] of [
    ['cargo build --release && rm -rf target/release/deps', '', 'release/deps'],
    ['cargo build -r && rm -rf /app/target/release/deps/*', '', 'release/deps'],
    ['cargo build --release && rm -rf target/release/build', '', 'release/build'],
    ['cargo build && rm -rf target/debug/deps target/debug/build', '', 'debug/deps and debug/build'],
    ['cargo install --path . && rm -rf target/release/deps', '', 'release/deps'],
    ['cargo build --release && rm -rf /build/release/deps', 'ENV CARGO_TARGET_DIR=/build\n', 'release/deps'],
  ]) {
    it(`${env.trim()} ${run}: names what the RUN removes and gives no figure for what stays`, () => {
      const f = only(run, env);
      const name = env ? '/build/' : 'target/';
      assert.ok(f.message.startsWith(`cargo leaves its crate registry and ${name} in the final image`), f.message);
      assert.ok(f.message.includes(`${name} less ${removed} (removed here): the rest depends on the crates`), f.message);
      assert.doesNotMatch(f.message, /with every compiled dependency/);
      assert.ok(!f.message.includes(formatBytes(EX.bytes)), f.message);
      assert.equal(f.saving?.bytes, undefined);
      assert.ok(!f.saving?.basis.includes(EX.basis));
    });
  }

  it("a release build's removal of target/debug takes nothing of it: the whole target/ and its example stay", () => {
    const f = only('cargo build --release && rm -rf target/debug');
    assert.match(f.message, /target\/ with every compiled dependency/);
    assert.ok(f.message.includes(formatBytes(EX.bytes)));
  });

  for (const run of ['cargo build --release && rm -rf target', 'cargo build --release && rm -rf target/release', 'cargo build && rm -rf target/debug']) {
    it(`${run}: only the registry stays, and the message names nothing of target/`, () => {
      const f = only(run);
      assert.match(f.message, /^cargo leaves its crate registry in the final image: /);
      assert.doesNotMatch(f.message, /target\//);
      assert.ok(f.message.includes(REGISTRY_RM));
      assert.deepEqual(findings(`${run} ${REGISTRY_RM.slice('rm -rf '.length)}`), []);
    });
  }
});
