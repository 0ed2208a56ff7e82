/**
 * `.dockerignore` files in the real VS Code: the language is recognised, the server's
 * diagnostics appear, a hover on a line says what it excludes from the build context, a quick
 * fix repairs a line, and a Dockerfile COPY of an excluded path is an error whose fix edits the
 * ignore file. Works in its own folder of the workspace (`dockerignore-case/`), built with the
 * workspace file system API.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, examplesRoot, ourDiagnostics, waitFor } from './helpers';

const IGNORE_TEXT = 'node_modules\nsrc # sources\n*.nothing\n';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('.dockerignore', () => {
  let folder: vscode.Uri;
  let ignoreUri: vscode.Uri;

  before(async () => {
    folder = vscode.Uri.joinPath(vscode.Uri.file(examplesRoot()), 'dockerignore-case');
    const write = (rel: string, content: string | Uint8Array) =>
      vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, rel), typeof content === 'string' ? Buffer.from(content) : content);
    await write('node_modules/left-pad/index.js', 'module.exports = 1;\n');
    await write('node_modules/left-pad/blob.bin', new Uint8Array(2000));
    await write('src/app.js', 'console.log(1);\n');
    await write('.dockerignore', IGNORE_TEXT);
    await write('Dockerfile', 'FROM node:22-slim\nCOPY node_modules/left-pad /app/left-pad\nCOPY src /app/src\n');
    ignoreUri = vscode.Uri.joinPath(folder, '.dockerignore');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
  });

  it('is a dockerignore document with our diagnostics, including those that need the context', async () => {
    const document = await vscode.workspace.openTextDocument(ignoreUri);
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, 'dockerignore');
    const diagnostics = await waitFor('diagnostics on .dockerignore from the context scan', () => {
      const ours = ourDiagnostics(ignoreUri);
      return ours.some((d) => codeOf(d) === 'dockerignore-matches-nothing' && d.range.start.line === 2) ? ours : undefined;
    });
    const hash = diagnostics.find((d) => codeOf(d) === 'dockerignore-hash-in-pattern');
    assert.ok(hash, `no hash-in-pattern diagnostic: ${diagnostics.map((d) => codeOf(d)).join(', ')}`);
    assert.strictEqual(hash.range.start.line, 1);
    assert.strictEqual(hash.severity, vscode.DiagnosticSeverity.Warning);
    const target = typeof hash.code === 'object' ? hash.code.target.toString() : '';
    assert.match(target, /dockerignore\.md/);
  });

  it('hovers a pattern with the files and bytes it keeps out of the build context', async () => {
    const text = await waitFor('a hover on the node_modules line with figures', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ignoreUri, new vscode.Position(0, 3));
      const joined = hoverText(hovers ?? []);
      return /keeps/.test(joined) ? joined : undefined;
    });
    assert.match(text, /keeps 2 files \(2\.0 KB\) out of the build context right now/);
  });

  it('applies the quick fix for a # after a pattern, and the diagnostic goes', async () => {
    const hash = ourDiagnostics(ignoreUri).find((d) => codeOf(d) === 'dockerignore-hash-in-pattern');
    assert.ok(hash);
    const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', ignoreUri, hash.range, vscode.CodeActionKind.QuickFix.value);
    const fix = (actions ?? []).find((a): a is vscode.CodeAction => 'edit' in a && !!a.edit && /comment/i.test(a.title));
    assert.ok(fix, `no quick fix offered: ${(actions ?? []).map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    const document = await vscode.workspace.openTextDocument(ignoreUri);
    assert.strictEqual(document.getText(), 'node_modules\n# sources\nsrc\n*.nothing\n');
    await waitFor('the hash-in-pattern diagnostic to go', () => !ourDiagnostics(ignoreUri).some((d) => codeOf(d) === 'dockerignore-hash-in-pattern'));
    assert.ok(await document.save());
  });

  it('makes a Dockerfile COPY of an excluded path an error', async () => {
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // Since the fix above, `src` is a pattern of its own: both COPY lines fail.
    const errors = await waitFor('copy-source-ignored on the Dockerfile', () => {
      const found = ourDiagnostics(uri).filter((d) => codeOf(d) === 'copy-source-ignored');
      return found.length === 2 ? found : undefined;
    });
    const [error] = errors;
    assert.strictEqual(error.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual(errors.map((d) => d.range.start.line).sort(), [1, 2]);
    assert.match(errors.find((d) => d.range.start.line === 1)!.message, /never receives `node_modules\/left-pad`/);
  });

  it("fixes it from the Dockerfile by editing the ignore file, and the error goes once that is saved", async () => {
    const uri = vscode.Uri.joinPath(folder, 'Dockerfile');
    const error = ourDiagnostics(uri).find((d) => codeOf(d) === 'copy-source-ignored' && d.range.start.line === 1);
    assert.ok(error);
    const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', uri, error.range, vscode.CodeActionKind.QuickFix.value);
    const fix = (actions ?? []).find((a): a is vscode.CodeAction => 'edit' in a && !!a.edit && /!node_modules\/left-pad/.test(a.title));
    assert.ok(fix, `no quick fix offered: ${(actions ?? []).map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    const ignore = await vscode.workspace.openTextDocument(ignoreUri);
    assert.strictEqual(ignore.getText(), 'node_modules\n# sources\nsrc\n*.nothing\n!node_modules/left-pad\n');
    assert.ok(await ignore.save());
    // Waits for the state both checks below are about, not for the first change: the server reads
    // the ignore file from disk on each watcher event, and one run at load 9 saw both errors gone
    // at once ('COPY src still fails' failed); a read of the file while the save was writing it
    // (part of it, or none) would show that, until the next event.
    const lines = () => ourDiagnostics(uri).filter((d) => codeOf(d) === 'copy-source-ignored').map((d) => d.range.start.line).sort();
    await waitFor(() => `copy-source-ignored to go from line 2 and stay on line 3 (on lines ${lines().map((l) => l + 1).join(', ') || 'none'})`, () => JSON.stringify(lines()) === '[2]', 45_000);
    assert.ok(!lines().includes(1), 'COPY node_modules/left-pad still fails');
    assert.ok(lines().includes(2), 'COPY src still fails');
  });
});
