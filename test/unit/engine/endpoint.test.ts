/** Which engine socket is used: DOCKER_HOST, the setting, then the usual sockets. */
import * as assert from 'node:assert/strict';
import { chooseEndpoint, parseHost } from '../../../server/src/sources/engine';

describe('engine: endpoint', () => {
  it('uses DOCKER_HOST as given, and the setting before it', () => {
    assert.deepEqual(chooseEndpoint({ DOCKER_HOST: 'unix:///tmp/d.sock' }, () => false), { ok: true, endpoint: { kind: 'unix', socketPath: '/tmp/d.sock', source: 'DOCKER_HOST' } });
    assert.deepEqual(chooseEndpoint({ DOCKER_HOST: 'unix:///tmp/d.sock' }, () => false, 'tcp://127.0.0.1:2375'), { ok: true, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 2375, source: 'setting dockerfileSizeHints.engine.host' } });
  });

  it('falls back to the default, rootless Docker and Podman sockets that exist', () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    const pick = (present: string) => {
      const c = chooseEndpoint(env, (p) => p === present);
      return c.ok && c.endpoint.kind === 'unix' ? c.endpoint.socketPath : undefined;
    };
    assert.equal(pick('/var/run/docker.sock'), '/var/run/docker.sock');
    assert.equal(pick('/run/user/1000/docker.sock'), '/run/user/1000/docker.sock');
    assert.equal(pick('/run/user/1000/podman/podman.sock'), '/run/user/1000/podman/podman.sock');
    assert.equal(pick('/run/podman/podman.sock'), '/run/podman/podman.sock');
    const none = chooseEndpoint(env, () => false);
    assert.equal(none.ok, false);
  });

  it('refuses ssh, npipe, https and relative sockets with a reason', () => {
    for (const v of ['ssh://me@host', 'npipe:////./pipe/docker_engine', 'https://h:2376', 'unix://rel.sock']) assert.ok('invalid' in parseHost(v, 'DOCKER_HOST'), v);
    assert.deepEqual(parseHost('tcp://[::1]:2375', 'x'), { kind: 'tcp', host: '::1', port: 2375, source: 'x' });
  });
});
