/** The hover on a FROM image shows the base image's sizes and what a smaller variant saves. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleUri, waitFor } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('hover', () => {
  it('on FROM python:3.12 shows download and unpacked size and the -slim saving', async () => {
    const uri = exampleUri('python-naive', 'Dockerfile');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const line = [...Array(document.lineCount).keys()].find((i) => /^\s*FROM\s+python:3\.12\b/i.test(document.lineAt(i).text));
    assert.ok(line !== undefined, 'python-naive/Dockerfile has no FROM python:3.12 line');
    const character = document.lineAt(line).text.indexOf('python:3.12') + 3;
    const position = new vscode.Position(line, character);

    const text = await waitFor('a hover on the FROM image', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const joined = hoverText(hovers ?? []);
      return joined.includes('python:3.12') ? joined : undefined;
    });
    assert.match(text, /\d+(\.\d+)?\s*MB/, `no size in the hover:\n${text}`);
    assert.match(text, /download/i, `no download size in the hover:\n${text}`);
    assert.match(text, /unpacked/i, `no unpacked size in the hover:\n${text}`);
    assert.match(text, /python:3\.12-slim|-slim/, `no -slim variant in the hover:\n${text}`);
    assert.match(text, /saves?/i, `no saving in the hover:\n${text}`);
  });

  it('gives no size hover on a non-FROM line', async () => {
    const uri = exampleUri('python-naive', 'Dockerfile');
    const document = await vscode.workspace.openTextDocument(uri);
    const line = [...Array(document.lineCount).keys()].find((i) => /^\s*RUN\b/.test(document.lineAt(i).text));
    assert.ok(line !== undefined, 'no RUN line');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 1));
    assert.doesNotMatch(hoverText(hovers ?? []), /unpacked/i);
  });
});
