/**
 * cargo-cache-kept on `cargo install --path .`, the official rust image's own example (FROM rust,
 * COPY . ., RUN cargo install --path ., CMD ["myapp"]): cargo builds a path source in the crate's
 * own target/ and keeps it (only a registry crate is built in a temporary folder it removes).
 * Measured with cargo 1.95.0: `cargo install --offline --path .` of a hello-world crate left
 * target/ of 479,856 bytes beside the installed binary. The rule said only the registry stays, and
 * its fix (the registry removal) left the finding's target/ and was offered again on the result.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const findings = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'cargo-cache-kept');
const doc = (run: string) => `FROM rust:1.82\nWORKDIR /usr/src/myapp\nCOPY . .\nRUN ${run}\nCMD ["myapp"]\n`;

describe('cargo-cache-kept: cargo install --path keeps target/', () => {
  it('says the registry and target/ stay', () => {
    for (const run of ['cargo install --path .', 'cargo install --locked --path=.', 'cargo install --path /usr/src/myapp', 'cargo install ripgrep --target-dir /tmp/t']) {
      const [f] = findings(doc(run));
      assert.ok(f, run);
      // The folder named, not target/ (cargoOutputPaths.test.ts).
      assert.ok(f.message.startsWith(`cargo leaves its crate registry and ${run.includes('/tmp/t') ? '/tmp/t/' : 'target/'} in the final image: `), run);
    }
  });

  it('is satisfied when target/ goes too, and a registry crate still leaves only the registry', () => {
    assert.equal(findings(doc('cargo install --path . && rm -rf /usr/local/cargo/registry /usr/local/cargo/git target')).length, 0);
    const [registry] = findings(doc('cargo install ripgrep'));
    assert.match(registry.message, /^cargo leaves its crate registry in the final image: /);
  });

  it('gets no fix that leaves the finding, and the fixes are a fixed point', () => {
    const text = doc('cargo install --path .');
    const once = fixAll(text, ENV, {}, { includeUnpreferred: true }).text;
    assert.equal(fixAll(once, ENV, {}, { includeUnpreferred: true }).text, once);
    assert.ok(!once.includes('registry'), once);
  });
});
