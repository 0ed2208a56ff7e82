/**
 * Steps found quadratic in the commands of one RUN by the sweep of test/bench/linearSweep.ts (issue
 * #7: nothing hangs): each stays linear (see test/support/ruleTiming.ts).
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { fixAll } from '../../../server/src/core/edits';
import { assertLinear, assertLinearCheck } from '../../support/ruleTiming';

const ENV = { context: {} };

describe('linear in the commands of a RUN', function () {
  this.timeout(120_000);

  it("npm-dev-dependencies: a later npm prune and a later use of the devDependencies are looked for once per RUN", () => {
    assertLinearCheck('npm-dev-dependencies', (n) => `FROM node:22-slim\nWORKDIR /app\nRUN ${'cd /src && npm ci && '.repeat(3 * n)}true\nCMD ["node", "a.js"]\n`);
  });

  it("npm-dev-dependencies: the command that last wrote each named install's node_modules is found in one pass, not by a walk back per install", () => {
    // Each install in a folder of its own: the walk back to the last command in the same folder read every earlier one.
    const make = (n: number) => `FROM node:22-slim\n${Array.from({ length: n }, (_, i) => `WORKDIR /w${i}\nRUN npm install p${i}\n`).join('')}CMD ["node", "a.js"]\n`;
    assertLinearCheck('npm-dev-dependencies', make);
    assertLinear('image estimate of named installs', make, buildModel, (model) => estimateImage(model, ENV));
  });

  it('apt-recommends: a later removal of the packages, and the installs before each, are not walked per install', () => {
    assertLinearCheck('apt-recommends', (n) => `FROM debian:bookworm\nRUN ${Array.from({ length: n }, (_, i) => `apt-get install -y p${i} && `).join('')}true\n`);
  });

  it("apt-recommends: where the RUN's text turns recommendations off is found once, not by testing the text up to each install", () => {
    // An unsized base (no package table), so little else is done per install.
    assertLinearCheck('apt-recommends', (n) => `FROM alpine:3.21\nRUN ${Array.from({ length: 5 * n }, (_, i) => `apt-get install -y p${i}-${'x'.repeat(40)} && `).join('')}true\n`);
  });

  it('apt-recommends: whether the image added an apt repository before each install is worked out once per RUN and stage', () => {
    assertLinearCheck('apt-recommends', (n) => `FROM debian:bookworm\n${Array.from({ length: n }, (_, i) => `RUN apt-get install -y p${i} && echo ${'x'.repeat(400)}\n`).join('')}`);
  });

  it('corepack-download-kept: the state before each command of a RUN is worked out in one walk', () => {
    assertLinearCheck('corepack-download-kept', (n) => `FROM node:22-slim\nRUN ${'corepack enable && corepack prepare pnpm@8.15.0 --activate && pnpm install && '.repeat(n / 3)}true\nCMD ["node", "a.js"]\n`);
  });

  it('corepack-download-kept: the version package.json pins is looked up per download, along its own stages', () => {
    assertLinearCheck('corepack-download-kept', (n) => Array.from({ length: n }, (_, i) => `FROM node:22-slim AS s${i}\nWORKDIR /app\nCOPY package.json ./\nRUN corepack enable && pnpm install\n`).join('') + 'CMD ["node", "a.js"]\n');
  });

  it("yarn-cache-kept: each $(yarn cache dir) finds the RUN's last cache-folder set before it without a walk", () => {
    // One install: each install reads every removal after it (installs times removals, not this check).
    assertLinearCheck('yarn-cache-kept', (n) => `FROM node:22-slim\nRUN yarn install && ${Array.from({ length: n }, (_, i) => `yarn config set cache-folder /c${i} && rm -rf $(yarn cache dir) && `).join('')}true\n`);
  });

  it('cache rules: each install reads the removals after it only until one covers its cache, each worked out once per RUN', () => {
    // n installs each followed by its cleanup: every later removal was read again for each install.
    assertLinearCheck('yarn-cache-kept', (n) => `FROM node:22-slim\nRUN ${Array.from({ length: n }, (_, i) => `yarn add p${i} && rm -rf $(yarn cache dir) && `).join('')}true\n`);
    assertLinearCheck('npm-cache-kept', (n) => `FROM node:22-slim\nRUN ${Array.from({ length: n }, (_, i) => `npm install p${i} && rm -rf /root/.npm && `).join('')}true\n`);
  });

  it('cache rules: each question about the removals after an install (a folder, a path pattern) reads the RUN once, not once per install', () => {
    assertLinearCheck('cargo-cache-kept', (n) => `FROM rust:1.83\nRUN ${Array.from({ length: n / 4 }, (_, i) => `cargo install c${i} && rm -rf /tmp/x${i} && `).join('')}true\n`);
    assertLinearCheck('go-build-cache-kept', (n) => `FROM golang:1.22\nRUN ${Array.from({ length: n / 4 }, (_, i) => `go build ./c${i} && rm -rf /tmp/x${i} && `).join('')}true\n`);
  });

  it('cache rules: a cache folder exported through another variable is expanded once per assignment, each variable found by a search', () => {
    assertLinearCheck('uv-cache-kept', (n) => `FROM python:3.12-slim\nRUN ${Array.from({ length: n / 3 }, (_, i) => `export A=/c${i} && export UV_CACHE_DIR=$A/uv && uv pip install p${i} && `).join('')}true\n`);
  });

  // n installs that each name a cache folder of their own (written out or in a variable), each followed by a removal of
  // another folder: every removal was tested for each folder (pip-cache-kept 118 and 949 ms of CPU at 600 and 1,800 installs).
  const ownCaches = (from: string, install: (dir: string, i: number) => string) => (n: number) => `FROM ${from}\nRUN ${Array.from({ length: n }, (_, i) => `${i % 2 ? `D=/c/${i}; ${install('$D', i)}` : install(`/c/${i}`, i)} && rm -rf /tmp/x${i} && `).join('')}true\n`;
  const pip = ownCaches('python:3.12', (d, i) => `pip install --cache-dir ${d} a${i}`);
  for (const [rule, make] of [
    ['pip-cache-kept', pip],
    ['files-changed-in-later-layer', pip],
    ['uv-cache-kept', ownCaches('python:3.12', (d, i) => `uv pip install --cache-dir ${d} a${i}`)],
    ['cargo-cache-kept', ownCaches('rust:1.83', (d) => `CARGO_HOME=${d} cargo install x`)],
    ['go-build-cache-kept', ownCaches('golang:1.22', (d) => `GOCACHE=${d} go build ./...`)],
  ] as const) {
    it(`${rule}: installs with a cache folder of their own find the removals that cover it by its path, not by testing every removal`, () => assertLinearCheck(rule, make));
  }

  it('files-changed-in-later-layer: the writes at and below the folder of a pattern are read once per RUN and folder, not for each pattern in it', () => {
    // Each `rm -rf /c/<i>x*` is about /c, below which the RUN's own caches are: every one was read for each rm (476 and 9,280 ms of CPU at 2,000 and 6,000).
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM python:3.12\nRUN ${Array.from({ length: 2 * n }, (_, i) => `pip install --cache-dir /c/${i} a${i} && rm -rf /c/${i}x* && `).join('')}true\n`);
  });

  it('pip-cache-kept and files-changed-in-later-layer: removals with the same text before the wildcard are looked up by their end too, not each tested per folder', () => {
    // `rm -rf /c/x*q<i>` all start /c/x: each install's folder /c/x<i> tested all of them (pip-cache-kept 2,621 and 17,494 ms of CPU at 1,000 and 3,000).
    const make = (n: number) => `FROM python:3.12\nRUN ${Array.from({ length: n }, (_, i) => `pip install --cache-dir /c/x${i} a${i} && rm -rf /c/x*q${i} && `).join('')}true\n`;
    assertLinearCheck('pip-cache-kept', make);
    assertLinearCheck('files-changed-in-later-layer', make);
  });

  it('pip-cache-kept and files-changed-in-later-layer: removals that differ only between their wildcards are looked up by a text between them too', () => {
    // `rm -rf /c/x*<i>*q` all start /c/x and end q: each install's folder /c/x<i>q tested all of them.
    const make = (n: number) => `FROM python:3.12\nRUN ${Array.from({ length: n }, (_, i) => `pip install --cache-dir /c/x${i}q a${i} && rm -rf /c/x*${i}*q && `).join('')}true\n`;
    assertLinearCheck('pip-cache-kept', make);
    assertLinearCheck('files-changed-in-later-layer', make);
  });

  it('files-changed-in-later-layer: whether an rm later in its RUN removes a write is looked up in one index per RUN, not by a walk over the rest of the RUN per write', () => {
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM debian:bookworm\nRUN ${Array.from({ length: n }, (_, i) => `curl -o /d/f${i} https://x.example/${i} && rm -rf /e/${i} && `).join('')}true\n`);
  });

  it("files-changed-in-later-layer: the rms with variables that take apt's lists are read once per RUN, not after each apt-get update", () => {
    // Each update kept its lists unless a later rm with variables took them: every such rm was read again per update (991 and 9,228 ms of CPU at 1,000 and 3,000).
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM debian:bookworm\nENV D=/x\nRUN ${Array.from({ length: n }, (_, i) => `apt-get update && apt-get install -y p${i} && rm -rf $D/${i} && `).join('')}true\n`);
  });

  it('an ENV or ARG that appends to itself stops growing past 4,096 characters: then set to a value not known', () => {
    // Each value was the one before and more: n values n long (pip-cache-kept, which expands the stage's ENVs, 110 and 1,250 ms of CPU at 4,000 and 12,000 PATH lines).
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12\n${'ENV PATH=$PATH:/x\n'.repeat(4 * n)}RUN pip install p\n`);
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12\n${'ARG A=x\nENV A=$A/xxxxxxxxx\n'.repeat(n)}RUN pip install --cache-dir $A p\n`);
  });

  it('cache rules: a RUN that sets a new variable at each step finds the commands naming each by an index, not a filter of all of them per name', () => {
    // envFor filtered every variable command of the RUN for each name asked (helper-161: 278 and 3,536 ms at 3,000 and 9,000 commands).
    assertLinearCheck('uv-cache-kept', (n) => `FROM python:3.12-slim\nRUN ${Array.from({ length: 3 * n }, (_, i) => `export B${i}=/c${i} && UV_CACHE_DIR=$B${i}/uv uv pip install p${i} && `).join('')}true\n`);
  });

  it('cache rules: trims of many `*` and the variables `read` sets stay linear', () => {
    const a = 'a'.repeat(200);
    assertLinearCheck('uv-cache-kept', (n) => `FROM python:3.12-slim\nRUN ${Array.from({ length: n / 3 }, (_, i) => `export A=/c${i}${a} && read -r B </dev/null && export UV_CACHE_DIR=\${A%%*a*a*a*a*a*b}\${B:-/u} && uv pip install p${i} && `).join('')}true\n`);
  });

  it('pnpm-store-kept and yarn-cache-kept: a fetch followed by prunes, and installs through npx, stay linear', () => {
    assertLinearCheck('pnpm-store-kept', (n) => `FROM node:22-slim\nRUN ${'pnpm fetch && pnpm store prune && '.repeat(n)}true\n`);
    assertLinearCheck('yarn-cache-kept', (n) => `FROM node:22-slim\nRUN ${'npx -y yarn@1 install && '.repeat(n)}true\n`);
  });

  it('files-changed-in-later-layer: a relative cd repeated in one RUN does not grow the working folder past PATH_MAX', () => {
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM debian:bookworm\nWORKDIR /app\nRUN ${Array.from({ length: 2 * n }, (_, i) => `cd d${i % 5} && `).join('')}chmod -R 755 /app\nCMD ["sh"]\n`);
  });

  it('files-changed-in-later-layer: each target of a chmod finds the earlier writes at, above and below it by their paths, not by reading every write of the image', () => {
    const make = (n: number) => `FROM debian:bookworm\nWORKDIR /app\n${Array.from({ length: n }, (_, i) => `COPY d${i} /app/d${i}\nRUN chmod -R 755 ${'abcdefghij'.split('').map((c) => `/app/${c}${i}`).join(' ')}\n`).join('')}`;
    assertLinear('image estimate of COPY and chmod pairs', make, buildModel, (model) => estimateImage(model, ENV));
  });

  it('files-changed-in-later-layer: what the RUN made before a chmod is listed once per RUN', () => {
    assertLinearCheck('files-changed-in-later-layer', (n) => `FROM debian:bookworm\nWORKDIR /app\nRUN ${Array.from({ length: n }, (_, i) => `chmod -R 755 /app/d${i} && chown -R u:u /app/d${i} && `).join('')}true\n`);
  });

  it("pip-cache-kept: the pip.conf files a stage writes (pip config set, echo, here-documents) are listed once, each install looks them up", () => {
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12-slim\nRUN ${Array.from({ length: n / 2 }, (_, i) => `pip config set global.no-cache-dir ${i % 2 ? 'true' : '""'} && echo "[s${i}]" >> /etc/pip.conf && pip install p${i} && `).join('')}true\n`);
    assertLinearCheck('pip-cache-kept', (n) => `FROM python:3.12-slim\nRUN <<EOF\n${Array.from({ length: n / 2 }, (_, i) => `cat <<C${i} > /etc/pip.conf\n[global]\nno-cache-dir =${i % 2 ? ' 1' : ''}\nC${i}\npip install p${i}\n`).join('')}EOF\n`);
  });

  it('composer-dev-dependencies: a later use of the dev packages is looked for once per RUN', () => {
    assertLinearCheck('composer-dev-dependencies', (n) => `FROM php:8.3-cli\nRUN ${'composer install && '.repeat(2 * n)}true\n`);
  });

  it("yarn-berry-cache-kept: a RUN's yarn config sets are listed once, not walked per yarn command", () => {
    assertLinearCheck('yarn-berry-cache-kept', (n) => `FROM node:22-slim\nRUN ${Array.from({ length: n }, (_, i) => `yarn config set nodeLinker node-modules && yarn add p${i} && `).join('')}true\n`);
  });

  it('go-build-cache-kept: the removals and go clean after each command are read once per RUN', () => {
    assertLinearCheck('go-build-cache-kept', (n) => `FROM golang:1.22\nRUN ${'go mod download && go build -o /out/app ./... && '.repeat(n)}true\n`);
  });

  it('cache rules: the user a cache mount is advised for is read once per USER, not with the ENVs above it per finding', () => {
    assertLinearCheck('go-build-cache-kept', (n) => `FROM golang:1.22\n${'ENV A=1\n'.repeat(10 * n)}USER app\nRUN ${'go build -o /tmp/a . && '.repeat(n)}true\n`);
  });

  it('go-build-cache-kept: the first download that keeps its modules is found once per stage, not per build', () => {
    assertLinearCheck('go-build-cache-kept', (n) => `FROM golang:1.22\n${'RUN --mount=type=cache,target=/go/pkg/mod go mod download\nRUN go build -o /app .\n'.repeat(n / 4)}`);
  });

  it('apt-lists-kept: the jobs run in the background and the waits for them are matched in one walk per RUN', () => {
    assertLinearCheck('apt-lists-kept', (n) => `FROM debian:bookworm\nRUN apt-get update; ${'rm -rf /var/lib/apt/lists/* & sleep 1 & wait $!; '.repeat(n)}true\n`);
  });

  it('apt-lists-kept: waits after && are asked about a bounded number of times', () => {
    assertLinearCheck('apt-lists-kept', (n) => `FROM debian:bookworm\nRUN apt-get update; ${'rm -rf /var/lib/apt/lists/* & true && wait; '.repeat(n)}true\n`);
  });

  it("npm-cache-kept's fix: the same repair of every install of a RUN is checked once", () => {
    assertLinear(
      'npm-cache-kept fixes',
      (n) => `FROM node:22-slim\nRUN ${'npm ci && '.repeat(n / 2)}true\n`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });

  it("go-build-cache-kept's fixes: whether another go command follows in the RUN is worked out once per RUN, and each finding's command found by where it starts", () => {
    assertLinear(
      'go-build-cache-kept fixes',
      (n) => `FROM golang:1.22\nWORKDIR /src\nRUN ${'go mod download && go build -o /out/app ./... && '.repeat(n)}true\nCMD ["/out/app"]\n`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });

  it("build-tools-in-final-image's fixes: which stages run a JDK tool, whether the stage may be rewritten and its rewrite are worked out once, not per install", () => {
    for (const pkg of ['openjdk-17-jdk-headless', 'gcc-12']) {
      assertLinear(
        `build-tools-in-final-image fixes of ${pkg}`,
        (n) => `FROM debian:bookworm-slim\n${Array.from({ length: n }, (_, i) => `RUN apt-get install -y ${pkg} && echo ${i}\n`).join('')}CMD ["java", "-jar", "/app.jar"]\n`,
        (text) => analyze(text, ENV),
        (analysis) => analysis.findings.filter((f) => f.ruleId === 'build-tools-in-final-image').forEach((f) => fixFor(analysis, f, ENV)),
      );
    }
  });

  it("apt-recommends' fixes on one long line: whether an edit ends a line in a hidden continuation reads the line's end, not all of it", () => {
    assertLinear(
      'apt-recommends fixes on one line',
      (n) => `FROM debian:bookworm\nRUN ${Array.from({ length: n }, (_, i) => `sh -c 'apt-get install -y p${i}-${'x'.repeat(100)}'`).join(' && ')}\n`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });

  it("archive-kept's fix: the kept archives are worked out once per model, later mentions found in one joined text", () => {
    assertLinear(
      'archive-kept fixes',
      (n) => `FROM debian:bookworm\n${Array.from({ length: n / 10 }, (_, i) => `RUN curl -fsSLO https://x.example/a${i}.tar.gz && tar xzf a${i}.tar.gz\n`).join('')}`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });

  it('archive-kept: the RUNs that extract and remove an archive are looked up by its path, not walked per archive', () => {
    assertLinearCheck('archive-kept', (n) => `FROM debian:bookworm\n${Array.from({ length: n }, (_, i) => `RUN curl -fsSLO https://x.example/a${i}.tar.gz && tar xzf a${i}.tar.gz\n`).join('')}`);
  });

  it("archive-kept's fixes in one RUN: the appended rm of each archive is checked with one parse of the RUN", () => {
    assertLinear(
      'archive-kept fixes in one RUN',
      (n) => `FROM debian:bookworm\nRUN ${Array.from({ length: n / 5 }, (_, i) => `curl -fsSLO https://x.example/a${i}.tar.gz && tar xzf a${i}.tar.gz`).join(' && ')}\n`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });

  it('copied-archive-extracted: the RUN that extracts a copied archive is looked up by its path, not walked per copy', () => {
    assertLinearCheck('copied-archive-extracted', (n) => `FROM node:22\nWORKDIR /app\n${Array.from({ length: n / 2 }, (_, i) => `COPY f${i}.tar.gz /tmp/\nRUN echo ${i} && tar xzf /tmp/g${i}.tar.gz\n`).join('')}`);
  });

  it('Apply all on one RUN of many apt-get installs: their fixes share a round', () => {
    const packages = ['curl', 'git', 'jq', 'less', 'wget', 'make'];
    assertLinear(
      'fixAll on one RUN',
      (n) => `FROM debian:bookworm-slim\nRUN apt-get update${Array.from({ length: n / 10 }, (_, i) => ` && apt-get install -y ${packages[i % packages.length]}`).join('')}\n`,
      (text) => text,
      (text) => assert.ok(fixAll(text, ENV).complete),
    );
  });

  it("copied-archive-extracted's fix: the copies extracted later are worked out once per model", () => {
    assertLinear(
      'copied-archive-extracted fixes',
      (n) => `FROM node:22\nWORKDIR /app\n${Array.from({ length: n / 5 }, (_, i) => `COPY f${i}.tar.gz /tmp/\nRUN tar xzf /tmp/f${i}.tar.gz && rm /tmp/f${i}.tar.gz\n`).join('')}`,
      (text) => analyze(text, ENV),
      (analysis) => analysis.findings.forEach((f) => fixFor(analysis, f, ENV)),
    );
  });
});
