/**
 * A removal whose operand names the cache folder another way: a command substitution the tool
 * prints it with (yarn 1.22.22 as root: /usr/local/share/.cache/yarn/v6; `npm config get cache`:
 * ~/.npm; pnpm 9: ~/.local/share/pnpm/store/v3; pip: ~/.cache/pip; measured), a variable whose
 * value is known, or a `find` that deletes all the folder holds.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

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

  const UPDATE = 'apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean';
  for (const [before, cleanup, kept] of [
    ['ENV LISTS=/var/lib/apt/lists', 'rm -rf $LISTS/*', false],
    ['ENV LISTS=/var/lib/apt/lists', 'rm -rf "${LISTS}"', false],
    ['ARG LISTS=/var/lib/apt/lists', 'rm -rf ${LISTS}/*', false],
    ['ENV APT=/var/lib/apt', 'rm -rf $APT/lists/*', false],
    ['ENV LISTS=/var/lib/apt/lists/partial', 'rm -rf $LISTS', true],
    ['ENV LISTS=/var/lib/apt/lists', 'LISTS=/tmp/x; rm -rf $LISTS/*', true],
    ['ENV X=1', 'rm -rf $LISTS/*', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 1 -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 1 -maxdepth 1 -exec rm -rf {} +', false],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -exec rm -f {} \\;', false],
    ['ENV X=1', 'find /var/lib/apt -type f -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -name "*.lz4" -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 2 -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -maxdepth 0 -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type d -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -exec echo {} +', true],
    ['ENV X=1', 'find /var/lib/apt/lists/partial -delete', true],
  ] as const) {
    it(`apt-lists-kept, apt-clean-keeps-lists and the estimate: ${before}, ${cleanup} ${kept ? 'keeps' : 'removes'} the lists`, () => {
      const text = `FROM debian:bookworm\n${before}\nRUN ${UPDATE} && ${cleanup}\n`;
      assert.equal(reported('apt-lists-kept', text), kept ? 1 : 0);
      assert.equal(reported('apt-clean-keeps-lists', text), kept ? 1 : 0);
      const parts = estimateImage(buildModel(text), ENV)!.layers.flatMap((l) => l.parts.map((p) => p.label));
      assert.equal(parts.includes('apt lists left in the layer'), kept);
    });
  }
});
