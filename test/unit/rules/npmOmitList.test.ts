/**
 * npm-dev-dependencies reads npm's omit list as npm 10 and 11 build it (checked on 2026-12-04 with
 * npm 10.9.9 and 11.19.1, `npm ci` of a package with one dependency, one devDependency and one
 * optional dependency, then `ls node_modules`): every `--omit` counts, `--include=dev` (and its
 * older spellings) wins over `--omit=dev` and NODE_ENV=production, and an explicit `--omit`
 * replaces the NODE_ENV=production default. Before, `--omit optional --omit dev` was read as
 * keeping the devDependencies and the include cases as leaving them out.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };

function devFindings(lines: string): { fix?: string }[] {
  const text = `FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\n${lines}\nCMD ["node", "index.js"]\n`;
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === 'npm-dev-dependencies').map((f) => {
    const fix = fixFor(analysis, f, ENV);
    return fix ? { fix: fix.edits.map((e) => e.newText).join('') } : {};
  });
}

describe('npm-dev-dependencies and the omit list npm builds', () => {
  it('no finding when any --omit names dev', () => {
    for (const run of ['npm ci --omit optional --omit dev', 'npm ci --omit=optional --omit dev', 'npm ci --omit=dev --omit=optional', 'npm ci --only production', 'npm ci --production', 'npm install --omit dev --omit peer']) {
      assert.deepEqual(devFindings(`RUN ${run}`), [], run);
    }
  });

  it('include=dev wins over --omit=dev and NODE_ENV=production: a finding, and no --omit=dev fix', () => {
    for (const lines of [
      'RUN NODE_ENV=production npm ci --include=dev',
      'ENV NODE_ENV=production\nRUN npm ci --include dev',
      'RUN npm ci --omit=dev --include=dev',
      'RUN npm ci --production --include=dev',
      'RUN NODE_ENV=production npm ci --dev',
      'RUN NODE_ENV=production npm ci --also=dev',
      'RUN NODE_ENV=production npm ci --production=false',
      'ENV NODE_ENV=production npm_config_include=dev\nRUN npm ci',
    ]) {
      assert.deepEqual(devFindings(lines), [{}], lines);
    }
  });

  it('an explicit --omit replaces the NODE_ENV=production default', () => {
    assert.deepEqual(devFindings('RUN NODE_ENV=production npm ci --omit=optional'), [{ fix: ' --omit=dev' }]);
    assert.deepEqual(devFindings('ENV NODE_ENV=production\nRUN npm ci --omit=peer'), [{ fix: ' --omit=dev' }]);
    assert.deepEqual(devFindings('ENV NODE_ENV=production\nRUN npm ci --include=optional'), []);
  });

  it('beside an explicit --omit, the message does not offer NODE_ENV=production, which it overrides', () => {
    const message = (lines: string) => analyze(`FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\n${lines}\nCMD ["node", "index.js"]\n`, ENV).findings.find((f) => f.ruleId === 'npm-dev-dependencies')!.message;
    // npm 11.19.1, package with a file: dependency and devDependency: NODE_ENV=production npm ci --omit=optional installs both.
    assert.match(message('ENV NODE_ENV=production\nRUN npm ci --omit=optional'), / Add --omit=dev\.$/);
    assert.match(message('RUN npm_config_omit=peer npm ci'), / Add --omit=dev\.$/);
    assert.match(message('RUN npm ci'), / Add --omit=dev \(or set NODE_ENV=production\)\.$/);
  });

  it('a value npm rejects omits nothing', () => {
    assert.equal(devFindings('RUN npm ci --omit=dev,optional').length, 1);
    assert.equal(devFindings('RUN npm_config_omit=dev,optional npm ci').length, 1);
    assert.deepEqual(devFindings('RUN npm_config_omit=dev npm ci'), []);
  });

  it('stays linear on long files of ENVs and npm installs: three times as many take under 4.5 times as long (each npm_config_* lookup walked every ENV above: over 7 times)', function () {
    this.timeout(120_000);
    assertLinearCheck('npm-dev-dependencies', (runs) => `FROM node:22-slim\nWORKDIR /app\n${Array.from({ length: runs }, (_, i) => `ENV A${i}=1\nRUN npm ci --omit=optional && echo ${i}\n`).join('')}CMD ["node", "a.js"]\n`);
  });
});
