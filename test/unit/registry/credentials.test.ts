import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerConfigCredentials, registryFromConfigKey } from '../../../server/src/sources/registry/credentials';

describe('registry: credentials from the Docker config', () => {
  let dir: string;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-creds-')); });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  async function writeConfig(config: unknown): Promise<DockerConfigCredentials> {
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
    return new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH ?? ''}` }, helperTimeoutMs: 2000 });
  }

  /** A credential helper script that logs its argument and stdin, then answers from a table. */
  async function writeHelper(name: string, body: string): Promise<void> {
    const file = path.join(dir, `docker-credential-${name}`);
    await fs.writeFile(file, `#!/bin/sh\nread -r input\necho "$1 $input" >> "${dir}/helper.log"\n${body}\n`);
    await fs.chmod(file, 0o755);
  }

  it('normalises config keys to registry names', () => {
    assert.equal(registryFromConfigKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryFromConfigKey('registry-1.docker.io'), 'docker.io');
    assert.equal(registryFromConfigKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(registryFromConfigKey('GHCR.io/'), 'ghcr.io');
  });

  it('decodes base64 auth, username/password and identity tokens from auths', async () => {
    const source = await writeConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
        'quay.io': { username: 'q', password: 'qp' },
        'myregistry.azurecr.io': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh-me' },
        'empty.example': {},
      },
    });
    assert.deepEqual(await source.get('docker.io'), { kind: 'basic', username: 'hubuser', password: 'hub:pass' });
    assert.deepEqual(await source.get('quay.io'), { kind: 'basic', username: 'q', password: 'qp' });
    assert.deepEqual(await source.get('myregistry.azurecr.io'), { kind: 'identity-token', token: 'refresh-me' });
    assert.equal(await source.get('empty.example'), undefined);
    assert.equal(await source.get('ghcr.io'), undefined);
  });

  it('returns nothing for a missing or corrupt config', async () => {
    const missing = new DockerConfigCredentials({ env: { DOCKER_CONFIG: path.join(dir, 'nope') } });
    assert.equal(await missing.get('docker.io'), undefined);
    await fs.writeFile(path.join(dir, 'config.json'), '{ not json');
    const corrupt = new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir } });
    assert.equal(await corrupt.get('docker.io'), undefined);
  });

  it('falls back to ~/.docker/config.json when DOCKER_CONFIG is unset', async () => {
    await fs.mkdir(path.join(dir, '.docker'));
    await fs.writeFile(path.join(dir, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('u:p') } } }));
    const source = new DockerConfigCredentials({ env: { HOME: dir } });
    assert.deepEqual(await source.get('ghcr.io'), { kind: 'basic', username: 'u', password: 'p' });
  });

  it('runs a credHelpers helper with the config key on stdin, never a shell', async () => {
    await writeHelper('unit', `[ "$1" = get ] && [ "$input" = "ghcr.io" ] && echo '{"ServerURL":"ghcr.io","Username":"gh","Secret":"s3cret"}' && exit 0\necho "credentials not found in native keychain"; exit 1`);
    const source = await writeConfig({ credHelpers: { 'ghcr.io': 'unit' }, auths: { 'ghcr.io': { auth: b64('ignored:x') } } });
    assert.deepEqual(await source.get('ghcr.io'), { kind: 'basic', username: 'gh', password: 's3cret' });
    assert.equal((await fs.readFile(path.join(dir, 'helper.log'), 'utf8')).trim(), 'get ghcr.io');
  });

  it('asks a credsStore helper only for servers its own list names', async () => {
    await writeHelper('store', [
      `if [ "$1" = list ]; then echo '{"https://index.docker.io/v1/":"hubuser","private.example:5000":"me"}'; exit 0; fi`,
      `if [ "$input" = "https://index.docker.io/v1/" ]; then echo '{"Username":"<token>","Secret":"idtoken"}'; exit 0; fi`,
      `if [ "$input" = "private.example:5000" ]; then echo '{"Username":"me","Secret":"pw"}'; exit 0; fi`,
      'exit 1',
    ].join('\n'));
    const source = await writeConfig({ credsStore: 'store', auths: { 'https://index.docker.io/v1/': {} } });
    assert.deepEqual(await source.get('docker.io'), { kind: 'identity-token', token: 'idtoken' });
    assert.deepEqual(await source.get('private.example:5000'), { kind: 'basic', username: 'me', password: 'pw' });
    assert.equal(await source.get('evil.example'), undefined);
    const log = (await fs.readFile(path.join(dir, 'helper.log'), 'utf8')).trim().split('\n');
    assert.ok(!log.some((line) => line.includes('evil.example')), 'the helper never saw the unknown host');
    assert.ok(log.every((line) => /^(get|list) /.test(line) || line === 'list'), log.join('|'));
  });

  it('gives up on a helper that hangs, within its time limit', async () => {
    await writeHelper('slow', 'exec sleep 30');
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'slow.example': 'slow' } }));
    const source = new DockerConfigCredentials({ env: { DOCKER_CONFIG: dir, PATH: `${dir}:${process.env.PATH ?? ''}` }, helperTimeoutMs: 300 });
    const started = Date.now();
    assert.equal(await source.get('slow.example'), undefined);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  it('refuses helper names that are not plain file names', async () => {
    const source = await writeConfig({ credHelpers: { 'x.example': '../../bin/sh' }, credsStore: 'a b' });
    assert.equal(await source.get('x.example'), undefined);
    assert.equal(await source.get('y.example'), undefined);
  });

  it('treats a missing helper binary as no credentials', async () => {
    const source = await writeConfig({ credHelpers: { 'x.example': 'does-not-exist-anywhere' } });
    assert.equal(await source.get('x.example'), undefined);
  });
});
