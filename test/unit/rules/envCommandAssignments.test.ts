/**
 * Assignments handed to env(1) (`env GRADLE_USER_HOME=/g gradle build`) set the program's
 * environment as assignments written before it do (`GRADLE_USER_HOME=/g gradle build`). Before,
 * inlineAssignments stopped at `env`: gradle-cache-kept's cleanup removed /root/.gradle, not /g,
 * and kept its finding after the fix.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function fixes(text: string, rule: string): (string | undefined)[] {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => fixFor(analysis, f, ENV)?.edits.map((e) => e.newText).join(''));
}

describe('assignments handed to env(1)', () => {
  it('gradle-cache-kept cleans the GRADLE_USER_HOME that env sets', () => {
    const text = 'FROM eclipse-temurin:21-jdk\nWORKDIR /app\nCOPY . .\nRUN %\nCMD ["java", "-jar", "app.jar"]\n';
    for (const run of ['GRADLE_USER_HOME=/g gradle build', 'env GRADLE_USER_HOME=/g gradle build', 'env GRADLE_USER_HOME=/g sh ./gradlew build']) {
      assert.deepEqual(fixes(text.replace('%', run), 'gradle-cache-kept').map((f) => f?.split(' ').slice(0, 5).join(' ')), [' && rm -rf /g/caches'], run);
    }
  });

  it('npm-dev-dependencies reads env NODE_ENV=production as NODE_ENV=production', () => {
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN %\nCMD ["node", "index.js"]\n';
    assert.deepEqual(fixes(text.replace('%', 'env NODE_ENV=production npm ci'), 'npm-dev-dependencies'), []);
    assert.equal(fixes(text.replace('%', 'env NODE_ENV=development npm ci'), 'npm-dev-dependencies').length, 1);
  });
});
