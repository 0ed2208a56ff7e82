// Writes the README that goes into the .vsix (what the Extensions view and the Marketplace show):
// README.md up to its first section for developers (DEVELOPER_SECTIONS: how it performs, how to
// build and test it), without the two developer commands the repository README opens with and the
// blocks it marks as not for the package (the screenshots, which the .vsix does not ship). The
// sections a user reads (install, what it shows, rules, configuration, CLI, where
// the numbers come from) are kept word for word, but for the rules table (see below); the section on other editors is not (they run the
// server from a checkout, not from the .vsix). `npm run package` passes the file to vsce with
// `--readme-path`; README.md itself is not changed.
// Its links name files of the package only: VS Code resolves a relative link of an installed
// extension's README against the extension's folder, where README.md's links to the page of each
// rule (docs/rules/<id>.md) and to the developer pages (docs/performance.md and others) lead to
// files the .vsix does not hold. A rule's link goes to its section of docs/rules.md instead, as
// the diagnostics do, at its first line (`#L<first>`: the diagnostics' `#L<first>-L<end>` would cost the
// .vsix about 170 bytes more for the table's 45 links), and a link to a file the package does not ship keeps
// its text without the link.
//   node scripts/package-readme.mjs <out.md>
// The developer sections took 3.3 KB of the .vsix after deflate (2026-12-03).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The first section of README.md that a user of the extension does not need, and all after it. */
const DEVELOPER_SECTIONS = '## Performance and robustness';

/** The rules table README.md holds (written by scripts/generate-docs.mjs). */
const RULES_START = '<!-- rules:start -->';
const RULES_END = '<!-- rules:end -->';

/** Lines between these (HTML comments, which Markdown viewers do not show) are left out of the package. */
export const OMIT_START = '<!-- not in the package';
export const OMIT_END = '<!-- end of not in the package';

/** The files the .vsix holds by name: the `!` lines of .vscodeignore (an allow-list) without wildcards. */
export function shippedFiles(vscodeignore) {
  return new Set(
    vscodeignore
      .split('\n')
      .filter((l) => l.startsWith('!') && !/[*?[]/.test(l))
      .map((l) => l.slice(1).trim()),
  );
}

/**
 * Fenced code blocks (to their closing fence, or the end of the text) and code spans (within a
 * paragraph): Markdown shows what they hold as it is, link syntax included.
 */
const CODE = /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))|(`+)(?:(?!\n[ \t]*\n)[\s\S])*?(?<!`)\2(?!`)/gm;

/** `text` without its code blocks and code spans (scripts/check-vsix.mjs reads the links of the rest). */
export function withoutCode(text) {
  return text.replace(CODE, '');
}

/**
 * `text` with every relative link pointing into the package: `docs/rules/<id>.md` to the lines of
 * the rule's section of docs/rules.md (`rulesPage`, its text), a shipped file as it is, any other
 * file unlinked (its text stays). Links with a scheme and links within the page are left alone,
 * and so is link syntax within code, which is shown as written.
 */
export function packageLinks(text, { shipped, rulesPage }) {
  const { pageSections } = createRequire(import.meta.url)('../out/server/src/lsp/docs.js');
  const sections = pageSections(rulesPage);
  const code = [...text.matchAll(CODE)].map((m) => [m.index, m.index + m[0].length]);
  return text.replace(/(?<!!)\[([^\]]*)\]\(([^)\s]+)\)/g, (link, label, target, at) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return link;
    if (code.some(([start, end]) => at >= start && at < end)) return link;
    const file = target.replace(/#.*$/, '');
    const rule = /^docs\/rules\/([a-z0-9-]+)\.md$/.exec(file);
    const section = rule && sections.get(rule[1]);
    if (section) return `[${label}](docs/rules.md#L${section.first})`;
    return shipped.has(file) ? link : label;
  });
}

/** Each rule's title in docs/rules.md (`rulesPage`): the bold line under its `## <id>` heading. */
export function ruleTitles(rulesPage) {
  return new Map([...rulesPage.matchAll(/^## ([a-z0-9-]+)\n\n\*\*(.+?)\*\* · /gm)].map((m) => [m[1], m[2]]));
}

/** README.md as the package ships it; `links` (the shipped files and docs/rules.md) also points its links into the package. */
export function packageReadme(readme, links, titles = links ? ruleTitles(links.rulesPage) : new Map()) {
  const lines = readme.split('\n');
  const end = lines.indexOf(DEVELOPER_SECTIONS);
  if (end < 0) throw new Error(`package-readme: README.md has no line "${DEVELOPER_SECTIONS}"; update DEVELOPER_SECTIONS in scripts/package-readme.mjs`);
  const kept = lines.slice(0, end);
  // The developer commands: the first fenced block, between the title and the description.
  const open = kept.findIndex((l) => l.startsWith('```'));
  const close = open < 0 ? -1 : kept.findIndex((l, i) => i > open && l.startsWith('```'));
  if (open > 0 && close > open && kept.slice(1, open).every((l) => l.trim() === '')) kept.splice(open, close - open + 2);
  // Blocks README.md marks as not for the package (the screenshots: the .vsix ships no images, and
  // an image it does not hold shows as a broken one in the Extensions view), with the blank line after.
  for (let start; (start = kept.findIndex((l) => l.startsWith(OMIT_START))) >= 0; ) {
    const end = kept.findIndex((l, i) => i > start && l.startsWith(OMIT_END));
    if (end < 0) throw new Error(`package-readme: "${OMIT_START}" without "${OMIT_END}" after it`);
    kept.splice(start, end - start + 1 + (kept[end + 1]?.trim() === '' ? 1 : 0));
  }
  // The rules table without its hadolint column and its last (a rule's typical saving), and with
  // each rule's title (`titles`, from docs/rules.md) for what it catches: the package's
  // docs/rules.md, to which each rule's name links, gives the code, the saving and the full
  // description on the rule's first lines. The saving column was a third of this README; the
  // descriptions in place of the titles about 1.2 KB of the .vsix (2026-12-06).
  const rulesStart = kept.indexOf(RULES_START);
  const rulesEnd = kept.indexOf(RULES_END);
  for (let i = rulesStart + 1; rulesStart >= 0 && i < rulesEnd; i++) {
    if (!kept[i].startsWith('|')) continue;
    const cells = kept[i].split(/(?<!\\)\|/);
    const id = /^ \[([a-z0-9-]+)\]/.exec(cells[1])?.[1];
    const title = id && titles.get(id);
    if (id && titles.size > 0 && !title) throw new Error(`package-readme: docs/rules.md has no title for ${id}`);
    kept[i] = [cells[0], cells[1], title ? ` ${title} ` : cells[3], cells[4], cells[cells.length - 1]].join('|');
  }
  const text = kept.join('\n').trimEnd() + '\n';
  return links ? packageLinks(text, links) : text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/package-readme.mjs <out.md>');
  const read = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  writeFileSync(out, packageReadme(read('README.md'), { shipped: shippedFiles(read('.vscodeignore')), rulesPage: read('docs/rules.md') }));
}
