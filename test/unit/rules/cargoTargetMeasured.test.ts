/**
 * cargo-cache-kept cites target/ as measured by the bench (test/bench/measure/toolchains.ts,
 * `npm run bench:measure -- cargo-target`) as an example, with the rustc that made it, for
 * `cargo build`; `cargo install` leaves no target/ and gets no such figure. Neither gives bytes for
 * the user's own build.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { CARGO_TARGET_EXAMPLE as EX, formatBytes } from '../../../server/src/sizes';
import { RULES } from '../../../server/src/rules';

const findings = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'cargo-cache-kept');

describe('cargo-cache-kept and the measured target/', () => {
  it('the example is a release build whose target/ is larger than its binary', () => {
    assert.match(EX.tool, /^rustc \d+\.\d+\.\d+$/);
    assert.ok(EX.bytes > EX.outputBytes);
    assert.match(EX.basis, /serde.*serde_json.*regex/);
    assert.match(EX.measuredOn, /^\d{4}-\d\d-\d\d$/);
  });

  it('cites it for cargo build, not for cargo install', () => {
    const [build] = findings('FROM rust:1.83\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD ["/app/target/release/app"]\n');
    assert.ok(build);
    assert.ok(build.message.includes(`about ${formatBytes(EX.bytes)}, for a ${formatBytes(EX.outputBytes)} binary (measured with ${EX.tool} and Debian's crates)`), build.message);
    assert.match(build.message, /registry is not yet measured/);
    assert.equal(build.saving?.bytes, undefined);
    assert.ok(build.saving?.basis.includes(EX.basis));
    const [install] = findings('FROM rust:1.83\nRUN cargo install ripgrep\nCMD ["rg"]\n');
    assert.ok(install);
    assert.ok(!install.message.includes(formatBytes(EX.bytes)), install.message);
    assert.ok(!install.saving?.basis.includes(EX.basis));
  });

  it('the docs give the figure and its basis', () => {
    const rule = RULES.find((r) => r.id === 'cargo-cache-kept');
    assert.ok(rule?.docs.sizeImpact.includes(formatBytes(EX.bytes)));
    assert.ok(rule?.docs.sizeImpact.includes(EX.basis));
  });
});
