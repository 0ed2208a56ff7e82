/**
 * npm-dev-dependencies says nothing about an image that starts tests or a development server:
 * such an image needs its devDependencies (helper-57's Playwright test image was told to build in
 * a separate stage with --omit=dev).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const HEAD = 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n';
const reported = (text: string) => analyze(text, { context: {} }).findings.some((f) => f.ruleId === 'npm-dev-dependencies');

describe('npm-dev-dependencies: test and development images', () => {
  it('is quiet when the image starts a test runner or a development server', () => {
    for (const start of ['CMD ["npx", "playwright", "test"]', 'CMD ["npm", "test"]', 'CMD npm run test:e2e', 'CMD ["npm", "run", "dev"]', 'ENTRYPOINT ["npx", "jest"]', 'CMD ["nodemon", "server.js"]', 'CMD ["node_modules/.bin/jest"]', 'CMD ["npx", "vitest", "run"]']) {
      assert.ok(!reported(`${HEAD}${start}\n`), start);
    }
    // Through a stage the final one builds on.
    assert.ok(!reported(`${HEAD}CMD ["npm", "test"]\nFROM 0\nENV CI=1\n`.replace('FROM node:22-slim', 'FROM node:22-slim AS base').replace('FROM 0', 'FROM base')));
  });

  it('still reports an image that runs the app, or npx for something else', () => {
    assert.ok(reported(`${HEAD}CMD ["node", "server.js"]\n`));
    assert.ok(reported(`${HEAD}CMD npx prisma migrate deploy && node server.js\n`));
    assert.ok(reported(`${HEAD}CMD ["npm", "start"]\n`));
    // A tool's name inside another word is not the tool.
    assert.ok(reported(`${HEAD}CMD ["node", "mocha-report-server.js"]\n`));
    assert.ok(reported(`${HEAD}CMD ["node", "lib/jest.js"]\n`));
    // The last CMD counts: a test CMD overridden by the app's.
    assert.ok(reported(`${HEAD}CMD ["npm", "test"]\nCMD ["node", "server.js"]\n`));
  });
});
