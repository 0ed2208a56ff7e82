/**
 * A cleanup counts only when it runs after the command that fills the folder: `rm -rf
 * /var/cache/apk/*` before an `apk add` leaves the index the add then fetches.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };

function reported(rule: string, text: string): number {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
}

describe('cache rules: only a removal after the command counts', () => {
  for (const [run, count] of [
    ['RUN apk update && rm -rf /var/cache/apk/* && apk add curl', 1],
    ['RUN rm -rf /var/cache/apk/* && apk add curl', 1],
    ['RUN apk add curl && rm -rf /var/cache/apk/* && apk add git', 1],
    ['RUN apk add curl && rm -rf /var/cache/apk/*', 0],
  ] as const) {
    it(`apk-cache-kept: ${run} (${count})`, () => assert.equal(reported('apk-cache-kept', `FROM alpine:3.21\n${run}\n`), count));
  }
  for (const [run, count] of [
    ['RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl && apt-get clean', 1],
    ['RUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl && apt-get clean', 1],
    ['RUN apt-get update && apt-get install -y curl && apt-get clean && rm -rf /var/lib/apt/lists/*', 0],
  ] as const) {
    it(`apt-clean-keeps-lists: ${run} (${count})`, () => assert.equal(reported('apt-clean-keeps-lists', `FROM debian:bookworm\n${run}\n`), count));
  }

  it('apk-cache-kept stays linear in the commands of a RUN: the removal is looked for once per RUN, not after each add', function () {
    this.timeout(120_000);
    assertLinearCheck('apk-cache-kept', (n) => `FROM alpine:3.21\nRUN ${'apk add curl && '.repeat(5 * n)}rm -rf /var/cache/apk/* && apk add git\n`);
  });

  it('pip-cache-kept stays linear in the commands of a RUN: purges, removals and variables are read once per RUN', function () {
    this.timeout(120_000);
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12\nRUN export PIP_NO_INPUT=1 && ${'pip install a && '.repeat(3 * n)}rm -rf /tmp/*\n`);
  });

  it('pip-cache-kept stays linear when the RUN exports between installs: what each variable is after each command is read once per RUN', function () {
    this.timeout(120_000);
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12\nRUN ${'export X=1 && pip install a && '.repeat(n)}true\n`);
  });

  it("a command's directory is worked out once per RUN: 3,000 `cd /src && npm ci` take under 4.5 times as long as 1,000", function () {
    this.timeout(120_000);
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM node:22-slim\nWORKDIR /app\nRUN ${'cd /src && npm ci && '.repeat(n)}true\n`);
  });

  it('cache rules (cacheRule) stay linear in the commands of a RUN: cleanups after a command are read once per RUN', function () {
    this.timeout(120_000);
    assertLinearCheck('apk-update-cache-kept', (n) => `FROM alpine:3.21\nRUN ${'apk update && '.repeat(9 * n)}rm -rf /var/cache/apk/*\n`);
  });

  it("apk-update-cache-kept's message stays linear in the commands of a RUN: the apk commands after each update are read once per RUN", function () {
    this.timeout(120_000);
    assertLinearCheck('apk-update-cache-kept', (n) => `FROM alpine:3.21\nRUN ${'apk update && '.repeat(9 * n)}apk add curl\n`);
  });
});
