/**
 * apt-lists-kept under a SHELL that is no POSIX shell: the fix appended `&& rm -rf
 * /var/lib/apt/lists/*` whatever the SHELL. PowerShell before 7 (pwsh 6 images, Windows
 * PowerShell) rejects `&&`, and on Windows its rm is Remove-Item, which takes no -rf; pwsh 7 on
 * Linux runs /bin/rm (from PowerShell's documentation; no pwsh on this machine to try). The finding
 * stays; the fix is not offered, as for the cache rules (posixShell).
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
function aptLists(text: string) {
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === 'apt-lists-kept');
  assert.ok(finding, 'no apt-lists-kept finding');
  return fixFor(analysis, finding, ENV);
}
const RUN = 'RUN apt-get update; apt-get install -y --no-install-recommends curl\n';

describe('apt-lists-kept: no fix where the shell is no POSIX shell', () => {
  it('reports the lists but offers no fix after SHELL ["pwsh", ...] or ["powershell", ...]', () => {
    assert.equal(aptLists(`FROM mcr.microsoft.com/powershell:lts-ubuntu-22.04\nSHELL ["pwsh", "-Command"]\n${RUN}`), undefined);
    assert.equal(aptLists(`FROM debian:bookworm-slim\nSHELL ["powershell", "-Command"]\n${RUN}`), undefined);
  });
  it('still offers it under sh and bash', () => {
    assert.ok(aptLists(`FROM debian:bookworm-slim\n${RUN}`));
    assert.ok(aptLists(`FROM debian:bookworm-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n${RUN}`));
  });
});
