/**
 * pnpm's options that take a value (`--filter app`, `-F app`, `-C /app`) come before the
 * subcommand in workspaces: the value is not the subcommand. npm-dev-dependencies skipped them
 * since 5b100b7; pnpm-store-kept stopped at `app` and missed the install.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const store = (run: string) => analyze(`FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN ${run}\n`, ENV).findings.filter((f) => f.ruleId === 'pnpm-store-kept');

describe('pnpm value options before the subcommand', () => {
  it('pnpm-store-kept reads pnpm --filter app install and -F app i as installs', () => {
    for (const run of ['pnpm --filter app install --prod', 'pnpm -F app i --prod', 'pnpm -C /app --filter=app install --prod']) {
      assert.equal(store(run).length, 1, run);
    }
    for (const run of ['pnpm --filter app run build', 'pnpm --filter app install --prod && pnpm -C /app store prune']) {
      assert.deepEqual(store(run), [], run);
    }
  });
});
