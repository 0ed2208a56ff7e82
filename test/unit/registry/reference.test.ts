import * as assert from 'node:assert/strict';
import { apiHost, formatReference, isLoopback, parseReference } from '../../../server/src/sources/registry/reference';

describe('registry: image reference -> registry/repository', () => {
  const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
    // input, registry, repository, tag, digest
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['index.docker.io/library/node:20-slim', 'docker.io', 'library/node', '20-slim', undefined],
    ['ghcr.io/owner/app:v1.2', 'ghcr.io', 'owner/app', 'v1.2', undefined],
    ['quay.io/prometheus/node-exporter', 'quay.io', 'prometheus/node-exporter', 'latest', undefined],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/svc:prod', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'team/svc', 'prod', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/a/b/c:t', 'localhost:5000', 'a/b/c', 't', undefined],
    ['127.0.0.1:5055/test/img:oci', '127.0.0.1:5055', 'test/img', 'oci', undefined],
    ['[::1]:5000/img', '[::1]:5000', 'img', 'latest', undefined],
    [`alpine@sha256:${'a'.repeat(64)}`, 'docker.io', 'library/alpine', undefined, `sha256:${'a'.repeat(64)}`],
    [`alpine:3@sha256:${'b'.repeat(64)}`, 'docker.io', 'library/alpine', '3', `sha256:${'b'.repeat(64)}`],
  ];
  for (const [input, registry, repository, tag, digest] of cases) {
    it(`parses ${input}`, () => {
      const ref = parseReference(input);
      assert.ok(ref, input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, digest);
    });
  }

  it('refuses what is not a literal reference', () => {
    for (const bad of ['', '${BASE}', '$BASE:1', 'Alpine', 'ubuntu:', 'a b', 'host:5000/', 'alpine@sha256:xyz', 'ghcr.io/Owner/app', 'scratch x', '-x/y', 'a:' + 't'.repeat(129)]) {
      assert.equal(parseReference(bad), undefined, bad);
    }
  });

  it('maps Docker Hub to its API host and leaves others alone', () => {
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(apiHost('ghcr.io'), 'ghcr.io');
    assert.equal(apiHost('127.0.0.1:5000'), '127.0.0.1:5000');
  });

  it('formats a canonical long form', () => {
    assert.equal(formatReference(parseReference('node')!), 'docker.io/library/node:latest');
    assert.equal(formatReference(parseReference('ghcr.io/o/a:1')!), 'ghcr.io/o/a:1');
  });

  it('knows loopback hosts (plain http by default)', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5055', '127.1.2.3', '[::1]:5000']) assert.ok(isLoopback(host), host);
    for (const host of ['docker.io', 'ghcr.io', '10.0.0.1:5000', '127.0.0.1.nip.io', 'localhost.example.com']) assert.ok(!isLoopback(host), host);
  });
});
