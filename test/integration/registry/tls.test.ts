/**
 * A registry behind TLS with a self-signed certificate (private registries often have their own
 * CA): untrusted, the lookup fails as `offline` with a TLS detail; trusted through
 * NODE_EXTRA_CA_CERTS (read by Node at start-up, hence a child process), it succeeds.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { RegistryClient } from '../../../server/src/sources/registry/client';
import { anonymous } from '../../../server/src/sources/registry/credentials';
import type { RegistryResult } from '../../../server/src/sources/registry/types';
import { incompressible, OciLayout } from '../../support/registry/images';
import { startRegistry, type RegistryProcess } from '../../support/registry/registryServer';
import { requireTools, run } from '../../support/registry/tools';

describe('registry client over TLS (self-signed certificate)', function () {
  this.timeout(120_000);
  let dir: string;
  let registry: RegistryProcess;
  let certificate: string;
  let expectedBytes: number;

  before(async () => {
    await requireTools();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-registry-tls-'));
    certificate = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    registry = await startRegistry(path.join(dir, 'registry'), undefined, { certificate, key });
    const layout = await OciLayout.create(path.join(dir, 'layout'));
    await layout.addImage('img', { os: 'linux', architecture: 'amd64', layers: [{ 'x.bin': incompressible(64_000) }] });
    await layout.push('img', `${registry.host}/tls/img:1`);
    expectedBytes = await registry.blobSize((await layout.manifest('img')).layers[0]!.digest);
  });
  after(async () => {
    await registry?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('fails as offline with a TLS detail when the certificate is not trusted', async () => {
    const result = await new RegistryClient({ credentials: anonymous, scheme: () => 'https' }).lookup(`${registry.host}/tls/img:1`, 'linux/amd64');
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'offline');
    assert.match(!result.ok ? result.detail : '', /TLS failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
  });

  it('succeeds when the CA is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const script = [
      'const { RegistryClient } = require(process.argv[1]);',
      'const { anonymous } = require(process.argv[2]);',
      "new RegistryClient({ credentials: anonymous, scheme: () => 'https' }).lookup(process.argv[3], 'linux/amd64')",
      '  .then((r) => process.stdout.write(JSON.stringify(r)));',
    ].join('\n');
    const modules = path.resolve(__dirname, '../../../server/src/sources/registry');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script, path.join(modules, 'client.js'), path.join(modules, 'credentials.js'), `${registry.host}/tls/img:1`],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate }, timeout: 30_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    const result = JSON.parse(stdout) as RegistryResult;
    assert.ok(result.ok, !result.ok ? result.detail : '');
    assert.equal(result.compressedBytes, expectedBytes);
  });
});
