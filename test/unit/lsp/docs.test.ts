/**
 * Diagnostics link to a rule's section of docs/rules.md by its lines (server/src/lsp/docs.ts): every
 * rule's link names lines that begin at its heading and end after its quick-fix paragraph, in the
 * generated page itself, and the section they select holds the same text as the rule's own page
 * (but for its Stages and Silencing texts, said once at the top of the page).
 * The diagnostics in .dockerignore files link to the lines of docs/dockerignore.md's section that
 * explains them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCKERIGNORE_RULES } from '../../../server/src/core/dockerignore/diagnostics';
import { DOCKERIGNORE_DIAGNOSTICS_HEADING, pageSections, ruleDocUri } from '../../../server/src/lsp/docs';
import { RULES } from '../../../server/src/rules';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('rule doc links', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8').split('\n');

  for (const rule of RULES) {
    it(`${rule.id}: links to the lines of its section of docs/rules.md`, () => {
      const href = ruleDocUri(rule.id);
      const m = /^(file:.*)#L(\d+)-L(\d+)$/.exec(href);
      assert.ok(m, `not a link to lines: ${href}`);
      assert.equal(fileURLToPath(m[1]), path.join(ROOT, 'docs', 'rules.md'));
      const [first, end] = [Number(m[2]), Number(m[3])];
      const selected = page.slice(first - 1, end - 1);
      assert.equal(selected[0], `## ${rule.id}`);
      assert.equal(selected.at(-1), rule.docs.fix.split('\n').at(-1));
      assert.ok(page.slice(0, first).some((l) => l.startsWith('Silencing, for every rule ') && l.includes('`# size-hints ignore=<id>`')), 'no Silencing text at the top');
      // The rule's own page, a heading level up, minus its generated-by comment and its Stages
      // section: this page says the Stages text most rules share once, at its top, and each
      // heading line says which applies.
      const own = fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8').split('\n');
      const body = own.slice(0, own.findIndex((l) => l.startsWith('<!-- generated'))).join('\n').trimEnd();
      const stages = /\n## Stages\n\n(.*)\n/.exec(body)?.[1];
      const note = stages === 'Reported in every stage.' ? ' · stages: all' : ' · stages: final image';
      assert.ok(stages === 'Reported in every stage.' || (stages && page.slice(0, first).some((l) => l.startsWith('Stages, ') && l.endsWith(`: ${stages}`))), `${rule.id}: its Stages text is neither "every stage" nor the top's`);
      assert.ok(selected[2].endsWith(note), `${rule.id}: the heading line does not end with "${note}"`);
      const shown = selected.map((l, k) => (k === 2 ? l.slice(0, -note.length) : l.startsWith('##') ? l.slice(1) : l)).join('\n');
      assert.equal(shown, body.replace(/\n## Stages\n\n.*\n/, '').replace(/\n\n## Silencing\n\n.*$/, ''));
      assert.match(body, new RegExp(`\\n## Silencing\\n\\n\`# size-hints ignore=${rule.id}\``), `${rule.id}: its own page has no Silencing section`);
    });
  }

  const ignorePage = fs.readFileSync(path.join(ROOT, 'docs', 'dockerignore.md'), 'utf8').split('\n');
  for (const id of Object.keys(DOCKERIGNORE_RULES)) {
    it(`${id}: links to the lines of docs/dockerignore.md's section on the diagnostics in .dockerignore files`, () => {
      const href = ruleDocUri(id);
      const m = /^(file:.*)#L(\d+)-L(\d+)$/.exec(href);
      assert.ok(m, `not a link to lines: ${href}`);
      assert.equal(fileURLToPath(m[1]), path.join(ROOT, 'docs', 'dockerignore.md'));
      const [first, end] = [Number(m[2]), Number(m[3])];
      const selected = ignorePage.slice(first - 1, end - 1);
      assert.equal(selected[0], `## ${DOCKERIGNORE_DIAGNOSTICS_HEADING}`);
      // The whole section: its table explains this rule, and only blank lines follow up to the next section.
      assert.ok(selected.some((l) => l.startsWith(`| \`${id}\` |`)), `${id}: not in the selected section's table`);
      assert.notEqual(selected.at(-1)!.trim(), '');
      const after = ignorePage.slice(end - 1);
      assert.match(after.find((l) => l.trim() !== '') ?? '', /^## /);
    });
  }

  it('skips headings inside fenced examples and ends a section at its last non-blank line', () => {
    const text = ['# Rules', '', '## a', '', '```dockerfile', '## b', '```', '', '', '## c', 'x', ''].join('\n');
    assert.deepEqual([...pageSections(text)], [
      ['a', { first: 3, end: 8 }],
      ['c', { first: 10, end: 12 }],
    ]);
  });
});
