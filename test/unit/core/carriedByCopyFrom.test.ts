/**
 * A whole-context `COPY . .` in a builder stage reaches the final image when the final image
 * copies its destination out of that stage: Laravel's `FROM composer:2 AS vendor`, `WORKDIR /app`,
 * `COPY . .`, then `COPY --from=vendor /app /var/www/html`. The context rules said 'No effect on
 * the final image: stage "vendor" does not reach it' as a hint, while node_modules and .env were
 * in the final image. A copy of a folder built inside the destination (`/app/dist`) carries
 * only what the build wrote, so those findings stay hints.
 *
 * The same holds for a cache kept in a folder the final image copies: a Rails-style builder whose
 * `RUN bundle install` leaves the .gem archives in /usr/local/bundle, copied whole with
 * `COPY --from=build /usr/local/bundle /usr/local/bundle`, got the hint 'No effect on the final
 * image' from bundler-cache-kept.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = {
  context: {
    hasDockerignore: false,
    scan: { bytes: 5_000_000, files: 8, complete: true, heavy: [{ path: 'node_modules', bytes: 2_000_000 }], secrets: [{ path: '.env', reason: 'environment file' }] },
  },
} as unknown as Parameters<typeof analyze>[1];

function contextFindings(text: string) {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === 'context-without-dockerignore').map((f) => ({ line: f.range.start.line + 1, severity: f.severity, inFinal: f.inFinalImage, message: f.message }));
}

describe('context rules: a builder stage copied whole into the final image', () => {
  it('COPY --from=vendor /app carries the context copied to /app', () => {
    const [f] = contextFindings('FROM composer:2 AS vendor\nWORKDIR /app\nCOPY composer.json ./\nRUN composer install --no-dev\nCOPY . .\n\nFROM php:8.3-fpm-alpine\nCOPY --from=vendor /app /var/www/html\n');
    assert.equal(f.severity, 'warning');
    assert.equal(f.inFinal, true);
    assert.match(f.message, /Stage "vendor" does not reach the final image, but line 8 copies \/app from it\./);
    assert.doesNotMatch(f.message, /No effect/);
  });

  it('a stage built on the copying stage, a relative source and a parent folder count too', () => {
    const [f] = contextFindings('FROM node:20 AS base\nWORKDIR /srv/app\nCOPY . .\nFROM base AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build srv /srv\n');
    assert.equal(f.severity, 'warning');
    // The copy is out of "build", not out of "base" where the finding is: the message names it.
    assert.match(f.message, /Stage "base" does not reach the final image, but line 7 copies srv from stage "build", which is built on it\./);
  });

  it('a copy of the build output inside the destination stays a hint', () => {
    const [f] = contextFindings('FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM nginx:alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n');
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /No effect on the final image/);
  });

  it('a stage the final image does not copy from, and a copy from an earlier stage not built on it, stay hints', () => {
    const found = contextFindings('FROM node:20 AS deps\nWORKDIR /app\nRUN npm i -g pnpm\nFROM deps AS build\nCOPY . .\nFROM node:20-slim\nCOPY --from=deps /app /app\n');
    assert.equal(found[0].severity, 'hint');
  });
});

describe('cache rules: a builder stage whose cache folder the final image copies', () => {
  const rails = (bundlePath: string, copy: string) =>
    `FROM ruby:3.3-slim AS base\nWORKDIR /rails\n${bundlePath}\nFROM base AS build\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nFROM base\n${copy}\nCOPY --from=build /rails /rails\n`;
  const bundler = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'bundler-cache-kept');

  it('COPY --from=build /usr/local/bundle carries the .gem archives of bundle install', () => {
    const [f] = bundler(rails('ENV BUNDLE_PATH="/usr/local/bundle"', 'COPY --from=build /usr/local/bundle /usr/local/bundle'));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /Stage "build" does not reach the final image, but line 9 copies \/usr\/local\/bundle from it\./);
  });

  it('the official gem home without BUNDLE_PATH, and a relative BUNDLE_PATH under the copied app folder, too', () => {
    assert.equal(bundler(rails('ENV RAILS_ENV=production', 'COPY --from=build /usr/local/bundle /usr/local/bundle'))[0].severity, 'warning');
    assert.equal(bundler(rails('ENV BUNDLE_PATH=vendor/bundle', 'COPY --from=build /usr/local/bundle /usr/local/bundle'))[0].severity, 'warning');
  });

  it('a gem home the final image does not copy stays a hint', () => {
    const [f] = bundler(rails('ENV BUNDLE_PATH=/opt/gems', 'COPY --from=build /usr/local/bundle /usr/local/bundle'));
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /No effect on the final image/);
  });
});

describe("a builder stage's whole file system copied into the final image (COPY --from=build / /)", () => {
  it('its hints no longer say "No effect on the final image": what is left at the end of the stage reaches it (helper-66)', () => {
    const text = 'FROM python:3.12-slim AS build\nRUN pip install flask\nRUN apt-get update && apt-get install -y curl\nFROM scratch\nCOPY --from=build / /\n';
    const hints = analyze(text, { context: {} }).findings.filter((f) => f.ruleId !== 'copy-whole-stage');
    assert.deepEqual(hints.map((f) => f.ruleId).sort(), ['apt-lists-kept', 'apt-recommends', 'pip-cache-kept']);
    for (const f of hints) {
      assert.equal(f.severity, 'hint');
      assert.doesNotMatch(f.message, /No effect on the final image/);
      assert.match(f.message, /Stage "build" does not reach the final image as layers, but line 5 copies its whole file system \(\/\): what this leaves there, if still there at the end of the stage, reaches the image\.$/);
    }
    // Through a stage built on it, and not for a copy of one folder.
    const later = analyze('FROM debian:bookworm-slim AS deps\nRUN apt-get update\nFROM deps AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n', { context: {} }).findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    assert.match(later.message, /line 6 copies the whole file system of stage "build", which is built on it \(\/\)/);
    const folder = analyze('FROM debian:bookworm-slim AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /etc /etc\n', { context: {} }).findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    assert.match(folder.message, /No effect on the final image/);
  });
});
