/**
 * dist/THIRD_PARTY_NOTICES.txt (scripts/build.mjs, writeNotices), which the .vsix ships: every npm
 * package whose code is in a shipped bundle has its name, version and license text there. Which
 * packages those are is read here another way than the build does: from the `// node_modules/...`
 * line esbuild writes before each module of an unminified bundle (`npm run compile`).
 * dist/cli.js is left out: the .vsix does not ship it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../../..');
const dist = join(root, 'dist');

/** The packages (folder under the repository, name) whose modules the unminified bundle `file` holds. */
function bundledPackages(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [, dir, name] of readFileSync(file, 'utf8').matchAll(/^\/\/ (.*node_modules\/((?:@[^/\n]+\/)?[^/\n]+))\//gm)) out.set(dir, name);
  return out;
}

describe('third-party notices', () => {
  before(function () {
    if (!existsSync(join(dist, 'THIRD_PARTY_NOTICES.txt'))) {
      console.log('      skipped: no dist/THIRD_PARTY_NOTICES.txt (run `npm run compile` first)');
      this.skip();
    }
    if (!readFileSync(join(dist, 'server-main.js'), 'utf8').includes('\n// server/src/')) {
      console.log('      skipped: dist/ is a minified build (npm run package), without module markers; run `npm run compile`');
      this.skip();
    }
  });

  it('give the name, version and license text of each package whose code a shipped bundle holds', () => {
    const notices = readFileSync(join(dist, 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    const bundles = [...readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'cli.js'), ...readdirSync(join(dist, 'v')).filter((f) => f.endsWith('.js')).map((f) => `v/${f}`)];
    const packages = new Map(bundles.flatMap((b) => [...bundledPackages(join(dist, b))]));
    // The language client and server libraries, the parser, the YAML library and semver at least.
    assert.ok(packages.size >= 5, `only ${packages.size} packages found in the bundles' module markers`);
    for (const [dir, name] of packages) {
      const { version, license } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { version: string; license: string };
      const header = `==== ${name} ${version} (${license}) ====`;
      assert.ok(notices.includes(header), `${header} is not in dist/THIRD_PARTY_NOTICES.txt`);
      const licenseFile = readdirSync(join(root, dir)).find((f) => /^licen[cs]e(\.(txt|md))?$/i.test(f));
      assert.ok(licenseFile, `${name} has no license file`);
      const section = notices.slice(notices.indexOf(header));
      assert.ok(section.includes(readFileSync(join(root, dir, licenseFile), 'utf8').trim()), `the license text of ${name} does not follow its header`);
    }
  });
});
