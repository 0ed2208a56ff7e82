// The language server's bundle leaves out the rules' documentation (`docs`: summary, why,
// examples, size impact; see server/src/rules/rule.ts). The server never reads it: diagnostics
// link to docs/rules/<id>.md, which the .vsix ships, generated from the same text. Only the CLI
// (SARIF output, core/formats.ts) and scripts/generate-docs.mjs read it, and they keep it. The dev
// bundle leaves it out too, so a server feature that started reading it would fail the LSP tests.
//
// Why: the 42 rules' docs are about 50 KB of text, which the server parsed at every start (they sit
// in the rule modules' top-level objects) and which took about 14 KB of the .vsix after deflate.
//
// How: each rule module is parsed with TypeScript's parser, and the object literal of every
// property `docs` that has a `summary` (a RuleDocs) is replaced by `undefined`; the rest of the
// file is handed to esbuild unchanged.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** `source` with the initializer of each RuleDocs-valued `docs` property replaced by `undefined`. */
export function stripRuleDocs(source, fileName = 'rule.ts') {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const spans = [];
  const unwrap = (node) => (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node);
  const visit = (node) => {
    if (ts.isPropertyAssignment(node) && node.name.getText(file) === 'docs') {
      const value = unwrap(node.initializer);
      if (ts.isObjectLiteralExpression(value) && value.properties.some((p) => p.name?.getText(file) === 'summary')) {
        spans.push([node.initializer.getStart(file), node.initializer.getEnd()]);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end] of spans.reverse()) out = `${out.slice(0, start)}undefined${out.slice(end)}`;
  return { contents: out, stripped: spans.length };
}

/** esbuild plugin for the server bundle: rule modules load through {@link stripRuleDocs}. */
export function ruleDocsPlugin() {
  return {
    name: 'strip-rule-docs',
    setup(b) {
      b.onLoad({ filter: /[\\/]server[\\/]src[\\/]rules[\\/][^\\/]+\.ts$/ }, (args) => {
        const { contents, stripped } = stripRuleDocs(readFileSync(args.path, 'utf8'), args.path);
        return stripped === 0 ? undefined : { contents, loader: 'ts' };
      });
    },
  };
}
