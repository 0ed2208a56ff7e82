/** File names map to our languages: Dockerfile variants to `dockerfile`, ignore files to `dockerignore`. */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { exampleUri } from './helpers';

async function languageOf(name: string, content: string): Promise<string> {
  const uri = exampleUri('language-ids', name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content));
  return (await vscode.workspace.openTextDocument(uri)).languageId;
}

describe('languages', () => {
  for (const name of ['.dockerignore', 'web.dockerignore']) {
    it(`${name} gets language id dockerignore`, async () => {
      assert.strictEqual(await languageOf(name, 'node_modules\n.git\n'), 'dockerignore');
    });
  }
  for (const name of ['Dockerfile', 'Dockerfile.prod', 'api.Dockerfile', 'Containerfile']) {
    it(`${name} gets language id dockerfile`, async () => {
      assert.strictEqual(await languageOf(name, 'FROM alpine:3.20\n'), 'dockerfile');
    });
  }
});
