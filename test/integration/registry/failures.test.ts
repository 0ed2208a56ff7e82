/**
 * What a registry does wrong, from tiny HTTP servers that misbehave on purpose: 500s, a server
 * that never answers (the lookup must come back within its time limit), an endless body, bad
 * JSON, schema 1, a failing token server and a refused connection.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { RegistryClient } from '../../../server/src/sources/registry/client';
import { anonymous } from '../../../server/src/sources/registry/credentials';
import type { RegistryResult } from '../../../server/src/sources/registry/types';
import { answersEndlessly, answersStatus, neverAnswers, startFakeServer, type FakeServer } from '../../support/registry/fakeServers';
import { freePort } from '../../support/registry/tools';

function reasonOf(result: RegistryResult): string {
  return result.ok ? 'ok' : result.reason;
}

describe('registry client failures (fake servers on loopback)', function () {
  this.timeout(30_000);
  const servers: FakeServer[] = [];
  const serve = async (handler: Parameters<typeof startFakeServer>[0]): Promise<FakeServer> => {
    const server = await startFakeServer(handler);
    servers.push(server);
    return server;
  };
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });

  it('maps 500 and 503 to server-error', async () => {
    const client = new RegistryClient({ credentials: anonymous, timeoutMs: 3000 });
    const s500 = await serve(answersStatus(500));
    const s503 = await serve(answersStatus(503, 'UNAVAILABLE'));
    const r500 = await client.lookup(`${s500.host}/a/b:1`, 'linux/amd64');
    assert.equal(reasonOf(r500), 'server-error');
    assert.match(!r500.ok ? r500.detail : '', /answered 500/);
    assert.equal(reasonOf(await client.lookup(`${s503.host}/a/b:1`, 'linux/amd64')), 'server-error');
  });

  it('returns timeout within the limit when the registry never answers', async () => {
    const silent = await serve(neverAnswers);
    const limit = 1500;
    const client = new RegistryClient({ credentials: anonymous, timeoutMs: limit });
    const started = performance.now();
    const result = await client.lookup(`${silent.host}/a/b:1`, 'linux/amd64');
    const elapsed = performance.now() - started;
    console.log(`      never-answering registry: ${reasonOf(result)} after ${elapsed.toFixed(0)} ms (limit ${limit} ms)`);
    assert.equal(reasonOf(result), 'timeout');
    assert.ok(silent.hits >= 1, 'the request reached the server');
    assert.ok(elapsed >= limit - 50 && elapsed < limit + 500, `came back after ${elapsed} ms`);
  });

  it('times out when the token server never answers', async () => {
    const tokens = await serve(neverAnswers);
    const registry = await serve((_req, res) => {
      res.writeHead(401, { 'Www-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` }).end('{}');
    });
    const started = performance.now();
    const result = await new RegistryClient({ credentials: anonymous, timeoutMs: 800 }).lookup(`${registry.host}/a/b:1`, 'linux/amd64');
    assert.equal(reasonOf(result), 'timeout');
    assert.ok(performance.now() - started < 1300);
  });

  it('refuses bodies over the size limit, declared or streamed', async () => {
    const client = new RegistryClient({ credentials: anonymous, maxBodyBytes: 1024 * 1024 });
    const streamed = await serve(answersEndlessly(8 * 1024 * 1024));
    const declared = await serve((_req, res) => { res.writeHead(200, { 'Content-Length': String(50 * 1024 * 1024) }); res.write('{'); });
    assert.equal(reasonOf(await client.lookup(`${streamed.host}/a/b:1`, 'linux/amd64')), 'too-large');
    assert.equal(reasonOf(await client.lookup(`${declared.host}/a/b:1`, 'linux/amd64')), 'too-large');
  });

  it('maps bad JSON, missing layers and schema 1 to malformed', async () => {
    const client = new RegistryClient({ credentials: anonymous });
    const bodies: Record<string, string> = {
      '/v2/bad/json/manifests/1': '{"schemaVersion": 2, ',
      '/v2/no/layers/manifests/1': JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {} }),
      '/v2/neg/size/manifests/1': JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [{ digest: 'sha256:x', size: -5 }] }),
      '/v2/old/schema/manifests/1': JSON.stringify({ schemaVersion: 1, name: 'old/schema', fsLayers: [] }),
    };
    const server = await serve((req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end(bodies[req.url ?? ''] ?? '{}'); });
    for (const repo of ['bad/json', 'no/layers', 'neg/size', 'old/schema']) {
      const result = await client.lookup(`${server.host}/${repo}:1`, 'linux/amd64');
      assert.equal(reasonOf(result), 'malformed', repo);
    }
  });

  it('maps a failing token server to server-error and a challenge-less 401 to unauthorised', async () => {
    const tokens = await serve(answersStatus(502));
    const bearer = await serve((_req, res) => { res.writeHead(401, { 'Www-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` }).end(); });
    const bare = await serve((_req, res) => { res.writeHead(401).end(); });
    const client = new RegistryClient({ credentials: anonymous });
    assert.equal(reasonOf(await client.lookup(`${bearer.host}/a/b:1`, 'linux/amd64')), 'server-error');
    assert.equal(reasonOf(await client.lookup(`${bare.host}/a/b:1`, 'linux/amd64')), 'unauthorised');
  });

  it('sends credentials to a plain-http token realm only on loopback', async () => {
    const seen: Array<string | undefined> = [];
    const tokens = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"token":"t"}');
    });
    const port = tokens.host.split(':')[1];
    const registryFor = (realmHost: string) => serve((req, res) => {
      if (req.headers.authorization === 'Bearer t') res.writeHead(404).end();
      else res.writeHead(401, { 'Www-Authenticate': `Bearer realm="http://${realmHost}:${port}/token",service="s"` }).end();
    });
    const client = new RegistryClient({ credentials: { get: async () => ({ kind: 'basic', username: 'u', password: 'secret-pw' }) } });
    // 127.0.0.1 is loopback: the login goes along (positive control).
    const local = await registryFor('127.0.0.1');
    assert.equal(reasonOf(await client.lookup(`${local.host}/a/b:1`, 'linux/amd64')), 'not-found');
    assert.match(seen[0] ?? '', /^Basic /);
    // 0.0.0.0 reaches the same server on Linux but is not a loopback name: anonymous request.
    const remote = await registryFor('0.0.0.0');
    const result = await client.lookup(`${remote.host}/c/d:1`, 'linux/amd64');
    assert.equal(reasonOf(result), 'not-found');
    assert.equal(seen.length, 2);
    assert.equal(seen[1], undefined);
  });

  it('follows a blob redirect to another origin without the Authorization header', async () => {
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm64', rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const manifest = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'3'.repeat(64)}`, size: 1234 }],
    });
    const cdnSaw: Array<string | undefined> = [];
    const cdn = await serve((req, res) => { cdnSaw.push(req.headers.authorization); res.writeHead(200).end(config); });
    const registry = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('u:pw').toString('base64')}`) {
        res.writeHead(401, { 'Www-Authenticate': 'Basic realm="r"' }).end();
      } else if (req.url?.includes('/manifests/')) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
      } else {
        res.writeHead(307, { Location: `http://${cdn.host}/signed/blob?sig=abc` }).end();
      }
    });
    const client = new RegistryClient({ credentials: { get: async () => ({ kind: 'basic', username: 'u', password: 'pw' }) } });
    const result = await client.lookup(`${registry.host}/a/b:1`, 'linux/arm64');
    assert.ok(result.ok, !result.ok ? result.detail : '');
    assert.deepEqual(result.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal(result.compressedBytes, 1234);
    assert.deepEqual(cdnSaw, [undefined]);
  });

  it('answers offline for a refused connection, quickly', async () => {
    const port = await freePort();
    const started = performance.now();
    const result = await new RegistryClient({ credentials: anonymous }).lookup(`127.0.0.1:${port}/a/b:1`, 'linux/amd64');
    assert.equal(reasonOf(result), 'offline');
    assert.ok(performance.now() - started < 1000);
  });

  it('refuses references and platforms that are not literal', async () => {
    const client = new RegistryClient({ credentials: anonymous });
    assert.equal(reasonOf(await client.lookup('${BASE_IMAGE}', 'linux/amd64')), 'malformed');
    assert.equal(reasonOf(await client.lookup('alpine', 'linux/$TARGETARCH')), 'malformed');
  });
});
