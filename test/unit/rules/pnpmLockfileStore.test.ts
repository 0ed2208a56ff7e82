/**
 * pnpm-store-kept where pnpm reads only the lockfile: `pnpm fetch`, `pnpm install --frozen-lockfile`,
 * or takes what an earlier fetch stored (`--offline`). Measured with pnpm 9.15.0 and 10.34.9 for
 * express@4.21.2 with its pnpm-lock.yaml, in a fresh HOME (2026-12-05): `pnpm fetch` writes no
 * metadata cache, and `pnpm store prune` after it prints "Removed 0 files", "Removed 0 packages":
 * it frees nothing. `pnpm install --frozen-lockfile` resolves nothing either, but pnpm's daily
 * update check writes ~/.cache/pnpm/metadata-v1.3/registry.npmjs.org/pnpm.json (1,681,895 bytes;
 * 1,683,672 with pnpm 9.15.4 and 10.34.9 at 23:35 UTC, as pnpm published more), which the prune removes ("Removed all cached metadata files"); with `CI=true`
 * or `npm_config_update_notifier=false` it is not written (helper-118's earlier "not created" had
 * a kept ~/.local/state/pnpm/pnpm-state.json, whose lastUpdateCheck skips the check for a day).
 * What stays beside node_modules is the store's index files (72 files, 117,452 bytes). After a
 * fetch, `pnpm install --offline --prod` left every store file as it was and wrote no cache.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const RULE = 'pnpm-store-kept';
const dockerfile = (run: string, env = '') => `FROM node:22-slim\n${env}WORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN ${run}\nCMD ["node", "index.js"]\n`;
const messages = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === RULE).map((f) => f.message);

describe('pnpm-store-kept: an install that reads only the lockfile', () => {
  for (const [run, env] of [['pnpm fetch --prod', ''], ['pnpm install --frozen-lockfile --prod', 'ENV CI=true\n'], ['pnpm i --frozen-lockfile', 'ENV npm_config_update_notifier=false\n']]) {
    it(`${env.trim()} ${run}: the message names the index files and no metadata cache, no prune is appended, and a prune does not quiet it`, () => {
      const text = dockerfile(run, env);
      const [message, ...more] = messages(text);
      assert.equal(more.length, 0);
      assert.doesNotMatch(message ?? '', /metadata cache was/);
      assert.match(message ?? '', /index files/);
      assert.match(message ?? '', /`pnpm store prune` frees none of it/);
      assert.equal(fixAll(text, ENV).text, text);
      assert.equal(messages(dockerfile(`${run} && pnpm store prune`, env)).length, 1);
    });
  }

  for (const run of ['pnpm install --frozen-lockfile --prod', 'pnpm i --frozen-lockfile', 'pnpm install --prod --frozen-lockfile=true']) {
    it(`${run}: pnpm's update check writes its copy of pnpm's registry document, which a prune removes`, () => {
      const text = dockerfile(run);
      const [message, ...more] = messages(text);
      assert.equal(more.length, 0);
      assert.match(message ?? '', /pnpm's update check .*1\.7 MB.*index files/);
      assert.equal(fixAll(text, ENV).text, dockerfile(`${run} && pnpm store prune`));
      assert.deepEqual(messages(dockerfile(`${run} && pnpm store prune`)), []);
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
