/**
 * corepack-download-kept: the first yarn or pnpm after `corepack enable` downloads that tool into
 * corepack's home (5,365,270 bytes for yarn 1.22.22, 18,533,388 for pnpm 10.28.1, corepack 0.34.6
 * on 2026-12-04: test/bench/measure/manual-npm-cache.md). Said only where the download happens
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

  it('stays linear on long files: three times the pnpm RUNs take under 4.5 times as long (each walked all earlier RUNs: over 8 times)', function () {
    this.timeout(120_000);
    assertLinearCheck(RULE, (runs) => `FROM node:22-slim\n${Array.from({ length: runs }, (_, i) => `RUN pnpm add p${i} && echo ${i}\n`).join('')}`);
  });
});
