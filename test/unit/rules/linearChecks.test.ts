/**
 * Steps found quadratic in the commands of one RUN by the sweep of test/bench/linearSweep.ts (issue
 * #7: nothing hangs): each stays linear (see test/support/ruleTiming.ts).
 */
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { assertLinear, assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };

describe('linear in the commands of a RUN', function () {
  this.timeout(120_000);

  it("npm-dev-dependencies: a later npm prune and a later use of the devDependencies are looked for once per RUN", () => {
    assertLinearCheck('npm-dev-dependencies', (n) => `FROM node:22-slim\nWORKDIR /app\nRUN ${'cd /src && npm ci && '.repeat(3 * n)}true\nCMD ["node", "a.js"]\n`);
  });

  it('apt-recommends: a later removal of the packages, and the installs before each, are not walked per install', () => {
    assertLinearCheck('apt-recommends', (n) => `FROM debian:bookworm\nRUN ${Array.from({ length: n }, (_, i) => `apt-get install -y p${i} && `).join('')}true\n`);
  });

  it("npm-cache-kept's fix: the same repair of every install of a RUN is checked once", () => {
    assertLinear(
      'npm-cache-kept fixes',
      (n) => `FROM node:22-slim\nRUN ${'npm ci && '.repeat(n / 2)}true\n`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });
});
