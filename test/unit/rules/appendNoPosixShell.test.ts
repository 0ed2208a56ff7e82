/**
 * Fixes that append a command to a RUN (`&& rm -rf /var/lib/apt/lists/*`, `&& apk del .build-deps`)
 * under a SHELL that is no POSIX shell: PowerShell before 7 (pwsh 6 images, Windows PowerShell)
 * rejects `&&`, and on Windows its rm is Remove-Item, which takes no -rf; cmd has no rm; pwsh 7 on
 * Linux runs /bin/rm (from PowerShell's documentation; no pwsh on this machine to try). The findings
 * stay; no such fix is offered (verifiedAppend asks posixShell, as the cache rules' repairs did).
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
function fixOf(ruleId: string, text: string) {
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === ruleId);
  assert.ok(finding, `no ${ruleId} finding`);
  return fixFor(analysis, finding, ENV);
}

const CASES: { ruleId: string; from: string; run: string }[] = [
  { ruleId: 'apt-lists-kept', from: 'debian:bookworm-slim', run: 'RUN apt-get update; apt-get install -y --no-install-recommends curl' },
  { ruleId: 'apt-clean-keeps-lists', from: 'debian:bookworm-slim', run: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean' },
  { ruleId: 'apk-virtual-not-deleted', from: 'alpine:3.21', run: 'RUN apk add --no-cache --virtual .build-deps gcc' },
];

describe('fixes that append a command: none where the shell is no POSIX shell', () => {
  for (const { ruleId, from, run } of CASES) {
    it(`${ruleId}: reported, but no fix after SHELL ["pwsh", ...] or ["powershell", ...]`, () => {
      assert.equal(fixOf(ruleId, `FROM ${from}\nSHELL ["pwsh", "-Command"]\n${run}\n`), undefined);
      assert.equal(fixOf(ruleId, `FROM ${from}\nSHELL ["powershell", "-Command"]\n${run}\n`), undefined);
    });
    it(`${ruleId}: still fixed under sh and bash`, () => {
      assert.ok(fixOf(ruleId, `FROM ${from}\n${run}\n`));
      assert.ok(fixOf(ruleId, `FROM ${from}\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n${run}\n`));
    });
  }
  it('apt-lists-kept: no fix on a pwsh image either', () => {
    assert.equal(fixOf('apt-lists-kept', 'FROM mcr.microsoft.com/powershell:lts-ubuntu-22.04\nSHELL ["pwsh", "-Command"]\nRUN apt-get update; apt-get install -y curl\n'), undefined);
  });
});
