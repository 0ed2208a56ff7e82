/**
 * npm-cache-kept on a Windows base: npm's cache there is %LocalAppData%\npm-cache (npm's
 * documentation of the `cache` setting), and the message named ~/.npm. The fix, which appends with
 * `&&`, is not offered where the shell is no POSIX shell (cacheRule's repairs ask posixShell).
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
function npmFinding(text: string) {
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === 'npm-cache-kept');
  assert.ok(finding, 'no npm-cache-kept finding');
  return { message: finding.message, fix: fixFor(analysis, finding, ENV) };
}

describe('npm-cache-kept: the cache folder on Windows', () => {
  it('names %LocalAppData%\\npm-cache on a Windows base, and offers no fix', () => {
    for (const base of ['mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/nanoserver:ltsc2022']) {
      const { message, fix } = npmFinding(`FROM ${base}\nRUN npm install -g express@4\n`);
      assert.match(message, /^npm leaves its cache \(%LocalAppData%\\npm-cache\) in this layer/);
      assert.equal(fix, undefined);
    }
  });
  it('names ~/.npm on a Linux base, whatever the SHELL (pwsh there keeps npm\'s Linux default)', () => {
    assert.match(npmFinding('FROM node:22\nRUN npm install -g express@4\n').message, /^npm leaves its cache \(~\/\.npm\)/);
    assert.match(npmFinding('FROM node:22\nSHELL ["pwsh", "-Command"]\nRUN npm install -g express@4\n').message, /^npm leaves its cache \(~\/\.npm\)/);
  });
  it('names the folder --cache sets there too', () => {
    assert.match(npmFinding('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN npm install --cache C:/npmcache -g express@4\n').message, /^npm leaves its cache \(C:\/npmcache\)/);
  });
});
