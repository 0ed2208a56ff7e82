/**
 * Yarn 2+ keeps zip archives in its global cache; with the node-modules linker they sit unused
 * beside node_modules, with Plug'n'Play they are the install. yarn-berry-cache-kept speaks only
 * when it sees the node-modules linker, here through the build context's .yarnrc.yml copied before
 * the install (the fixtures cover YARN_NODE_LINKER and `yarn config set`). bun-cache-kept beside it.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { contextFacts, readContext } from '../../../server/src/sources/context/facts';
import { parseNpmManifest } from '../../../server/src/sources/context/npmManifest';
import { parseYarnrc } from '../../../server/src/sources/context/yarnrc';
import { assertLinearCheck } from '../../support/ruleTiming';

const BERRY = 'yarn-berry-cache-kept';
const CLASSIC = 'yarn-cache-kept';
const env = (yarnrc?: string): AnalysisEnvironment => ({ context: yarnrc === undefined ? {} : { yarnrc: parseYarnrc(yarnrc) } });
const ids = (text: string, e: AnalysisEnvironment) => analyze(text, e).findings.map((f) => f.ruleId);
const dockerfile = (copy: string, run = 'yarn install --immutable') => `FROM node:22-slim\nWORKDIR /app\nRUN corepack enable\n${copy}\nRUN ${run}\nCMD ["node", "index.js"]\n`;
const WHOLE = 'COPY . .';
const NODE_MODULES = 'nodeLinker: node-modules\n';

describe('yarn-berry-cache-kept and the build context .yarnrc.yml', () => {
  it('reads top-level scalars: quotes and comments go, other keys and nested ones are skipped', () => {
    assert.deepEqual(parseYarnrc('nodeLinker: "node-modules" # yes\nenableGlobalCache: false\nnpmScopes:\n  cacheFolder: x\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\n'), { path: '.yarnrc.yml', nodeLinker: 'node-modules', enableGlobalCache: 'false' });
    assert.deepEqual(parseYarnrc("\uFEFFcacheFolder: './.yarn/cache'\r\nglobalFolder: /g\r\n"), { path: '.yarnrc.yml', cacheFolder: './.yarn/cache', globalFolder: '/g' });
    // Malformed YAML (Yarn refuses it) sets nothing.
    assert.deepEqual(parseYarnrc('nodeLinker: node-modules\nnodeLinker: pnp\n'), { path: '.yarnrc.yml' });
  });

  it('the build context facts carry the .yarnrc.yml beside the Dockerfile', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-yarnrc-'));
    try {
      await fs.writeFile(path.join(dir, '.yarnrc.yml'), NODE_MODULES);
      const dockerfile = path.join(dir, 'Dockerfile');
      const facts = contextFacts(dockerfile, await readContext(dockerfile, { workspaceFolders: [dir] }));
      assert.deepEqual(facts.yarnrc, { path: '.yarnrc.yml', nodeLinker: 'node-modules' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('fires when the copied .yarnrc.yml chooses node-modules (by name or by COPY . .); yarn-cache-kept then stays quiet', () => {
    for (const copy of [WHOLE, 'COPY package.json yarn.lock .yarnrc.yml ./']) {
      const found = ids(dockerfile(copy), env(NODE_MODULES));
      assert.ok(found.includes(BERRY), copy);
      assert.ok(!found.includes(CLASSIC), copy);
    }
  });

  it("yarn-cache-kept stays quiet where the copied package.json's packageManager names yarn 2+ (corepack runs berry, PnP by default)", () => {
    const manifest = (packageManager?: string): AnalysisEnvironment => ({ context: { npmManifest: { ...parseNpmManifest('{}')!, ...(packageManager ? { packageManager } : {}) } } });
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install\n';
    assert.deepEqual(parseNpmManifest('{"packageManager": "yarn@4.5.0+sha512.abc"}')?.packageManager, 'yarn@4.5.0+sha512.abc');
    for (const pm of ['yarn@4.5.0', 'yarn@2.4.3', 'yarn@10.0.0']) assert.ok(!ids(text, manifest(pm)).includes(CLASSIC), pm);
    for (const pm of ['yarn@1.22.22', 'pnpm@9.0.0', undefined]) assert.ok(ids(text, manifest(pm)).includes(CLASSIC), pm);
    // Not copied into the folder yarn runs in: no sign.
    assert.ok(ids(text.replace('COPY package.json yarn.lock ./', 'COPY package.json yarn.lock /src/'), manifest('yarn@4.5.0')).includes(CLASSIC));
  });

  it('after a corepack enable that names no version, speaks only where the copied package.json shows yarn classic (corepack 0.34 ran 1.22.22 without packageManager)', () => {
    const manifest = (packageManager?: string): AnalysisEnvironment => ({ context: { npmManifest: { ...parseNpmManifest('{}')!, ...(packageManager ? { packageManager } : {}) } } });
    const text = (corepack: string, copy = 'COPY package.json yarn.lock ./') => `FROM node:22-slim\nWORKDIR /app\nRUN ${corepack}\n${copy}\nRUN yarn install --frozen-lockfile\n`;
    // package.json unknown: it may name berry.
    assert.ok(!ids(text('corepack enable'), { context: {} }).includes(CLASSIC));
    assert.ok(!ids(text('corepack enable'), env()).includes(CLASSIC));
    for (const pm of [undefined, 'yarn@1.22.22', 'yarn@1.22.22+sha512.abc']) assert.ok(ids(text('corepack enable'), manifest(pm)).includes(CLASSIC), pm);
    assert.ok(!ids(text('corepack enable'), manifest('yarn@4.5.0')).includes(CLASSIC));
    // Known but not copied where yarn runs, or copied after the install: it cannot tell.
    assert.ok(!ids(text('corepack enable', 'COPY package.json yarn.lock /src/'), manifest()).includes(CLASSIC));
    assert.ok(!ids('FROM node:22-slim\nWORKDIR /app\nRUN corepack enable\nRUN yarn install\nCOPY package.json ./\n', manifest()).includes(CLASSIC));
    // In the install's own RUN, before it: the same; `corepack prepare --activate` reads package.json too, and so does a yarn 1.x it names.
    for (const c of ['corepack enable yarn', 'corepack prepare --activate', 'corepack prepare yarn@1.22.22 --activate', 'corepack enable --install-directory /usr/local/bin']) {
      assert.ok(!ids(text(c), env()).includes(CLASSIC), c);
      assert.ok(ids(text(c), manifest()).includes(CLASSIC), c);
    }
    assert.ok(!ids('FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN corepack enable && yarn install\n', env()).includes(CLASSIC));
    assert.ok(ids('FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN corepack enable && yarn install\n', manifest()).includes(CLASSIC));
    // A corepack naming yarn 2+ (or a tag) is berry whatever package.json says.
    for (const c of ['corepack prepare yarn@4.5.0 --activate', 'corepack install -g yarn@stable', 'corepack use yarn@4', 'corepack yarn@4.5.0 --version']) assert.ok(!ids(text(c), manifest()).includes(CLASSIC), c);
    // Not about yarn, after the install, or in a stage the install's does not build on: the image's yarn (classic) runs.
    for (const c of ['corepack enable pnpm', 'corepack prepare pnpm@9.15.4 --activate', 'corepack disable', 'corepack --version']) assert.ok(ids(text(c), env()).includes(CLASSIC), c);
    assert.ok(ids('FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN yarn install\nRUN corepack enable\n', env()).includes(CLASSIC));
    assert.ok(ids('FROM node:22-slim AS tools\nRUN corepack enable\n\nFROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN yarn install\n', env()).includes(CLASSIC));
    assert.ok(!ids('FROM node:22-slim AS base\nRUN corepack enable\n\nFROM base\nWORKDIR /app\nCOPY package.json ./\nRUN yarn install\n', env()).includes(CLASSIC));
  });

  it('reads a corepack command in a shell -c script among other commands, as the RUN runs it', () => {
    // The script's commands are what the RUN runs (ranCommands), not the shell alone: a corepack
    // there tells as much as one written plainly. yarn-cache-kept's fix would clean a PnP install.
    const manifest: AnalysisEnvironment = { context: { npmManifest: parseNpmManifest('{}')! } };
    for (const corepack of ['corepack enable', 'corepack prepare yarn@4.5.0 --activate']) {
      const hidden = `FROM node:22-slim\nWORKDIR /app\nRUN set -e; sh -c "${corepack}"\nCOPY package.json ./\nRUN yarn install\n`;
      assert.ok(!ids(hidden, env()).includes(CLASSIC), corepack);
      const sameRun = `FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN set -e; sh -c "${corepack}"; yarn install\n`;
      assert.ok(!ids(sameRun, env()).includes(CLASSIC), corepack);
    }
    // A corepack enable after the install changes nothing for it (a sign of berry counts anywhere, as written plainly).
    assert.ok(ids('FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nRUN yarn install; sh -c "corepack enable"\n', env()).includes(CLASSIC));
    // Known to be yarn classic: it speaks, as after a plain corepack enable.
    assert.ok(ids('FROM node:22-slim\nWORKDIR /app\nRUN set -e; sh -c "corepack enable"\nCOPY package.json ./\nRUN yarn install\n', manifest).includes(CLASSIC));
  });

  it("stays quiet with Plug'n'Play: no nodeLinker, pnp, or a .yarnrc.yml not copied before the install", () => {
    assert.ok(!ids(dockerfile(WHOLE), env('yarnPath: .yarn/releases/yarn-4.5.0.cjs\n')).includes(BERRY));
    assert.ok(!ids(dockerfile(WHOLE), env('nodeLinker: pnp\n')).includes(BERRY));
    assert.ok(!ids(dockerfile('COPY package.json yarn.lock ./'), env(NODE_MODULES)).includes(BERRY));
    assert.ok(!ids(dockerfile(WHOLE), env()).includes(BERRY), 'no .yarnrc.yml known');
    // The Dockerfile's own setting wins over the file's.
    assert.ok(!ids(dockerfile(`${WHOLE}\nENV YARN_NODE_LINKER=pnp`), env(NODE_MODULES)).includes(BERRY));
  });

  it('a yarn config set that a later COPY of the .yarnrc.yml overwrote does not count (it would clean a PnP install)', () => {
    const set = 'RUN yarn config set nodeLinker node-modules';
    // The copy replaces the project's .yarnrc.yml the set wrote: its pnp, or no nodeLinker (PnP), holds.
    for (const rc of ['nodeLinker: pnp\n', 'enableTelemetry: false\n']) {
      assert.ok(!ids(dockerfile(`${set}\n${WHOLE}`), env(rc)).includes(BERRY), rc);
      // Set after the copy, or in the install's RUN: it edits the copied file and holds.
      assert.ok(ids(dockerfile(`${WHOLE}\n${set}`), env(rc)).includes(BERRY), rc);
      assert.ok(ids(dockerfile(WHOLE, 'yarn config set nodeLinker node-modules && yarn install'), env(rc)).includes(BERRY), rc);
    }
    // -H writes ~/.yarnrc.yml, which holds where the project's file sets no nodeLinker and not over its pnp.
    const home = 'RUN yarn config set -H nodeLinker node-modules';
    assert.ok(ids(dockerfile(`${home}\n${WHOLE}`), env('enableTelemetry: false\n')).includes(BERRY));
    assert.ok(!ids(dockerfile(`${WHOLE}\n${home}`), env('nodeLinker: pnp\n')).includes(BERRY));
  });

  it('stays quiet for a project cache, a cache mount or a cleanup in the same RUN', () => {
    assert.ok(!ids(dockerfile(WHOLE), env(NODE_MODULES + 'enableGlobalCache: false\n')).includes(BERRY));
    assert.ok(!ids(dockerfile(WHOLE), env(NODE_MODULES + 'cacheFolder: ./.yarn/cache\n')).includes(BERRY));
    for (const run of ['yarn install --immutable && yarn cache clean', '--mount=type=cache,target=/root/.yarn/berry/cache yarn install --immutable', 'yarn install --immutable && rm -rf $HOME/.yarn']) {
      assert.ok(!ids(dockerfile(WHOLE, run), env(NODE_MODULES)).includes(BERRY), run);
    }
    // A globalFolder moves the cache: a mount on the default folder does not cover it, one on the new folder does.
    const moved = env(NODE_MODULES + 'globalFolder: /cache/yarn\n');
    assert.ok(ids(dockerfile(WHOLE, '--mount=type=cache,target=/root/.yarn/berry/cache yarn install'), moved).includes(BERRY));
    assert.ok(!ids(dockerfile(WHOLE, '--mount=type=cache,target=/cache/yarn/cache yarn install'), moved).includes(BERRY));
  });

  it('stays quiet in a file where a later yarn runs with --immutable-cache (it needs the cache the install filled)', () => {
    const text = `${dockerfile(WHOLE)}RUN yarn workspaces focus --production --immutable --immutable-cache\n`;
    assert.ok(!ids(text, env(NODE_MODULES)).includes(BERRY));
    assert.ok(ids(text.replace(' --immutable-cache', ''), env(NODE_MODULES)).includes(BERRY));
  });

  it('a builder stage whose cache folder the final image copies carries the finding there', () => {
    const text = 'FROM node:22 AS build\nWORKDIR /app\nENV YARN_NODE_LINKER=node-modules\nCOPY . .\nRUN yarn install --immutable\n\nFROM node:22-slim\nCOPY --from=build /root /root\nCOPY --from=build /app /app\n';
    const f = analyze(text, env()).findings.find((x) => x.ruleId === BERRY);
    assert.equal(f?.severity, 'warning');
    assert.equal(f?.inFinalImage, true);
    const notCarried = analyze(text.replace('COPY --from=build /root /root\n', ''), env()).findings.find((x) => x.ruleId === BERRY);
    assert.equal(notCarried?.severity, 'hint');
  });

  it('the fix appends yarn cache clean --all once; the result parses and has no finding left', () => {
    const text = dockerfile(WHOLE, 'yarn workspaces focus --production');
    const once = fixAll(text, env(NODE_MODULES)).text;
    assert.equal(once, text.replace('focus --production', 'focus --production && yarn cache clean --all && rm -rf ~/.cache/node/corepack'));
    assert.equal(fixAll(once, env(NODE_MODULES)).text, once);
    assert.ok(!ids(once, env(NODE_MODULES)).includes(BERRY));
  });
});

describe('bun-cache-kept', () => {
  const bun = (run: string, more = '') => ids(`FROM oven/bun:1\nWORKDIR /app\nCOPY package.json bun.lock ./\n${more}RUN ${run}\n`, env());
  it('fires on bun install and bun add, not after bun pm cache rm, a cache mount or removal of the cache folder in use', () => {
    assert.ok(bun('bun install --production').includes('bun-cache-kept'));
    assert.ok(bun('bun add express').includes('bun-cache-kept'));
    for (const run of ['bun install && bun pm cache rm', '--mount=type=cache,target=/root/.bun/install/cache bun install', 'bun install && rm -rf ~/.bun']) {
      assert.ok(!bun(run).includes('bun-cache-kept'), run);
    }
    assert.ok(!bun('bun install && rm -rf /cache/bun', 'ENV BUN_INSTALL_CACHE_DIR=/cache/bun\n').includes('bun-cache-kept'));
    assert.ok(bun('bun install && rm -rf ~/.bun/install/cache', 'ENV BUN_INSTALL_CACHE_DIR=/cache/bun\n').includes('bun-cache-kept'), 'the cache is elsewhere');
    assert.ok(!bun('bun run build').includes('bun-cache-kept'));
  });

  it('--cache-dir names the folder; --dry-run cleans nothing; quiet with --backend=symlink (node_modules links into the cache)', () => {
    assert.ok(!bun('bun install --cache-dir /tmp/bc && rm -rf /tmp/bc').includes('bun-cache-kept'));
    assert.ok(bun('bun install --cache-dir=/tmp/bc && rm -rf ~/.bun').includes('bun-cache-kept'), 'the cache is elsewhere');
    assert.ok(bun('bun install && bun pm cache rm --dry-run').includes('bun-cache-kept'));
    for (const run of ['bun install --backend=symlink', 'bun install --backend symlink --production']) assert.ok(!bun(run).includes('bun-cache-kept'), run);
    assert.ok(bun('bun install --backend=copyfile').includes('bun-cache-kept'));
    // A plain `bun pm cache rm` would empty the default folder, not the named one: no fix there.
    const text = 'FROM oven/bun:1\nWORKDIR /app\nCOPY package.json bun.lock ./\nRUN bun install --cache-dir /tmp/bc\n';
    assert.equal(fixAll(text, env()).text, text);
  });

  // bun 1.4.5 in an overlay mount (test/bench/measure/manual-npm-cache.md): --no-cache skips the
  // registry manifests, the cache folder still gets the package files as hard links.
  const finding = (run: string, more = '') => analyze(`FROM oven/bun:1\nWORKDIR /app\nCOPY package.json bun.lock ./\n${more}RUN ${run}\n`, env()).findings.find((f) => f.ruleId === 'bun-cache-kept');
  it('quiet with --no-cache unless bun copies the package files (--backend=copyfile), which the message then names', () => {
    for (const run of ['bun install --no-cache', 'bun install --frozen-lockfile --production --no-cache', 'bun add --no-cache express', 'bun i --no-cache --backend=hardlink']) assert.equal(finding(run), undefined, run);
    const copied = finding('bun install --no-cache --backend=copyfile');
    assert.match(copied?.message ?? '', /--no-cache skips only the registry manifests.*second copy of every package file: for express@4\.21\.2 about 2\.2 MB beside 2\.2 MB/);
    assert.doesNotMatch(copied?.message ?? '', /use `--no-cache`/);
    assert.match(finding('bun install --backend copyfile')?.message ?? '', /second copy of every package file and the registry manifests: for express@4\.21\.2 about 3(\.0)? MB/);
    assert.match(finding('bun install')?.message ?? '', /hard links shared with node_modules.*Add `bun pm cache rm` to the same RUN, use `--no-cache` or a cache mount/);
  });

  it('a cache folder of /dev/null moves the cache into node_modules/.cache: no bun pm cache rm fix (it fails there), rm -rf of that folder or --no-cache will do', () => {
    for (const [run, more] of [['bun install', 'ENV BUN_INSTALL_CACHE_DIR=/dev/null\n'], ['bun install --cache-dir=/dev/null', ''], ['BUN_INSTALL_CACHE_DIR="/dev/null" bun install', '']]) {
      const f = finding(run, more);
      assert.match(f?.message ?? '', /cannot use \/dev\/null as its cache folder and keeps the cache in node_modules\/\.cache/, run);
      const text = `FROM oven/bun:1\nWORKDIR /app\n${more}RUN ${run}\n`;
      assert.equal(fixAll(text, env()).text, text, run);
      for (const after of [' && rm -rf node_modules/.cache', ' && rm -rf /app/node_modules', ' --no-cache']) assert.equal(finding(run + after, more), undefined, run + after);
    }
    // In a builder stage, a copy of node_modules carries that cache into the final image; HOME's does not hold it.
    const staged = (copy: string) => analyze(`FROM oven/bun:1 AS build\nWORKDIR /app\nENV BUN_INSTALL_CACHE_DIR=/dev/null\nCOPY package.json bun.lock ./\nRUN bun install\n\nFROM oven/bun:1-slim\n${copy}\n`, env()).findings.find((f) => f.ruleId === 'bun-cache-kept');
    assert.equal(staged('COPY --from=build /app/node_modules /app/node_modules')?.inFinalImage, true);
    assert.notEqual(staged('COPY --from=build /root /root')?.inFinalImage, true);
  });

  it('stays linear on long files: three times the yarn RUNs take under 4.5 times as long (each read every earlier command for yarn config set: over 7 times)', function () {
    this.timeout(120_000);
    assertLinearCheck('yarn-berry-cache-kept', (runs) => `FROM node:22-slim\nRUN corepack enable && yarn set version 4.5.0 && yarn config set nodeLinker node-modules\n${Array.from({ length: runs }, (_, i) => `RUN yarn add p${i} && echo ${i}\n`).join('')}`);
  });
});
