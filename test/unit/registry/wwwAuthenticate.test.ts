import * as assert from 'node:assert/strict';
import { parseWwwAuthenticate } from '../../../server/src/sources/registry/wwwAuthenticate';

describe('registry: Www-Authenticate parsing', () => {
  it('reads a Docker Hub style Bearer challenge', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    assert.deepEqual(parseWwwAuthenticate(header), [{
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' },
    }]);
  });

  it('reads Basic, unquoted values, spaces and mixed case', () => {
    assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
    assert.deepEqual(parseWwwAuthenticate('BEARER Realm = https://x/token , Service=svc'), [{ scheme: 'bearer', params: { realm: 'https://x/token', service: 'svc' } }]);
  });

  it('splits several challenges in one header (as Node joins repeated headers)', () => {
    const parsed = parseWwwAuthenticate('Basic realm="r1", Bearer realm="https://t/token",service="s", Negotiate');
    assert.deepEqual(parsed.map((c) => c.scheme), ['basic', 'bearer', 'negotiate']);
    assert.equal(parsed[1]!.params.realm, 'https://t/token');
    assert.equal(parsed[1]!.params.service, 's');
  });

  it('unescapes quoted strings and keeps commas inside quotes', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="https://t/token",scope="repository:a/b:pull,push",error="say \\"hi\\""');
    assert.equal(c!.params.scope, 'repository:a/b:pull,push');
    assert.equal(c!.params.error, 'say "hi"');
  });

  it('survives garbage without throwing', () => {
    for (const junk of ['', ',,,', '="x"', 'Bearer realm="unterminated', '\u0000\u0001 ;;']) {
      assert.doesNotThrow(() => parseWwwAuthenticate(junk));
    }
    assert.deepEqual(parseWwwAuthenticate(''), []);
  });
});
