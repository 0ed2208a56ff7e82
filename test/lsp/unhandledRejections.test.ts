/**
 * The suite fails on an unhandled promise rejection: in the test process (during a test or after
 * the last one) and in a language server a test started (the server logs it and keeps serving;
 * the test client turns the log line into a failure). Each case runs mocha in a child process on
 * a small spec, with the same root hook the unit, LSP and integration levels load, and must fail
 * naming the planted rejection; the same spec without the rejection must pass.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_BUNDLE } from '../support/lspClient';
import { SERVER_NODE_OPTIONS } from '../../server/src/launch';

const OUT = path.resolve(__dirname, '..', '..');
const ROOT = path.resolve(OUT, '..');
const HOOK = path.join(OUT, 'test', 'support', 'noUnhandledRejections.js');
const CLIENT = path.join(OUT, 'test', 'support', 'lspClient.js');

describe('the suite fails on an unhandled promise rejection', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-rejections-'));
    // Loaded before the server bundle: plants a rejection nobody handles once the server runs.
    fs.writeFileSync(path.join(dir, 'plant.js'), "setTimeout(() => { Promise.reject(new Error('planted-in-server')); }, 300);\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs mocha with the root hook on `spec` (JavaScript); exit code and output. */
  function mocha(name: string, spec: string): { status: number | null; output: string } {
    const file = path.join(dir, `${name}.spec.js`);
    fs.writeFileSync(file, spec);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--require', HOOK, '--reporter', 'dot', '--timeout', '30000', file], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }

  const inTest = (plant: boolean) => `it('a test', async () => {
  ${plant ? "Promise.reject(new Error('planted-in-test'));" : ''}
  await new Promise((r) => setTimeout(r, 50));
});`;
  const afterLast = (plant: boolean) => `describe('a suite', () => {
  it('a test', () => undefined);
  after(async () => {
    ${plant ? "Promise.reject(new Error('planted-after-the-last-test'));" : ''}
    await new Promise((r) => setTimeout(r, 50));
  });
});`;
  const inServer = (plant: boolean) => `const { LspTestClient, SERVER_BUNDLE } = require(${JSON.stringify(CLIENT)});
it('talks to a server', async () => {
  const args = [...${JSON.stringify(SERVER_NODE_OPTIONS)}, ${plant ? `'-r', ${JSON.stringify(path.join(dir, 'plant.js'))}, ` : ''}SERVER_BUNDLE, '--stdio'];
  const client = await LspTestClient.start({ args });
  try {
    await client.open('file:///tmp/x.Dockerfile', 'FROM debian\\n');
    await client.diagnostics('file:///tmp/x.Dockerfile');
    await new Promise((r) => setTimeout(r, 1000));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: 'file:///tmp/x.Dockerfile' }, position: { line: 0, character: 6 } });
    if (!hover) throw new Error('the server stopped answering');
  } finally {
    await client.stop();
  }
});`;

  const cases: [string, (plant: boolean) => string, string][] = [
    ['in the test process, during a test', inTest, 'planted-in-test'],
    ['in the test process, after the last test', afterLast, 'planted-after-the-last-test'],
    ['in a language server the test started', inServer, 'planted-in-server'],
  ];
  for (const [name, spec, marker] of cases) {
    it(name, () => {
      assert.ok(fs.existsSync(SERVER_BUNDLE), 'build the bundles first');
      const clean = mocha(`${marker}-clean`, spec(false));
      assert.equal(clean.status, 0, `the spec fails without a rejection:\n${clean.output}`);
      const planted = mocha(marker, spec(true));
      assert.notEqual(planted.status, 0, `the rejection did not fail the run:\n${planted.output}`);
      assert.match(planted.output, /unhandled promise rejection/);
      assert.match(planted.output, new RegExp(marker));
    });
  }
});
