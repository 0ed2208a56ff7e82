/**
 * npm-dev-dependencies in a builder stage: the devDependencies reach the final image when a
 * `COPY --from` takes the node_modules the install wrote (`COPY --from=build /app /app`, or
 * `/app/node_modules`), and nothing before it prunes them. Before, builder stages were never
 * reported, so the common `npm ci` / `npm run build` builder whose whole /app the final stage
 * copies shipped typescript, jest and the rest without a word.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const BUILD = 'FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n';

function dev(text: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === 'npm-dev-dependencies').map((f) => ({ f, fix: fixFor(analysis, f, ENV) }));
}

describe('npm-dev-dependencies: node_modules of a builder stage copied into the final image', () => {
  it('the whole /app or its node_modules: reported on the builder\'s install, with the build that needs them', () => {
    const copies = ['COPY --from=build /app /app', 'COPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/dist ./dist'];
    // A cache cleaner in the install's RUN empties the npm cache, not node_modules.
    for (const [build, copy] of [BUILD, BUILD.replace('npm ci', 'npm ci && npm cache clean --force')].flatMap((b) => copies.map((c) => [b, c]))) {
      const found = dev(`${build}\nFROM node:20-slim\nWORKDIR /app\n${copy}\nCMD ["node", "dist/index.js"]\n`);
      assert.equal(found.length, 1, `${build}${copy}`);
      assert.equal(found[0].f.range.start.line, 3);
      assert.equal(found[0].f.severity, 'warning');
      assert.match(found[0].f.message, /^npm installs devDependencies here: .*Line 6 \(`npm run build`\) needs them, so run `npm prune --omit=dev` after it, or copy only the build output\. Stage "build" does not reach the final image, but line \d+ copies \/app/);
      assert.equal(found[0].fix, undefined);
    }
  });

  it('only the build output copied, or the devDependencies pruned first: nothing', () => {
    const final = '\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/index.js"]\n';
    for (const text of [
      `${BUILD}\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nCMD ["node", "dist/index.js"]\n`,
      `${BUILD.replace('npm run build', 'npm run build && npm prune --omit=dev')}${final}`,
      `${BUILD}RUN npm prune --production${final}`,
      `${BUILD}\nFROM build AS prod\nRUN npm ci --omit=dev\n${final.replace('--from=build', '--from=prod')}`,
      `${BUILD}${final.replace('CMD ["node", "dist/index.js"]', 'CMD ["npm", "test"]')}`,
    ]) {
      assert.deepEqual(dev(text), [], text);
    }
  });

  // npm 10.9.9 and 11.19.1 (offline, file: dependencies): a plain `npm prune` after `npm prune --omit=dev` installs the devDependencies again.
  it('a dev-omitting prune counts only as the RUN\'s last prune; before a plain one the install is reported, without a fix (helper-136)', () => {
    const final = '\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/index.js"]\n';
    for (const [text, found] of [
      [`${BUILD}RUN npm prune --omit=dev && npm prune${final}`, 1],
      [`${BUILD}RUN npm prune && npm prune --omit=dev${final}`, 0],
    ] as const) {
      assert.equal(dev(text).length, found, text);
    }
    const image = (run: string) => `FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN ${run}\nCOPY . .\nCMD ["node", "index.js"]\n`;
    assert.deepEqual(dev(image('npm ci && npm prune && npm prune --omit=dev')), []);
    for (const run of ['npm ci && npm prune --omit=dev && npm prune', 'npm ci && npm prune --omit=optional']) {
      const found = dev(image(run));
      assert.equal(found.length, 1, run);
      assert.equal(found[0].fix, undefined, run);
    }
    assert.ok(dev(image('npm ci'))[0].fix);
  });

  it('nothing in the stage needs them: the advice says what else may, and no fix (another stage may run the build)', () => {
    const deps = 'FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\n';
    for (const text of [`${deps}CMD ["node", "index.js"]\n`, `${deps}RUN npm run build\nCMD ["node", "dist/index.js"]\n`]) {
      const [found] = dev(text);
      assert.match(found.f.message, /Unless what copies them needs them, add --omit=dev or run `npm prune --omit=dev` before the copy\./, text);
      assert.equal(found.fix, undefined, text);
    }
  });
});
