/**
 * A removal whose operand names the cache folder another way: a command substitution the tool
 * prints it with (yarn 1.22.22 as root: /usr/local/share/.cache/yarn/v6; `npm config get cache`:
 * ~/.npm; pnpm 9: ~/.local/share/pnpm/store/v3; pip: ~/.cache/pip; measured).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function reported(rule: string, text: string): number {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
}

describe('a removal that names the cache folder indirectly', () => {
  for (const [rule, from, run, count] of [
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf "$(yarn cache dir)"', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf "$(yarn cache dir)"/*', 0],
    ['yarn-cache-kept', 'node:20\nUSER node', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache dir)/x', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install --cache-folder /c && rm -rf $(yarn cache dir)', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install && gosu node rm -rf $(yarn cache dir)', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache list)', 1],
    ['pnpm-store-kept', 'node:20', 'pnpm install && rm -rf $(pnpm store path)', 0],
    ['pnpm-store-kept', 'node:20', 'pnpm install --store-dir /s && rm -rf $(pnpm store path)', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && rm -rf $(npm config get cache)', 0],
    ['npm-cache-kept', 'node:20', 'npm ci && HOME=/x rm -rf $(npm config get cache)', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && rm -rf x$(npm config get cache)', 1],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV PIP_CACHE_DIR=/p', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install --cache-dir /p flask && rm -rf "$(pip cache dir)"', 1],
  ] as const) {
    it(`${rule}: ${run} (${from.replace('\n', ', ')})`, () => {
      assert.equal(reported(rule, `FROM ${from}\nRUN ${run}\n`), count);
    });
  }
});
