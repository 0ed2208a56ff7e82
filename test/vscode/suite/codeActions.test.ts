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
import { print } from './index';
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
 * What the fix titles of the issue's first rules mention. `vscode.executeCodeActionProvider`
 * returns actions without their `diagnostics`, so when findings overlap (apt-lists-kept and
 * apt-recommends on one RUN) the title tells which fix is which; a title that says what the fix
 * does is wanted anyway. Other rules' fixes are found by trying them (see applyFix).
 */
const titleHints: Record<string, RegExp> = {
  'apt-lists-kept': /lists/i,
  'apt-recommends': /recommends/i,
  'apk-cache-kept': /--no-cache/,
  'pip-cache-kept': /no-cache-dir|PIP_NO_CACHE_DIR/i,
  'base-image-not-slim': /slim/i,
  'context-without-dockerignore': /\.dockerignore/,
  // The naive Python example's other warning. Found by trying, its fix was judged within 5 s of
  // each candidate (see applyFix), a window a loaded machine can miss.
  'build-tools-in-final-image': /builder stage/,
};

/** Quick fixes with an edit that VS Code offers on `diagnostic`'s range. */
async function quickFixesOn(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && !!a.edit);
}

async function saveDirtyDocuments(): Promise<void> {
  // A created .dockerignore is a dirty document without an editor; workspace.saveAll only saves
  // documents shown in editors, so save every dirty one (the server reads the disk).
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    assert.ok(await document.save(), `could not save ${document.uri.fsPath}`);
  }
}

/**
 * Applies the quick fix for `diagnostic`, saves, and waits until one fewer such diagnostic
 * remains. For a rule without a title hint, tries each offered fix and undoes those that do not
 * remove it. Returns the applied fix's title.
 */
async function applyFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<string> {
  const code = codeOf(diagnostic);
  const where = `${code} on line ${diagnostic.range.start.line + 1}`;
  const count = () => ourDiagnostics(uri).filter((d) => codeOf(d) === code).length;
  const before = count();
  const fixes = await quickFixesOn(uri, diagnostic);
  const titles = fixes.map((a) => `"${a.title}"`).join(', ') || 'nothing';
  const hint = titleHints[code];
  const candidates = hint ? fixes.filter((a) => hint.test(a.title)) : fixes;
  assert.ok(candidates.length > 0, `no quick fix for ${where}; offered: ${titles}`);
  if (hint) assert.strictEqual(candidates.length, 1, `several quick fixes could be the one for ${where}: ${titles}`);

  const document = await vscode.workspace.openTextDocument(uri);
  const original = document.getText();
  for (const fix of candidates) {
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), `applyEdit refused "${fix.title}"`);
    await saveDirtyDocuments();
    try {
      await waitFor(`${where} to go after "${fix.title}"`, () => count() < before, candidates.length === 1 ? 20_000 : 5_000);
      return fix.title;
    } catch (error) {
      if (candidates.length === 1) throw error;
      // Not this one: put the text back and try the next.
      const undo = new vscode.WorkspaceEdit();
      undo.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), original);
      await vscode.workspace.applyEdit(undo);
      await saveDirtyDocuments();
    }
  }
  assert.fail(`none of the quick fixes offered on ${where} removes it: ${titles}`);
}

/**
 * The tests that apply fix after fix wait up to 20 s for each step (a copy's warnings, then each
 * fix's effect): their timeouts cover those steps, so a step that does not come fails with its own
 * message rather than mocha's 60 s stopping the test while its body runs on.
 */
const MANY_STEPS_MS = 240_000;

describe('code actions', () => {
  it('offers a quick fix for each of the first rules\' warnings on the naive Python example, and each one clears its diagnostic', async () => {
    const original = await openAndWaitForWarnings(await copyOfPythonExample(), 4);
    const codes = [...new Set(original.map(codeOf))];
    const firstRules = codes.filter((code) => code in titleHints);
    assert.ok(firstRules.length >= 4, `expected 4+ of the first rules on the naive Python example, got ${codes.join(', ')}`);
    for (const code of firstRules) {
      // Each fix on a fresh copy, so it is tested alone.
      const uri = await copyOfPythonExample();
      const warnings = await openAndWaitForWarnings(uri, 4);
      await applyFix(uri, warnings.find((d) => codeOf(d) === code)!);
    }
  }).timeout(MANY_STEPS_MS);

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
    const unfixable = new Map<string, string>();
    const key = (d: vscode.Diagnostic) => `${codeOf(d)}@${d.range.start.line}`;
    for (let round = 0; round < 20; round++) {
      const warning = ourDiagnostics(uri).find((d) => d.severity <= vscode.DiagnosticSeverity.Warning && !unfixable.has(key(d)));
      if (!warning) break;
      try {
        applied.push(await applyFix(uri, warning));
      } catch (error) {
        unfixable.set(key(warning), error instanceof Error ? error.message : String(error));
      }
    }
    for (const reason of unfixable.values()) print(`      ${reason}`);
    // The "done when": applying every quick fix yields a file with no warnings.
    const left = ourDiagnostics(uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    assert.deepStrictEqual(left.map((d) => `${codeOf(d)}: ${d.message}`), [], `warnings left after applying: ${applied.join('; ')}`);
    assert.ok(applied.length >= 1, 'no fix applied');
  }).timeout(MANY_STEPS_MS);
});
