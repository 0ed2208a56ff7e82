/**
 * go-build-cache-kept's advice names the folders the caches are in: after `ENV GOCACHE=/tmp/gocache`
 * it said "use cache mounts on /go/pkg/mod and /root/.cache/go-build", and a mount there leaves
 * the build cache in the layer (the rule then still reports it).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const message = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'go-build-cache-kept')?.message ?? '';

describe('go-build-cache-kept: the cache mounts it advises', () => {
  it('names GOCACHE and GOMODCACHE where the ENV sets them', () => {
    assert.match(message('FROM golang:1.22\nENV GOCACHE=/tmp/gocache GOMODCACHE=/tmp/mod\nRUN go build -o /app .\n'), /cache mounts on \/tmp\/mod and \/tmp\/gocache\.$/);
  });
  it('names the official image\'s folders otherwise', () => {
    assert.match(message('FROM golang:1.22\nRUN go build -o /app .\n'), /cache mounts on \/go\/pkg\/mod and \/root\/\.cache\/go-build\.$/);
  });
});
