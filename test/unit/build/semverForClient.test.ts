/**
 * client/src/semverForClient.ts, what the language client library gets for semver's parse and
 * satisfies (scripts/build.mjs, STUBBED): it must answer as semver does, for the library's own use
 * (parse VS Code's version, clear its prerelease, check it against a caret range) and for anything
 * else it is handed; and the bundled library must no longer load semver when it loads.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Module = require('node:module');
import { join, resolve } from 'node:path';
import * as fc from 'fast-check';
import semverParse = require('semver/functions/parse');
import semverSatisfies = require('semver/functions/satisfies');
import { parse, PlainVersion, satisfies } from '../../../client/src/semverForClient';

/** The library's check (vscode-languageclient/lib/node/main.js, checkVersion), with either pair of functions. */
function check(p: (v: string) => { prerelease: ReadonlyArray<string | number> } | null, s: (v: never, r: string) => boolean, version: string, range: string): string {
  const parsed = p(version);
  if (!parsed) return 'no version';
  if (parsed.prerelease && parsed.prerelease.length > 0) (parsed as { prerelease: unknown[] }).prerelease = [];
  return s(parsed as never, range) ? 'satisfied' : 'not satisfied';
}

const VERSIONS = ['1.100.3', '1.91.0', '1.90.9', '1.91.1', '2.0.0', '0.91.0', '1.101.0-insider', '1.100.3+build.7', 'v1.100.3', ' 1.100.3 ', '01.2.3', '1.2', '1.2.3.4', '', 'x', '9007199254740991.0.0', '9007199254740992.0.0', '1.0.0-0', '1.100.0-rc.1'];
/** A fixed seed as in the other property suites; `FC_SEED=<n>` or `FC_SEED=random` for others. */
const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261206);
const RANGES = ['^1.91.0', '^1.100.3', '^2.0.0', '^0.2.3', '^1.91', '>=1.91.0', '1.x', '~1.91.0', '^1.91.0 || ^2.0.0', '*', '^9007199254740991.0.0'];

describe('semver for the language client library (client/src/semverForClient.ts)', () => {
  it('answers the library\'s version check as semver does, for plain and other versions and ranges', () => {
    for (const version of VERSIONS) {
      for (const range of RANGES) {
        assert.equal(check(parse as never, satisfies as never, version, range), check(semverParse as never, semverSatisfies as never, version, range), `${JSON.stringify(version)} against ${range}`);
      }
    }
  });

  it('answers plain versions against caret ranges itself, as semver does (random versions and ranges)', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 200 }));
    const plain = fc.tuple(part, part, part).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(plain, plain, (version, rangeBase) => {
        const range = `^${rangeBase}`;
        assert.equal(check(parse as never, satisfies as never, version, range), check(semverParse as never, semverSatisfies as never, version, range), `${version} against ${range}`);
        return true;
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('parses a plain version itself and hands other forms to semver', () => {
    const plain = parse('1.100.3');
    assert.ok(plain instanceof PlainVersion);
    assert.deepEqual([plain.major, plain.minor, plain.patch, plain.prerelease, plain.version], [1, 100, 3, [], '1.100.3']);
    for (const other of ['1.101.0-insider', 'v1.100.3', '1.100.3+build.7']) {
      const parsed = parse(other);
      assert.ok(!(parsed instanceof PlainVersion) && parsed !== null, other);
      assert.equal(parsed.version, semverParse(other)!.version, other);
    }
    assert.equal(parse('1.2'), null);
  });

  it('leaves semver unloaded when the bundled language client library loads (dist/v/lc.js)', function () {
    const vendor = resolve(__dirname, '../../../../dist/v');
    const bundle = join(vendor, 'lc.js');
    if (!existsSync(bundle)) {
      console.log('      skipped: no dist/ (run `npm run compile` first)');
      this.skip();
    }
    // A stand-in for the vscode module: every capitalised name the bundle reads is a class (the
    // library extends some of them when it loads); the namespaces are empty objects.
    const names = new Set([...readFileSync(bundle, 'utf8').matchAll(/\.([A-Z][A-Za-z]+)\b/g)].map((m) => m[1]));
    const standIn: Record<string, unknown> = { version: '1.100.3' };
    for (const name of names) standIn[name] = class {};
    for (const name of ['workspace', 'window', 'languages', 'commands', 'env', 'extensions', 'notebooks', 'tests', 'l10n']) standIn[name] = {};
    const fromVendor = () => Object.keys(require.cache).filter((f) => f.startsWith(vendor));
    const forget = () => fromVendor().forEach((f) => delete require.cache[f]);
    const resolveFilename = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
    const standInPath = join(vendor, 'vscode-stand-in.js');
    forget();
    require.cache[standInPath] = { id: standInPath, filename: standInPath, loaded: true, exports: standIn } as unknown as NodeJS.Module;
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? standInPath : resolveFilename.call(this, request, ...rest);
    };
    try {
      const library = require(bundle) as { LanguageClient: unknown };
      assert.equal(typeof library.LanguageClient, 'function');
      const loaded = fromVendor().map((f) => f.slice(vendor.length + 1)).sort();
      assert.ok(loaded.includes('lsp.js'), loaded.join(', '));
      assert.ok(!loaded.includes('semver.js'), `loaded: ${loaded.join(', ')}`);
    } finally {
      (Module as unknown as { _resolveFilename: unknown })._resolveFilename = resolveFilename;
      delete require.cache[standInPath];
      forget();
    }
  });
});
