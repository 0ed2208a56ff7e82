/**
 * What the .vsix ships (`vsce ls`, which reads .vscodeignore's allow-list the way `npm run package`
 * does): every file the extension loads or links to, and nothing it does not need. A bundle that
 * requires a file the allow-list leaves out works from the repository (the VS Code and UI suites run
 * on dist/ there) and fails only once installed from the .vsix, so this is checked here.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

function shipped(): string[] {
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce ls failed: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('.vsix contents', function () {
  this.timeout(60_000);
  let files: string[];

  before(function () {
    if (!existsSync(join(repoRoot, 'dist', 'server-main.js'))) {
      console.log('      skipped: no dist/ (run `npm run compile` first)');
      this.skip();
    }
    files = shipped();
  });

  it('ships the entry points, the grammar files package.json names, and every rule page diagnostics link to', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      main: string;
      contributes: { languages: { configuration?: string }[]; grammars: { path: string }[] };
    };
    const needed = [
      'package.json',
      'README.md',
      posix.normalize(manifest.main),
      'dist/server.js',
      'dist/server-main.js',
      // The size tables' brotli streams, which dist/server-main.js reads (scripts/packedTables.mjs, streamsFile).
      'dist/tables.br',
      'docs/dockerignore.md',
      ...manifest.contributes.languages.flatMap((l) => (l.configuration ? [posix.normalize(l.configuration)] : [])),
      ...manifest.contributes.grammars.map((g) => posix.normalize(g.path)),
      'docs/rules.md',
      // The licenses of the packages bundled into dist/ (scripts/build.mjs, writeNotices).
      'dist/THIRD_PARTY_NOTICES.txt',
    ];
    for (const file of needed) assert.ok(files.includes(file), `${file} is not in the .vsix`);
    // The page per rule is for browsing the repository; the links go to docs/rules.md.
    for (const file of files) assert.ok(!file.startsWith('docs/rules/'), `${file} ships, though nothing links to it`);
  });

  /** Each relative require in a shipped bundle: the bundle and the file it names. */
  function requires(): { bundle: string; target: string; file: string }[] {
    return files
      .filter((f) => f.startsWith('dist/') && f.endsWith('.js'))
      .flatMap((bundle) =>
        [...readFileSync(join(repoRoot, bundle), 'utf8').matchAll(/require\("(\.\.?\/[^"]+)"\)/g)].map(([, target]) => ({ bundle, target, file: posix.join(posix.dirname(bundle), target) })),
      );
  }

  it('ships every file a shipped bundle requires', () => {
    const all = requires();
    for (const { bundle, target, file } of all) assert.ok(files.includes(file), `${bundle} requires ${target}, which is not in the .vsix`);
    // Sanity: the client and server bundles load the vendored libraries this way.
    assert.ok(all.length >= 5, `only ${all.length} relative requires found`);
  });

  it('ships no vendor file that no shipped bundle requires (a library no longer vendored)', () => {
    const required = new Set(requires().map((r) => r.file));
    for (const file of files.filter((f) => f.startsWith('dist/v/'))) assert.ok(required.has(file), `${file} is in the .vsix, but no bundle requires it`);
  });

  it('names its files shortly: a zip holds each name twice, uncompressed (vendored libraries in dist/v/, scripts/build.mjs VENDOR)', () => {
    const vendored = files.filter((f) => f.startsWith('dist/v/'));
    assert.ok(vendored.length >= 8, vendored.join(', '));
    for (const file of vendored) assert.match(file, /^dist\/v\/[a-z]{2,6}\.js$/);
    // 506 characters with dist/vendor/<package name>.js (2026-12-06), 327 now.
    const characters = files.reduce((n, f) => n + f.length, 0);
    assert.ok(characters <= 350, `${characters} characters in the names of ${files.length} files`);
  });

  it('ships no source maps, sources, tests or dependencies', () => {
    for (const file of files) {
      assert.ok(!file.endsWith('.map'), `${file}: a source map`);
      assert.ok(!/^(out|test|server|client|scripts|examples|node_modules|test-results)\//.test(file), `${file} should not ship`);
      assert.ok(!/\.ts$/.test(file), `${file}: a TypeScript source`);
    }
  });
});
