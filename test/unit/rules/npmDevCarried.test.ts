/**
 * npm-dev-dependencies in a builder stage: the devDependencies reach the final image when a
 * `COPY --from` takes the node_modules the install wrote (`COPY --from=build /app /app`, or
 * `/app/node_modules`), and nothing before it prunes them. Before, builder stages were never
 * reported, so the common `npm ci` / `npm run build` builder whose whole /app the final stage
 * copies shipped typescript, jest and the rest without a word.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';

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
  // helper-138: the plain prune is reported (or the install, whose fix gives the prune --omit=dev too), with a fix.
  it('a dev-omitting prune counts only as the RUN\'s last prune; before a plain one, a finding (helper-136)', () => {
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
      assert.ok(found[0].fix, run);
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

// Measured by helper-138 with the npm registry (dependency ms, devDependency is-number, optional
// escape-string-regexp; npm 11.19.1, 10.9.9, 9.9.4, 8.19.4, and 6.14.18 with --production): a plain
// `npm prune` after `npm ci --omit=dev` installs the devDependencies again, in a later RUN too
// (npm prune installs what it does not leave out); under npm_config_omit=optional an `--omit=dev`
// replaces the variable, and the optional dependency is installed.
describe('npm-dev-dependencies: a plain npm prune installs the devDependencies again (helper-138)', () => {
  const image = (runs: string, from = 'node:20-slim') => `FROM ${from}\nWORKDIR /app\nCOPY package.json package-lock.json ./\n${runs}\nCOPY . .\nCMD ["node", "index.js"]\n`;
  const fixed = (text: string) => {
    const [found, ...more] = dev(text);
    assert.equal(more.length, 0, text);
    assert.ok(found?.fix, `no finding or no fix: ${text}`);
    return applyEdits(text, found.fix.edits);
  };

  it('reports the prune after an install or prune without them, with --omit=dev on it', () => {
    for (const [runs, to] of [
      ['RUN npm ci --omit=dev && npm prune', 'RUN npm ci --omit=dev && npm prune --omit=dev'],
      ['RUN npm ci --omit=dev\nRUN npm prune', 'RUN npm ci --omit=dev\nRUN npm prune --omit=dev'],
      ['RUN npm ci && npm prune --omit=dev && npm prune', 'RUN npm ci && npm prune --omit=dev && npm prune --omit=dev'],
      ['RUN npm install --production && npm prune', 'RUN npm install --production && npm prune --omit=dev'],
    ]) {
      const [found] = dev(image(runs));
      assert.match(found?.f.message ?? '', /^npm prune installs devDependencies into the final image/, runs);
      assert.equal(fixed(image(runs)), image(to), runs);
    }
    assert.equal(fixed(image('RUN npm install --production && npm prune', 'node:14')), image('RUN npm install --production && npm prune --production', 'node:14'));
    for (const runs of ['RUN npm ci --omit=dev && npm prune --omit=dev', 'RUN npm ci --omit=dev\nRUN NODE_ENV=production npm prune', 'RUN npm ci && npm prune && npm prune --omit=dev']) {
      assert.deepEqual(dev(image(runs)), [], runs);
    }
  });

  it('gives an install\'s --omit=dev to the plain prunes after it too, which would install them again', () => {
    for (const [runs, to] of [
      ['RUN npm ci && npm prune', 'RUN npm ci --omit=dev && npm prune --omit=dev'],
      ['RUN npm ci\nRUN npm prune', 'RUN npm ci --omit=dev\nRUN npm prune --omit=dev'],
      ['RUN npm ci && npm prune --omit=optional', 'RUN npm ci --omit=dev && npm prune --omit=dev --omit=optional'],
    ]) {
      assert.equal(fixed(image(runs)), image(to), runs);
    }
  });

  it('keeps npm_config_omit\'s omissions on what it edits (an --omit replaces the variable)', () => {
    for (const [runs, to] of [
      ['ENV npm_config_omit=optional\nRUN npm ci', 'ENV npm_config_omit=optional\nRUN npm ci --omit=dev --omit=optional'],
      ['ENV NPM_CONFIG_OMIT=optional\nRUN npm ci\nRUN npm prune', 'ENV NPM_CONFIG_OMIT=optional\nRUN npm ci --omit=dev --omit=optional\nRUN npm prune --omit=dev --omit=optional'],
    ]) {
      assert.equal(fixed(image(runs)), image(to), runs);
    }
  });

  it('in a builder, the last pruning RUN decides: a plain prune after --omit=dev is reported', () => {
    const final = '\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/index.js"]\n';
    const found = dev(`${BUILD}RUN npm prune --omit=dev\nRUN npm prune${final}`);
    assert.equal(found.length, 1);
    assert.equal(found[0].f.range.start.line, 7);
    assert.deepEqual(dev(`${BUILD}RUN npm prune\nRUN npm prune --omit=dev${final}`), []);
    assert.equal(dev(`${BUILD}RUN npm prune --omit=dev\n\nFROM build AS prod\nRUN npm prune${final.replace('--from=build', '--from=prod')}`).length, 1);
  });
});
