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
import { RULES } from '../../../server/src/rules';

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
      'docs/dockerignore.md',
      ...manifest.contributes.languages.flatMap((l) => (l.configuration ? [posix.normalize(l.configuration)] : [])),
      ...manifest.contributes.grammars.map((g) => posix.normalize(g.path)),
      ...RULES.map((r) => `docs/rules/${r.id}.md`),
    ];
    for (const file of needed) assert.ok(files.includes(file), `${file} is not in the .vsix`);
  });

  it('ships every file a shipped bundle requires', () => {
    const bundles = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    let requires = 0;
    for (const bundle of bundles) {
      for (const [, target] of readFileSync(join(repoRoot, bundle), 'utf8').matchAll(/require\("(\.\.?\/[^"]+)"\)/g)) {
        requires++;
        const file = posix.join(posix.dirname(bundle), target);
        assert.ok(files.includes(file), `${bundle} requires ${target}, which is not in the .vsix`);
      }
    }
    // Sanity: the client and server bundles load the vendored libraries this way.
    assert.ok(requires >= 5, `only ${requires} relative requires found`);
  });

  it('ships no source maps, sources, tests or dependencies', () => {
    for (const file of files) {
      assert.ok(!file.endsWith('.map'), `${file}: a source map`);
      assert.ok(!/^(out|test|server|client|scripts|examples|node_modules|test-results)\//.test(file), `${file} should not ship`);
      assert.ok(!/\.ts$/.test(file), `${file}: a TypeScript source`);
    }
  });
});
