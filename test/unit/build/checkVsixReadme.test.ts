/**
 * scripts/check-vsix.mjs's check of the packaged README's links (run by `npm run package` on the
 * unpacked .vsix): every relative link names a file of the package, and a link written in a form
 * the check does not read fails it rather than passing unread (it used to skip such links, and a
 * README without any link passed with 0 checked).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../..');

type CheckReadmeLinks = (extension: string) => number;
const load = async (): Promise<CheckReadmeLinks> => ((await import(pathToFileURL(join(repoRoot, 'scripts', 'check-vsix.mjs')).href)) as { checkReadmeLinks: CheckReadmeLinks }).checkReadmeLinks;
const packageReadme = async (): Promise<string> => {
  const mod = (await import(pathToFileURL(join(repoRoot, 'scripts', 'package-readme.mjs')).href)) as {
    packageReadme(readme: string, links: { shipped: Set<string>; rulesPage: string }): string;
    shippedFiles(vscodeignore: string): Set<string>;
  };
  const read = (f: string) => readFileSync(join(repoRoot, f), 'utf8');
  return mod.packageReadme(read('README.md'), { shipped: mod.shippedFiles(read('.vscodeignore')), rulesPage: read('docs/rules.md') });
};

describe('check-vsix: the packaged README links only to files of the package', () => {
  let extension: string;
  const rulesPage = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');
  before(() => {
    extension = join(mkdtempSync(join(tmpdir(), 'dsh-vsix-readme-')), 'extension');
    mkdirSync(join(extension, 'docs'), { recursive: true });
    writeFileSync(join(extension, 'docs', 'rules.md'), rulesPage);
    writeFileSync(join(extension, 'docs', 'dockerignore.md'), readFileSync(join(repoRoot, 'docs', 'dockerignore.md')));
    writeFileSync(join(extension, 'package.json'), '{}');
  });
  after(() => rmSync(resolve(extension, '..'), { recursive: true, force: true }));
  const withReadme = (text: string) => writeFileSync(join(extension, 'README.md'), text);

  it('passes the README that scripts/package-readme.mjs writes, reading its links', async () => {
    const check = await load();
    const readme = await packageReadme();
    withReadme(readme);
    const links = readme.match(/(?<!!)\[[^\]]*\]\((?![a-z][a-z0-9+.-]*:|#)[^)\s]+\)/gi) ?? [];
    assert.ok(links.length >= 43, `${links.length} relative links`);
    assert.equal(check(extension), links.length);
  });

  it('fails on a link to a file the package does not hold, or to lines beyond its end', async () => {
    const check = await load();
    withReadme('See [apt-lists-kept](docs/rules/apt-lists-kept.md).\n');
    assert.throws(() => check(extension), /links to docs\/rules\/apt-lists-kept\.md, which the package does not hold/);
    withReadme('See [the rules](../README.md).\n');
    assert.throws(() => check(extension), /which the package does not hold/);
    const end = rulesPage.split('\n').length + 2;
    withReadme(`See [the rules](docs/rules.md#L2-L${end}).\n`);
    assert.throws(() => check(extension), /not lines of docs\/rules\.md/);
  });

  it('fails on relative links it does not read instead of passing them unread', async () => {
    const check = await load();
    const fine = 'Rules: [the rules page](docs/rules.md), [site](https://example.com/x "title"), [top](#top).\n';
    withReadme(fine);
    assert.equal(check(extension), 1);
    for (const unread of [
      '[apt-lists-kept](docs/rules/apt-lists-kept.md "its page")',
      '[apt-lists-kept]( docs/rules/apt-lists-kept.md )',
      '[the [apt] rule](docs/rules/apt-lists-kept.md)',
      '[apt-lists-kept][rule]\n\n[rule]: docs/rules/apt-lists-kept.md',
      '<a href="docs/performance.md">performance</a>',
      '![screenshot](docs/screenshots/hover.png)',
    ]) {
      withReadme(`${fine}\n${unread}\n`);
      assert.throws(() => check(extension), /a link this check does not read/, unread);
    }
    // Code holds no links.
    withReadme(`${fine}\nWrite \`[x](docs/y.md)\` for a link.\n\n\`\`\`md\n[x](docs/y.md)\n\`\`\`\n`);
    assert.equal(check(extension), 1);
  });

  it('fails when it finds no link to check', async () => {
    const check = await load();
    withReadme('# Dockerfile Size Hints\n\nNo links, or none in a form the check reads: [site](https://example.com).\n');
    assert.throws(() => check(extension), /the check read none/);
  });
});
