/**
 * yarn and pnpm run through npx (`npx yarn@1 install`, `npx -y pnpm install`) fill their caches as
 * when run directly: measured 2026-12-05 as nobody with a fresh HOME, `npx --yes yarn@1 install` of
 * express@4.21.2 left ~/.cache/yarn at 4,731,871 bytes (du -sb) beside 2,799,820 of node_modules,
 * and `npx --yes yarn@1 cache dir` printed ~/.cache/yarn/v6 (npx's own copy of yarn stays in
 * ~/.npm/_npx, 5,370,490, and ~/.npm/_cacache, 1,453,817). The message and the fix call the tool
 * through npx as the install does, not by a bare `yarn` or `pnpm`, which the image may not have on
 * its PATH: measured 2026-12-06 with npm 11.19.1 and no yarn or pnpm installed, after `npx --yes
 * yarn install` a bare `yarn cache clean` exited 127 ("not found") and `npx yarn cache clean`
 * cleared the cache; after `npx --yes pnpm@9.15.4 install`, `npx --yes pnpm@9.15.4 store prune`
 * exited 0 and emptied its metadata cache (1,727,336 bytes to an empty folder).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const dockerfile = (run: string) => `FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN ${run}\nCMD ["node", "index.js"]\n`;
const found = (rule: string, run: string) => analyze(dockerfile(run), ENV).findings.filter((f) => f.ruleId === rule).length;

describe('yarn and pnpm run through npx', () => {
  it('the yarn and pnpm cache rules see the install', () => {
    for (const run of ['npx yarn@1 install --production', 'npx --yes yarn install --production', 'npx -y yarn@1.22.22 --production']) assert.equal(found('yarn-cache-kept', run), 1, run);
    for (const run of ['npx pnpm install --prod', 'npx -y pnpm@9.15.0 install --prod', 'npx pnpm add express']) assert.equal(found('pnpm-store-kept', run), 1, run);
  });

  it('a clean through npx after it counts', () => {
    assert.equal(found('yarn-cache-kept', 'npx yarn@1 install --production && npx yarn@1 cache clean'), 0);
    assert.equal(found('yarn-cache-kept', 'npx yarn@1 install --production && yarn cache clean'), 0);
    assert.equal(found('pnpm-store-kept', 'npx pnpm install --prod && npx pnpm store prune'), 0);
  });

  it('other packages run through npx are not yarn or pnpm', () => {
    assert.equal(found('yarn-cache-kept', 'npx yarn-deduplicate && npx prettier --write .'), 0);
  });

  it('the message and the fix call the tool through npx as the install does, not by a bare name', () => {
    for (const [run, cleanup] of [
      ['npx yarn@1 install --production', 'npx yarn@1 cache clean'],
      ['npx --yes yarn install --production', 'npx --yes yarn cache clean'],
      ['npx pnpm install --prod', 'npx pnpm store prune'],
    ]) {
      const [finding] = analyze(dockerfile(run), ENV).findings.filter((f) => /^(yarn|pnpm)/.test(f.ruleId));
      assert.match(finding.message, new RegExp(`Add \`${cleanup.replace(/[.@]/g, '\\$&')}\``), run);
      assert.equal(fixAll(dockerfile(run), ENV).text, dockerfile(`${run} && ${cleanup}`), run);
    }
  });
});
