/**
 * npm 6, the npm of node:14 and older images, ignores --omit=dev: `npm ci --omit=dev` with npm
 * 6.14.18 installed the devDependency (is-number beside ms), `npm ci --production` and `npm prune
 * --production` left it out (npm 11.19.1 still honours --production, with a warning). So on such a
 * base npm-dev-dependencies says and inserts --production.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const text = (from: string) => `FROM ${from}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n`;
const message = (from: string) => analyze(text(from), ENV).findings.find((f) => f.ruleId === 'npm-dev-dependencies')!.message;

describe('npm-dev-dependencies on npm 6 (node 14 and older)', () => {
  it('says and inserts --production on node:14 and older', () => {
    for (const from of ['node:14', 'node:14-alpine', 'node:12.22.12-bullseye-slim', 'node:10']) {
      assert.match(message(from), /Add --production \(or set NODE_ENV=production\)\.$/, from);
      assert.match(fixAll(text(from), ENV, {}, { includeUnpreferred: true }).text, /RUN npm ci --production/, from);
    }
  });

  it('keeps --omit=dev on node:16 and later, and on tags without a version', () => {
    for (const from of ['node:16', 'node:20-slim', 'node:lts', 'node', 'node:140']) {
      assert.match(message(from), /Add --omit=dev/, from);
      assert.match(fixAll(text(from), ENV, {}, { includeUnpreferred: true }).text, /RUN npm ci --omit=dev/, from);
    }
  });
});
