/**
 * The README the .vsix carries (scripts/package-readme.mjs, written by `npm run package`): README.md
 * up to its developer sections, without the developer commands it opens with and the blocks it marks
 * as not for the package (the screenshots), every other line as in README.md but for the rules
 * table (no hadolint or typical saving column, each rule's title for what it catches: the packaged
 * docs/rules.md has all three); and a README.md without the heading the cut is made at fails the package instead
 * of shipping all of it or nothing.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../..');

interface Links {
  shipped: Set<string>;
  rulesPage: string;
}
interface Module {
  packageReadme(readme: string, links?: Links, titles?: Map<string, string>): string;
  shippedFiles(vscodeignore: string): Set<string>;
  ruleTitles(rulesPage: string): Map<string, string>;
}
const load = async (): Promise<Module> => (await import(pathToFileURL(join(repoRoot, 'scripts', 'package-readme.mjs')).href)) as Module;

/** Relative link targets of Markdown `text` (not images, not URLs, not in-page anchors). */
const relativeLinks = (text: string) => [...text.matchAll(/(?<!!)\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => m[2]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'));

describe('README of the .vsix', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('keeps the user sections of README.md line for line and leaves out the developer ones', async () => {
    const { packageReadme } = await load();
    const shipped = packageReadme(readme).split('\n');
    const lines = readme.split('\n');
    const cut = lines.indexOf('## Performance and robustness');
    assert.ok(cut > 0);
    const headings = (ls: string[]) => ls.filter((l) => /^## /.test(l));
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
    // Every user section but those marked whole (other editors run the server from a checkout).
    assert.deepEqual(headings(shipped), headings(kept));
    assert.ok(headings(lines.slice(0, cut)).includes('## Any editor: the language server') && !headings(shipped).includes('## Any editor: the language server'));
    // The rules table loses its hadolint column and its last (typical saving), which docs/rules.md
    // gives in full; the other cells are README.md's.
    const table = (ls: string[]) => ls.slice(ls.indexOf('<!-- rules:start -->') + 1, ls.indexOf('<!-- rules:end -->'));
    const shippedTable = table(shipped);
    assert.equal(shippedTable[0], '| rule | catches | fix |');
    assert.equal(shippedTable.length, table(kept).length);
    const cells = (row: string) => row.split(/(?<!\\)\|/);
    for (const [i, row] of table(kept).entries()) {
      const all = cells(row);
      assert.deepEqual(cells(shippedTable[i]), [all[0], all[1], all[3], all[4], all[6]], `row ${i}: ${shippedTable[i]}`);
    }
    const start = kept.indexOf('<!-- rules:start -->');
    kept.splice(start + 1, shippedTable.length, ...shippedTable);
    assert.equal(shipped[0], lines[0]);
    assert.deepEqual(shipped.slice(2).join('\n').trimEnd(), kept.join('\n').trimEnd());
  });

  it('names what each rule catches by its title in docs/rules.md (the full description is one click away there)', async () => {
    const { packageReadme, shippedFiles } = await load();
    const shipped = shippedFiles(readFileSync(join(repoRoot, '.vscodeignore'), 'utf8'));
    const rulesPage = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');
    const lines = packageReadme(readme, { shipped, rulesPage }).split('\n');
    const rows = lines.slice(lines.indexOf('<!-- rules:start -->') + 3, lines.indexOf('<!-- rules:end -->'));
    assert.ok(rows.length >= 45, `${rows.length} rules`);
    for (const row of rows) {
      const [, rule, catches] = row.split(/(?<!\\)\|/);
      const id = /\[([a-z0-9-]+)\]/.exec(rule)![1];
      const title = new RegExp(`^## ${id}\\n\\n\\*\\*(.+?)\\*\\* · `, 'm').exec(rulesPage)?.[1];
      assert.ok(title, `no title for ${id} in docs/rules.md`);
      assert.equal(catches.trim(), title, id);
    }
  });

  it('holds no image the package does not ship (it ships none: the screenshots of README.md are left out)', async () => {
    const { packageReadme } = await load();
    assert.ok(readme.includes('](docs/screenshots/'), 'README.md has its screenshots');
    const images = packageReadme(readme).match(/!\[[^\]]*\]\((?!https?:)[^)]*\)/g) ?? [];
    assert.deepEqual(images, []);
  });

  it('links only to files the package ships: a rule to its section of docs/rules.md, other pages unlinked', async () => {
    const { packageReadme, shippedFiles, ruleTitles } = await load();
    const shipped = shippedFiles(readFileSync(join(repoRoot, '.vscodeignore'), 'utf8'));
    const rulesPage = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');
    const plain = packageReadme(readme, undefined, ruleTitles(rulesPage));
    const linked = packageReadme(readme, { shipped, rulesPage });
    // Before, 48 different files were linked that the .vsix does not hold (42 rule pages among them).
    const missing = [...new Set(relativeLinks(plain).map((t) => t.replace(/#.*$/, '')))].filter((f) => !shipped.has(f));
    assert.ok(missing.length >= 43 && missing.includes('docs/rules/apt-lists-kept.md') && missing.includes('docs/size-model.md'), missing.join(', '));
    const targets = relativeLinks(linked);
    assert.deepEqual([...new Set(targets.map((t) => t.replace(/#.*$/, '')))].filter((f) => !shipped.has(f)), []);
    const pageLines = rulesPage.split('\n');
    const ruleLinks = [...linked.matchAll(/\[([a-z0-9-]+)\]\(docs\/rules\.md#L(\d+)\)/g)];
    assert.equal(new Set(ruleLinks.map((m) => m[1])).size, 45, 'every rule of the table links to its section');
    for (const [, id, first] of ruleLinks) assert.equal(pageLines[Number(first) - 1], `## ${id}`, `${id}: the link does not start at its heading`);
    // Only link targets change: without the links' syntax both texts are the same.
    const labels = (t: string) => t.replace(/(?<!!)\[([^\]]*)\]\([^)\s]+\)/g, '$1');
    assert.equal(labels(linked), labels(plain));
  });

  it('fails on a block marked not for the package that does not end', async () => {
    const { packageReadme } = await load();
    assert.throws(() => packageReadme('# T\n\nA VS Code extension.\n<!-- not in the package -->\n![x](a.png)\n\n## Performance and robustness\n'), /without "<!-- end of not in the package" after it/);
  });

  it('leaves link syntax within code as written, and rewrites a link whose text holds code', async () => {
    const { packageLinks } = (await import(pathToFileURL(join(repoRoot, 'scripts', 'package-readme.mjs')).href)) as { packageLinks(text: string, links: Links): string };
    const rulesPage = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');
    const links = { shipped: new Set(['docs/rules.md']), rulesPage };
    const code = [
      'Write `[apt-lists-kept](docs/rules/apt-lists-kept.md)` to link a rule, or ``see [it](docs/performance.md)``.',
      '',
      '```md',
      '[apt-lists-kept](docs/rules/apt-lists-kept.md) and [performance](docs/performance.md)',
      '```',
      '',
    ].join('\n');
    assert.equal(packageLinks(code, links), code);
    const linked = packageLinks('See [`apt-get update`](docs/rules/apt-lists-kept.md) and [`docs/performance.md`](docs/performance.md).\n', links);
    assert.match(linked, /^See \[`apt-get update`\]\(docs\/rules\.md#L\d+\) and `docs\/performance\.md`\.$/m);
  });

  it('fails when README.md has no developer heading to cut at', async () => {
    const { packageReadme } = await load();
    assert.throws(() => packageReadme('# Title\n\nText.\n'), /no line "## Performance and robustness"/);
  });
});
