/**
 * The example figures yarn-cache-kept and pnpm-store-kept give when nothing sizes the install:
 * express@4.21.2 (72 packages), yarn 1.22.22 and pnpm 9.15.4 from npm, measured again on
 * 2026-12-05 as the bytes of the caches' files (test/bench/measure/manual-npm-cache.md). They were
 * `du -sb`, which counts every folder at 4 KiB: yarn's cache 4.7 MB (files: 3.6 MB), pnpm's
 * node_modules 3.4 MB (files, once per inode: 2.2 MB), the pnpm store beyond node_modules 1.1 MB
 * (files: 117 KB, its 72 index files).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { RULES } from '../../../server/src/rules';
import * as caches from '../../../server/src/sizes/packageCaches';

const ENV = { context: {} };
const message = (ruleId: string, run: string) =>
  analyze(`FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN ${run}\nCMD ["node", "index.js"]\n`, ENV).findings.find((f) => f.ruleId === ruleId)?.message ?? '';

describe('yarn and pnpm cache examples: files, not folders', () => {
  it("yarn-cache-kept: yarn 1.22's cache was about 3.6 MB beside 2.2 MB of node_modules", () => {
    assert.match(message('yarn-cache-kept', 'yarn install --production'), /for express@4\.21\.2 it was about 3\.6 MB beside 2\.2 MB of node_modules/);
  });

  it("pnpm-store-kept: pnpm 9's metadata cache was about 2.4 MB beside 2.2 MB of node_modules", () => {
    assert.match(message('pnpm-store-kept', 'pnpm install --prod'), /metadata cache was about 2\.4 MB beside 2\.2 MB of node_modules/);
  });

  it("pnpm-store-kept's docs give the store's index files (117 KB), not du's 1.1 MB of folders", () => {
    const docs = RULES.find((r) => r.id === 'pnpm-store-kept')!.docs.sizeImpact;
    assert.match(docs, /index files stay even after a prune: for express@4\.21\.2 they were about 117 KB/);
    assert.doesNotMatch(docs, /1\.1 MB/);
  });

  it('no example of these caches is a du -sb figure', () => {
    for (const c of [caches.NPM_CACHE_EXAMPLE, caches.YARN_CACHE_EXAMPLE, caches.PNPM_METADATA_EXAMPLE, caches.PNPM_STORE_INDEX_EXAMPLE, caches.PNPM_UPDATE_CHECK_EXAMPLE]) {
      assert.doesNotMatch(c.basis, /du -sb on the host/, c.basis);
      assert.match(c.basis, /files' bytes/, c.basis);
    }
  });
});
