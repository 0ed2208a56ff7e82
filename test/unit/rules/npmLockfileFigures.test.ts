/**
 * npm-dev-dependencies and npm-cache-kept give this project's figures when the build context's
 * lockfile is copied before the install and the npm package table knows at least half of its
 * packages (a lower bound when it lacks some), and keep the measured example only
 * when the context does not tell. Both are family rules whose findings
 * are kept across edits: a lockfile that appears or changes must not leave the old figures.
 *
 * test/fixtures/npm-lockfile-dev: a real lockfile written by npm 11 (`npm install
 * --package-lock-only`) for express ^4.19 with the devDependencies prettier ^3 and nodemon ^3,
 * lines the table holds. test/fixtures/npm-lockfile: its devDependency typescript 4.9.5 is of a
 * line the table does not hold.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { EMPTY_ENVIRONMENT, type AnalysisEnvironment } from '../../../server/src/core/environment';
import type { Finding } from '../../../server/src/core/types';
import { estimateBaseImage, estimateNpmCache, estimateNpmLockfile, formatBytes } from '../../../server/src/sizes';
import { parseNpmLockfile } from '../../../server/src/sources/context/facts';

const lockfileOf = (folder: string) => parseNpmLockfile(readFileSync(join(__dirname, `../../../../test/fixtures/${folder}/package-lock.json`), 'utf8'), 'package-lock.json')!;
const withDev = lockfileOf('npm-lockfile-dev');
const unknownDev = lockfileOf('npm-lockfile');
const env = (lockfile = withDev): AnalysisEnvironment => ({ context: { npmLockfile: lockfile } });

// `npm test` needs the devDependencies; `npm run build` would leave them to build-tools-in-final-image (below).
const DOCKERFILE = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nRUN npm test\nCMD ["node", "dist/index.js"]\n';
const finding = (findings: Finding[], id: string): Finding => {
  const f = findings.find((x) => x.ruleId === id);
  assert.ok(f, `no ${id} finding`);
  return f;
};

describe('npm rules with the build context lockfile', () => {
  const all = estimateNpmLockfile(withDev);
  const prod = estimateNpmLockfile(withDev, { omitDev: true });
  // Entries marked dev that npm installs here (fsevents, dev and optional, is for macOS only).
  const devCount = all.installed - prod.installed;

  it('the fixture is what the tests need: dev packages, all known to the table', () => {
    assert.deepEqual(all.unknown, []);
    assert.ok(withDev.packages.filter((p) => p.dev && !p.optional).length === devCount);
    assert.ok(devCount > 10 && all.bytes - prod.bytes > 1_000_000, `${devCount} dev packages, ${all.bytes - prod.bytes} bytes`);
  });

  it('npm-dev-dependencies: the size of the lockfile entries marked dev, in the message and the saving', () => {
    const f = finding(analyze(DOCKERFILE, env()).findings, 'npm-dev-dependencies');
    assert.equal(f.saving?.bytes, all.bytes - prod.bytes);
    assert.match(f.saving!.basis, new RegExp(`^unpacked size of the ${devCount} packages package-lock\\.json marks \`dev: true\` \\(what --omit=dev leaves out\\), from npm registry metadata of \\d{4}-\\d{2}-\\d{2}$`));
    assert.ok(f.message.includes(`about ${formatBytes(all.bytes - prod.bytes)} in the ${devCount} packages package-lock.json marks as dev (unpacked sizes from the npm package table)`), f.message);
    assert.doesNotMatch(f.message, /small TypeScript service/);
    // The rest of the message stays: the later use of the devDependencies is still quoted.
    assert.match(f.message, /Line 6 \(`npm test`\) needs them/);
  });

  it('a named install after --omit=dev installs the dev entries again (npm 6 to 11): the rule and the image estimate give their figure', () => {
    const text = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nRUN npm install is-odd\nCMD ["node", "index.js"]\n';
    const f = finding(analyze(text, env()).findings, 'npm-dev-dependencies');
    assert.equal(f.range.start.line, 4);
    assert.equal(f.saving?.bytes, all.bytes - prod.bytes);
    const layer = estimateImage(buildModel(text), env())!.layers.find((l) => l.instr.index === 4)!;
    assert.equal(layer.parts.find((p) => p.label === 'devDependencies installed again')?.bytes, all.bytes - prod.bytes);
    // Left out again, or global: none.
    for (const run of ['npm install --omit=dev is-odd', 'npm install -g is-odd']) {
      const again = text.replace('npm install is-odd', run);
      assert.equal(analyze(again, env()).findings.some((x) => x.ruleId === 'npm-dev-dependencies'), false, run);
      assert.equal(estimateImage(buildModel(again), env())!.layers.find((l) => l.instr.index === 4)!.parts.some((p) => p.label === 'devDependencies installed again'), false, run);
    }
  });

  it('build-tools-in-final-image gives the figure where npm-dev-dependencies leaves it the install a build needs', () => {
    const text = DOCKERFILE.replace('npm test', 'npm run build');
    const findings = analyze(text, env()).findings;
    assert.equal(findings.some((f) => f.ruleId === 'npm-dev-dependencies'), false);
    const f = finding(findings, 'build-tools-in-final-image');
    assert.equal(f.saving?.bytes, all.bytes - prod.bytes);
    assert.match(f.saving!.basis, new RegExp(`^the devDependencies the build needs: unpacked size of the ${devCount} packages .*; base-image-not-slim counts node:20 against node:20-slim$`));
    assert.ok(f.message.endsWith(`about ${formatBytes(all.bytes - prod.bytes)} in the ${devCount} packages package-lock.json marks as dev (unpacked sizes from the npm package table).`), f.message);
    // base-image-not-slim off: node:20 to node:20-slim as well, the two figures added.
    const alone = finding(analyze(text, env(), { severities: { 'base-image-not-slim': 'off' } }).findings, 'build-tools-in-final-image');
    assert.equal(alone.saving?.bytes, estimateBaseImage('node:20')!.unpackedBytes - estimateBaseImage('node:20-slim')!.unpackedBytes + all.bytes - prod.bytes);
  });

  it("npm-cache-kept: npm's cache for what this install downloads, the figure of the image estimate", () => {
    const f = finding(analyze(DOCKERFILE, env()).findings, 'npm-cache-kept');
    const cache = estimateNpmCache(all);
    assert.equal(f.saving?.bytes, cache.bytes);
    assert.ok(f.saving!.basis.startsWith(cache.basis) && f.saving!.basis.endsWith(`; for the ${all.installed} packages of package-lock.json it installs`), f.saving!.basis);
    assert.ok(f.message.includes(`about ${formatBytes(cache.bytes)} for the ${all.installed} packages of package-lock.json it installs (beside about ${formatBytes(all.bytes)} installed; from the npm package table)`), f.message);
    assert.doesNotMatch(f.message, /express@4\.21\.2/);
    const layer = estimateImage(buildModel(DOCKERFILE), env())!.layers.find((l) => l.instr.index === 3)!;
    assert.equal(layer.parts.find((p) => p.label.startsWith('npm cache left'))?.bytes, f.saving?.bytes);
  });

  it('with --omit=dev the cache is that of the production packages', () => {
    const text = 'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCMD ["node", "index.js"]\n';
    const findings = analyze(text, env()).findings;
    assert.equal(findings.some((f) => f.ruleId === 'npm-dev-dependencies'), false);
    assert.equal(finding(findings, 'npm-cache-kept').saving?.bytes, estimateNpmCache(prod).bytes);
  });

  // The lockfile fixture with dev entries the table lacks (a private package, a line it does not hold).
  const withUnknownDev = (n: number) => ({
    ...withDev,
    packages: [...withDev.packages, ...Array.from({ length: n }, (_, i) => ({ location: `node_modules/@private/tool-${i}`, name: `@private/tool-${i}`, version: '1.0.0', dev: true }))],
  });

  it('npm-dev-dependencies: a lower bound when the table knows at least half of the dev packages, the example when it knows fewer', () => {
    const bytes = all.bytes - prod.bytes;
    const f = finding(analyze(DOCKERFILE, env(withUnknownDev(3))).findings, 'npm-dev-dependencies');
    assert.ok(f.message.includes(`at least about ${formatBytes(bytes)} in the ${devCount} of ${devCount + 3} packages package-lock.json marks as dev (unpacked sizes from the npm package table, which lacks the others)`), f.message);
    assert.equal(f.saving?.bytes, bytes);
    assert.match(f.saving!.basis, new RegExp(`^at least unpacked size of the ${devCount} of ${devCount + 3} packages .*, which lacks the other 3$`));
    // The image estimate of that layer is a lower bound too.
    const layer = estimateImage(buildModel(DOCKERFILE), env(withUnknownDev(3)))!.layers.find((l) => l.instr.index === 3)!;
    assert.equal(layer.complete, false);
    // Exactly half known still gives the lower bound; fewer, the measured example.
    assert.ok(finding(analyze(DOCKERFILE, env(withUnknownDev(devCount))).findings, 'npm-dev-dependencies').message.includes(`at least about ${formatBytes(bytes)} in the ${devCount} of ${2 * devCount} packages`));
    const few = finding(analyze(DOCKERFILE, env(withUnknownDev(devCount + 1))).findings, 'npm-dev-dependencies');
    assert.match(few.message, /in a small TypeScript service we measured about 59 MB/);
    assert.equal(few.saving?.bytes, undefined);
  });

  it('npm-cache-kept: a lower bound when the table knows at least half of the packages, the example when it knows fewer; the image estimate says the same', () => {
    const cacheOf = (n: number) => {
      const f = finding(analyze(DOCKERFILE, env(withUnknownDev(n))).findings, 'npm-cache-kept');
      const part = estimateImage(buildModel(DOCKERFILE), env(withUnknownDev(n)))!.layers.find((l) => l.instr.index === 3)!.parts.find((p) => p.label.startsWith('npm cache left'))!;
      assert.equal(part.bytes, f.saving?.bytes);
      return { f, part };
    };
    // Entries the table lacks add nothing: the cache of the others, a lower bound.
    const known = estimateNpmCache(all);
    assert.equal(estimateNpmCache(estimateNpmLockfile(withUnknownDev(3))).bytes, known.bytes);
    const { f, part } = cacheOf(3);
    const n = all.installed;
    assert.ok(f.message.includes(`at least about ${formatBytes(known.bytes)} for the ${n} of ${n + 3} packages of package-lock.json it installs (beside at least about ${formatBytes(all.bytes)} installed; from the npm package table, which lacks the others)`), f.message);
    assert.equal(f.saving?.bytes, known.bytes);
    assert.equal(f.saving?.basis, `at least ${known.basis}; not the 3 packages the table lacks; for the ${n} of ${n + 3} packages of package-lock.json it installs`);
    assert.equal(part.complete, false);
    // Exactly half known still gives the lower bound; fewer, the measured example and no cache figure.
    assert.equal(cacheOf(n).f.saving?.bytes, known.bytes);
    const few = cacheOf(n + 1);
    assert.match(few.f.message, /for express@4\.21\.2 it was about 3\.3 MB/);
    assert.equal(few.part.bytes, undefined);
  });

  it('falls back to the measured examples without a lockfile, when it is not copied before the RUN, or when the table lacks packages', () => {
    const notCopied = 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCMD ["node", "index.js"]\n';
    for (const [text, e, why] of [
      [DOCKERFILE, EMPTY_ENVIRONMENT, 'no lockfile'],
      [notCopied, env(), 'lockfile not copied'],
      [DOCKERFILE, env(unknownDev), 'typescript@4.9 not in the table'],
    ] as const) {
      const findings = analyze(text, e).findings;
      const dev = finding(findings, 'npm-dev-dependencies');
      assert.match(dev.message, /in a small TypeScript service we measured about 59 MB/, why);
      assert.equal(dev.saving?.bytes, undefined, why);
      // Its one dev package is unknown; the cache of the other packages is a lower bound (above).
      if (e.context.npmLockfile === unknownDev) continue;
      const cache = finding(findings, 'npm-cache-kept');
      assert.match(cache.message, /for express@4\.21\.2 it was about 3\.3 MB/, why);
      assert.equal(cache.saving?.bytes, undefined, why);
    }
  });

  // npm 9.2.0 (Debian bookworm) and 11.19.1, `npm ci` of express 4.22.3's lockfile into an empty
  // cache: with the `resolved` URLs npm writes by default, 71 tarballs and no registry document
  // (765,005 bytes of content, the table's tarball sizes); without them (this machine's npmrc:
  // omit-lockfile-registry-resolved), npm 11.19.1 read the 70 documents too. The real-build check
  // is in test/integration/engine/fixes.test.ts.
  it("npm-cache-kept: lockfile entries that give their tarball's URL add no registry document to the cache", () => {
    assert.ok(unknownDev.packages.every((p) => p.resolved) && !withDev.packages.some((p) => p.resolved), 'the two fixtures: with and without `resolved`');
    const resolved = { ...withDev, packages: withDev.packages.map((p) => ({ ...p, resolved: true })) };
    const est = estimateNpmLockfile(resolved);
    assert.equal(est.cacheEntries, new Set(est.packages).size);
    assert.ok(est.cacheContentBytes < all.cacheContentBytes && est.cacheEntries < all.cacheEntries);
    const f = finding(analyze(DOCKERFILE, env(resolved)).findings, 'npm-cache-kept');
    assert.equal(f.saving?.bytes, estimateNpmCache(est).bytes);
    // One entry without its URL: that package's document again.
    const one = estimateNpmLockfile({ ...resolved, packages: resolved.packages.map((p, i) => (i === 0 ? { ...p, resolved: false } : p)) });
    assert.equal(one.cacheEntries, est.cacheEntries + 1);
  });

  it('kept family findings follow the lockfile: it appears, changes, goes', () => {
    const devBytes = (a: ReturnType<typeof analyze>) => finding(a.findings, 'npm-dev-dependencies').saving?.bytes;
    const none = analyze(DOCKERFILE, EMPTY_ENVIRONMENT);
    const appears = analyze(DOCKERFILE, env(), {}, none);
    assert.equal(devBytes(appears), all.bytes - prod.bytes);
    const same = analyze(DOCKERFILE, env(), {}, appears);
    assert.equal(same.findings.find((f) => f.ruleId === 'npm-cache-kept')?.saving?.bytes, estimateNpmCache(all).bytes);
    const changed = analyze(DOCKERFILE, env(unknownDev), {}, same);
    assert.equal(devBytes(changed), undefined);
    const gone = analyze(DOCKERFILE, EMPTY_ENVIRONMENT, {}, appears);
    assert.equal(devBytes(gone), undefined);
    // Each equals a fresh analysis in the same environment.
    for (const [kept, e] of [[appears, env()], [changed, env(unknownDev)], [gone, EMPTY_ENVIRONMENT]] as const) {
      assert.deepEqual(kept.findings.map((f) => [f.ruleId, f.message, f.saving]), analyze(DOCKERFILE, e).findings.map((f) => [f.ruleId, f.message, f.saving]));
    }
  });
});
