/** Small helpers for the integration suite: where the examples are, and polling (never sleeping). */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

export const extensionId = 'dockerfile-size-hints.dockerfile-size-hints';
export const diagnosticSource = 'dockerfile-size-hints';
/** Where the code-action tests put the copies they edit, inside the workspace folder. */
export const fixCopiesFolder = 'fix-copies';

/** The workspace folder: a temp copy of the repository's examples/ made by the runner. */
export function examplesRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a temp copy of examples/ as the workspace folder');
  return folder.uri.fsPath;
}

export function exampleUri(...segments: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(examplesRoot(), ...segments));
}

/** Polls `probe` every 50 ms until it returns something other than undefined/false. `what` may be computed at failure time, to show the state then. */
export async function waitFor<T>(what: string | (() => string), probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Our diagnostics on `uri` (other extensions may add their own). */
export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === diagnosticSource);
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Opens `uri` in an editor and waits until the server has published at least `min` of our warnings. */
export async function openAndWaitForWarnings(uri: vscode.Uri, min: number): Promise<vscode.Diagnostic[]> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return waitFor(`${min}+ warnings on ${path.basename(path.dirname(uri.fsPath))}/${path.basename(uri.fsPath)}`, () => {
    const warnings = ourDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Warning);
    return warnings.length >= min ? warnings : undefined;
  });
}
