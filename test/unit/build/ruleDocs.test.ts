/**
 * The server bundle without the rules' documentation (scripts/ruleDocs.mjs): bundled as the build
 * does it, the server holds none of the rules' docs text, and still holds the rest of every rule
 * (its title); bundled without the plugin it holds both. The CLI keeps the docs (SARIF), and the
 * transform touches only RuleDocs objects.
 */
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { RULES } from '../../../server/src/rules';

const repoRoot = resolve(__dirname, '../../../..');

interface RuleDocsModule {
  stripRuleDocs(source: string, fileName?: string): { contents: string; stripped: number };
  ruleDocsPlugin(): Plugin;
}

const load = async (): Promise<RuleDocsModule> => (await import(pathToFileURL(join(repoRoot, 'scripts', 'ruleDocs.mjs')).href)) as RuleDocsModule;

/** `entry` bundled (not minified, so strings stay as written) with the vendored libraries left out. */
async function bundle(entry: string, plugins: Plugin[]): Promise<string> {
  const r = await build({
    entryPoints: [join(repoRoot, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    external: ['vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument', 'dockerfile-ast', 'js-yaml', 'semver'],
    plugins,
  });
  return r.outputFiles[0].text;
}

/** The longest piece of a text that a string literal holds as is (no quotes, escapes or interpolations). */
function sample(text: string): string {
  const pieces = (text.match(/[A-Za-z0-9 ,.;:()-]+/g) ?? []).sort((a, b) => b.length - a.length);
  assert.ok(pieces[0] && pieces[0].length >= 12, `no plain piece in: ${text}`);
  return pieces[0];
}

describe('server bundle without the rules\u2019 docs', function () {
  this.timeout(60_000);

  it('leaves every rule\u2019s docs out of the server and keeps its title; without the plugin both are there', async () => {
    const { ruleDocsPlugin } = await load();
    const [stripped, plain] = await Promise.all([bundle('server/src/server.ts', [ruleDocsPlugin()]), bundle('server/src/server.ts', [])]);
    assert.ok(RULES.length >= 40, `${RULES.length} rules`);
    for (const rule of RULES) {
      assert.ok(plain.includes(sample(rule.docs.why)), `${rule.id}: the docs sample is not in the plain bundle`);
      assert.ok(!stripped.includes(sample(rule.docs.why)), `${rule.id}: its docs are still in the server bundle`);
      assert.ok(stripped.includes(sample(rule.title)), `${rule.id}: its title went missing`);
    }
    assert.ok(stripped.length < plain.length - 40_000, `${plain.length} -> ${stripped.length} bytes`);
  });

  it('strips only objects shaped like RuleDocs, whatever wraps them', async () => {
    const { stripRuleDocs } = await load();
    const source = [
      "export const rule = { id: 'x', docs: { summary: 'S', why: `a ${1} }` }, title: 'T' };",
      "export const spec = { docs: ({ summary: 'S2', fix: '{' }) as RuleDocs, keep: { docs: { other: 1 } } };",
      'export const passed = { docs: spec.docs };',
    ].join('\n');
    const { contents, stripped } = stripRuleDocs(source);
    assert.equal(stripped, 2);
    assert.equal(
      contents,
      [
        "export const rule = { id: 'x', docs: undefined, title: 'T' };",
        'export const spec = { docs: undefined, keep: { docs: { other: 1 } } };',
        'export const passed = { docs: spec.docs };',
      ].join('\n'),
    );
  });
});
