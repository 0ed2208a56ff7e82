/**
 * pnpm-store-kept where pnpm reads only the lockfile: `pnpm fetch`, `pnpm install --frozen-lockfile`,
 * or takes what an earlier fetch stored (`--offline`). Measured with pnpm 9.15.0 and 10.34.9 (from
 * npm) for express@4.21.2 with its pnpm-lock.yaml, each in a fresh PNPM_HOME and XDG_CACHE_HOME: no metadata cache is written
 * ($XDG_CACHE_HOME/pnpm does not exist; without the lockfile it holds 2,392,360 bytes), and
 * `pnpm store prune` prints "Removed 0 files" and "Removed 0 packages": it frees nothing there.
 * What stays beside node_modules is the store's index files (72 files, 117,452 bytes). After a
 * fetch, `pnpm install --offline --prod` left every store file as it was (size, time, link count).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const RULE = 'pnpm-store-kept';
const dockerfile = (run: string) => `FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN ${run}\nCMD ["node", "index.js"]\n`;
const messages = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === RULE).map((f) => f.message);

describe('pnpm-store-kept: an install that reads only the lockfile', () => {
  for (const run of ['pnpm install --frozen-lockfile --prod', 'pnpm i --frozen-lockfile', 'pnpm fetch --prod', 'pnpm install --prod --frozen-lockfile=true']) {
    it(`${run}: the message names the index files and no metadata cache, and no prune is appended`, () => {
      const text = dockerfile(run);
      const [message, ...more] = messages(text);
      assert.equal(more.length, 0);
      assert.doesNotMatch(message ?? '', /metadata cache was/);
      assert.match(message ?? '', /index files/);
      assert.match(message ?? '', /`pnpm store prune` frees none of it/);
      assert.equal(fixAll(text, ENV).text, text);
    });
  }

  it('an install with --offline adds nothing to the store: after pnpm fetch, only the fetch is reported', () => {
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch --prod\nCOPY . .\nRUN pnpm install --offline --prod\nCMD ["node", "index.js"]\n';
    assert.deepEqual(analyze(text, ENV).findings.filter((f) => f.ruleId === RULE).map((f) => f.range.start.line), [3]);
    assert.deepEqual(messages(dockerfile('pnpm install --offline --prod --frozen-lockfile')), []);
  });

  for (const run of ['pnpm install --prod', 'pnpm install --frozen-lockfile=false', 'pnpm install --no-frozen-lockfile', 'pnpm add express']) {
    it(`${run}: pnpm resolves, so the metadata cache is named and a prune appended`, () => {
      const text = dockerfile(run);
      assert.match(messages(text)[0] ?? '', /metadata cache was about/);
      assert.equal(fixAll(text, ENV).text, dockerfile(`${run} && pnpm store prune`));
    });
  }
});
