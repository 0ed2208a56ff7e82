/**
 * The npm rules' squiggles over the real bundled server (stdio), in a temporary folder with a
 * real package-lock.json (test/fixtures/npm-lockfile-dev, written by npm 11): npm-dev-dependencies
 * and npm-cache-kept give this project's figures from the lockfile the server reads, and follow
 * it when it changes to one whose devDependency the npm package table does not hold
 * (test/fixtures/npm-lockfile): the dev figure gives way to the measured example, the cache's
 * becomes a lower bound; though the Dockerfile's text, and so the findings the server keeps per
 * stage family, stayed the same.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileUri, serverInTempFolder, type PublishedDiagnostics } from '../support/lspClient';

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
// `npm test` needs the devDependencies; `npm run build` would leave them to build-tools-in-final-image's finding on FROM.
const DOCKERFILE = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nRUN npm test\nCMD ["node", "dist/index.js"]\n';

const message = (p: PublishedDiagnostics, code: string) => p.diagnostics.find((d) => d.code === code)?.message ?? '';
const lockfileFigures = (p: PublishedDiagnostics) =>
  /: about \d+(\.\d+)? MB in the \d+ packages package-lock\.json marks as dev \(unpacked sizes from the npm package table\)/.test(message(p, 'npm-dev-dependencies')) &&
  /: about \d+(\.\d+)? MB for the \d+ packages of package-lock\.json it installs \(beside about \d+(\.\d+)? MB installed; from the npm package table\)/.test(message(p, 'npm-cache-kept'));
const changed = (p: PublishedDiagnostics) =>
  /small TypeScript service/.test(message(p, 'npm-dev-dependencies')) &&
  /: at least about \d+(\.\d+)? MB for the \d+ of \d+ packages of package-lock\.json it installs \(.*, which lacks the others\)/.test(message(p, 'npm-cache-kept'));

describe('npm squiggles with the build context lockfile over LSP', function () {
  this.timeout(60_000);
  const server = serverInTempFolder('dsh-npm-figures-', (dir) => {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(FIXTURES, 'npm-lockfile-dev', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  });

  it("say what this project's devDependencies and npm cache cost, and follow a changed lockfile", async () => {
    const { dir, client } = server;
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await client.open(uri, DOCKERFILE);
    const first = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'npm-dev-dependencies'));
    assert.ok(lockfileFigures(first), `${message(first, 'npm-dev-dependencies')}\n${message(first, 'npm-cache-kept')}`);

    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(FIXTURES, 'npm-lockfile', f), path.join(dir, f));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, 'package-lock.json')), type: 2 }] });
    await client.diagnostics(uri, changed);
  });
});
