/** The extension is present, activates on a Dockerfile and contributes its languages. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleUri, extensionId, waitFor } from './helpers';
import { print } from './index';
import { describeQuietWait, waitForQuietMachine } from './activationCheck';

describe('activation', () => {
  it('is installed under its publisher.name id', () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `extension ${extensionId} not found`);
  });

  it('activates when a Dockerfile is opened and starts the language client', async () => {
    // This opening activates the extension: activationTime.test.ts checks what it cost.
    print(`      ${describeQuietWait(await waitForQuietMachine())}`);
    assert.ok(!vscode.extensions.getExtension(extensionId)!.isActive, 'the extension was activated before a Dockerfile was opened');
    const document = await vscode.workspace.openTextDocument(exampleUri('python-naive', 'Dockerfile'));
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.languageId, 'dockerfile');
    const extension = vscode.extensions.getExtension(extensionId)!;
    await waitFor('the extension to activate', () => extension.isActive);
  });
});
