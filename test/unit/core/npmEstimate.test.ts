/** npm installs in the whole-image estimate: the packages a RUN names, and npm's cache when it stays. */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { estimateImage, type LayerEstimate } from '../../../server/src/core/imageEstimate';
import { hoverAt } from '../../../server/src/core/hover';
import { estimateNpmCache, estimateNpmInstall } from '../../../server/src/sizes';

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
      assert.match(l.parts[0].basis, /not sized: installs what package\.json and package-lock\.json/, run);
      assert.ok(l.parts.some((p) => p.label === 'npm cache left in the layer (~/.npm)'), run);
    }
  });

  it('shows the npm layer in the RUN hover with its basis', () => {
    const m = buildModel('FROM node:22-slim\nRUN npm install -g typescript && npm cache clean --force\n');
    const h = hoverAt(m, { line: 1, character: 1 }, env)!;
    assert.match(h.markdown, /\*\*Layer: about \d+(\.\d+)? MB\*\*/);
    assert.match(h.markdown, /npm install -g typescript .*: about \d+(\.\d+)? MB \(unpacked size of typescript@/);
  });
});
