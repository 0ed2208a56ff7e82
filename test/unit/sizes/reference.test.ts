import * as assert from 'node:assert/strict';
import { formatImageReference, parseImageReference } from '../../../server/src/sizes';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageReference', () => {
  it('adds docker.io and library/ to an official image and defaults the tag to latest', () => {
    const r = parseImageReference('python')!;
    assert.equal(r.registry, 'docker.io');
    assert.equal(r.path, 'library/python');
    assert.equal(r.namespace, 'library');
    assert.equal(r.name, 'python');
    assert.equal(r.tag, undefined);
    assert.equal(r.effectiveTag, 'latest');
    assert.equal(r.official, true);
    assert.equal(r.familiar, 'python');
  });

  it('reads a tag', () => {
    const r = parseImageReference('python:3.12-slim-bookworm')!;
    assert.equal(r.tag, '3.12-slim-bookworm');
    assert.equal(r.effectiveTag, '3.12-slim-bookworm');
  });

  it('treats docker.io, index.docker.io, registry-1.docker.io, registry.hub.docker.com and registry.docker.com as Docker Hub', () => {
    // registry.docker.com: the host Rails 7.1's generated Dockerfile names (`registry.docker.com/library/ruby:...-slim`).
    for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'registry.docker.com']) {
      const r = parseImageReference(`${host}/library/node:22`)!;
      assert.equal(r.registry, 'docker.io', host);
      assert.equal(r.official, true, host);
      assert.equal(r.familiar, 'node', host);
    }
    const short = parseImageReference('docker.io/node')!;
    assert.equal(short.path, 'library/node');
  });

  it('keeps Docker Hub namespaces', () => {
    const r = parseImageReference('bitnami/redis:7.2')!;
    assert.equal(r.registry, 'docker.io');
    assert.equal(r.path, 'bitnami/redis');
    assert.equal(r.namespace, 'bitnami');
    assert.equal(r.official, false);
    assert.equal(r.familiar, 'bitnami/redis');
  });

  it('reads registry host, port, nested namespaces, tag and digest together', () => {
    const r = parseImageReference(`localhost:5000/ns/sub/img:tag@${DIGEST}`)!;
    assert.equal(r.registry, 'localhost:5000');
    assert.equal(r.host, 'localhost');
    assert.equal(r.port, 5000);
    assert.equal(r.path, 'ns/sub/img');
    assert.equal(r.namespace, 'ns/sub');
    assert.equal(r.name, 'img');
    assert.equal(r.tag, 'tag');
    assert.equal(r.digest, DIGEST);
    assert.equal(r.official, false);
    assert.equal(formatImageReference(r), `localhost:5000/ns/sub/img:tag@${DIGEST}`);
  });

  it('does not mistake a registry port for a tag', () => {
    const r = parseImageReference('registry.example.com:443/team/app')!;
    assert.equal(r.registry, 'registry.example.com:443');
    assert.equal(r.port, 443);
    assert.equal(r.tag, undefined);
    assert.equal(r.effectiveTag, 'latest');
  });

  it('recognises hosts by a dot or localhost, not single-component paths', () => {
    assert.equal(parseImageReference('ghcr.io/a/b')!.registry, 'ghcr.io');
    assert.equal(parseImageReference('ghcr.io/a/b')!.path, 'a/b');
    assert.equal(parseImageReference('localhost/app')!.registry, 'localhost');
    assert.equal(parseImageReference('myorg/app')!.registry, 'docker.io');
  });

  it('leaves the tag undefined for a digest-only reference', () => {
    const r = parseImageReference(`python@${DIGEST}`)!;
    assert.equal(r.tag, undefined);
    assert.equal(r.digest, DIGEST);
    assert.equal(r.effectiveTag, undefined);
  });

  it('knows scratch', () => {
    const r = parseImageReference('scratch')!;
    assert.equal(r.scratch, true);
    assert.equal(r.official, false);
    assert.equal(formatImageReference(r), 'scratch');
  });

  it('rejects invalid references instead of throwing', () => {
    for (const bad of ['', '   ', 'Python:3', 'python:${PY}-slim', 'python:', 'a//b', 'python@sha256:xyz', 'python:bad tag', `python:${'x'.repeat(129)}`, 'host:99999/a']) {
      assert.equal(parseImageReference(bad), undefined, bad);
    }
  });

  it('accepts separators allowed in path components and tags', () => {
    const r = parseImageReference('my_org/my-app.web__x:v1.2.3_rc-1')!;
    assert.equal(r.path, 'my_org/my-app.web__x');
    assert.equal(r.tag, 'v1.2.3_rc-1');
  });

  it('trims surrounding whitespace', () => {
    assert.equal(parseImageReference('  node:22  ')!.tag, '22');
  });

  it('writes references back in short form with a replaced tag', () => {
    const r = parseImageReference('docker.io/library/python:3.12')!;
    assert.equal(formatImageReference(r), 'python:3.12');
    assert.equal(formatImageReference(r, '3.12-slim'), 'python:3.12-slim');
  });
});
