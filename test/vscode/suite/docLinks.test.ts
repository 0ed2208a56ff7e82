/**
 * A diagnostic's code link, opened the way VS Code opens it from the Problems panel or the hover
 * (the opener service, which `vscode.open` with a bare URI goes through): the shipped rules page,
 * docs/rules.md, with the rule's section selected from its heading through its quick-fix paragraph,
 * and the heading in view. A diagnostic in a .dockerignore file opens docs/dockerignore.md with its
 * section on those diagnostics selected.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, examplesRoot, exampleUri, openAndWaitForWarnings, ourDiagnostics, waitFor } from './helpers';

/** Opens `diagnostic`'s code link as VS Code does and waits for an editor on `page` (`docs/<file>`) with a selection. */
async function openLink(diagnostic: vscode.Diagnostic, page: string): Promise<vscode.TextEditor> {
  await vscode.commands.executeCommand('vscode.open', (diagnostic.code as { target: vscode.Uri }).target);
  return waitFor(`an editor on ${page} with a selection for ${codeOf(diagnostic)}`, () => {
    const e = vscode.window.activeTextEditor;
    return e && e.document.uri.path.endsWith(`/${page}`) && !e.selection.isEmpty ? e : undefined;
  });
}

function waitForLineInView(editor: vscode.TextEditor, line: number, what: string): Promise<boolean> {
  return waitFor(`${what} in view`, () => editor.visibleRanges.some((r) => r.start.line <= line && line <= r.end.line));
}

describe('rule documentation links', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('opens each warning\u2019s rule section in docs/rules.md, selected, with its heading in view', async () => {
    const warnings = await openAndWaitForWarnings(exampleUri('python-naive', 'Dockerfile'), 4);
    const seen = new Set<string>();
    for (const d of warnings) {
      const id = codeOf(d);
      if (seen.has(id)) continue;
      seen.add(id);
      const editor = await openLink(d, 'docs/rules.md');
      const { start, end } = editor.selection;
      assert.equal(editor.document.lineAt(start.line).text, `## ${id}`, `${id}: the selection does not start at its heading`);
      // Ends at the start of the line after the section: its last paragraph is selected whole, and
      // only blank lines come before the next rule's heading.
      assert.equal(end.character, 0, `${id}: the selection ends inside a line`);
      assert.notEqual(editor.document.lineAt(end.line - 1).text.trim(), '', `${id}: the selection ends on a blank line`);
      let next = end.line;
      while (next < editor.document.lineCount && editor.document.lineAt(next).text.trim() === '') next++;
      assert.ok(next === editor.document.lineCount || editor.document.lineAt(next).text.startsWith('## '), `${id}: the selection ends before the end of its section`);
      const sectionText = editor.document.getText(editor.selection);
      for (const heading of ['### Why it matters', '### Incorrect', '### Correct', '### Quick fix']) assert.ok(sectionText.includes(`\n${heading}\n`), `${id}: no "${heading}" in the selected section`);
      assert.equal(sectionText.match(/^## /gm)?.length, 1, `${id}: the selection holds another rule`);
      await waitForLineInView(editor, start.line, `${id}'s heading`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    assert.ok(seen.size >= 4, `only ${seen.size} rules linked`);
    // Two waits of up to 20 s per rule (its page, then its heading in view) and the warnings' own:
    // more than mocha's 60 s in all, so a wait that does not end fails with its own message.
  }).timeout(240_000);

  it('opens a .dockerignore diagnostic\u2019s section of docs/dockerignore.md, selected, with its heading in view', async () => {
    const folder = vscode.Uri.joinPath(vscode.Uri.file(examplesRoot()), 'doc-links-case');
    const ignoreUri = vscode.Uri.joinPath(folder, '.dockerignore');
    await vscode.workspace.fs.writeFile(ignoreUri, Buffer.from('src # sources\n'));
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(ignoreUri));
      const diagnostic = await waitFor('a dockerignore-hash-in-pattern diagnostic', () => ourDiagnostics(ignoreUri).find((d) => codeOf(d) === 'dockerignore-hash-in-pattern'));
      const editor = await openLink(diagnostic, 'docs/dockerignore.md');
      const { start, end } = editor.selection;
      assert.equal(editor.document.lineAt(start.line).text, '## Diagnostics in `.dockerignore` files', 'the selection does not start at the section\u2019s heading');
      assert.equal(end.character, 0, 'the selection ends inside a line');
      const sectionText = editor.document.getText(editor.selection);
      assert.match(sectionText, /^\| `dockerignore-hash-in-pattern` \|/m, 'the selected section does not explain the diagnostic');
      assert.equal(sectionText.match(/^## /gm)?.length, 1, 'the selection holds another section');
      // Through the section's last line: only blank lines up to the next section.
      for (let line = end.line; !editor.document.lineAt(line).text.startsWith('## '); line++) assert.equal(editor.document.lineAt(line).text.trim(), '', `line ${line + 1} of the section is not selected`);
      await waitForLineInView(editor, start.line, 'the section\u2019s heading');
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
    }
  });
});
