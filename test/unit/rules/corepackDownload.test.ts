/**
 * corepack-download-kept: the first yarn or pnpm after `corepack enable` downloads that tool into
 * corepack's home (5,353,026 bytes for yarn 1.22.22, 18,533,432 for pnpm 10.28.1, corepack 0.34.6
 * on 2026-12-05: test/bench/measure/manual-npm-cache.md). Said only where the download happens
 * and nothing later in the image runs the tool; the removal goes after the RUN's last yarn or pnpm.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };
const RULE = 'corepack-download-kept';

function dockerfile(lines: string): string {
  return `FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\n${lines}\n`;
}

function lines(lines: string): number[] {
  return analyze(dockerfile(lines), ENV).findings.filter((f) => f.ruleId === RULE).map((f) => f.range.start.line);
}

describe('corepack-download-kept', () => {
  it('reports the RUN where corepack downloads the tool', () => {
    assert.deepEqual(lines('RUN corepack enable && pnpm install --prod && pnpm store prune\nCMD ["node", "index.js"]'), [3]);
    assert.deepEqual(lines('RUN corepack enable\nRUN pnpm install --prod && pnpm store prune\nCMD ["node", "index.js"]'), [4]);
    // A later RUN that runs pnpm needs the download: then it is where it belongs.
    assert.deepEqual(lines('RUN corepack enable\nRUN pnpm install --prod\nRUN pnpm store prune\nCMD ["node", "index.js"]'), []);
    assert.deepEqual(lines('RUN corepack enable && yarn install && yarn cache clean\nCMD ["node", "index.js"]'), [3]);
    assert.deepEqual(lines('RUN corepack prepare pnpm@9.15.0 --activate\nCMD ["node", "index.js"]'), [3]);
  });

  it('is quiet without corepack, when the image runs the tool later, or when the folder is removed after the last use', () => {
    for (const run of [
      'RUN yarn install && yarn cache clean\nCMD ["node", "index.js"]',
      'RUN corepack enable pnpm && yarn install && yarn cache clean\nCMD ["node", "index.js"]',
      'RUN corepack enable && pnpm install --prod\nCMD ["pnpm", "start"]',
      'RUN corepack enable && yarn install\nENTRYPOINT ["sh", "-c"]\nCMD ["yarn start"]',
      'RUN corepack enable && pnpm install --prod && rm -rf /root/.cache/node/corepack\nCMD ["node", "index.js"]',
      'RUN corepack enable && pnpm install --prod && corepack cache clean\nCMD ["node", "index.js"]',
      'RUN --mount=type=cache,target=/root/.cache/node/corepack corepack enable && pnpm install --prod\nCMD ["node", "index.js"]',
      'ENV COREPACK_HOME=/cp\nRUN corepack enable && pnpm install --prod && rm -rf /cp\nCMD ["node", "index.js"]',
    ]) {
      assert.deepEqual(lines(run), [], run);
    }
    // A yarn after the removal downloads it again.
    assert.deepEqual(lines('RUN corepack enable && yarn install && rm -rf ~/.cache/node/corepack && yarn cache clean\nCMD ["node", "index.js"]'), [3]);
  });

  it('the fix removes the folder after the last yarn, once', () => {
    const text = dockerfile('RUN corepack enable && yarn install && rm -rf ~/.cache/node/corepack && yarn cache clean\nCMD ["node", "index.js"]');
    assert.equal(fixAll(text, ENV).text, text.replace('yarn install && rm -rf ~/.cache/node/corepack && yarn cache clean', 'yarn install && yarn cache clean && rm -rf ~/.cache/node/corepack'));
  });

  it('quotes the version package.json pins or the corepack command names, measured, else "about" with the version measured', () => {
    const manifest = (packageManager: string) => ({ context: { npmManifest: { path: 'package.json', dependencies: [], devDependencies: [], optionalDependencies: [], workspaces: false, packageManager } } });
    const finding = (run: string, env: Parameters<typeof analyze>[1] = ENV) => analyze(dockerfile(`${run}\nCMD ["node", "index.js"]`), env).findings.find((f) => f.ruleId === RULE)!;
    const pinned = finding('RUN corepack enable && pnpm install --prod && pnpm store prune', manifest('pnpm@9.15.0+sha512.76e2379760a4328ec4415815bcd6628dee727af3779aaa4c914e3944156c4299921a89f976381ee107d41f12cfa4b66681ca9c718f0668fa0831ed4c6d8ba56c'));
    assert.match(pinned.message, /: 18 MB for pnpm 9\.15\.0 \(measured with corepack 0\.34\.6\)/);
    assert.equal(pinned.saving?.bytes, 18_456_419);
    const prepared = finding('RUN corepack prepare pnpm@8.15.9 --activate');
    assert.match(prepared.message, /: 16 MB for pnpm 8\.15\.9 /);
    assert.equal(prepared.saving?.bytes, 15_974_299);
    // packageManager naming yarn 4: corepack downloads that yarn, not yarn 1.22.22.
    assert.match(finding('RUN corepack enable && yarn install', manifest('yarn@4.18.1')).message, /: 3\.8 MB for yarn 4\.18\.1 /);
    // A version not measured: "about", with the version the figure is for.
    const near = finding('RUN corepack enable && pnpm install --prod', manifest('pnpm@9.15.3'));
    assert.match(near.message, /: about 18 MB \(measured for pnpm 9\.15\.9 with corepack 0\.34\.6; pnpm 9\.15\.3 here\)/);
    assert.match(finding('RUN corepack prepare pnpm@6.35.1 --activate').message, /: about 19 MB \(measured for pnpm 10\.28\.1 with corepack 0\.34\.6; pnpm 6\.35\.1 here\)/);
    // A package.json that is not copied before the install pins nothing the build sees.
    const unseen = analyze('FROM node:22-slim\nWORKDIR /app\nRUN corepack enable && pnpm install --prod\nCMD ["node", "index.js"]\n', manifest('pnpm@9.15.0')).findings.find((f) => f.ruleId === RULE)!;
    assert.match(unseen.message, /: 19 MB for pnpm 10\.28\.1 /);
  });

  it('stays linear on long files: three times the pnpm RUNs take under 4.5 times as long (each walked all earlier RUNs: over 8 times)', function () {
    this.timeout(120_000);
    assertLinearCheck(RULE, (runs) => `FROM node:22-slim\n${Array.from({ length: runs }, (_, i) => `RUN pnpm add p${i} && echo ${i}\n`).join('')}`);
  });
});
