/**
 * Diagnostics in the editor: the naive Python example gets its warnings with cost and doc link,
 * the editor and the CLI (same core, run on the same files) agree finding for finding, and edits
 * keep the results current.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, examplesRoot, fixCopiesFolder, exampleUri, openAndWaitForWarnings, ourDiagnostics, waitFor } from './helpers';


interface CliFinding {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const severityNames: Record<vscode.DiagnosticSeverity, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

function isWarningOrWorse(f: CliFinding): boolean {
  return f.severity === 'warning' || f.severity === 'error';
}

function cliKey(f: CliFinding): string {
  return `${f.ruleId} ${f.severity} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;
}

function editorKey(d: vscode.Diagnostic): string {
  const r = d.range;
  return `${codeOf(d)} ${severityNames[d.severity]} ${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

function editorKeys(uri: vscode.Uri): string[] {
  return ourDiagnostics(uri).map(editorKey).sort();
}

/** Runs the bundled CLI (dist/cli.js) on `folder` with Node (Electron's binary runs as Node). */
function runCli(folder: string): Promise<Array<{ file: string; findings: CliFinding[]; error?: string }>> {
  const extension = vscode.extensions.all.find((e) => e.id.endsWith('.dockerfile-size-hints'));
  assert.ok(extension, 'extension not found');
  const cli = path.join(extension.extensionPath, 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, '--format', 'json', folder], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 30_000 }, (error, stdout, stderr) => {
      // Exit code 1 only means "warnings found"; anything else is a failure.
      if (error && error.code !== 1) return reject(new Error(`CLI failed (${error.message}): ${stderr}`));
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        reject(new Error(`CLI output is not JSON: ${stdout.slice(0, 300)}`));
      }
    });
  });
}

/** CLI reports for the examples themselves, not for copies other tests made in the workspace. */
async function exampleReports(): Promise<Array<{ file: string; findings: CliFinding[]; error?: string }>> {
  const reports = await runCli(examplesRoot());
  return reports.filter((r) => !path.relative(examplesRoot(), path.resolve(examplesRoot(), r.file)).startsWith(fixCopiesFolder + path.sep));
}

describe('diagnostics', () => {
  it('reports at least four warnings on the naive Python example, each with source, rule id, cost and doc link', async () => {
    const uri = exampleUri('python-naive', 'Dockerfile');
    const warnings = await openAndWaitForWarnings(uri, 4);
    for (const d of warnings) {
      assert.match(codeOf(d), /^[a-z0-9]+(-[a-z0-9]+)+$/, `no kebab-case rule id as code in: ${d.message}`);
      assert.ok(d.message.length > 20, `message too short: "${d.message}"`);
      const code = d.code;
      assert.ok(typeof code === 'object' && code.target instanceof vscode.Uri, `diagnostic ${codeOf(d)} has no documentation link`);
    }
    const sized = warnings.filter((d) => /\d\s*(kB|KB|MB|GB)\b/.test(d.message));
    assert.ok(sized.length >= 3, `expected most warnings to state a size, got:\n${warnings.map((d) => d.message).join('\n')}`);
  });

  it('matches the CLI finding for finding on every example', async () => {
    const reports = await exampleReports();
    assert.ok(reports.length >= 4, `CLI found only ${reports.length} Dockerfiles`);
    const withFindings = reports.filter((r) => r.findings.length > 0);
    const clean = reports.filter((r) => r.findings.length === 0);
    assert.ok(reports.some((r) => !r.file.endsWith('.dockerignore') && !r.findings.some(isWarningOrWorse)), 'the optimised example should yield no warnings');
    // The examples' .dockerignore files are compared too: the CLI checks them as the editor does.
    assert.ok(reports.some((r) => r.file.endsWith('.dockerignore')), 'the CLI reported no .dockerignore of the examples');
    for (const report of reports) assert.strictEqual(report.error, undefined, `${report.file}: ${report.error}`);
    // Files with findings first: once they agree, the server is known to be live.
    for (const report of [...withFindings, ...clean]) {
      const uri = vscode.Uri.file(path.resolve(examplesRoot(), report.file));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const expected = report.findings.map(cliKey).sort();
      await waitFor(() => `editor diagnostics on ${report.file} to equal the CLI's ${JSON.stringify(expected)} (now ${JSON.stringify(editorKeys(uri))})`, () =>
        JSON.stringify(editorKeys(uri)) === JSON.stringify(expected),
      );
    }
    // The CLI's 30 s and 20 s for each example's diagnostics: more than mocha's 60 s in all, so a
    // wait that does not end fails with its own message.
  }).timeout(150_000);

  it('keeps results current while typing (didChange), on a file without warnings', async () => {
    const reports = await exampleReports();
    // A Dockerfile: the CLI reports the examples' .dockerignore files too (096606e).
    const clean = reports.find((r) => !r.file.endsWith('.dockerignore') && !r.findings.some(isWarningOrWorse));
    assert.ok(clean, 'no example Dockerfile without warnings');
    const uri = vscode.Uri.file(path.resolve(examplesRoot(), clean.file));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const baseline = clean.findings.map(cliKey).sort();
    await waitFor('the editor to show the CLI findings', () => JSON.stringify(editorKeys(uri)) === JSON.stringify(baseline));
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    const added = '\nRUN pip install requests\n';
    assert.ok(await editor.edit((b) => b.insert(end, added)), 'edit refused');
    await waitFor('a pip-cache-kept finding after typing a pip install', () => ourDiagnostics(uri).some((d) => codeOf(d) === 'pip-cache-kept'));
    // Delete what was typed (as a person would), so the text equals the file again.
    const typedEnd = editor.document.positionAt(editor.document.offsetAt(end) + added.length);
    assert.ok(await editor.edit((b) => b.delete(new vscode.Range(end, typedEnd))), 'delete refused');
    assert.strictEqual(editor.document.getText(), Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'), 'the text differs from the file after deleting');
    await waitFor(() => `the CLI's findings ${JSON.stringify(baseline)} again after deleting the line (now ${JSON.stringify(editorKeys(uri))})`, () => JSON.stringify(editorKeys(uri)) === JSON.stringify(baseline));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
