/**
 * The context rules suggest ignoring build-output folders (`dist`, `target`) that the build
 * context holds, since the Dockerfile usually builds them again. When the image runs one from a
 * `COPY .` instead (`CMD ["node", "dist/index.js"]` with no build in the Dockerfile), ignoring it
 * takes the program out of the image: the preferred fix of context-large-paths and the file
 * context-without-dockerignore creates left such an image without its entry point.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { pathsUsedAfterContextCopy } from '../../../server/src/core/buildContext';
import type { BuildContextFacts, ContextScanFacts } from '../../../server/src/core/environment';
import { suggestedDockerignore } from '../../../server/src/rules/context-without-dockerignore';
import { assertLinear } from '../../support/ruleTiming';

const MB = 3_000_000;
const scan = (...folders: [string, string][]): ContextScanFacts => ({
  complete: true,
  files: folders.length + 1,
  bytes: folders.length * MB + 100,
  topLevel: folders.map(([p]) => ({ path: p, bytes: MB, files: 1 })),
  heavy: folders.map(([p, kind]) => ({ path: p, bytes: MB, files: 1, kind })),
  secrets: [],
});
const withIgnore = (s: ContextScanFacts): BuildContextFacts => ({ hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: '.git\n' }, scan: s });
const largePaths = (dockerfile: string, context: BuildContextFacts) =>
  analyze(dockerfile, { context }).findings.filter((f) => f.ruleId === 'context-large-paths').map((f) => f.message);

describe('build output the image uses after COPY .', () => {
  const facts = withIgnore(scan(['dist', 'build-output'], ['target', 'build-output'], ['node_modules', 'dependencies']));

  it('is not suggested for the ignore file when a later CMD, ENTRYPOINT or RUN uses it', () => {
    for (const use of ['CMD ["node", "dist/index.js"]', 'ENTRYPOINT ["node", "/app/dist/index.js"]', 'CMD node ./dist/index.js', 'RUN node dist/migrate.js']) {
      const [message] = largePaths(`FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n${use}\n`, facts);
      assert.match(message, /does not exclude: target 3\.0 MB, node_modules 3\.0 MB\. Adding them saves about 6\.0 MB\./, use);
    }
  });

  it('is still suggested when nothing uses it, when the use is outside the copy, or in another image', () => {
    const all = /target 3\.0 MB, dist 3\.0 MB, node_modules 3\.0 MB|dist 3\.0 MB, target 3\.0 MB, node_modules 3\.0 MB/;
    assert.match(largePaths('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n', facts)[0], /saves about 9\.0 MB/);
    assert.match(largePaths('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "/srv/dist/index.js"]\n', facts)[0], /saves about 9\.0 MB/);
    const builder = 'FROM node:22-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM node:22-slim\nCOPY --from=build /app/dist /app/dist\nCMD ["node", "/app/dist/index.js"]\n';
    assert.match(largePaths(builder, facts)[0], all);
  });

  it('is still suggested when the image builds it again before using it (npm run build, mvn package...)', () => {
    for (const build of ['RUN npm install && npm run build', 'RUN yarn build', 'RUN npm run build:prod', 'RUN mvn -q package', 'RUN ./gradlew bootJar', 'RUN go -C ./src build -o /app/dist/ ./...']) {
      assert.match(largePaths(`FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n${build}\nCMD ["node", "dist/index.js"]\n`, facts)[0], /saves about 9\.0 MB/, build);
    }
    // A build before the copy does not make what the copy brings.
    assert.match(largePaths('FROM node:22-slim\nWORKDIR /app\nRUN npm run build\nCOPY . .\nRUN npm ci\nCMD ["node", "dist/index.js"]\n', facts)[0], /saves about 6\.0 MB/);
    // npm's other scripts are no build.
    assert.match(largePaths('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run lint\nCMD ["node", "dist/index.js"]\n', facts)[0], /saves about 6\.0 MB/);
  });

  it('reads the uses in one pass: each use of 2,000 COPY . once, in time linear in them', function () {
    this.timeout(60_000);
    const text = (n: number) => {
      const lines = ['FROM node:22-slim', 'WORKDIR /app'];
      for (let i = 0; i < n; i++) lines.push('COPY . .', `RUN node dist/step${i}.js`, `CMD ["node", "dist/index${i}.js"]`);
      return `${lines.join('\n')}\n`;
    };
    assert.equal(pathsUsedAfterContextCopy(buildModel(text(2000))).filter((p) => p.startsWith('dist/')).length, 4000, 'each use once');
    // Was a bound of 500 ms of wall time on 2,000 copies, which a first call under load came near
    // (240-480 ms at load 5); the quadratic walk this guards against grows ninefold from 1,000 to 3,000.
    assertLinear('pathsUsedAfterContextCopy', text, buildModel, pathsUsedAfterContextCopy);
  });

  it('counts a use in the final image of a copy it takes whole from a builder (COPY --from=build /app /srv)', () => {
    // The context's dist (no build in the Dockerfile) reaches the final image through the builder's
    // /app: ignoring it left 'CMD ["dist/index.js"]' without its file, and --fix did that.
    const carried = (copy: string, cmd: string) => `FROM node:22-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nFROM gcr.io/distroless/nodejs22-debian12\n${copy}\nWORKDIR /srv\n${cmd}\n`;
    for (const [copy, cmd] of [['COPY --from=build /app /srv', 'CMD ["dist/index.js"]'], ['COPY --from=build / /', 'CMD ["/app/dist/index.js"]'], ['COPY --from=build app /srv', 'CMD ["/srv/dist/index.js"]']]) {
      assert.match(largePaths(carried(copy, cmd), facts)[0], /does not exclude: target 3\.0 MB, node_modules 3\.0 MB\. Adding them saves about 6\.0 MB\./, copy);
    }
    const none: BuildContextFacts = { hasDockerignore: false, topLevelNames: ['package.json'], scan: scan(['dist', 'build-output']) };
    assert.ok(!suggestedDockerignore(none, buildModel(carried('COPY --from=build /app /srv', 'CMD ["dist/index.js"]'))).split('\n').includes('dist'));
    // Only the part copied moves: /app/dist copied to /srv/dist is no copy of the context's /app.
    assert.match(largePaths(carried('COPY --from=build /app/node_modules /srv/node_modules', 'CMD ["dist/index.js"]'), facts)[0], /saves about 9\.0 MB/);
  });

  it('counts a COPY --from of a folder inside a builder\'s whole-context copy (COPY --from=build /app/dist ./dist)', () => {
    // The context's prebuilt dist (no build in the Dockerfile) goes to the final image by name:
    // with 'dist' in the ignore file, that COPY --from finds no /app/dist and the build fails.
    const named = (copy: string) => `FROM node:22-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nFROM node:22-slim\nWORKDIR /srv\n${copy}\nCMD ["node", "dist/index.js"]\n`;
    for (const copy of ['COPY --from=build /app/dist ./dist', 'COPY --from=build app/dist/index.js ./dist/', 'COPY --from=build /app/dist/ /srv/dist/']) {
      assert.match(largePaths(named(copy), facts)[0], /does not exclude: target 3\.0 MB, node_modules 3\.0 MB\. Adding them saves about 6\.0 MB\./, copy);
    }
    const none: BuildContextFacts = { hasDockerignore: false, topLevelNames: ['package.json'], scan: scan(['dist', 'build-output']) };
    assert.ok(!suggestedDockerignore(none, buildModel(named('COPY --from=build /app/dist ./dist'))).split('\n').includes('dist'));
    // Built in the builder (npm run build), the context's dist is not what is copied.
    const built = 'FROM node:22-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM node:22-slim\nCOPY --from=build /app/dist /srv/dist\nCMD ["node", "/srv/dist/index.js"]\n';
    assert.match(largePaths(built, facts)[0], /saves about 9\.0 MB/);
  });

  it('node_modules is suggested when the image installs its own, and not when it runs Node on the host\'s (helper-66)', () => {
    // npm ci in the image: the host's copy is dead weight (and may hold binaries for another platform).
    assert.match(largePaths('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node_modules/.bin/next", "start"]\n', facts)[0], /node_modules 3\.0 MB/);
    // No install in the image: ignoring node_modules would take the app's dependencies away.
    for (const dockerfile of [
      'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node_modules/.bin/next", "start"]\n',
      'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
      'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm run build\n',
    ]) {
      assert.ok(largePaths(dockerfile, facts).every((m) => !/node_modules/.test(m)), dockerfile);
      const created = suggestedDockerignore({ hasDockerignore: false, topLevelNames: ['package.json'], scan: scan(['node_modules', 'dependencies']) }, buildModel(dockerfile));
      assert.doesNotMatch(created, /node_modules/, dockerfile);
    }
    // An image that does not run Node (a static site served by nginx) gains nothing from them.
    assert.match(largePaths('FROM nginx:alpine\nCOPY . /usr/share/nginx/html\n', facts)[0], /node_modules 3\.0 MB/);
  });

  it('node_modules and vendor are suggested when a COPY --from puts them in place (Next.js\'s deps stage, Laravel\'s composer stage)', () => {
    const created = (dockerfile: string, topLevelNames: string[], ...folders: [string, string][]) =>
      suggestedDockerignore({ hasDockerignore: false, topLevelNames, scan: scan(...folders) }, buildModel(dockerfile)).split('\n');
    // The builder runs Node (npm run build) without an install of its own, on the deps stage's
    // node_modules; the host's, sent, would be laid over them by COPY . .
    const next = 'FROM node:22-alpine AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM node:22-alpine AS builder\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\nRUN npm run build\nFROM node:22-alpine\nWORKDIR /app\nCOPY --from=builder /app/.next/standalone ./\nCMD ["node", "server.js"]\n';
    assert.ok(created(next, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    assert.match(largePaths(next, facts)[0], /node_modules 3\.0 MB/);
    // Only the folder put in place: not nested node_modules, which the image may use from the host.
    assert.ok(!created(next, ['package.json'], ['node_modules', 'dependencies']).includes('**/node_modules'));
    // Into the folder's parent, a directory source copies its contents, not the folder: no node_modules there.
    const contents = next.replace('COPY --from=deps /app/node_modules ./node_modules', 'COPY --from=deps /app/node_modules ./');
    assert.ok(!created(contents, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    // In another stage than the one copying the context, or to another place: the host's are what the image runs.
    const elsewhere = next.replace('COPY --from=deps /app/node_modules ./node_modules', 'COPY --from=deps /app/node_modules /opt/node_modules');
    assert.ok(!created(elsewhere, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    // A stage built on one that received them counts: the folder is in its image too.
    const based = 'FROM node:22-alpine AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nFROM node:22-alpine AS base\nWORKDIR /app\nCOPY --from=deps /app/node_modules /app/node_modules/\nFROM base\nCOPY . .\nCMD ["node", "server.js"]\n';
    assert.ok(created(based, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    // Composer runs in its own stage; the app stage copies the context, then the stage's vendor over it.
    const laravel = 'FROM composer:2 AS vendor\nWORKDIR /app\nCOPY composer.json composer.lock ./\nRUN composer install --no-dev --no-scripts\nFROM php:8.3-fpm\nWORKDIR /var/www/html\nCOPY . .\nCOPY --from=vendor /app/vendor/ /var/www/html/vendor/\n';
    const php = created(laravel, ['composer.json'], ['vendor', 'composer-dependencies']);
    assert.ok(php.includes('vendor'), php.join('|'));
    // Without that COPY --from the image runs the host's vendor/: not suggested (helper-65).
    const hostVendor = laravel.replace('COPY --from=vendor /app/vendor/ /var/www/html/vendor/\n', '');
    assert.ok(!created(hostVendor, ['composer.json'], ['vendor', 'composer-dependencies']).includes('vendor'));
    // A RUN between COPY . and the COPY --from runs on the host's node_modules (built with them,
    // then the production ones copied in): ignoring them breaks that RUN.
    const buildFirst = 'FROM node:22-alpine AS prod-deps\nWORKDIR /app\nCOPY package.json ./\nRUN npm install --omit=dev\nFROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm run build\nCOPY --from=prod-deps /app/node_modules ./node_modules\nCMD ["node", "dist/index.js"]\n';
    assert.ok(!created(buildFirst, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    assert.ok(!largePaths(buildFirst, facts).some((m) => m.includes('node_modules')), largePaths(buildFirst, facts).join('|'));
    // Put in place only in a test stage built on the app stage: the app stage's RUN and the final image (FROM app) use the host's.
    const sibling = 'FROM node:22-alpine AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nFROM node:22-alpine AS app\nWORKDIR /app\nCOPY . .\nRUN node scripts/build.js\nFROM app AS test\nCOPY --from=deps /app/node_modules ./node_modules\nRUN node --test\nFROM app\nCMD ["node", "index.js"]\n';
    assert.ok(!created(sibling, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    // The same with the COPY --from in the app stage before its RUN: in place for the RUN, the test stage and the image.
    const inApp = sibling.replace('COPY . .\nRUN node scripts/build.js\nFROM app AS test\nCOPY --from=deps /app/node_modules ./node_modules\n', 'COPY . .\nCOPY --from=deps /app/node_modules ./node_modules\nRUN node scripts/build.js\nFROM app AS test\n');
    assert.ok(created(inApp, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
  });

  it('is left out of the .dockerignore that context-without-dockerignore creates, ecosystem entries too', () => {
    const none: BuildContextFacts = { hasDockerignore: false, topLevelNames: ['pom.xml', 'Dockerfile'], scan: scan(['dist', 'build-output'], ['target', 'build-output']) };
    const lines = (dockerfile: string) => suggestedDockerignore(none, buildModel(dockerfile)).split('\n');
    const used = lines('FROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["java", "-jar", "/app/target/app.jar"]\n');
    assert.ok(!used.includes('target'), used.join('|'));
    assert.ok(used.includes('build') && used.includes('dist'));
    const unused = lines('FROM eclipse-temurin:21-jre\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["java", "-jar", "/app/app.jar"]\n');
    assert.ok(unused.includes('target'));
  });
});

/**
 * Where the context rules read a tool's folder (node_modules, vendor, obj) as the image's own:
 * 1. context-large-paths on a builder's `COPY . .` whose destination a `COPY --from` takes into
 *    the final image: an `npm ci` after the copy deletes the host's node_modules, so that folder
 *    does not reach the final image (the copy's layer holds it, in the builder only).
 * 2. madeInImage / usesHostDependencies: the tool must run before anything uses the host's
 *    folder, in the copying stage and every stage built on it, as replacedInImage asks of a
 *    `COPY --from` (bda1fbf); a run only in a test stage FROM app left app on the host's folder
 *    while the created .dockerignore took it away.
 */
describe('a tool\'s folder in the image of a COPY .', () => {
  const largePaths = (dockerfile: string, context: BuildContextFacts) => analyze(dockerfile, { context }).findings.filter((f) => f.ruleId === 'context-large-paths');
  const created = (dockerfile: string, topLevelNames: string[], ...folders: [string, string][]) =>
    suggestedDockerignore({ hasDockerignore: false, topLevelNames, scan: scan(...folders) }, buildModel(dockerfile)).split('\n');
  const modules = withIgnore(scan(['node_modules', 'dependencies']));
  const builder = (install: string) => `FROM node:22-slim AS build\nWORKDIR /app\nCOPY . .\n${install}\nFROM node:22-slim\nCOPY --from=build /app /app\nCMD ["node", "/app/dist/index.js"]\n`;

  it('node_modules that npm ci replaced in the builder does not reach the final image through COPY --from', () => {
    for (const install of ['RUN npm ci && npm run build', 'RUN npm clean-install --omit=dev', 'RUN cd /app && npm ci', 'RUN npm ci --prefix /app']) {
      const [f] = largePaths(builder(install), modules);
      assert.equal(f.severity, 'hint', install);
      assert.equal(f.inFinalImage, false, install);
      assert.match(f.message, /npm ci after this copy deletes the host's node_modules: the final image gets the installed ones\. No effect on the final image/, install);
    }
    // With a folder that does go along, the finding stays on the final image and names what does not.
    const [mixed] = largePaths(builder('RUN npm ci'), withIgnore(scan(['node_modules', 'dependencies'], ['fixtures', 'other'])));
    assert.equal(mixed.severity, 'warning');
    assert.match(mixed.message, /deletes the host's node_modules: the final image gets the installed ones\. Stage "build" does not reach the final image, but line 6 copies \/app from it\./);
  });

  it('node_modules still reaches it when nothing replaces it there, and the builder\'s own layer keeps the finding', () => {
    // npm install keeps what it finds; npm ci elsewhere, or in a stage the final image does not copy from, replaces another folder.
    for (const install of ['RUN npm install && npm run build', 'RUN npm ci --prefix /srv', 'WORKDIR /srv\nRUN npm ci\nWORKDIR /app', 'RUN npm ci -C /app']) {
      const [f] = largePaths(builder(install), modules);
      assert.equal(f.severity, 'warning', install);
      assert.doesNotMatch(f.message, /npm ci after/, install);
      assert.match(f.message, /but line \d+ copies \/app from it/, install);
    }
    // One stage: the COPY . layer is the image's, host's node_modules and all.
    const [single] = largePaths('FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n', modules);
    assert.equal(single.severity, 'warning');
    assert.doesNotMatch(single.message, /npm ci after/);
  });

  it('vendor and node_modules are not suggested when the tool runs only in a stage built on the copying one', () => {
    const php = 'FROM php:8.3-fpm AS app\nWORKDIR /var/www/html\nCOPY . .\nRUN php artisan config:cache\nFROM app AS test\nRUN composer install\nRUN vendor/bin/phpunit\nFROM app\n';
    assert.ok(!created(php, ['composer.json'], ['vendor', 'composer-dependencies']).includes('vendor'));
    assert.ok(!largePaths(php, withIgnore(scan(['vendor', 'composer-dependencies']))).some((f) => f.message.includes('vendor')));
    const node = 'FROM node:22-slim AS app\nWORKDIR /app\nCOPY . .\nRUN node scripts/build.js\nFROM app AS test\nRUN npm ci\nRUN npm test\nFROM app\nCMD ["node", "index.js"]\n';
    assert.ok(!created(node, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    assert.ok(!largePaths(node, modules).some((f) => f.message.includes('node_modules')));
    // A RUN between the copy and the install ran on the host's node_modules.
    const buildFirst = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm run build\nRUN npm ci --omit=dev\nCMD ["node", "dist/index.js"]\n';
    assert.ok(!created(buildFirst, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'));
    // A global install writes no node_modules of the project: the image runs the host's.
    for (const install of ['RUN npm install -g pm2', 'RUN npm i --global pm2', 'RUN pnpm add -g pm2', 'RUN bun add --global pm2']) {
      assert.ok(!created(`FROM node:22-slim\nWORKDIR /app\nCOPY . .\n${install}\nCMD ["pm2-runtime", "index.js"]\n`, ['package.json'], ['node_modules', 'dependencies']).includes('node_modules'), install);
    }
    // A base stage whose end a COPY --from takes as it is, without the install its child stage runs.
    const copiedBase = 'FROM php:8.3-fpm AS base\nWORKDIR /var/www\nCOPY . .\nFROM base AS prod\nRUN composer install\nFROM nginx:alpine\nCOPY --from=base /var/www /usr/share/nginx/html\n';
    assert.ok(!created(copiedBase, ['composer.json'], ['vendor', 'composer-dependencies']).includes('vendor'));
  });

  it('they are still suggested when the tool runs before the copy, right after it, or in the copying stage before the stages built on it', () => {
    const cases: [string, string, [string, string], string?][] = [
      ['FROM composer:2 AS base\nWORKDIR /app\nCOPY composer.json composer.lock ./\nRUN composer install --no-dev\nFROM base\nCOPY . .\nRUN php artisan optimize\n', 'composer.json', ['vendor', 'composer-dependencies']],
      ['FROM php:8.3-fpm\nWORKDIR /var/www/html\nCOPY . .\nRUN composer install --no-dev && php artisan optimize\n', 'composer.json', ['vendor', 'composer-dependencies']],
      // A base stage only built on: each stage built on it installs before using the copy (test/fixtures/rules/composer-dev-dependencies/clean.Dockerfile).
      ['FROM php:8.3-fpm-alpine AS base\nWORKDIR /var/www\nCOPY . .\nFROM base AS test\nRUN composer install && vendor/bin/phpunit\nFROM base\nRUN composer install --no-dev\n', 'composer.json', ['vendor', 'composer-dependencies']],
      ['FROM node:22-slim AS app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM app AS test\nRUN npm test\nFROM app\nCMD ["node", "index.js"]\n', 'package.json', ['node_modules', 'dependencies']],
      ['FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY *.csproj ./\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\n', 'app.csproj', ['obj', 'dotnet-output'], '**/obj'],
    ];
    for (const [dockerfile, marker, folder, entry] of cases) assert.ok(created(dockerfile, [marker], folder).includes(entry ?? folder[0]), dockerfile);
  });
});
