/**
 * Quick fixes through VS Code's own commands: each fix offered for a diagnostic, applied with
 * `workspace.applyEdit`, removes that diagnostic; applying them all leaves no warning. Works on
 * copies of the naive Python example next to the workspace, so other tests see the originals.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, examplesRoot, openAndWaitForWarnings, ourDiagnostics, waitFor } from './helpers';

let copies = 0;

/** A fresh copy of examples/python-naive outside the workspace folder; returns its Dockerfile. */
async function copyOfPythonExample(): Promise<vscode.Uri> {
  const source = vscode.Uri.file(path.join(examplesRoot(), 'python-naive'));
  const target = vscode.Uri.file(path.join(path.dirname(examplesRoot()), `fix-${process.pid}-${++copies}`, 'python-naive'));
  await vscode.workspace.fs.copy(source, target, { overwrite: true });
  return vscode.Uri.joinPath(target, 'Dockerfile');
}

async function quickFixesFor(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction =>
    'edit' in a && !!a.edit && (a.diagnostics ?? []).some((d) => codeOf(d) === codeOf(diagnostic)),
  );
}

/** Applies the quick fix for `diagnostic`, saves, and waits until one fewer such diagnostic remains. */
async function applyFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<string> {
  const code = codeOf(diagnostic);
  const line = diagnostic.range.start.line;
  const count = () => ourDiagnostics(uri).filter((d) => codeOf(d) === code).length;
  const before = count();
  const fixes = await quickFixesFor(uri, diagnostic);
  assert.ok(fixes.length > 0, `no quick fix offered for ${code} on line ${line + 1}`);
  assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!), `applyEdit refused "${fixes[0].title}"`);
  // A created .dockerignore is an unsaved editor until saved, and the server reads the disk.
  await vscode.workspace.saveAll(false);
  await waitFor(`${code} (line ${line + 1}) to go after "${fixes[0].title}"`, () => count() < before);
  return fixes[0].title;
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
