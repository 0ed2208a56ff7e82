/**
 * archive-kept on a Windows base or under a SHELL that is no POSIX shell: Windows Server ships
 * curl.exe and tar.exe, and `RUN curl -fsSLo C:\node.zip ... && tar -xf C:\node.zip -C C:\` ran in
 * cmd was reported as '/C:node.zip ... Add `rm -f '/C:node.zip'`', and the safe fix appended
 * `&& rm -f '/C:node.zip'`: cmd has no rm, so the build that worked failed.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const found = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'archive-kept');
const RUN = 'RUN curl -fsSLo C:\\node.zip https://nodejs.org/dist/v20.12.2/node-v20.12.2-win-x64.zip && tar -xf C:\\node.zip -C C:\\\n';

describe('archive-kept: not where the shell is no POSIX shell', () => {
  it('says nothing on a Windows base (cmd) or after SHELL ["powershell", ...]', () => {
    assert.deepEqual(found(`# escape=\`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n${RUN}`), []);
    assert.deepEqual(found('FROM debian:bookworm-slim\nSHELL ["pwsh", "-Command"]\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz; tar -xzf /tmp/x.tgz -C /opt\n'), []);
  });
  it('still reports the same download on Linux with sh', () => {
    assert.equal(found('FROM debian:bookworm-slim\nRUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt\n').length, 1);
  });
});
