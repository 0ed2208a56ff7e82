/**
 * A cmd or PowerShell cleanup of a tool's default folder on Windows (packageManagers' ON_WINDOWS:
 * %LocalAppData%\npm-cache, %LocalAppData%\pip\Cache, %LocalAppData%\node\corepack,
 * %USERPROFILE%\.gradle and \.m2) in the same RUN empties the cache, as `rm -rf ~/.npm` does on
 * Linux. The cache rules read only rm and find: `rd /s /q %LocalAppData%\npm-cache` after `npm ci`
 * left the warning. The scanner takes `\` for an escape, which neither shell does: the operand is
 * read from the RUN's text.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const RULES = /^(npm-cache-kept|pip-cache-kept|corepack-download-kept|gradle-cache-kept|maven-cache-kept)$/;
const found = (text: string) => analyze(text, { context: {} }).findings.filter((f) => RULES.test(f.ruleId)).map((f) => f.ruleId);

const NODE = 'FROM node:22-windowsservercore-ltsc2022';
const PYTHON = 'FROM python:3.12-windowsservercore-ltsc2022';
const JDK = 'FROM eclipse-temurin:21-jdk-windowsservercore-ltsc2022';
const POWERSHELL = 'SHELL ["powershell", "-Command"]';

describe('cache rules: a cmd or PowerShell cleanup of the default folder on a Windows base', () => {
  it('is seen with either escape character, in cmd and PowerShell spellings (failed before)', () => {
    for (const escape of ['', '# escape=`\n']) {
      for (const text of [
        `${NODE}\nRUN npm ci && rd /s /q %LocalAppData%\\npm-cache`,
        `${NODE}\nRUN npm ci && rmdir /S /Q "%LOCALAPPDATA%\\npm-cache"`,
        `${NODE}\nRUN npm ci && rd /s /q %LocalAppData%`,
        `${NODE}\nRUN npm ci && del /s /q %LocalAppData%\\npm-cache\\*`,
        `${NODE}\nRUN npm ci && rd /s /q %USERPROFILE%\\AppData\\Local\\npm-cache`,
        `${NODE}\n${POWERSHELL}\nRUN npm ci; Remove-Item -Recurse -Force $env:LOCALAPPDATA\\npm-cache -ErrorAction SilentlyContinue`,
        `${PYTHON}\nRUN pip install flask && rd /s /q %LocalAppData%\\pip\\Cache`,
        `${PYTHON}\n${POWERSHELL}\nRUN pip install flask; Remove-Item -Recurse -Force $env:LOCALAPPDATA\\pip\\Cache`,
        `${PYTHON}\n${POWERSHELL}\nRUN pip install flask; rm -r -fo \${env:LocalAppData}/pip/Cache`,
        `${NODE}\nRUN corepack prepare pnpm@9.15.9 --activate && rd /s /q %LocalAppData%\\node\\corepack`,
        `${JDK}\nRUN mvn package && rd /s /q %USERPROFILE%\\.m2`,
        `${JDK}\n${POWERSHELL}\nRUN gradle build; Remove-Item -Recurse -Force $env:USERPROFILE\\.gradle`,
      ]) assert.deepEqual(found(`${escape}${text}\n`), [], `${escape}${text}`);
    }
  });

  it('a folder beside it, a del without /s (npm keeps its files in subfolders), or the same cleanup on Linux is none', () => {
    for (const text of [
      `${NODE}\nRUN npm ci && rd /s /q %LocalAppData%\\Temp`,
      `${NODE}\nRUN npm ci && del /q %LocalAppData%\\npm-cache\\*`,
      `${PYTHON}\nRUN pip install flask && rd /s /q %LocalAppData%\\npm-cache`,
      'FROM node:22\nRUN npm ci && rd /s /q %LocalAppData%\\npm-cache',
    ]) assert.equal(found(`${text}\n`).length, 1, text);
  });
});
