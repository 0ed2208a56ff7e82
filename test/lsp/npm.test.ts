/**
 * npm layers over the real bundled server (stdio), in a temporary workspace with a real
 * package-lock.json (test/fixtures/npm-lockfile, written by npm 11): the RUN hovers and the
 * CodeLens estimate size `npm ci` from the lockfile and `npm install -g` from the npm table.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, LspTestClient } from '../support/lspClient';

interface Hover {
  contents: { kind: string; value: string };
}

const FIXTURE = path.join(__dirname, '../../../test/fixtures/npm-lockfile');
const DOCKERFILE = [
  'FROM node:22-slim',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci --omit=dev && npm cache clean --force',
  'RUN npm install -g pm2',
  'CMD ["pm2-runtime", "server.js"]',
  '',
].join('\n');

describe('npm layers over LSP', function () {
  this.timeout(60_000);
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-npm-'));
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(FIXTURE, f), path.join(root, f));
    fs.writeFileSync(path.join(root, 'Dockerfile'), DOCKERFILE);
    client = await LspTestClient.start({ rootPath: root });
    uri = fileUri(path.join(root, 'Dockerfile'));
    await client.open(uri, DOCKERFILE);
    await client.diagnostics(uri, () => true);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const hover = (line: number) => client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 1 } });

  it('hovers `npm ci` with the lockfile packages sized from the npm table', async () => {
    const h = await hover(3);
    assert.ok(h, 'no hover on RUN npm ci');
    assert.match(h.contents.value, /\*\*Layer: about \d+(\.\d+)? MB\*\*/);
    assert.match(h.contents.value, /npm ci \(package-lock\.json: \d+ packages\): about \d+(\.\d+)? MB \(unpacked size of \d+ of the \d+ packages package-lock\.json pins \(without devDependencies\), from npm registry metadata of \d{4}-\d{2}-\d{2}/);
    assert.doesNotMatch(h.contents.value, /npm cache left/);
  });

  it('hovers `npm install -g` with the packages and the cache it leaves', async () => {
    const h = await hover(4);
    assert.ok(h, 'no hover on RUN npm install -g');
    assert.match(h.contents.value, /npm install -g pm2 \(under \/usr\/local\/lib\/node\\_modules\): about \d+(\.\d+)? MB \(unpacked size of pm2@/);
    assert.match(h.contents.value, /npm cache left in the layer \(~\/\.npm\): about \d+(\.\d+)? MB/);
  });

  it('counts both npm layers in the image estimate (CodeLens)', async () => {
    const lenses = await client.request<{ command: { title: string; tooltip?: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    // Base about 227 MB; the two npm layers add tens of MB; the COPY of two files is measured once the context scan ends.
    // (With figures after the fixes, the parts of the figure now are in the tooltip.)
    const title = lenses[0]?.command.tooltip ?? lenses[0]?.command.title ?? '';
    const layers = /\+ (\d+(?:\.\d+)?) MB of layers/.exec(title);
    assert.ok(layers, title);
    assert.ok(Number(layers[1]) > 20, title);
  });
});
