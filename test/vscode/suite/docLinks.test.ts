/**
 * A diagnostic's code link, opened the way VS Code opens it from the Problems panel or the hover
 * (the opener service, which `vscode.open` with a bare URI goes through): the shipped rules page,
 * docs/rules.md, with the rule's section selected from its heading through its silencing line,
 * and the heading in view.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, exampleUri, openAndWaitForWarnings, waitFor } from './helpers';

describe('rule documentation links', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens each warning\u2019s rule section in docs/rules.md, selected, with its heading in view', async () => {
    const warnings = await openAndWaitForWarnings(exampleUri('python-naive', 'Dockerfile'), 4);
    const seen = new Set<string>();
    for (const d of warnings) {
      const id = codeOf(d);
      if (seen.has(id)) continue;
      seen.add(id);
      const target = (d.code as { target: vscode.Uri }).target;
      await vscode.commands.executeCommand('vscode.open', target);
      const editor = await waitFor(`an editor on docs/rules.md for ${id}`, () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.path.endsWith('/docs/rules.md') && !e.selection.isEmpty ? e : undefined;
      });
      const { start, end } = editor.selection;
      assert.equal(editor.document.lineAt(start.line).text, `## ${id}`, `${id}: the selection does not start at its heading`);
      // Ends at the start of the line after the section: the whole silencing paragraph is selected.
      assert.equal(end.character, 0, `${id}: the selection ends inside a line`);
      assert.match(editor.document.lineAt(end.line - 1).text, new RegExp(`^\`# size-hints ignore=${id}\``), `${id}: the selection does not end with its silencing line`);
      const sectionText = editor.document.getText(editor.selection);
      for (const heading of ['### Why it matters', '### Incorrect', '### Correct', '### Quick fix', '### Silencing']) assert.ok(sectionText.includes(`\n${heading}\n`), `${id}: no "${heading}" in the selected section`);
      assert.equal(sectionText.match(/^## /gm)?.length, 1, `${id}: the selection holds another rule`);
      await waitFor(`${id}'s heading in view`, () => editor.visibleRanges.some((r) => r.start.line <= start.line && start.line <= r.end.line));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    assert.ok(seen.size >= 4, `only ${seen.size} rules linked`);
  });
});
