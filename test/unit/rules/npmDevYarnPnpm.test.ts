/**
 * npm-dev-dependencies for yarn and pnpm: `yarn install` (1 and 2+) and `pnpm install` install the
 * devDependencies too. The flags were checked by running yarn 1.22.22, @yarnpkg/cli-dist 4.18.1
 * and pnpm 9.15.9 on a project with one dependency and one devDependency: yarn 1 leaves them out
 * with --production or NODE_ENV=production, yarn 4 fails on --production, ignores NODE_ENV and
 * leaves them out with `yarn workspaces focus --production`; pnpm with --prod, -P or
 * NODE_ENV=production, and `pnpm prune --prod` removes them. Their lockfiles are not read: no figure.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';

const ENV = { context: {} };

function dev(text: string, env: AnalysisEnvironment = ENV) {
  const analysis = analyze(text, env);
  return analysis.findings.filter((f) => f.ruleId === 'npm-dev-dependencies').map((f) => ({ f, fix: fixFor(analysis, f, env) }));
}

const image = (install: string, tail = 'CMD ["node", "index.js"]') => `FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN ${install}\n${tail}\n`;

describe('npm-dev-dependencies: yarn and pnpm installs', () => {
  it('yarn 1 and pnpm installs in the final image: reported, no figure, a fix adding --production / --prod', () => {
    for (const [install, fixed] of [
      ['yarn install --frozen-lockfile', 'yarn install --production --frozen-lockfile'],
      ['yarn', 'yarn --production'],
      ['pnpm install --frozen-lockfile', 'pnpm install --prod --frozen-lockfile'],
      ['pnpm i', 'pnpm i --prod'],
    ]) {
      const text = image(install);
      const found = dev(text);
      assert.equal(found.length, 1, install);
      assert.equal(found[0].f.range.start.line, 3);
      assert.match(found[0].f.message, /^(yarn|pnpm) installs devDependencies into the final image: .*size not known \((yarn\.lock|pnpm-lock\.yaml) is not read\)\. Add --prod(uction)? \(or set NODE_ENV=production\)\.$/, install);
      assert.equal(found[0].f.saving?.bytes, undefined);
      assert.ok(found[0].fix);
      assert.equal(applyEdits(text, found[0].fix.edits), image(fixed));
    }
  });

  it('names the devDependencies of the package.json it installs', () => {
    const env = { context: { npmManifest: { path: 'package.json', dependencies: ['ms@2.1.3'], devDependencies: ['jest@29.0.0', 'typescript@5.0.0'], optionalDependencies: [] } } } as unknown as AnalysisEnvironment;
    const [found] = dev(image('yarn install'), env);
    assert.match(found.f.message, /: the 2 devDependencies of package\.json \(jest, typescript\); size not known \(yarn\.lock is not read\)\./);
    const none = { context: { npmManifest: { path: 'package.json', dependencies: ['ms@2.1.3'], devDependencies: [], optionalDependencies: [] } } } as unknown as AnalysisEnvironment;
    assert.deepEqual(dev(image('pnpm install'), none), []);
  });

  it('without the devDependencies, or removed in the same RUN, or an image that runs tests: nothing', () => {
    for (const text of [
      image('yarn install --production --frozen-lockfile'),
      image('yarn install --prod'),
      image('NODE_ENV=production yarn install'),
      image('yarn install && yarn install --production'),
      image('pnpm install --prod'),
      image('pnpm install -P'),
      image('pnpm install --production'),
      image('pnpm install && pnpm prune --prod'),
      `FROM node:22-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\nRUN pnpm install\n`,
      image('yarn add express'),
      image('pnpm install express'),
      image('yarn install', 'CMD ["yarn", "test"]'),
      image('pnpm install', 'CMD pnpm run dev'),
    ]) {
      assert.deepEqual(dev(text).map((d) => d.f.message), [], text);
    }
  });

  it('--production=false / --prod=false: reported even with NODE_ENV=production, no fix', () => {
    for (const install of ['NODE_ENV=production yarn install --production=false', 'NODE_ENV=production pnpm install --prod=false']) {
      const [found] = dev(image(install));
      assert.match(found.f.message, /Drop its --prod(uction)?=false\.$/, install);
      assert.equal(found.fix, undefined);
    }
  });

  it('yarn 2+: NODE_ENV=production does not count, the advice is `yarn workspaces focus --production`, no fix', () => {
    for (const text of [
      `FROM node:22-slim\nWORKDIR /app\nCOPY .yarnrc.yml package.json yarn.lock ./\nRUN NODE_ENV=production yarn install --immutable\nCMD ["node", "index.js"]\n`,
      `FROM node:22-slim\nRUN corepack enable && yarn set version stable\nWORKDIR /app\nCOPY . .\nRUN yarn install\nCMD ["node", "index.js"]\n`,
    ]) {
      const [found] = dev(text);
      assert.match(found.f.message, /^yarn 2\+ installs devDependencies into the final image: .*Install with `yarn workspaces focus --production` instead\.$/, text);
      assert.equal(found.fix, undefined);
    }
    assert.deepEqual(dev(`FROM node:22-slim\nRUN corepack enable && yarn set version stable\nWORKDIR /app\nCOPY . .\nRUN yarn install && yarn workspaces focus --production\n`), []);
  });

  it('after a corepack enable that leaves the yarn to an unknown package.json: both ways, no fix', () => {
    const [found] = dev(`FROM node:22-slim\nRUN corepack enable\nWORKDIR /app\nCOPY . .\nRUN yarn install\nCMD ["node", "index.js"]\n`);
    assert.match(found.f.message, /Add --production \(yarn 1\) or use `yarn workspaces focus --production` \(yarn 2\+\)\.$/);
    assert.equal(found.fix, undefined);
  });

  it('a later build needs them: a builder stage, no fix', () => {
    const [found] = dev(image('yarn install --frozen-lockfile && yarn build'));
    assert.match(found.f.message, /Line 4 \(`yarn build`\) needs them, so build in a separate stage and install with `yarn install --production` in the final one\.$/);
    assert.equal(found.fix, undefined);
  });

  it('a builder stage whose node_modules the final image copies: reported there unless pruned', () => {
    const build = (prune: string) => `FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\nRUN pnpm run build${prune}\n\nFROM node:22-slim\nWORKDIR /app\nCOPY --from=build /app /app\nCMD ["node", "dist/index.js"]\n`;
    const [found, ...rest] = dev(build(''));
    assert.deepEqual(rest, []);
    assert.match(found.f.message, /^pnpm installs devDependencies here: .*Line 5 \(`pnpm run build`\) needs them, so run `pnpm prune --prod` after it, or copy only the build output\./);
    assert.equal(found.fix, undefined);
    assert.deepEqual(dev(build(' && pnpm prune --prod')), []);
    assert.deepEqual(dev(build('\nRUN pnpm prune --prod')), []);
  });

  it('pnpm with --filter and pnpm deploy (pnpm 9.15.9 keeps the devDependencies in both unless --prod)', () => {
    for (const [install, fixed] of [
      ['pnpm --filter app install', 'pnpm --filter app install --prod'],
      ['pnpm install --filter app', 'pnpm install --prod --filter app'],
      ['pnpm -F app i --frozen-lockfile', 'pnpm -F app i --prod --frozen-lockfile'],
      ['pnpm --filter=app deploy /prod/app', 'pnpm --filter=app deploy --prod /prod/app'],
    ]) {
      const text = image(install);
      const found = dev(text);
      assert.equal(found.length, 1, install);
      assert.equal(applyEdits(text, found[0].fix!.edits), image(fixed));
    }
    for (const install of ['pnpm --filter app install --prod', 'pnpm --filter=app deploy -P /prod/app', 'pnpm --filter=app deploy --dev /prod/app', 'pnpm --filter app add x', 'pnpm deploy']) {
      assert.deepEqual(dev(image(install)), [], install);
    }
    // The root package.json is not the filtered package's: its having no devDependencies says nothing.
    const none = { context: { npmManifest: { path: 'package.json', dependencies: [], devDependencies: [], optionalDependencies: [] } } } as unknown as AnalysisEnvironment;
    assert.equal(dev(image('pnpm --filter app install'), none).length, 1);
    // A builder stage: deploy installs into its folder, which the final image copies.
    const deploy = (flags: string, from: string) => `FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile --prod\nRUN pnpm --filter=app deploy${flags} out\n\nFROM node:22-slim\nCOPY --from=build ${from} /app\nCMD ["node", "/app/index.js"]\n`;
    assert.deepEqual(dev(deploy('', '/app/out')).map((f) => f.f.range.start.line), [4]);
    assert.deepEqual(dev(deploy(' --prod', '/app/out')), []);
    assert.deepEqual(dev(deploy('', '/app/dist')), []);
    // A deploy with --prod removes nothing that an install before it left.
    const both = 'FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile\nRUN pnpm --filter=app deploy --prod out\n\nFROM node:22-slim\nCOPY --from=build /app /app\nCMD ["node", "/app/out/index.js"]\n';
    assert.deepEqual(dev(both).map((f) => f.f.range.start.line), [3]);
  });
});
