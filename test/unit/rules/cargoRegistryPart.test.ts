/**
 * cargo-cache-kept names what stays of the registry when a removal takes part of it:
 * `rm -rf $CARGO_HOME/registry/cache $CARGO_HOME/registry/src` leaves registry/index, which the
 * message said as the whole registry.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const SETTINGS = { severities: { 'build-tools-in-final-image': 'off' as const } };

function messages(run: string): string[] {
  return analyze(`FROM rust:1.83-alpine\nRUN ${run}\n`, { context: {} }, SETTINGS)
    .findings.filter((f) => f.ruleId === 'cargo-cache-kept')
    .map((f) => f.message);
}

describe('cargo-cache-kept: part of the registry removed', () => {
  for (const rm of ['$CARGO_HOME/registry/cache $CARGO_HOME/registry/src', '/usr/local/cargo/registry/src /usr/local/cargo/registry/cache']) {
    it(`names the index as what stays: rm -rf ${rm}`, () => {
      const [message] = messages(`cargo install ripgrep && rm -rf ${rm}`);
      assert.match(message, /^cargo leaves its crate registry's index \(registry\/index\) in the final image: /);
      assert.doesNotMatch(message, /\.crate archives|unpacked sources/);
    });
  }

  it('names the folders left by a removal of the index, and target/ for cargo build', () => {
    assert.match(messages('cargo install ripgrep && rm -rf /usr/local/cargo/registry/index')[0], /^cargo leaves its crate registry's \.crate archives and unpacked sources \(registry\/cache, registry\/src\) in the final image/);
    assert.match(messages('cargo build --release && rm -rf /usr/local/cargo/registry/cache /usr/local/cargo/registry/src')[0], /^cargo leaves its crate registry's index \(registry\/index\) and target\/ in the final image/);
  });

  it('says the whole registry when nothing of it is removed, and nothing when all three folders are', () => {
    assert.match(messages('cargo install ripgrep')[0], /^cargo leaves its crate registry in the final image: the crate registry \(index, \.crate archives and unpacked sources\)/);
    assert.deepEqual(messages('cargo install ripgrep && rm -rf /usr/local/cargo/registry/index /usr/local/cargo/registry/cache /usr/local/cargo/registry/src'), []);
  });

  // The official image's ENV sets CARGO_HOME=/usr/local/cargo: a removal of ~/.cargo/registry
  // counted as the registry's, and `rm -rf ~/.cargo/registry target/release/deps` was told
  // "cargo leaves its crate registry's  () and target/".
  it('on the rust image, ~/.cargo is no registry; the registry gone, only target/ is named', () => {
    // target/release/deps goes: the message says so (cargoTargetPartial.test.ts).
    assert.match(messages('cargo build --release && rm -rf ~/.cargo/registry target/release/deps')[0], /^cargo leaves its crate registry and target\/ in the final image: the crate registry \(index.*target\/ less release\/deps \(removed here\)/);
    assert.match(messages('cargo install ripgrep && rm -rf ~/.cargo/registry/cache ~/.cargo/registry/src')[0], /^cargo leaves its crate registry in the final image/);
    const [target] = messages('cargo build --release && rm -rf /usr/local/cargo/registry');
    assert.match(target, /^cargo leaves target\/ in the final image: target\/ with every compiled dependency, which grow with the crates; for a small program/);
    assert.doesNotMatch(target, /registry|\(\)|  /);
  });

  it('elsewhere ~/.cargo is, and CARGO_HOME where the file sets it', () => {
    const on = (head: string, run: string) =>
      analyze(`${head}\nRUN ${run}\n`, { context: {} }, SETTINGS)
        .findings.filter((f) => f.ruleId === 'cargo-cache-kept')
        .map((f) => f.message);
    assert.match(on('FROM debian:12', 'cargo build --release && rm -rf ~/.cargo/registry')[0], /^cargo leaves target\/ in the final image/);
    assert.match(on('FROM debian:12', 'cargo install ripgrep && rm -rf ~/.cargo/registry/cache ~/.cargo/registry/src')[0], /^cargo leaves its crate registry's index \(registry\/index\)/);
    assert.deepEqual(on('FROM rust:1.83\nENV CARGO_HOME=/opt/cargo', 'cargo install ripgrep && rm -rf /opt/cargo/registry'), []);
    assert.match(on('FROM rust:1.83\nENV CARGO_HOME=/opt/cargo', 'cargo install ripgrep && rm -rf /usr/local/cargo/registry')[0], /^cargo leaves its crate registry in/);
  });
});
