// Writes the README that goes into the .vsix (what the Extensions view and the Marketplace show):
// README.md up to its first section for developers (DEVELOPER_SECTIONS: how it performs, how to
// build and test it), without the two developer commands the repository README opens with. The
// sections a user reads (install, what it shows, rules, configuration, CLI, other editors, where
// the numbers come from) are kept word for word. `npm run package` passes the file to vsce with
// `--readme-path`; README.md itself is not changed.
//   node scripts/package-readme.mjs <out.md>
// The developer sections took 3.3 KB of the .vsix after deflate (2026-12-03).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The first section of README.md that a user of the extension does not need, and all after it. */
const DEVELOPER_SECTIONS = '## Performance and robustness';

export function packageReadme(readme) {
  const lines = readme.split('\n');
  const end = lines.indexOf(DEVELOPER_SECTIONS);
  if (end < 0) throw new Error(`package-readme: README.md has no line "${DEVELOPER_SECTIONS}"; update DEVELOPER_SECTIONS in scripts/package-readme.mjs`);
  const kept = lines.slice(0, end);
  // The developer commands: the first fenced block, between the title and the description.
  const open = kept.findIndex((l) => l.startsWith('```'));
  const close = open < 0 ? -1 : kept.findIndex((l, i) => i > open && l.startsWith('```'));
  if (open > 0 && close > open && kept.slice(1, open).every((l) => l.trim() === '')) kept.splice(open, close - open + 2);
  return kept.join('\n').trimEnd() + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/package-readme.mjs <out.md>');
  writeFileSync(out, packageReadme(readFileSync(new URL('../README.md', import.meta.url), 'utf8')));
}
