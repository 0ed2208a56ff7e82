/**
 * The README the .vsix carries (scripts/package-readme.mjs, written by `npm run package`): README.md
 * up to its developer sections, without the developer commands it opens with, every other line as
 * in README.md; and a README.md without the heading the cut is made at fails the package instead
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
    // What is left is README.md's text from the description on, unchanged.
    const from = lines.findIndex((l) => l.startsWith('A VS Code extension'));
    assert.equal(shipped[0], lines[0]);
    assert.deepEqual(shipped.slice(2).join('\n').trimEnd(), lines.slice(from, cut).join('\n').trimEnd());
  });

  it('fails when README.md has no developer heading to cut at', async () => {
    const { packageReadme } = await load();
    assert.throws(() => packageReadme('# Title\n\nText.\n'), /no line "## Performance and robustness"/);
  });
});
