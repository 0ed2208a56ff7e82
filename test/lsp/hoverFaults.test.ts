/**
 * Faults behind the FROM hover, over the real bundled server: registries and engines that never
 * answer, fail, send malformed JSON or enormous bodies. Each time the hover must come back within
 * its wait, say why the exact figure is missing (registry) or leave the engine's part out, and
 * still carry the model's answer: the same markdown a server without lookups gives. The user's
 * registry password, read from a Docker config written for the test, must never appear in a
 * hover, a log message or the server's stderr, even when a registry echoes it back.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileUri, LspTestClient } from '../support/lspClient';
import { answersEndlessly, answersStatus, neverAnswers, startFakeServer, type FakeServer } from '../support/registry/fakeServers';

type HoverResult = { contents: { value: string } } | null;
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The registry hover waits 1.5 s and the engine's 1 s (in parallel); the rest is slack for a busy machine. */
const HOVER_BOUND_MS = 4_000;
const USER = 'hover-user';
const SECRET = 'pa55-never-shown-9f3c';
const BASIC = Buffer.from(`${USER}:${SECRET}`).toString('base64');

describe('faults behind the FROM hover (bundled server)', function () {
  this.timeout(90_000);
  let dir: string;
  const fakes: FakeServer[] = [];
  const engines: Server[] = [];
  const clients: LspTestClient[] = [];

  async function fake(handler: Handler): Promise<FakeServer> {
    const s = await startFakeServer(handler);
    fakes.push(s);
    return s;
  }

  /** A fake Docker Engine on a unix socket: answers /version, then `handler` for everything else. */
  async function fakeEngine(name: string, handler: Handler): Promise<string> {
    const socketPath = path.join(dir, `${name}.sock`);
    const server = createServer((req, res) => {
      if (req.url === '/version') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Version: 'fake', ApiVersion: '1.43' }));
      } else handler(req, res);
    });
    engines.push(server);
    await new Promise<void>((r) => server.listen(socketPath, r));
    return `unix://${socketPath}`;
  }

  async function server(options: { trusted: boolean; engineHost?: string; network?: boolean }): Promise<LspTestClient> {
    // The server reads the user's Docker config the way it would on a user's machine: DOCKER_CONFIG.
    const saved = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = path.join(dir, 'docker');
    try {
      const client = await LspTestClient.start({
        rootPath: dir,
        initializationOptions: { trusted: options.trusted, storagePath: path.join(dir, `storage-${clients.length}`), registryTimeoutMs: 5_000 },
        configuration: { network: { enable: options.network !== false, allowedRegistries: ['*'] }, engine: options.engineHost ? { enable: true, host: options.engineHost } : { enable: false } },
      });
      clients.push(client);
      return client;
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved;
    }
  }

  async function hoverFrom(client: LspTestClient, image: string): Promise<{ value: string; ms: number }> {
    const uri = fileUri(path.join(dir, `${image.replace(/[^a-z0-9]/gi, '_')}.Dockerfile`));
    await client.open(uri, `FROM ${image}\nRUN apt-get update && apt-get install -y curl\n`);
    const started = performance.now();
    const hover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } });
    const ms = performance.now() - started;
    assert.ok(hover, `no hover for ${image}`);
    return { value: hover.contents.value, ms };
  }

  /** The model's hover for `image`, from a server that makes no lookups (untrusted). */
  let modelOnly: LspTestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-hover-faults-'));
    fs.mkdirSync(path.join(dir, 'docker'));
    modelOnly = await server({ trusted: false });
  });

  after(async () => {
    for (const c of clients) await c.stop();
    await Promise.all(fakes.map((f) => f.stop()));
    for (const e of engines) {
      e.closeAllConnections();
      await new Promise((r) => e.close(r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    for (const c of clients) {
      for (const text of [...c.logs.map((l) => l.message), ...c.stderr]) {
        assert.ok(!text.includes(SECRET) && !text.includes(BASIC), `a credential reached the logs: ${text}`);
      }
    }
  });

  describe('registry', () => {
    const cases: [string, () => Promise<FakeServer>, RegExp][] = [
      ['never answers', () => fake(neverAnswers), /Exact size pending: the registry is slow to answer/],
      ['answers 500', () => fake(answersStatus(500)), /Exact size not available: the registry answered with an error/],
      ['answers 503 from its token server', async () => {
        const tokens = await fake(answersStatus(503));
        return fake((_req, res) => { res.writeHead(401, { 'Www-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` }).end(); });
      }, /Exact size not available: the registry answered with an error/],
      ['sends malformed JSON', () => fake((_req, res) => { res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end('{"schemaVersion": 2, "layers": [{'); }), /Exact size not available: the registry sent something unreadable/],
      ['sends JSON of the wrong shape', () => fake((_req, res) => { res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end('[1, "two", null]'); }), /Exact size not available: the registry sent something unreadable/],
      ['streams an enormous body', () => fake(answersEndlessly(256 * 1024 * 1024)), /Exact size not available: the registry sent an oversized answer/],
      ['declares an enormous body', () => fake((_req, res) => { res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': String(2 ** 40) }); res.write('{'); }), /Exact size not available: the registry sent an oversized answer/],
      ['refuses the credentials and echoes them back', () => fake((req, res) => {
        res.writeHead(401, { 'Www-Authenticate': 'Basic realm="r"', 'Content-Type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: `bad login ${req.headers.authorization ?? ''}`, detail: SECRET }] }));
      }), /Exact size not available: the registry refused the credentials/],
      ['answers 500 with the credentials in its body', () => fake((req, res) => {
        if (!req.headers.authorization) return void res.writeHead(401, { 'Www-Authenticate': 'Basic realm="r"' }).end();
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `${req.headers.authorization} ${SECRET}` }] }));
      }), /Exact size not available: the registry answered with an error/],
    ];

    let client: LspTestClient;
    const hosts: string[] = [];
    before(async () => {
      // Credentials for every fake registry, as `docker login` would store them.
      for (const [, start] of cases) hosts.push((await start()).host);
      fs.writeFileSync(path.join(dir, 'docker', 'config.json'), JSON.stringify({ auths: Object.fromEntries(hosts.map((h) => [h, { auth: BASIC }])) }));
      client = await server({ trusted: true });
    });

    cases.forEach(([name, , reason], i) => {
      it(`${name}: the hover answers in time, says why, and keeps the model's answer`, async () => {
        const image = `${hosts[i]}/team/app:1.0`;
        const { value: model } = await hoverFrom(modelOnly, image);
        assert.doesNotMatch(model, /Exact/);
        const { value, ms } = await hoverFrom(client, image);
        assert.ok(ms < HOVER_BOUND_MS, `the hover took ${Math.round(ms)} ms`);
        assert.match(value, reason);
        assert.ok(value.endsWith(`\n\n---\n\n${model}`), `the model's answer is missing:\n${value}\n--- model:\n${model}`);
        assert.ok(!value.includes(SECRET) && !value.includes(BASIC), `the hover shows a credential:\n${value}`);
        assert.equal(client.child.exitCode, null, 'the server exited');
      });
    });
  });

  describe('engine', () => {
    const cases: [string, Handler][] = [
      ['never answers', () => undefined],
      ['starts an answer and never ends it', (_req, res) => void res.write('{"Id":')],
      ['answers 500', (_req, res) => ((res.statusCode = 500), res.end('{"message":"boom"}'))],
      ['sends malformed JSON', (_req, res) => res.end('{"Id": "sha256:1", "Size": ')],
      ['sends JSON of the wrong shape', (_req, res) => res.end('{"Id": 5, "Size": "big"}')],
      ['sends an enormous body', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.write('{"Id":"sha256:1","Size":1,"pad":"');
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let sent = 0;
        const pump = (): void => {
          while (sent < 256 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"}');
        };
        pump();
      }],
    ];

    it('positive control: a healthy engine adds its exact size above the model\'s answer', async () => {
      const client = await server({ trusted: true, network: false, engineHost: await fakeEngine('healthy', (_req, res) => res.end(JSON.stringify({ Id: 'sha256:0123456789abcdef', Size: 123_456_789 }))) });
      const { value: model } = await hoverFrom(modelOnly, 'python:3.12');
      const { value } = await hoverFrom(client, 'python:3.12');
      assert.match(value, /^\*\*Exact, from the local engine\*\*: .*123,456,789 bytes/);
      assert.ok(value.endsWith(`\n\n${model}`));
    });

    cases.forEach(([name, handler], i) => {
      it(`${name}: the hover answers in time with the model's answer alone`, async () => {
        const client = await server({ trusted: true, network: false, engineHost: await fakeEngine(`engine-${i}`, handler) });
        const image = 'python:3.12';
        const { value: model } = await hoverFrom(modelOnly, image);
        assert.match(model, /about \d+ MB to download/);
        const { value, ms } = await hoverFrom(client, image);
        assert.ok(ms < HOVER_BOUND_MS, `the hover took ${Math.round(ms)} ms`);
        assert.equal(value, model);
        assert.equal(client.child.exitCode, null, 'the server exited');
      });
    });
  });
});
