/**
 * The cache rules whose fix appends one cleanup of one folder report the RUN's commands that fill
 * that folder once, at the first that leaves it: `RUN npm ci && npm i -g typescript` gave two
 * npm-cache-kept warnings for the one ~/.npm, each with a fix appending the same cleanup (and the
 * second's figure apart from the first's). Commands that fill different folders (another --cache,
 * another user's home) are still reported apart. pip and uv, whose fix is a flag on each command,
 * keep one finding per command; so do corepack (a figure per tool downloaded) and apk-update (its
 * fix drops the update it is about). A Go or cargo download before a build in the RUN is reported
 * by the build's finding, which names its cache too.
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

  it('a download before a build that leaves the same cache is one finding, the build\'s: its message names both caches and its fix empties both', () => {
    // `go mod download && go build` gave a module-cache finding (no fix) and a module-and-build-cache
    // one whose `go clean -cache -modcache` empties the first's too; cargo fetch's registry likewise.
    const go = found('golang:1.23', 'RUN go mod download && go build -o /app .', 'go-build-cache-kept');
    assert.deepEqual(go.map((f) => f.range.start.character), ['RUN go mod download && '.length]);
    assert.match(go[0].message, /^go leaves its module and build caches in the final image/);
    assert.equal(fixAll('FROM golang:1.23\nRUN go mod download && go build -o /app .\n', ENV).text, 'FROM golang:1.23\nRUN go mod download && go build -o /app . && go clean -cache -modcache\n');
    const cargo = found('rust:1', 'RUN cargo fetch && cargo build --release', 'cargo-cache-kept');
    assert.deepEqual(cargo.map((f) => f.range.start.character), ['RUN cargo fetch && '.length]);
    assert.match(cargo[0].message, /^cargo leaves its crate registry and target\/ in the final image/);
    // A build that leaves the module cache alone (vendored modules) leaves the download's finding.
    assert.equal(found('golang:1.23', 'RUN go mod download && go build -mod=vendor -o /app .', 'go-build-cache-kept').length, 2);
    // cargo install's registry has a fix of its own (removing it), which the build's finding has not: two.
    assert.equal(found('rust:1', 'RUN cargo install ripgrep && cargo build --release', 'cargo-cache-kept').length, 2);
  });

  it('gem install and bundle install into one gem home are one finding with one cleanup; another bundle path is another', () => {
    const both = found('ruby:3.3', 'RUN gem install bundler && bundle install', 'bundler-cache-kept');
    assert.deepEqual(both.map((f) => f.range.start.character), [4]);
    assert.match(both[0].message, /^gem install and bundle install leave the \.gem archives/);
    assert.equal(fixAll('FROM ruby:3.3\nRUN gem install bundler && bundle install\n', ENV).text, 'FROM ruby:3.3\nRUN gem install bundler && bundle install && rm -rf /usr/local/bundle/cache /usr/local/bundle/ruby/*/cache\n');
    assert.equal(found('ruby:3.3', 'RUN gem install bundler && bundle install --path vendor/bundle', 'bundler-cache-kept').length, 2);
    assert.equal(found('ruby:3.3', 'RUN bundle config set path vendor/bundle && gem install bundler && bundle install', 'bundler-cache-kept').length, 2);
  });

  it('pip keeps one finding per install (its fix is a flag on each)', () => {
    assert.equal(found('python:3.12', 'RUN pip install -U pip && pip install flask', 'pip-cache-kept').length, 2);
  });
});
