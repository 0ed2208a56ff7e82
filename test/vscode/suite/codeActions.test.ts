/**
 * Quick fixes through VS Code's own commands: each fix offered for a diagnostic, applied with
 * `workspace.applyEdit`, removes that diagnostic; applying them all leaves no warning. Works on
 * copies of the naive Python example in the workspace's `fix-copies/` folder, so other tests
 * see the originals. (Inside the workspace: the client's file watcher, which tells the server a
 * .dockerignore appeared, covers the workspace folders only.)
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, examplesRoot, fixCopiesFolder, openAndWaitForWarnings, ourDiagnostics, waitFor } from './helpers';

let copies = 0;

/** A fresh copy of examples/python-naive; returns its Dockerfile. */
async function copyOfPythonExample(): Promise<vscode.Uri> {
  const source = vscode.Uri.file(path.join(examplesRoot(), 'python-naive'));
  const target = vscode.Uri.file(path.join(examplesRoot(), fixCopiesFolder, String(++copies), 'python-naive'));
  await vscode.workspace.fs.copy(source, target, { overwrite: true });
  return vscode.Uri.joinPath(target, 'Dockerfile');
}

/**
 * What each rule's fix title mentions. `vscode.executeCodeActionProvider` returns actions without
 * their `diagnostics`, so when two findings overlap (apt-lists-kept and apt-recommends on one RUN)
 * the title tells which fix belongs to which; a title that says what the fix does is wanted anyway.
 */
const titleHints: Record<string, RegExp> = {
  'apt-lists-kept': /lists/i,
  'apt-recommends': /recommends/i,
  'apk-cache-kept': /--no-cache/,
  'pip-cache-kept': /no-cache-dir|PIP_NO_CACHE_DIR/i,
  'base-image-not-slim': /slim/i,
  'context-without-dockerignore': /\.dockerignore/,
};

/** The quick fix VS Code offers for `diagnostic` (asked for exactly its range). */
async function quickFixFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction> {
  const code = codeOf(diagnostic);
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value,
  );
  const fixes = (actions ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && !!a.edit);
  const titles = fixes.map((a) => `"${a.title}"`).join(', ') || 'nothing';
  const hint = titleHints[code];
  const matching = fixes.filter((a) => !hint || hint.test(a.title));
  assert.ok(matching.length > 0, `no quick fix with an edit for ${code} on line ${diagnostic.range.start.line + 1}; offered: ${titles}`);
  assert.ok(matching.length === 1 || fixes.length === 1, `several quick fixes could be the one for ${code}: ${titles}`);
  return matching[0];
}

/** Applies the quick fix for `diagnostic`, saves, and waits until one fewer such diagnostic remains. */
async function applyFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<string> {
  const code = codeOf(diagnostic);
  const line = diagnostic.range.start.line;
  const count = () => ourDiagnostics(uri).filter((d) => codeOf(d) === code).length;
  const before = count();
  const fix = await quickFixFor(uri, diagnostic);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!), `applyEdit refused "${fix.title}"`);
  // A created .dockerignore is a dirty document without an editor; workspace.saveAll only saves
  // documents shown in editors, so save every dirty one (the server reads the disk).
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    assert.ok(await document.save(), `could not save ${document.uri.fsPath}`);
  }
  await waitFor(`${code} (line ${line + 1}) to go after "${fix.title}"`, () => count() < before);
  return fix.title;
}

describe('code actions', () => {
  it('offers a quick fix for each warning on the naive Python example, and each one clears its diagnostic', async () => {
    const original = await openAndWaitForWarnings(await copyOfPythonExample(), 4);
    for (const code of new Set(original.map(codeOf))) {
      // Each fix on a fresh copy, so it is tested alone.
      const uri = await copyOfPythonExample();
      const warnings = await openAndWaitForWarnings(uri, 4);
      const target = warnings.find((d) => codeOf(d) === code)!;
      await applyFix(uri, target);
    }
  });

  it('base-image-not-slim switches python:3.12 to python:3.12-slim', async () => {
    const uri = await copyOfPythonExample();
    const warnings = await openAndWaitForWarnings(uri, 4);
    const slim = warnings.find((d) => codeOf(d) === 'base-image-not-slim');
    assert.ok(slim, `no base-image-not-slim warning; got ${warnings.map(codeOf).join(', ')}`);
    await applyFix(uri, slim);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /^FROM\s+python:3\.12-slim\b/m);
  });

  it('context-without-dockerignore creates a .dockerignore beside the Dockerfile', async () => {
    const uri = await copyOfPythonExample();
    const warnings = await openAndWaitForWarnings(uri, 4);
    const context = warnings.find((d) => codeOf(d) === 'context-without-dockerignore');
    assert.ok(context, `no context-without-dockerignore warning; got ${warnings.map(codeOf).join(', ')}`);
    await applyFix(uri, context);
    const ignore = vscode.Uri.joinPath(uri, '..', '.dockerignore');
    const inEditor = (await vscode.workspace.openTextDocument(ignore)).getText();
    assert.match(inEditor, /^\.git$/m, `the .dockerignore document lacks .git:\n${inEditor}`);
    const content = Buffer.from(await vscode.workspace.fs.readFile(ignore)).toString('utf8');
    assert.match(content, /^\.git$/m, `.dockerignore lacks .git:\n${content}`);
    assert.match(content, /__pycache__/, `.dockerignore lacks Python entries:\n${content}`);
  });

  it('applying quick fixes one after another leaves no warnings', async () => {
    const uri = await copyOfPythonExample();
    await openAndWaitForWarnings(uri, 4);
    const applied: string[] = [];
    for (let round = 0; round < 20; round++) {
      const warning = ourDiagnostics(uri).find((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
      if (!warning) break;
      applied.push(await applyFix(uri, warning));
    }
    const left = ourDiagnostics(uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepStrictEqual(left.map((d) => `${codeOf(d)}: ${d.message}`), [], `warnings left after applying: ${applied.join('; ')}`);
    assert.ok(applied.length >= 4, `only ${applied.length} fixes applied`);
  });
});
