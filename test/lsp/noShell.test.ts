/**
 * Security at run time: document text never reaches a shell or a process. The bundled server
 * gets Dockerfiles and an ignore file full of shell syntax that would create marker files if any
 * shell ever ran them, with registry lookups on (trusted workspace, every registry allowed) and a
 * Docker config whose credential store is a helper that logs its arguments and input. A fake
 * registry asks for a login, so the helper does run (positive control); it must only ever be
 * asked to `list`, never given anything from the documents, and no marker may appear.
 * (test/unit/hostile/noShell.test.ts checks the source.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileUri, LspTestClient } from '../support/lspClient';
import { startFakeServer, type FakeServer } from '../support/registry/fakeServers';

describe('security: no shell with document text (run time)', function () {
  this.timeout(60_000);
  let dir: string;
  let registry: FakeServer;
  let client: LspTestClient;

  const marker = (n: number) => path.join(dir, `pwned-${n}`);
  const helperLog = () => path.join(dir, 'helper.log');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-noshell-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.mkdirSync(path.join(dir, 'docker'));
    const helper = path.join(dir, 'bin', 'docker-credential-dshlog');
    fs.writeFileSync(helper, `#!/bin/sh\ninput=$(cat)\nprintf '%s|%s\\n' "$*" "$input" >> "${helperLog()}"\n[ "$1" = list ] && echo '{"https://index.docker.io/v1/":"someone"}' && exit 0\nexit 1\n`);
    fs.chmodSync(helper, 0o755);
    fs.writeFileSync(path.join(dir, 'docker', 'config.json'), JSON.stringify({ credsStore: 'dshlog' }));
    registry = await startFakeServer((_req, res) => { res.writeHead(401, { 'Www-Authenticate': 'Basic realm="r"' }).end(); });
    const saved = { PATH: process.env.PATH, DOCKER_CONFIG: process.env.DOCKER_CONFIG };
    process.env.PATH = `${path.join(dir, 'bin')}:${process.env.PATH ?? ''}`;
    process.env.DOCKER_CONFIG = path.join(dir, 'docker');
    try {
      client = await LspTestClient.start({
        rootPath: dir,
        initializationOptions: { trusted: true, storagePath: path.join(dir, 'storage'), registryTimeoutMs: 3000 },
        configuration: { network: { enable: true, allowedRegistries: ['*'] } },
      });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  after(async () => {
    await client?.stop();
    await registry?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('analyses, hovers, fixes and looks up shell syntax without running it', async () => {
    const injections = [1, 2, 3, 4, 5, 6].map((n) => [`$(touch ${marker(n)})`, `\`touch ${marker(n)}\``, `; touch ${marker(n)}`, `| touch ${marker(n)}`, `&& touch ${marker(n)}`, `\n touch ${marker(n)}`][n - 1]);
    const dockerfile = [
      `FROM ${registry.host}/team/app:1.0 AS base`,
      ...injections.map((s, i) => `FROM ${registry.host}/t${i}/x:1 AS s${i}\nRUN echo ${s}\nLABEL x="${s}"\nCOPY ${s} /x`),
      `FROM ${injections[0]}`,
      `ARG IMG=${injections[1]}`,
      'FROM ${IMG}',
      'RUN apt-get update && apt-get install -y curl',
      '',
    ].join('\n');
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await client.open(uri, dockerfile);
    const published = await client.diagnostics(uri, (p) => p.version === 1);
    const lines = dockerfile.split('\n');
    for (const [line, text] of lines.entries()) {
      if (!text.startsWith('FROM ')) continue;
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 6 } });
    }
    const lastLine = lines.length - 2;
    await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lastLine, character: 0 } }, context: { diagnostics: published.diagnostics } });
    await client.request('workspace/executeCommand', { command: 'dockerfileSizeHints.server.applyAllFixes', arguments: [uri] });
    const ignoreUri = fileUri(path.join(dir, '.dockerignore'));
    await client.open(ignoreUri, injections.join('\n'), 'dockerignore');
    await client.diagnostics(ignoreUri, (p) => p.version === 1);
    await client.request('textDocument/hover', { textDocument: { uri: ignoreUri }, position: { line: 0, character: 1 } });

    assert.ok(registry.hits > 0, 'the lookups never reached the fake registry');
    const log = fs.existsSync(helperLog()) ? fs.readFileSync(helperLog(), 'utf8').trim().split('\n') : [];
    assert.ok(log.length > 0, 'the credential helper never ran: the positive control failed');
    for (const entry of log) assert.equal(entry, 'list|', `the helper got ${JSON.stringify(entry)}`);
    for (const n of [1, 2, 3, 4, 5, 6]) assert.ok(!fs.existsSync(marker(n)), `a shell ran injection ${n}`);
    assert.equal(client.child.exitCode, null, 'the server exited');
  });
});
