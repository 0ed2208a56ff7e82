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
  it('findings without a folder no longer say "No effect on the final image": what is left at the end of the stage reaches it (helper-66)', () => {
    const text = 'FROM python:3.12-slim AS build\nRUN pip install flask\nRUN apt-get update && apt-get install -y curl\nFROM scratch\nCOPY --from=build / /\n';
    const found = analyze(text, { context: {} }).findings.filter((f) => f.ruleId !== 'copy-whole-stage');
    assert.deepEqual(found.map((f) => f.ruleId).sort(), ['apt-lists-kept', 'apt-recommends', 'pip-cache-kept']);
    // apt-recommends names no folder: it stays a hint, worded for a whole-stage copy.
    const hint = found.find((f) => f.ruleId === 'apt-recommends')!;
    assert.equal(hint.severity, 'hint');
    assert.match(hint.message, /Stage "build" does not reach the final image as layers, but line 5 copies its whole file system \(\/\): what this leaves there, if still there at the end of the stage, reaches the image\.$/);
    // pip's cache (/root/.cache/pip) and the apt lists are still there at the end of the stage: carried.
    for (const f of found.filter((g) => g.ruleId !== 'apt-recommends')) {
      assert.equal(f.severity, 'warning', f.ruleId);
      assert.match(f.message, /Stage "build" does not reach the final image, but line 5 copies \/ from it\.$/);
    }
    // Through a stage built on it, and not for a copy of one folder.
    const later = analyze('FROM debian:bookworm-slim AS deps\nRUN apt-get update\nFROM deps AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n', { context: {} }).findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    assert.match(later.message, /line 6 copies \/ from stage "build", which is built on it\./);
    const folder = analyze('FROM debian:bookworm-slim AS build\nRUN apt-get update\nFROM scratch\nCOPY --from=build /etc /etc\n', { context: {} }).findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    assert.match(folder.message, /No effect on the final image/);
  });

  it('a later RUN that removes the folder leaves the finding a hint', () => {
    const text = 'FROM debian:bookworm-slim AS build\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\nFROM scratch\nCOPY --from=build / /\n';
    const f = analyze(text, { context: {} }).findings.find((g) => g.ruleId === 'apt-lists-kept')!;
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /copies its whole file system \(\/\): what this leaves there, if still there at the end of the stage, reaches the image\.$/);
  });
});

describe('cache rules: the cache folder, or a folder above it, copied out of a builder stage', () => {
  const of = (text: string, ruleId: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === ruleId);
  const pip = (copy: string, more = '') => of(`FROM python:3.12 AS build\nWORKDIR /app\nRUN pip install flask\n${more}FROM python:3.12-slim\n${copy}\n`, 'pip-cache-kept');

  it("pip's cache in /root/.cache/pip is carried by COPY --from=build /root /root, not by /app /app", () => {
    const [f] = pip('COPY --from=build /root /root');
    assert.equal(f.severity, 'warning');
    assert.equal(f.inFinalImage, true);
    assert.match(f.message, /Stage "build" does not reach the final image, but line 5 copies \/root from it\.$/);
    const [g] = pip('COPY --from=build /app /app');
    assert.equal(g.severity, 'hint');
    assert.match(g.message, /No effect on the final image: stage "build" does not reach it\.$/);
    // A folder inside the cache's parent that is not the cache: not carried either.
    assert.equal(pip('COPY --from=build /root/.local /root/.local')[0].severity, 'hint');
    // A copy that may exclude it (BuildKit's --exclude) is no claim.
    assert.equal(pip('COPY --from=build --exclude=.cache /root /root')[0].severity, 'hint');
  });

  it('PIP_CACHE_DIR and a user with HOME move the folder', () => {
    assert.equal(pip('COPY --from=build /app /app', '').length, 1);
    const moved = of('FROM python:3.12 AS build\nWORKDIR /app\nENV PIP_CACHE_DIR=.pip\nRUN pip install flask\nFROM python:3.12-slim\nCOPY --from=build /app /app\n', 'pip-cache-kept');
    assert.equal(moved[0].severity, 'warning');
    const user = (env: string) => of(`FROM python:3.12 AS build\nUSER app\n${env}RUN pip install flask\nFROM python:3.12-slim\nCOPY --from=build /home/app /home/app\n`, 'pip-cache-kept')[0];
    assert.equal(user('ENV HOME=/home/app\n').severity, 'warning');
    // Another user without a HOME the file shows: the home is unknown, so no claim.
    assert.equal(user('').severity, 'hint');
  });

  it('a removal or a cleaning command later in the stage, or a removal we cannot read, keeps it a hint', () => {
    for (const more of ['RUN rm -rf /root/.cache\n', 'RUN rm -rf ~/.cache/pip/*\n', 'RUN pip cache purge\n', 'RUN rm -rf $CACHE\n', 'RUN find / -name "*.whl" -delete\n']) {
      assert.equal(pip('COPY --from=build /root /root', more)[0].severity, 'hint', more);
    }
    // A removal elsewhere, or a cache mount over the folder in a later RUN (the layer below keeps the files), does not.
    for (const more of ['RUN rm -rf /tmp/*\n', 'RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn\n']) {
      assert.equal(pip('COPY --from=build /root /root', more)[0].severity, 'warning', more);
    }
  });

  it('a cache mount on the folder is never carried', () => {
    for (const copy of ['COPY --from=build /root /root', 'COPY --from=build / /']) {
      const text = `FROM python:3.12 AS build\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\nFROM python:3.12-slim\n${copy}\n`;
      assert.deepEqual(of(text, 'pip-cache-kept'), []);
      const npm = `FROM node:20 AS build\nWORKDIR /app\nRUN --mount=type=cache,target=/app/.npm npm ci --cache /app/.npm\nFROM node:20-slim\n${copy.replace(/\/root/g, '/app')}\n`;
      assert.deepEqual(of(npm, 'npm-cache-kept'), []);
    }
  });

  it("npm's cache in a custom --cache folder is carried by a copy of that folder's parent; the default ~/.npm is not", () => {
    const npm = (flags: string) => of(`FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci ${flags}\nFROM node:20-slim\nCOPY --from=build /app /app\n`, 'npm-cache-kept')[0];
    for (const flags of ['--cache /app/.npm', '--cache .npm', '--cache=/app/.cache/npm']) {
      const f = npm(flags);
      assert.equal(f.severity, 'warning', flags);
      assert.match(f.message, /line 6 copies \/app from it\.$/);
    }
    assert.equal(npm('').severity, 'hint');
    assert.equal(npm('--cache /tmp/npm').severity, 'hint');
  });

  it('apt lists, yarn, poetry and the rpm caches name their folders too', () => {
    assert.equal(of('FROM debian:bookworm AS build\nRUN apt-get update && apt-get install -y curl\nFROM scratch\nCOPY --from=build /var /var\n', 'apt-lists-kept')[0].severity, 'warning');
    assert.equal(of('FROM node:20 AS build\nRUN yarn global add serve\nFROM node:20-slim\nCOPY --from=build /usr/local /usr/local\n', 'yarn-cache-kept')[0].severity, 'warning');
    assert.equal(of('FROM python:3.12 AS build\nRUN poetry install\nFROM python:3.12-slim\nCOPY --from=build /root/.cache /root/.cache\n', 'poetry-cache-kept')[0].severity, 'warning');
    assert.equal(of('FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /var /var\n', 'dnf-cache-kept')[0].severity, 'warning');
    // dnf's folder depends on the release: a copy of /var/cache/dnf alone is no claim.
    assert.equal(of('FROM fedora:40 AS build\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=build /var/cache/dnf /var/cache/dnf\n', 'dnf-cache-kept')[0].severity, 'hint');
  });
});

describe('build caches of builder stages (go-build-cache-kept): reported only when carried', () => {
  const go = (build: string, copy: string) => analyze(`FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\n${build}\nFROM scratch\n${copy}\n`, { context: {} }).findings.filter((f) => f.ruleId === 'go-build-cache-kept');

  it('a copy of the folder that holds both caches, or of the module cache after go mod download, reports it', () => {
    const [f] = go('RUN go build -o /out/app .', 'COPY --from=build / /');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /in this layer: .* Copy only the binary out of this stage, .* Stage "build" does not reach the final image, but line 6 copies \/ from it\.$/);
    assert.equal(go('RUN go mod download', 'COPY --from=build /go /go')[0].severity, 'warning');
  });

  it('a copy of the binary, or of one of the two caches only, reports nothing (build caches are expected in builder stages)', () => {
    assert.deepEqual(go('RUN go build -o /out/app .', 'COPY --from=build /out/app /app'), []);
    assert.deepEqual(go('RUN go build -o /out/app .', 'COPY --from=build /root /root'), []);
    assert.deepEqual(go('RUN go build -o /out/app .\nRUN go clean -cache -modcache', 'COPY --from=build / /'), []);
  });
});

describe('a chain of COPY --from through a middle stage', () => {
  const npm = (middle: string) =>
    analyze(`FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --cache /app/.npm\nFROM node:20 AS build\nWORKDIR /app\n${middle}\nCOPY . .\nRUN npm run build\nFROM node:20-slim\nCOPY --from=build /app /app\n`, { context: {} }).findings.filter((f) => f.ruleId === 'npm-cache-kept');

  it('builder -> middle stage -> final image is carried, and the message names both copies and the stages', () => {
    const [f] = npm('COPY --from=deps /app ./');
    assert.equal(f.severity, 'warning');
    assert.equal(f.inFinalImage, true);
    assert.match(f.message, /Stage "deps" does not reach the final image, but line 7 copies \/app from it into stage "build", then line 11 copies \/app from that stage\.$/);
    // The folder moves with the copy: /app/.npm of deps is /srv/.npm of build.
    const moved = analyze('FROM node:20 AS deps\nWORKDIR /app\nRUN npm ci --cache .npm\nFROM node:20 AS build\nCOPY --from=deps /app /srv\nFROM build AS test\nRUN true\nFROM node:20-slim\nCOPY --from=test /srv/.npm /cache\n', { context: {} }).findings.find((g) => g.ruleId === 'npm-cache-kept')!;
    assert.match(moved.message, /line 5 copies \/app from it into stage "build", then line 9 copies \/srv\/\.npm from stage "test", which is built on that stage\.$/);
  });

  it('a middle stage that copies another path, or removes the folder after the copy, breaks the chain', () => {
    const [f] = npm('COPY --from=deps /app/node_modules ./node_modules');
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /No effect on the final image: stage "deps" does not reach it\.$/);
    assert.equal(npm('COPY --from=deps /app ./\nRUN rm -rf .npm')[0].severity, 'hint');
    assert.equal(npm('COPY --from=deps /app ./\nRUN npm cache clean --force --cache /app/.npm')[0].severity, 'hint');
  });
});

describe('a Windows builder stage copied whole', () => {
  // Before, a cache on a Windows base held no folder: go, gradle, maven, cargo and corepack said
  // nothing in a builder stage copied whole, and pip, npm and the others gave a hint with the
  // whole-stage note. A Windows folder (C:\...) is no path a COPY source is read as: only a copy of
  // / is known to carry it.
  const RUNS = ['go build -o app.exe .', 'gradle build', 'mvn package', 'cargo install ripgrep', 'corepack prepare pnpm@9.15.9 --activate', 'pip install flask', 'npm ci'];
  const RULES = ['go-build-cache-kept', 'gradle-cache-kept', 'maven-cache-kept', 'cargo-cache-kept', 'corepack-download-kept', 'pip-cache-kept', 'npm-cache-kept'];
  const found = (from: string, later: string, copy: string) =>
    analyze(`FROM ${from} AS build\n${RUNS.map((r) => `RUN ${r}\n`).join('')}${later}FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n${copy}\n`, { context: {} })
      .findings.filter((f) => RULES.includes(f.ruleId))
      .map((f) => `${f.ruleId} ${f.severity}${/copies (\/|[A-Za-z]:[\\/]) from it\.$/.test(f.message) ? ' carried' : ''}`);

  it('reports the caches as carried, as on Linux, whatever Windows image the stage starts from', () => {
    for (const from of ['golang:1.23-windowsservercore-ltsc2022', 'mcr.microsoft.com/dotnet/framework/sdk:4.8.1']) {
      assert.deepEqual(found(from, '', 'COPY --from=build / /'), RULES.map((id) => `${id} ${id === 'corepack-download-kept' ? 'info' : 'warning'} carried`), from);
    }
  });

  it('a removal in a later RUN (PowerShell, cmd) leaves a hint where the rule reports builder stages, nothing where it does not', () => {
    for (const later of ['RUN Remove-Item -Recurse -Force C:\\tmp\n', 'RUN rd /s /q C:\\tmp\n']) {
      assert.deepEqual(found('mcr.microsoft.com/windows/servercore:ltsc2022', later, 'COPY --from=build / /'), ['pip-cache-kept hint', 'npm-cache-kept hint'], later);
    }
  });

  it('a copy of the drive, C:/ or C:\\ in any case, is a copy of the whole file system', () => {
    // Docker on Windows names the root C:\; these were read as a folder /C: (failed before).
    for (const copy of ['COPY --from=build C:/ C:/', 'COPY --from=build C:\\\\ C:\\\\', 'COPY --from=build c:/ c:/', 'COPY --from=build ["C:\\\\", "C:\\\\"]']) {
      assert.deepEqual(found('golang:1.23-windowsservercore-ltsc2022', '', copy), RULES.map((id) => `${id} ${id === 'corepack-download-kept' ? 'info' : 'warning'} carried`), copy);
    }
    const [whole] = analyze('FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build\nRUN echo x\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY --from=build C:\\\\ C:\\\\\n', { context: {} }).findings.filter((f) => f.ruleId === 'copy-whole-stage');
    assert.match(whole?.message ?? '', /copies the whole filesystem of stage build/);
  });

  it('a copy of one file reports nothing more than before', () => {
    assert.deepEqual(found('mcr.microsoft.com/windows/servercore:ltsc2022', '', 'COPY --from=build C:/app/app.exe C:/app.exe'), ['pip-cache-kept hint', 'npm-cache-kept hint']);
  });
});

describe('Gradle and Maven in a Linux builder stage copied whole', () => {
  // They held no folder, so a builder stage said nothing even when the final image copied its whole
  // file system or the home holding ~/.gradle and ~/.m2 (failed before).
  const found = (run: string, copy: string) =>
    analyze(`FROM eclipse-temurin:21-jdk AS build\nWORKDIR /app\nCOPY . .\nRUN ${run}\nFROM eclipse-temurin:21-jre\n${copy}\n`, { context: {} })
      .findings.filter((f) => /^(gradle|maven)-cache-kept$/.test(f.ruleId))
      .map((f) => `${f.ruleId} ${f.severity} ${/line 6 copies \/\S* from it\.$/.test(f.message) ? 'carried' : f.message}`);

  it('reports their caches as carried by a copy of / or of the home', () => {
    for (const copy of ['COPY --from=build / /', 'COPY --from=build /root /root']) {
      assert.deepEqual(found('./gradlew build && mvn package', copy), ['gradle-cache-kept warning carried', 'maven-cache-kept warning carried'], copy);
    }
    assert.deepEqual(found('gradle build -g /opt/gradle && mvn package -Dmaven.repo.local=/opt/m2', 'COPY --from=build /opt /opt'), ['gradle-cache-kept warning carried', 'maven-cache-kept warning carried'], 'the folders the command names');
  });

  it('says nothing for a copy of the jar', () => {
    assert.deepEqual(found('./gradlew build && mvn package', 'COPY --from=build /app/build/libs/app.jar /app.jar'), []);
  });
});

describe('cargo in a Linux builder stage copied whole', () => {
  // cargo-cache-kept held no folder: nothing was said of a builder whose registry (and target/) the
  // final image got with its whole file system, or with CARGO_HOME after a cargo install (failed before).
  const found = (run: string, copy: string) =>
    analyze(`FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN ${run}\nFROM debian:bookworm-slim\n${copy}\n`, { context: {} })
      .findings.filter((f) => f.ruleId === 'cargo-cache-kept')
      .map((f) => `${f.severity} ${/line 6 copies \/\S* from it\.$/.test(f.message) ? 'carried' : f.message}`);

  it('reports the registry and target/ as carried by a copy of /, the registry of a cargo install by a copy of CARGO_HOME', () => {
    assert.deepEqual(found('cargo build --release', 'COPY --from=build / /'), ['warning carried']);
    assert.deepEqual(found('cargo install ripgrep', 'COPY --from=build /usr/local/cargo /usr/local/cargo'), ['warning carried']);
  });

  it('says nothing for a copy of the binary, nor of the app folder where only target/ is (the registry is elsewhere)', () => {
    assert.deepEqual(found('cargo build --release', 'COPY --from=build /app/target/release/app /app'), []);
    assert.deepEqual(found('cargo install ripgrep', 'COPY --from=build /usr/local/cargo/bin/rg /usr/local/bin/rg'), []);
  });
});
