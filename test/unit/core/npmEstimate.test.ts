/** npm installs in the whole-image estimate: the packages a RUN names, and npm's cache when it stays. */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage, type LayerEstimate } from '../../../server/src/core/imageEstimate';
import { hoverAt } from '../../../server/src/core/hover';
import { estimateNpmCache, estimateNpmInstall, estimateNpmLockfile, formatBytes } from '../../../server/src/sizes';
import { parseNpmLockfile } from '../../../server/src/sources/context/facts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = { context: {} };
const layer = (text: string, i = 0): LayerEstimate => estimateImage(buildModel(text), env)!.layers[i];

describe('whole-image estimate: npm installs', () => {
  it('sizes `npm install -g <name>` and the cache it leaves', () => {
    const l = layer('FROM node:22-slim\nRUN npm install -g pm2\n');
    const pm2 = estimateNpmInstall(['pm2'], { global: true });
    assert.equal(l.parts[0].bytes, pm2.bytes);
    assert.match(l.parts[0].label, /^npm install -g pm2 \(under \/usr\/local\/lib\/node_modules\)/);
    assert.match(l.parts[0].basis, /from npm registry metadata of \d{4}-\d{2}-\d{2}/);
    assert.equal(l.parts[1].label, 'npm cache left in the layer (~/.npm)');
    assert.equal(l.parts[1].bytes, estimateNpmCache(pm2).bytes);
    assert.equal(l.bytes, pm2.bytes + estimateNpmCache(pm2).bytes);
    assert.equal(l.complete, true);
  });

  it('leaves the cache out when the RUN cleans it or mounts a cache on it', () => {
    for (const run of [
      'RUN npm install -g pm2 && npm cache clean --force',
      'RUN --mount=type=cache,target=/root/.npm npm install -g pm2',
      'RUN npm install -g pm2 && rm -rf /root/.npm',
    ]) {
      const l = layer(`# syntax=docker/dockerfile:1\nFROM node:22-slim\n${run}\n`);
      assert.equal(l.parts.length, 1, run);
      assert.equal(l.bytes, estimateNpmInstall(['pm2'], { global: true }).bytes, run);
    }
  });

  it('reads versions, scoped names and flags on the command line', () => {
    const l = layer('FROM node:22-slim\nWORKDIR /app\nRUN npm i --no-audit --omit optional express@4 @nestjs/core@^11 --loglevel warn && npm cache clean --force\n');
    const e = estimateNpmInstall(['express@4', '@nestjs/core@^11'], { omitOptional: true });
    assert.deepEqual(e.unknown, []);
    assert.equal(l.bytes, e.bytes);
  });

  it('keeps a package the table does not hold as "not sized", beside the sized ones', () => {
    const l = layer('FROM node:22-slim\nRUN npm install express our-private-package-xyz && npm cache clean --force\n');
    assert.equal(l.parts[0].bytes, estimateNpmInstall(['express']).bytes);
    assert.equal(l.parts[1].bytes, undefined);
    assert.match(l.parts[1].label, /our-private-package-xyz/);
    assert.equal(l.complete, false);
    assert.equal(l.bytes, estimateNpmInstall(['express']).bytes);
  });

  it('does not size installs of package.json (npm ci, npm install without names)', () => {
    for (const run of ['RUN npm ci --omit=dev', 'RUN npm install', 'RUN npm update']) {
      const l = layer(`FROM node:22-slim\nCOPY package*.json ./\n${run}\n`, 1);
      assert.equal(l.bytes, undefined, run);
      assert.equal(l.complete, false, run);
      assert.match(l.parts[0].basis, /^installs what package\.json and its lockfile list/, run);
      assert.ok(l.parts.some((p) => p.label === 'npm cache left in the layer (~/.npm)'), run);
    }
  });

  it('shows the npm layer in the RUN hover with its basis', () => {
    const m = buildModel('FROM node:22-slim\nRUN npm install -g typescript && npm cache clean --force\n');
    const h = hoverAt(m, { line: 1, character: 1 }, env)!;
    assert.match(h.markdown, /\*\*Layer: about \d+(\.\d+)? MB\*\*/);
    assert.match(h.markdown, /npm install -g typescript .*: about \d+(\.\d+)? MB \(unpacked size of typescript@/);
  });

  describe('installs of a lockfile (npm ci)', () => {
    // A real lockfile written by npm 11 (`npm install --package-lock-only`) for express ^4.21,
    // esbuild ^0.28 and the devDependency typescript ^5.9, with typescript then set to ^4.9.5 and
    // its entry to 4.9.5 (resolved and integrity from the registry): a line the table does not hold.
    const text = readFileSync(join(__dirname, '../../../../test/fixtures/npm-lockfile/package-lock.json'), 'utf8');
    const lockfile = parseNpmLockfile(text, 'package-lock.json')!;
    const withLock = { context: { npmLockfile: lockfile } };
    const lockLayer = (text: string, i = 1) => estimateImage(buildModel(text), withLock)!.layers[i];

    it('reads every installed entry of a lockfile with its dev, optional and platform marks', () => {
      assert.equal(lockfile.packages.length, Object.keys(JSON.parse(text).packages).length - 1);
      assert.deepEqual(lockfile.packages.filter((p) => p.dev).map((p) => p.name), ['typescript']);
      const linux = lockfile.packages.find((p) => p.name === '@esbuild/linux-x64')!;
      assert.deepEqual([linux.optional, linux.os, linux.cpu], [true, ['linux'], ['x64']]);
      assert.ok(lockfile.packages.some((p) => p.name === 'express' && /^4\./.test(p.version)));
      assert.equal(parseNpmLockfile('{"lockfileVersion": 1, "dependencies": {}}', 'package-lock.json'), undefined);
      assert.equal(parseNpmLockfile('not json', 'package-lock.json'), undefined);
    });

    it('sizes `npm ci --omit=dev` from the lockfile: the same packages as installing them by name', () => {
      const l = lockLayer('FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev && npm cache clean --force\n');
      const est = estimateNpmLockfile(lockfile, { omitDev: true });
      assert.deepEqual(est.unknown, []);
      assert.equal(l.complete, true);
      assert.equal(l.bytes, est.bytes);
      assert.match(l.parts[0].label, /^npm ci \(package-lock\.json: \d+ packages\)/);
      assert.match(l.parts[0].basis, /^unpacked size of \d+ of the \d+ packages package-lock\.json pins \(without devDependencies\)/);
      // Only the linux-x64 esbuild binary of the 26 platform packages is installed.
      assert.deepEqual(est.packages.filter((p) => p.startsWith('@esbuild/')).map((p) => p.replace(/@[^@]+$/, '')), ['@esbuild/linux-x64']);
      const byName = estimateNpmInstall(['express@^4.21.0', 'esbuild@^0.28.0']);
      assert.equal(est.bytes, byName.bytes);
    });

    it('keeps lockfile packages the table does not hold as not sized (the devDependency here)', () => {
      const l = lockLayer('FROM node:22-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\n');
      assert.equal(l.complete, false);
      assert.match(l.parts[1].label, /^1 package of package-lock\.json not in the npm package table/);
      assert.match(l.parts[1].basis, /typescript@4\.9\.5/);
      // The cache of the packages the table holds: a lower bound.
      const cache = l.parts.find((p) => p.label.startsWith('npm cache'))!;
      assert.equal(cache.bytes, estimateNpmCache(estimateNpmLockfile(lockfile)).bytes);
      assert.equal(cache.complete, false);
      assert.match(cache.basis, /^at least each tarball and registry document npm downloads, .*; not the 1 package the table lacks$/);
    });

    it('installs an optional package only when something installed here needs it (Node lookup from its folder)', () => {
      // express is held by the table; `@img/sharp-wasm32`-like: optional, no platform fields, needed
      // only by a FreeBSD build; `nested` sits under express, so only express's lookup finds it.
      const express = lockfile.packages.find((p) => p.name === 'express')!;
      const text = JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { express: '^4' }, optionalDependencies: { 'x-freebsd': '1' } },
          'node_modules/express': { version: express.version, dependencies: { wasm: '1' } },
          'node_modules/x-freebsd': { version: '1.0.0', optional: true, os: ['freebsd'], dependencies: { 'only-wasm': '1' } },
          'node_modules/only-wasm': { version: '1.0.0', optional: true },
          'node_modules/express/node_modules/wasm': { version: '1.0.0', optional: true },
          'node_modules/wasm': { version: '2.0.0', optional: true },
        },
      });
      const l = parseNpmLockfile(text, 'package-lock.json')!;
      assert.deepEqual(l.rootRequires, ['express', 'x-freebsd']);
      const e = estimateNpmLockfile(l);
      assert.equal(e.installed, 2, 'express and the wasm copy nested under it');
      assert.deepEqual(e.unknown, ['wasm@1.0.0']);
      assert.equal(estimateNpmLockfile(l, { omitOptional: true }).installed, 1);
    });

    it('does not use the lockfile when the Dockerfile has not copied it before the install', () => {
      const l = lockLayer('FROM node:22-slim\nCOPY package.json ./\nRUN npm install --omit=dev\nCOPY package-lock.json ./\n');
      assert.equal(l.bytes, undefined);
      assert.match(l.parts[0].basis, /package-lock\.json of the build context is not copied before this RUN/);
      const whole = lockLayer('FROM node:22-slim\nCOPY . .\nRUN npm install --omit=dev && npm cache clean --force\n');
      assert.equal(whole.parts[0].bytes, estimateNpmLockfile(lockfile, { omitDev: true }).bytes);
    });
  });
});

describe('npm-cache-kept: the saving for named packages', () => {
  it('is the cache part of the same layer in the whole-image estimate', () => {
    const text = 'FROM node:22-slim\nRUN npm install express@4 && node -e 1\n';
    const finding = analyze(text, env).findings.find((f) => f.ruleId === 'npm-cache-kept')!;
    const cachePart = layer(text).parts.find((p) => p.label === 'npm cache left in the layer (~/.npm)')!;
    assert.ok(cachePart.bytes! > 0);
    assert.equal(finding.saving?.bytes, cachePart.bytes);
    assert.match(finding.message, /about [\d.]+ [kMG]?B for these packages \(beside about [\d.]+ [kMG]?B installed; from the npm package table\)/);
  });

  it('is a lower bound when the table knows at least half of them, in the estimate too', () => {
    const text = 'FROM node:22-slim\nRUN npm install express our-private-package-xyz\n';
    const finding = analyze(text, env).findings.find((f) => f.ruleId === 'npm-cache-kept')!;
    const l = layer(text);
    const cachePart = l.parts.find((p) => p.label === 'npm cache left in the layer (~/.npm)')!;
    const express = estimateNpmInstall(['express']);
    assert.equal(cachePart.bytes, estimateNpmCache(express).bytes);
    assert.equal(cachePart.complete, false);
    assert.equal(finding.saving?.bytes, cachePart.bytes);
    assert.match(finding.saving!.basis, /^at least /);
    assert.ok(finding.message.includes(`at least about ${formatBytes(cachePart.bytes!)} for these packages (beside at least about ${formatBytes(express.bytes)} installed; from the npm package table, which lacks our-private-package-xyz)`), finding.message);
    assert.equal(l.complete, false);
    assert.match(hoverAt(buildModel(text), { line: 1, character: 1 }, env)!.markdown, /npm cache left in the layer \(~\/\.npm\): at least about /);
  });

  it('falls back to the measured example when the packages come from package.json or are unknown', () => {
    for (const run of ['RUN npm ci', 'RUN npm install some-package-the-table-lacks-1234']) {
      const finding = analyze(`FROM node:22-slim\n${run}\n`, env).findings.find((f) => f.ruleId === 'npm-cache-kept')!;
      assert.equal(finding.saving?.bytes, undefined, run);
      assert.match(finding.message, /for express@4\.21\.2 it was about/, run);
    }
  });
});
