/**
 * apk-cache-kept and `apk add --no-network`: an add that may not use the network fetches no
 * index, so it keeps none in /var/cache/apk. The docker-library images (redis, memcached) build
 * with `apk add --no-cache --virtual .build-deps ...` and, after the build, record the libraries
 * the binaries link against with `apk add --no-network --virtual .x-rundeps $runDeps`: that add
 * was reported ("apk keeps its package index in /var/cache/apk"), and its fix added --no-cache.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const found = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'apk-cache-kept');

describe('apk-cache-kept: apk add --no-network', () => {
  it('keeps no index (the redis image: build deps with --no-cache, runtime deps recorded with --no-network)', () => {
    const run = [
      'RUN set -eux; apk add --no-cache --virtual .build-deps gcc make musl-dev openssl-dev; \\',
      '  make -C /usr/src/redis install; \\',
      '  runDeps="$(scanelf --needed --nobanner --format \'%n#p\' --recursive /usr/local | tr \',\' \'\\n\' | sort -u)"; \\',
      '  apk add --no-network --virtual .redis-rundeps $runDeps; \\',
      '  apk del --no-network .build-deps',
    ].join('\n');
    assert.deepEqual(found(`FROM alpine:3.20\n${run}\n`), []);
  });
  it('still reports an add that fetches the index in the same RUN', () => {
    assert.equal(found('FROM alpine:3.20\nRUN apk add --no-network --virtual .r musl && apk add curl\n').length, 1);
  });
});
