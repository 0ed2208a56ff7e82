/**
 * The README the .vsix carries (scripts/package-readme.mjs, written by `npm run package`): README.md
 * up to its developer sections, without the developer commands it opens with and the blocks it marks
 * as not for the package (the screenshots), every other line as in README.md; and a README.md without the heading the cut is made at fails the package instead
 * of shipping all of it or nothing.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../..');

const load = async (): Promise<{ packageReadme(readme: string): string }> =>
  (await import(pathToFileURL(join(repoRoot, 'scripts', 'package-readme.mjs')).href)) as { packageReadme(readme: string): string };

describe('README of the .vsix', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('keeps the user sections of README.md line for line and leaves out the developer ones', async () => {
    const { packageReadme } = await load();
    const shipped = packageReadme(readme).split('\n');
    const lines = readme.split('\n');
    const cut = lines.indexOf('## Performance and robustness');
    assert.ok(cut > 0);
    const headings = (ls: string[]) => ls.filter((l) => /^## /.test(l));
    assert.deepEqual(headings(shipped), headings(lines.slice(0, cut)));
    for (const gone of ['## Performance and robustness', '## Building and testing', 'npm install && npm run analyse-examples']) assert.ok(!shipped.some((l) => l.includes(gone)), `${gone} is shipped`);
    // What is left is README.md's text from the description on, unchanged, but for the blocks it
    // marks as not for the package (and the blank line after each).
    const from = lines.findIndex((l) => l.startsWith('A VS Code extension'));
    const kept = lines.slice(from, cut);
    for (let start; (start = kept.findIndex((l) => l.startsWith('<!-- not in the package'))) >= 0; ) {
      const end = kept.findIndex((l, i) => i > start && l.startsWith('<!-- end of not in the package'));
      assert.ok(end > start, 'a block marked not for the package has no end marker');
      kept.splice(start, end - start + 1 + (kept[end + 1]?.trim() === '' ? 1 : 0));
    }
    assert.equal(shipped[0], lines[0]);
    assert.deepEqual(shipped.slice(2).join('\n').trimEnd(), kept.join('\n').trimEnd());
  });

  it('holds no image the package does not ship (it ships none: the screenshots of README.md are left out)', async () => {
    const { packageReadme } = await load();
    assert.ok(readme.includes('](docs/screenshots/'), 'README.md has its screenshots');
    const images = packageReadme(readme).match(/!\[[^\]]*\]\((?!https?:)[^)]*\)/g) ?? [];
    assert.deepEqual(images, []);
  });

  it('fails on a block marked not for the package that does not end', async () => {
    const { packageReadme } = await load();
    assert.throws(() => packageReadme('# T\n\nA VS Code extension.\n<!-- not in the package -->\n![x](a.png)\n\n## Performance and robustness\n'), /without "<!-- end of not in the package" after it/);
  });

  it('fails when README.md has no developer heading to cut at', async () => {
    const { packageReadme } = await load();
    assert.throws(() => packageReadme('# Title\n\nText.\n'), /no line "## Performance and robustness"/);
  });
});
