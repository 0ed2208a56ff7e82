/**
 * A cache mount with a relative target lands under the WORKDIR: checked with Docker 20.10's
 * BuildKit, under `WORKDIR /app/sub` `--mount=type=cache,target=.npm` mounted /app/sub/.npm and
 * `target=node_modules/.cache` /app/sub/node_modules/.cache (/proc/self/mountinfo inside the RUN),
 * and a file written there was not in the layer. The cache rules and the estimate compare the
 * resolved folder with the tool's cache.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { cacheMountTargets } from '../../../server/src/core/commands';
import { buildModel } from '../../../server/src/core/model';

const ids = (text: string) => analyze(text, { context: {} }).findings.map((f) => f.ruleId);

describe('cache mounts with a relative target', () => {
  it('are resolved against the WORKDIR along the FROM chain', () => {
    const m = buildModel('FROM node:22 AS base\nWORKDIR /app\nFROM base\nWORKDIR sub\nRUN --mount=type=cache,target=.npm --mount=type=cache,target=node_modules/.cache/ --mount=type=tmpfs,target=/tmp npm ci\n');
    assert.deepEqual(cacheMountTargets(m.instructions[4]), ['/app/sub/.npm', '/app/sub/node_modules/.cache', '/tmp']);
    const v = buildModel('FROM node:22\nARG D\nWORKDIR $D\nRUN --mount=type=cache,target=.npm --mount=type=cache,target=$HOME/.npm npm ci\n');
    assert.deepEqual(cacheMountTargets(v.instructions[3]), ['.npm', '$HOME/.npm'], 'a WORKDIR with a variable leaves it as written');
  });

  it('keeps the cache out of the layer when it is the cache folder (npm, pip, apt lists)', () => {
    const npm = (workdir: string) => ids(`FROM node:22-slim\nWORKDIR ${workdir}\nCOPY package*.json ./\nRUN --mount=type=cache,target=.npm npm ci --omit=dev\n`);
    assert.ok(!npm('/root').includes('npm-cache-kept'));
    assert.ok(npm('/app').includes('npm-cache-kept'), '/app/.npm is not where npm caches');
    const pip = ids('FROM python:3.12-slim\nWORKDIR /root\nRUN --mount=type=cache,target=.cache/pip pip install flask\n');
    assert.ok(!pip.includes('pip-cache-kept'));
    const apt = ids('FROM debian:bookworm-slim\nWORKDIR /var/lib/apt\nRUN --mount=type=cache,target=lists apt-get update && apt-get install -y --no-install-recommends curl\n');
    assert.ok(!apt.includes('apt-lists-kept'));
  });
});
