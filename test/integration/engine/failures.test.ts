/**
 * The engine client against fake engines on a unix socket: an engine that never answers (the
 * time limit holds), errors, bad JSON, oversized answers, an old API, an endless export. Every
 * failure must come back as a value with a reason, in time.
 */
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../../../server/src/sources/engine';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('engine client failures (fake engines on a unix socket)', function () {
  this.timeout(30_000);
  let dir: string;
  const servers: Server[] = [];
  const seen: string[] = [];

  async function fake(handler: Handler, api = '1.41'): Promise<EngineClient> {
    const socketPath = path.join(dir, `e${servers.length}.sock`);
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/version') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ Version: 'fake', ApiVersion: api }));
        return;
      }
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(socketPath, r));
    return new EngineClient({ kind: 'unix', socketPath, source: 'test' }, { timeoutMs: 500, maxJsonBytes: 10_000 });
  }

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-engine-fake-'));
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('negotiates down to its own highest API version and encodes the reference in the path', async () => {
    const c = await fake((_, res) => res.end(JSON.stringify({ Id: 'sha256:1', Size: 5 })), '1.99');
    const r = await c.imageInspect('registry.example:5000/team/app:1.0');
    assert.ok(r.ok);
    assert.equal(seen[seen.length - 1], '/v1.43/images/registry.example%3A5000%2Fteam%2Fapp%3A1.0/json');
  });

  it('refuses an engine older than API 1.24', async () => {
    const c = await fake((_, res) => res.end('{}'), '1.12');
    const r = await c.imageInspect('x');
    assert.equal(!r.ok && r.reason, 'engine-error');
  });

  it('times out on an engine that never answers, within the limit', async () => {
    const c = await fake(() => undefined);
    const t0 = Date.now();
    const r = await c.imageHistory('x');
    assert.equal(!r.ok && r.reason, 'timeout');
    assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
  });

  it('times out on an answer that starts and never ends', async () => {
    const c = await fake((_, res) => res.write('[{"Id":'));
    const r = await c.imageHistory('x');
    assert.equal(!r.ok && r.reason, 'timeout');
  });

  it('maps 404, 500, bad JSON and oversized answers to reasons', async () => {
    const notFound = await fake((_, res) => ((res.statusCode = 404), res.end('{"message":"No such image: x"}')));
    const r1 = await notFound.imageInspect('x');
    assert.deepEqual(r1, { ok: false, reason: 'not-found', detail: '404: No such image: x' });
    const broken = await fake((_, res) => ((res.statusCode = 500), res.end('boom')));
    assert.equal(((await broken.imageInspect('x')) as { reason: string }).reason, 'engine-error');
    const garbage = await fake((_, res) => res.end('not json'));
    assert.equal(((await garbage.imageInspect('x')) as { reason: string }).reason, 'malformed');
    const huge = await fake((_, res) => res.end(JSON.stringify({ Id: 'x', Size: 1, pad: 'x'.repeat(50_000) })));
    assert.equal(((await huge.imageInspect('x')) as { reason: string }).reason, 'too-large');
  });

  it('says no-engine when nothing listens on the socket', async () => {
    const c = new EngineClient({ kind: 'unix', socketPath: path.join(dir, 'absent.sock'), source: 'test' });
    assert.equal(((await c.version()) as { reason: string }).reason, 'no-engine');
  });

  it('stops an endless export at the byte limit and a slow one at the time limit', async () => {
    const endless = await fake((_, res) => {
      const zeros = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (res.write(zeros));
      };
      res.on('drain', pump);
      pump();
    });
    const t0 = Date.now();
    const r = await endless.exportLayers('x', { maxBytes: 5e6, timeoutMs: 10_000 });
    assert.equal(!r.ok && r.reason, 'too-large');
    assert.ok(Date.now() - t0 < 5000);
    const slow = await fake((_, res) => res.write(Buffer.alloc(512)));
    const r2 = await slow.exportLayers('x', { timeoutMs: 800 });
    assert.equal(!r2.ok && r2.reason, 'timeout');
  });
});
