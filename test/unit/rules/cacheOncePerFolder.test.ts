/**
 * The cache rules whose fix appends one cleanup of one folder report the RUN's commands that fill
 * that folder once, at the first that leaves it: `RUN npm ci && npm i -g typescript` gave two
 * npm-cache-kept warnings for the one ~/.npm, each with a fix appending the same cleanup (and the
 * second's figure apart from the first's). Commands that fill different folders (another --cache,
 * another user's home) are still reported apart. pip and uv, whose fix is a flag on each command,
 * keep one finding per command; so do bundler (gem's and bundle's texts differ), corepack (a
 * figure per tool downloaded) and apk-update (its fix drops the update it is about).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { estimateImage } from '../../../server/src/core/imageEstimate';

const ENV = { context: {} };
const found = (from: string, run: string, id: string) => analyze(`FROM ${from}\n${run}\n`, ENV).findings.filter((f) => f.ruleId === id);

describe('cache rules report one finding per cache folder and RUN', () => {
  for (const [id, from, run] of [
    ['npm-cache-kept', 'node:22', 'RUN npm ci && npm i -g typescript'],
    ['yarn-cache-kept', 'node:22', 'RUN yarn install && yarn global add typescript'],
    ['pnpm-store-kept', 'node:22', 'RUN pnpm install && pnpm add -g typescript'],
    ['bun-cache-kept', 'oven/bun:1', 'RUN bun install && bun add -g typescript'],
    ['composer-cache-kept', 'composer:2', 'RUN composer install && composer require foo/bar'],
    ['conda-cache-kept', 'continuumio/miniconda3', 'RUN conda install -y numpy && conda install -y pandas'],
    ['poetry-cache-kept', 'python:3.12', 'RUN poetry install && poetry add requests'],
    ['pipenv-cache-kept', 'python:3.12', 'RUN pipenv install && pipenv install requests'],
    ['maven-cache-kept', 'maven:3', 'RUN mvn dependency:go-offline && mvn package'],
    ['gradle-cache-kept', 'gradle:8', 'RUN gradle dependencies && gradle build'],
    ['go-build-cache-kept', 'golang:1.23', 'RUN go build -o /a ./a && go build -o /b ./b'],
    ['cargo-cache-kept', 'rust:1', 'RUN cargo install ripgrep && cargo install fd-find'],
  ]) {
    it(id, () => {
      assert.deepEqual(found(from, run, id).map((f) => f.range.start.character), [4], run);
    });
  }

  it('another cache folder is another finding', () => {
    assert.equal(found('node:22', 'RUN npm ci && npm ci --cache /tmp/npm', 'npm-cache-kept').length, 2);
    assert.equal(found('node:22', "RUN npm ci && su node -c 'npm ci'", 'npm-cache-kept').length, 2);
  });

  it("npm's figure is the sum of the installs' caches, and the fix appends one cleanup after the last", () => {
    const alone = found('node:22', 'RUN npm i -g typescript', 'npm-cache-kept')[0].saving!.bytes!;
    const both = found('node:22', 'RUN npm i -g typescript && npm i -g typescript', 'npm-cache-kept');
    assert.equal(both.length, 1);
    assert.equal(both[0].saving!.bytes, 2 * alone);
    assert.match(both[0].message, /for 2 installs/);
    // The first install's cache is not sized: the figure is the second's, at least.
    const some = found('node:22', 'RUN npm ci && npm i -g typescript', 'npm-cache-kept')[0];
    assert.equal(some.saving!.bytes, alone);
    assert.match(some.message, /at least about/);
    // The whole-image estimate still counts each install's part of the cache.
    const parts = estimateImage(buildModel('FROM node:22\nRUN npm i -g typescript && npm i -g typescript\n'), ENV)!.layers[0].parts;
    assert.deepEqual(parts.filter((p) => p.label.startsWith('npm cache left')).map((p) => p.bytes), [alone, alone]);
    assert.equal(fixAll('FROM node:22\nRUN npm ci && npm i -g typescript\n', ENV).text, 'FROM node:22\nRUN npm ci && npm i -g typescript && npm cache clean --force\n');
  });

  it('pip keeps one finding per install (its fix is a flag on each)', () => {
    assert.equal(found('python:3.12', 'RUN pip install -U pip && pip install flask', 'pip-cache-kept').length, 2);
  });
});
