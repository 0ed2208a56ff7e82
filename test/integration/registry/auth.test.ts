/**
 * The auth flows against a real `docker-registry`: Basic (htpasswd, bcrypt) with credentials
 * read from a Docker config (plain `auths` and a credential helper), and Docker Hub-style Bearer
 * tokens from a small RS256/x5c token server, anonymous and logged in (password and identity
 * token). Wrong credentials must give `unauthorised` and never leak into the detail.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient } from '../../../server/src/sources/registry/client';
import { anonymous, DockerConfigCredentials } from '../../../server/src/sources/registry/credentials';
import type { RegistryResult } from '../../../server/src/sources/registry/types';
import { incompressible, OciLayout } from '../../support/registry/images';
import { startRegistry, type RegistryProcess } from '../../support/registry/registryServer';
import { startTokenServer, type TokenServer } from '../../support/registry/tokenServer';
import { requireTools, run } from '../../support/registry/tools';

const USER = 'alice';
const PASSWORD = 'correct horse battery';
const WRONG = 'wrong-password-xyz';

function assertFailure(result: RegistryResult, reason: string): void {
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) return;
  assert.equal(result.reason, reason, result.detail);
  for (const secret of [PASSWORD, WRONG, Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), Buffer.from(`${USER}:${WRONG}`).toString('base64'), 'refresh-secret']) {
    assert.ok(!result.detail.includes(secret), `detail leaks a secret: ${result.detail}`);
  }
}

describe('registry auth against docker-registry on loopback', function () {
  this.timeout(120_000);
  let dir: string;
  let layout: OciLayout;
  let expectedBytes: number;

  /** A client whose credentials come from a Docker config written for this test. */
  async function clientWithConfig(name: string, config: unknown): Promise<RegistryClient> {
    const configDir = path.join(dir, `docker-${name}`);
    await fs.mkdir(configDir, { recursive: true });
    await fs.writeFile(path.join(configDir, 'config.json'), JSON.stringify(config));
    return new RegistryClient({ credentials: new DockerConfigCredentials({ env: { DOCKER_CONFIG: configDir, PATH: `${configDir}:${process.env.PATH ?? ''}` } }), timeoutMs: 5000 });
  }
  const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

  before(async () => {
    await requireTools();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-registry-auth-'));
    layout = await OciLayout.create(path.join(dir, 'layout'));
    await layout.addImage('img', { os: 'linux', architecture: 'amd64', layers: [{ 'data.bin': incompressible(100_000) }] });
    expectedBytes = (await layout.manifest('img')).layers.reduce((s, l) => s + l.size, 0);
  });
  after(async () => { if (dir) await fs.rm(dir, { recursive: true, force: true }); });

  describe('Basic (htpasswd)', () => {
    let registry: RegistryProcess;
    before(async () => {
      const htpasswd = path.join(dir, 'htpasswd');
      await fs.writeFile(htpasswd, await run('htpasswd', ['-Bbn', USER, PASSWORD]));
      registry = await startRegistry(path.join(dir, 'basic'), { htpasswd });
      await layout.push('img', `${registry.host}/private/img:1`, { creds: `${USER}:${PASSWORD}` });
    });
    after(async () => { await registry?.stop(); });

    it('uses the auths entry of the Docker config', async () => {
      const client = await clientWithConfig('basic-ok', { auths: { [`http://${registry.host}`]: { auth: auth(USER, PASSWORD) } } });
      const result = await client.lookup(`${registry.host}/private/img:1`, 'linux/amd64');
      assert.ok(result.ok, !result.ok ? result.detail : '');
      assert.equal(result.compressedBytes, expectedBytes);
    });

    it('uses a credential helper named in credHelpers', async () => {
      const client = await clientWithConfig('basic-helper', { credHelpers: { [registry.host]: 'dshtest' } });
      const helper = path.join(dir, 'docker-basic-helper', 'docker-credential-dshtest');
      await fs.writeFile(helper, `#!/bin/sh\nread -r host\n[ "$1" = get ] && [ "$host" = "${registry.host}" ] && printf '{"Username":"${USER}","Secret":"${PASSWORD}"}' && exit 0\nexit 1\n`);
      await fs.chmod(helper, 0o755);
      const result = await client.lookup(`${registry.host}/private/img:1`, 'linux/amd64');
      assert.ok(result.ok, !result.ok ? result.detail : '');
    });

    it('is unauthorised without credentials and with wrong ones', async () => {
      assertFailure(await new RegistryClient({ credentials: anonymous }).lookup(`${registry.host}/private/img:1`, 'linux/amd64'), 'unauthorised');
      const wrong = await clientWithConfig('basic-wrong', { auths: { [registry.host]: { auth: auth(USER, WRONG) } } });
      assertFailure(await wrong.lookup(`${registry.host}/private/img:1`, 'linux/amd64'), 'unauthorised');
    });
  });

  describe('Bearer tokens (token server, RS256 with x5c)', () => {
    let registry: RegistryProcess;
    let tokens: TokenServer;
    const service = 'dsh-test-registry';

    async function start(anonymousPull: boolean, name: string): Promise<void> {
      tokens = await startTokenServer(path.join(dir, `${name}-tokens`), {
        service, issuer: 'dsh-test-issuer', users: { [USER]: PASSWORD }, refreshTokens: { 'refresh-secret': USER }, anonymousPull,
      });
      registry = await startRegistry(path.join(dir, name), { token: { realm: tokens.realm, service, issuer: 'dsh-test-issuer', rootCertBundle: tokens.certFile } });
      await layout.push('img', `${registry.host}/team/img:1`, { creds: `${USER}:${PASSWORD}` });
      tokens.requests.length = 0;
    }
    async function stop(): Promise<void> {
      await registry?.stop();
      await tokens?.stop();
    }

    describe('public repository (anonymous pull allowed)', () => {
      before(() => start(true, 'bearer-public'));
      after(stop);

      it('gets an anonymous pull token for the repository and reuses it', async () => {
        const client = new RegistryClient({ credentials: anonymous });
        const result = await client.lookup(`${registry.host}/team/img:1`, 'linux/amd64');
        assert.ok(result.ok, !result.ok ? result.detail : '');
        assert.equal(result.compressedBytes, expectedBytes);
        assert.deepEqual(tokens.requests, [{ method: 'GET', scope: 'repository:team/img:pull', service, status: 200 }]);
        const again = await client.lookup(`${registry.host}/team/img:1`, 'linux/amd64');
        assert.ok(again.ok);
        assert.equal(tokens.requests.length, 1, 'the cached token was reused');
      });

      it('answers not-found for an unknown tag behind token auth', async () => {
        assertFailure(await new RegistryClient({ credentials: anonymous }).lookup(`${registry.host}/team/img:nope`, 'linux/amd64'), 'not-found');
      });
    });

    describe('private repository (login required)', () => {
      before(() => start(false, 'bearer-private'));
      after(stop);

      it('sends the Docker config credentials to the token server', async () => {
        const client = await clientWithConfig('bearer-ok', { auths: { [registry.host]: { auth: auth(USER, PASSWORD) } } });
        const result = await client.lookup(`${registry.host}/team/img:1`, 'linux/amd64');
        assert.ok(result.ok, !result.ok ? result.detail : '');
        assert.equal(result.compressedBytes, expectedBytes);
        assert.deepEqual(tokens.requests.at(-1), { method: 'GET', scope: 'repository:team/img:pull', service, user: USER, status: 200 });
      });

      it('exchanges an identity token (refresh_token grant)', async () => {
        const client = await clientWithConfig('bearer-identity', { auths: { [registry.host]: { identitytoken: 'refresh-secret' } } });
        const result = await client.lookup(`${registry.host}/team/img:1`, 'linux/amd64');
        assert.ok(result.ok, !result.ok ? result.detail : '');
        assert.equal(tokens.requests.at(-1)?.grantType, 'refresh_token');
      });

      it('is unauthorised anonymously and with wrong credentials', async () => {
        assertFailure(await new RegistryClient({ credentials: anonymous }).lookup(`${registry.host}/team/img:1`, 'linux/amd64'), 'unauthorised');
        const wrong = await clientWithConfig('bearer-wrong', { auths: { [registry.host]: { auth: auth(USER, WRONG) } } });
        assertFailure(await wrong.lookup(`${registry.host}/team/img:1`, 'linux/amd64'), 'unauthorised');
        assert.equal(tokens.requests.at(-1)?.status, 401);
      });
    });
  });
});
