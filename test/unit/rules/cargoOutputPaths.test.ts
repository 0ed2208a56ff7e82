/**
 * cargo-cache-kept follows where cargo writes. Run with cargo and rustc 1.95.0 on the host,
 * 2026-12-06 (a new crate, no dependencies):
 *   - `--profile dev` and `--profile test` wrote target/debug, `--profile bench` target/release,
 *     `--profile small` (a [profile.small]) target/small.
 *   - `--release --target x86_64-unknown-linux-gnu` (or CARGO_BUILD_TARGET) wrote the binary to
 *     target/<triple>/release and a build script to target/release/build.
 *   - `--target-dir /x` before CARGO_TARGET_DIR before CARGO_BUILD_TARGET_DIR; `cargo install --path .`
 *     with CARGO_TARGET_DIR built there and kept it (so does `cargo install` of a registry crate, by
 *     `cargo help install`).
 * Where a variable names the folder, the message claims no path.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const MOUNT = 'RUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/usr/local/cargo/git';
const findings = (run: string, env = '') =>
  analyze(`FROM rust:1.83\n${env}WORKDIR /app\nCOPY . .\n${run}\nCMD ["app"]\n`, { context: {} }).findings.filter((f) => f.ruleId === 'cargo-cache-kept');

describe('cargo-cache-kept: the folder cargo builds in', () => {
  for (const run of [
    'cargo build --profile dev && rm -rf target/debug',
    'cargo build --profile=test && rm -rf target/debug',
    'cargo build --profile bench && rm -rf target/release',
    'cargo build --profile small && rm -rf target/small',
    'cargo build -r --target x86_64-unknown-linux-musl && rm -rf target/x86_64-unknown-linux-musl target/release',
    'cargo build --target-dir /out && rm -rf /out/debug',
  ]) {
    it(`${run}: takes this build's output`, () => assert.deepEqual(findings(`${MOUNT} ${run}`), []));
  }

  it('CARGO_BUILD_TARGET: the triple\'s folder and the profile\'s', () => {
    const env = 'ENV CARGO_BUILD_TARGET=x86_64-unknown-linux-musl\n';
    assert.deepEqual(findings(`${MOUNT} cargo build -r && rm -rf target/x86_64-unknown-linux-musl/release target/release`, env), []);
    const [f] = findings(`${MOUNT} cargo build -r && rm -rf target/release`, env);
    assert.match(f.message, /target\/ less release \(removed here\)/);
  });

  it('--target: the build scripts\' folder stays when only the triple\'s goes', () => {
    const [f] = findings(`${MOUNT} cargo build -r --target x86_64-unknown-linux-musl && rm -rf target/x86_64-unknown-linux-musl`);
    assert.match(f.message, /target\/ less x86_64-unknown-linux-musl\/release \(removed here\)/);
  });

  it('--profile release with target/debug removed: all of target/ stays', () => {
    const [f] = findings(`${MOUNT} cargo build --profile release && rm -rf target/debug`);
    assert.match(f.message, /^cargo leaves target\/ in the final image: target\/ with every/);
  });

  for (const [run, env, name] of [
    ['RUN cargo build -r --target-dir /out', '', '/out/'],
    ['RUN cargo build -r', 'ENV CARGO_TARGET_DIR=/build/\n', '/build/'],
    ['RUN cargo build -r', 'ENV CARGO_BUILD_TARGET_DIR=out\n', 'out/'],
    ['RUN cargo build -r --target-dir /out', 'ENV CARGO_TARGET_DIR=/build\n', '/out/'],
  ]) {
    it(`${env.trim()} ${run}: names ${name}`, () => {
      const [f] = findings(run, env);
      assert.ok(f.message.startsWith(`cargo leaves its crate registry and ${name} in the final image`), f.message);
      assert.ok(f.message.includes(`and ${name} with every compiled dependency`), f.message);
      assert.doesNotMatch(f.message, /\btarget\/ with/);
    });
  }

  it('a folder a variable names: no path claimed, and removing target/ takes nothing', () => {
    const [f] = findings(`${MOUNT} cargo build -r --target-dir "$OUT" && rm -rf target`);
    assert.match(f.message, /^cargo leaves the build folder in the final image: the build folder with every/);
  });

  it('cargo install of a registry crate with CARGO_TARGET_DIR keeps that folder: no registry-only fix', () => {
    const rm = 'rm -rf "${CARGO_HOME:-$HOME/.cargo}/registry" "${CARGO_HOME:-$HOME/.cargo}/git"';
    const [f] = findings(`RUN cargo install ripgrep && ${rm}`, 'ENV CARGO_TARGET_DIR=/build\n');
    assert.match(f.message, /^cargo leaves \/build\/ in the final image/);
    const [g] = analyze(`FROM rust:1.83\nENV CARGO_TARGET_DIR=/build\nRUN cargo install ripgrep\n`, { context: {} }).findings.filter((x) => x.ruleId === 'cargo-cache-kept');
    assert.doesNotMatch(g.message, /or add `rm -rf/);
  });
});
