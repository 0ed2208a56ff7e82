/**
 * `npm install` of a project without a lockfile installs what its package.json declares. When the
 * build context's package.json is copied before the install, npm-dev-dependencies names its
 * devDependencies (and says nothing when it has none: `--omit=dev` would change nothing), and
 * npm-cache-kept and the image estimate size the install from the npm package table, its ranges
 * resolved as npm resolves them against the versions the table holds.
 *
 * test/fixtures/npm-lockfile-dev/package.json: express ^4.19 with the devDependencies prettier ^3
 * and nodemon ^3, lines the table holds.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { contextCopyBytes } from '../../../server/src/core/buildContext';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { TOP_LEVEL_ENTRIES, type AnalysisEnvironment, type ContextScanFacts, type NpmManifestFacts } from '../../../server/src/core/environment';
import type { Finding } from '../../../server/src/core/types';
import { estimateNpmCache, estimateNpmInstall, formatBytes } from '../../../server/src/sizes';
import { parseNpmLockfile } from '../../../server/src/sources/context/facts';
import { parseNpmManifest } from '../../../server/src/sources/context/npmManifest';

const fixture = (file: string) => readFileSync(join(__dirname, `../../../../test/fixtures/npm-lockfile-dev/${file}`), 'utf8');
const withDev = parseNpmManifest(fixture('package.json'))!;
const noDev = parseNpmManifest('{"name":"x","dependencies":{"express":"^4.19.0"}}')!;
const env = (npmManifest: NpmManifestFacts, more: AnalysisEnvironment['context'] = {}): AnalysisEnvironment => ({ context: { npmManifest, ...more } });

const DOCKERFILE = 'FROM node:20\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nCMD ["node", "server.js"]\n';
const ids = (findings: Finding[]) => findings.map((f) => f.ruleId);
const finding = (findings: Finding[], id: string): Finding => {
  const f = findings.find((x) => x.ruleId === id);
  assert.ok(f, `no ${id} finding in ${ids(findings).join(', ')}`);
  return f;
};

describe('npm rules with the build context package.json and no lockfile', () => {
  it('reads package.json: specs as name@range, workspaces, a BOM; not JSON or not an object gives nothing', () => {
    assert.deepEqual(withDev, { path: 'package.json', dependencies: ['express@^4.19.0'], devDependencies: ['prettier@^3.0.0', 'nodemon@^3.0.0'], optionalDependencies: [], workspaces: false });
    assert.deepEqual(parseNpmManifest('\uFEFF{"devDependencies":{"a":"1","b":2},"workspaces":["packages/*"]}'), { path: 'package.json', dependencies: [], devDependencies: ['a@1'], optionalDependencies: [], workspaces: true });
    assert.equal(parseNpmManifest('{"workspaces":{"packages":[]}}')?.workspaces, true);
    for (const bad of ['', '{', '[]', 'null', '"x"']) assert.equal(parseNpmManifest(bad), undefined, bad);
  });

  it('npm-dev-dependencies: no finding when package.json declares no devDependencies', () => {
    const findings = analyze(DOCKERFILE, env(noDev)).findings;
    assert.ok(!ids(findings).includes('npm-dev-dependencies'), ids(findings).join(', '));
    // Nor when each devDependency resolves to a package the dependencies pull in already (express
    // 4.21.2 needs debug 2.6.9): --omit=dev would leave out nothing. It said 'about 0 B'.
    const pulledIn = parseNpmManifest('{"dependencies":{"express":"^4.19.0"},"devDependencies":{"debug":"^2.6.9"}}')!;
    assert.ok(!ids(analyze(DOCKERFILE, env(pulledIn)).findings).includes('npm-dev-dependencies'));
    // npm ci too (with a lockfile the facts do not hold, too large or of an old format): npm ci
    // refuses a lockfile out of step with package.json, so it installs no dev packages either.
    assert.ok(!ids(analyze(DOCKERFILE.replace('npm install', 'npm ci'), env(noDev)).findings).includes('npm-dev-dependencies'));
    // Without package.json in the facts, nothing tells: the rule still reports, with its example.
    assert.match(finding(analyze(DOCKERFILE, { context: {} }).findings, 'npm-dev-dependencies').message, /small TypeScript service/);
  });

  it('npm-dev-dependencies: names the devDependencies and sizes what they add', () => {
    const all = estimateNpmInstall(['express@^4.19.0', 'prettier@^3.0.0', 'nodemon@^3.0.0']);
    const prod = estimateNpmInstall(['express@^4.19.0']);
    assert.deepEqual([...all.unknown, ...prod.unknown], []);
    const f = finding(analyze(DOCKERFILE, env(withDev)).findings, 'npm-dev-dependencies');
    assert.equal(f.saving?.bytes, all.bytes - prod.bytes);
    assert.ok(all.bytes - prod.bytes > 0);
    assert.ok(f.message.includes(`the 2 devDependencies of package.json (prettier, nodemon): about ${formatBytes(all.bytes - prod.bytes)} with what they pull in`), f.message);
    assert.match(f.saving!.basis, /ranges resolved as npm does against npm registry metadata of \d{4}-\d{2}-\d{2} \(no lockfile/);
  });

  it('npm-dev-dependencies: devDependencies the table cannot resolve are named, not sized', () => {
    const unknown = parseNpmManifest('{"dependencies":{"express":"^4.19.0"},"devDependencies":{"typescript":"^2.0.0","a":"1","b":"1","c":"1","d":"1"}}')!;
    const f = finding(analyze(DOCKERFILE, env(unknown)).findings, 'npm-dev-dependencies');
    assert.equal(f.saving?.bytes, undefined);
    assert.match(f.message, /the 5 devDependencies of package\.json \(typescript, a, b and 2 more\); the npm package table cannot size them all/);
  });

  it('npm-dev-dependencies: a lower bound when the table resolves at least half of the devDependencies', () => {
    const partial = parseNpmManifest('{"dependencies":{"express":"^4.19.0"},"devDependencies":{"prettier":"^3.0.0","nodemon":"^3.0.0","typescript":"^2.0.0"}}')!;
    const known = estimateNpmInstall(['express@^4.19.0', 'prettier@^3.0.0', 'nodemon@^3.0.0']).bytes - estimateNpmInstall(['express@^4.19.0']).bytes;
    const f = finding(analyze(DOCKERFILE, env(partial)).findings, 'npm-dev-dependencies');
    assert.equal(f.saving?.bytes, known);
    assert.match(f.saving!.basis, /^at least unpacked size/);
    assert.ok(f.message.includes(`the 3 devDependencies of package.json (prettier, nodemon, typescript): at least about ${formatBytes(known)} with what they pull in (ranges resolved against the npm package table, which cannot size typescript@^2.0.0; there is no lockfile)`), f.message);
  });

  it('a workspaces root, package.json not copied before the install, a copied lockfile: package.json does not decide', () => {
    const ws = { ...noDev, workspaces: true };
    const notCopied = 'FROM node:20\nWORKDIR /app\nCOPY server.js ./\nRUN npm install\nCMD ["node", "server.js"]\n';
    const lockfile = parseNpmLockfile(fixture('package-lock.json'), 'package-lock.json')!;
    for (const [text, e, why] of [
      [DOCKERFILE, env(ws), 'workspaces'],
      [notCopied, env(noDev), 'not copied'],
    ] as const) {
      assert.match(finding(analyze(text, e).findings, 'npm-dev-dependencies').message, /small TypeScript service/, why);
    }
    // The lockfile, copied by the same COPY, sizes the install (its dev entries), not package.json.
    const f = finding(analyze(DOCKERFILE, env(noDev, { npmLockfile: lockfile })).findings, 'npm-dev-dependencies');
    assert.match(f.message, /package-lock\.json marks as dev/);
  });

  it('a lockfile that pins no dev package, or a project that lists no package at all: no finding to omit or clean', () => {
    const lockfile = parseNpmLockfile(fixture('package-lock.json'), 'package-lock.json')!;
    const prodOnly = { ...lockfile, packages: lockfile.packages.filter((p) => !p.dev) };
    const findings = analyze(DOCKERFILE.replace('npm install', 'npm ci'), { context: { npmLockfile: prodOnly } }).findings;
    assert.ok(!ids(findings).includes('npm-dev-dependencies'), ids(findings).join(', '));
    assert.ok(ids(findings).includes('npm-cache-kept'));
    // examples/node-app: "dependencies": {} and a lockfile without packages; npm downloads nothing.
    const empty = parseNpmLockfile('{"lockfileVersion":3,"packages":{"":{"name":"x"}}}', 'package-lock.json')!;
    const none = parseNpmManifest('{"name":"x","dependencies":{}}')!;
    for (const [text, context] of [
      [DOCKERFILE.replace('npm install', 'npm ci'), { npmLockfile: empty }],
      [DOCKERFILE, { npmManifest: none }],
    ] as const) {
      const got = ids(analyze(text, { context }).findings);
      assert.ok(!got.includes('npm-cache-kept') && !got.includes('npm-dev-dependencies'), got.join(', '));
    }
  });

  it('npm-cache-kept and the image estimate size the install from package.json', () => {
    const all = estimateNpmInstall(['express@^4.19.0', 'prettier@^3.0.0', 'nodemon@^3.0.0']);
    const cache = estimateNpmCache(all);
    const f = finding(analyze(DOCKERFILE, env(withDev)).findings, 'npm-cache-kept');
    assert.equal(f.saving?.bytes, cache.bytes);
    assert.ok(f.message.includes(`about ${formatBytes(cache.bytes)} for the ${all.packages.length} packages package.json installs without a lockfile`), f.message);
    const layer = estimateImage(buildModel(DOCKERFILE), env(withDev))!.layers.find((l) => l.instr.index === 3)!;
    assert.equal(layer.bytes, all.bytes + cache.bytes);
    assert.equal(layer.complete, true);
    assert.match(layer.parts[0].label, /^npm install \(package\.json, no lockfile: \d+ packages\)$/);
    // --omit=dev: only the dependencies.
    const omit = estimateImage(buildModel(DOCKERFILE.replace('npm install', 'npm install --omit=dev')), env(withDev))!.layers.find((l) => l.instr.index === 3)!;
    assert.equal(omit.parts[0].bytes, estimateNpmInstall(['express@^4.19.0']).bytes);
  });

  it('npm-cache-kept: a lower bound when the table resolves at least half of what package.json installs', () => {
    const partial = parseNpmManifest('{"dependencies":{"express":"^4.19.0","typescript":"^2.0.0"}}')!;
    const known = estimateNpmInstall(['express@^4.19.0']);
    const f = finding(analyze(DOCKERFILE, env(partial)).findings, 'npm-cache-kept');
    assert.equal(f.saving?.bytes, estimateNpmCache(known).bytes);
    assert.match(f.saving!.basis, /^at least /);
    assert.ok(f.message.includes(`at least about ${formatBytes(f.saving!.bytes!)} for ${known.packages.length} of the packages package.json installs without a lockfile (beside at least about ${formatBytes(known.bytes)} installed; from the npm package table, which lacks typescript@^2.0.0)`), f.message);
    const part = estimateImage(buildModel(DOCKERFILE), env(partial))!.layers.find((l) => l.instr.index === 3)!.parts.find((p) => p.label.startsWith('npm cache left'))!;
    assert.deepEqual([part.bytes, part.complete], [f.saving?.bytes, false]);
  });

  it('kept family findings follow package.json: it appears, changes, goes', () => {
    const none = analyze(DOCKERFILE, { context: {} });
    const appears = analyze(DOCKERFILE, env(noDev), {}, none);
    assert.ok(!ids(appears.findings).includes('npm-dev-dependencies'));
    const changed = analyze(DOCKERFILE, env(withDev), {}, appears);
    const gone = analyze(DOCKERFILE, { context: {} }, {}, changed);
    for (const [kept, e] of [[appears, env(noDev)], [changed, env(withDev)], [gone, { context: {} }]] as const) {
      assert.deepEqual(kept.findings.map((f) => [f.ruleId, f.message, f.saving]), analyze(DOCKERFILE, e).findings.map((f) => [f.ruleId, f.message, f.saving]));
    }
  });
});

describe('COPY of a pattern at the top of the build context, sized from the scan', () => {
  const scan = (topLevel: ContextScanFacts['topLevel']): ContextScanFacts => ({ complete: true, files: topLevel.length, bytes: topLevel.reduce((n, t) => n + t.bytes, 0), topLevel, heavy: [], secrets: [] });
  const entries = [
    { path: 'node_modules', bytes: 5_000_000, files: 900, isDirectory: true },
    { path: 'package-lock.json', bytes: 40_000, files: 1 },
    { path: 'package.json', bytes: 700, files: 1 },
    { path: 'server.js', bytes: 300, files: 1 },
  ];
  const copy = (line: string) => buildModel(`FROM node:20\n${line}\n`).instructions[1];

  it('sums the top-level entries the pattern matches', () => {
    assert.equal(contextCopyBytes(copy('COPY package*.json ./'), { scan: scan(entries) }), 40_700);
    assert.equal(contextCopyBytes(copy('COPY ./package*.json server.js ./'), { scan: scan(entries) }), 41_000);
    assert.equal(contextCopyBytes(copy('COPY *.md ./'), { scan: scan(entries) }), 0);
  });

  it('is not sized when the scan did not list every top-level entry, or for a pattern below the top or with a variable', () => {
    const many = Array.from({ length: TOP_LEVEL_ENTRIES }, (_, i) => ({ path: `f${i}.json`, bytes: 1, files: 1 }));
    assert.equal(contextCopyBytes(copy('COPY *.json ./'), { scan: scan(many) }), undefined);
    assert.equal(contextCopyBytes(copy('COPY src/*.json ./'), { scan: scan(entries) }), undefined);
    assert.equal(contextCopyBytes(copy('COPY ${APP}*.json ./'), { scan: scan(entries) }), undefined);
  });
});

describe('npm-cache-kept names the folder npm caches in', () => {
  const at = (text: string) => analyze(text, { context: {} }).findings.find((f) => f.ruleId === 'npm-cache-kept')?.message ?? '';
  it('--cache, npm_config_cache, else ~/.npm', () => {
    assert.match(at('FROM node:20\nRUN npm install -g typescript\n'), /npm leaves its cache \(~\/\.npm\) in this layer/);
    assert.match(at('FROM node:20\nRUN npm install --cache /tmp/npm-cache -g typescript\n'), /npm leaves its cache \(\/tmp\/npm-cache\) in this layer/);
    assert.match(at('FROM node:20\nENV npm_config_cache=/var/cache/npm\nRUN npm install -g typescript\n'), /npm leaves its cache \(\/var\/cache\/npm\) in this layer/);
  });
});
