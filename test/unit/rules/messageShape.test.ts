/**
 * Every message of every rule on every rule fixture reads as a sentence: no empty parentheses, no
 * blank before a comma or a final full stop, no two blanks in a row, no control character (a `$`
 * the shell keeps as text is a NUL inside the analysis, LITERAL_DOLLAR in shell.ts, and showed as
 * one in pip-cache-kept's folder). A list a message fills in that came out
 * empty showed as "cargo leaves its crate registry's  () and target/" (cargoRegistryPart.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { FIXTURES_DIR, fixtureFiles, parseFixture } from '../../support/fixtures';

describe('rule messages: no gap where a filled-in list came out empty', () => {
  it('on every rule fixture', () => {
    const bad: string[] = [];
    for (const file of fixtureFiles(path.join(FIXTURES_DIR, 'rules'))) {
      const fx = parseFixture(file);
      for (const f of analyze(fx.text, fx.env, fx.settings).findings) {
        if (/\(\s*\)|\S {2,}\S| [,;:](\s|$)| \.$|[\u0000-\u001f]/.test(f.message)) bad.push(`${fx.name} ${f.ruleId}: ${f.message}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

/**
 * On a Windows base `~`, /root and XDG folders are none of the tools' (pip caches in
 * %LocalAppData%\pip\Cache there), cmd and PowerShell run no `rm -rf`, and a Windows binary runs
 * on no Linux image (distroless, debian:bookworm-slim): the rule fixtures named windows.Dockerfile
 * have a Windows base, and no message of theirs names such a folder, command or image.
 */
describe('rule messages on a Windows base: no Linux home folder, no POSIX removal', () => {
  it('on every windows.Dockerfile rule fixture', () => {
    const bad: string[] = [];
    for (const file of fixtureFiles(path.join(FIXTURES_DIR, 'rules')).filter((f) => path.basename(f) === 'windows.Dockerfile')) {
      const fx = parseFixture(file);
      for (const f of analyze(fx.text, fx.env, fx.settings).findings) {
        if (/~\/|\$HOME|\/root\b|\/home\/|\/usr\/local\/|\/go\/pkg|\brm -rf\b|distroless|debian:/.test(f.message)) bad.push(`${fx.name} ${f.ruleId}: ${f.message}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
