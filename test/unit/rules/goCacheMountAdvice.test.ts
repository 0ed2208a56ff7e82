/**
 * go-build-cache-kept's advice names the folders the caches are in, as the rule works them out for
 * its own checks (GOMODCACHE, GOPATH's pkg/mod, GOCACHE, the user's cache folder): after `ENV
 * GOCACHE=/tmp/gocache` it said "use cache mounts on /go/pkg/mod and /root/.cache/go-build", and a
 * mount there leaves the build cache in the layer (the rule then still reports it).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const findings = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === 'go-build-cache-kept');
const message = (text: string) => findings(text)[0]?.message ?? '';

describe('go-build-cache-kept: the cache mounts it advises', () => {
  it('names GOCACHE and GOMODCACHE where the ENV sets them', () => {
    assert.match(message('FROM golang:1.22\nENV GOCACHE=/tmp/gocache GOMODCACHE=/tmp/mod\nRUN go build -o /app .\n'), /cache mounts on \/tmp\/mod and \/tmp\/gocache\.$/);
  });
  it('names the official image\'s folders otherwise', () => {
    assert.match(message('FROM golang:1.22\nRUN go build -o /app .\n'), /cache mounts on \/go\/pkg\/mod and \/root\/\.cache\/go-build\.$/);
  });
  it('names GOPATH\'s module cache', () => {
    assert.match(message('FROM golang:1.22\nENV GOPATH=/gopath\nRUN go build -o /app .\n'), /cache mounts on \/gopath\/pkg\/mod and \/root\/\.cache\/go-build\.$/);
  });
  it('names the build cache in the home of the USER, and in XDG_CACHE_HOME', () => {
    assert.match(message('FROM golang:1.22\nRUN useradd -m app\nUSER app\nRUN go build -o /tmp/app .\n'), /cache mounts on \/go\/pkg\/mod and \/home\/app\/\.cache\/go-build\. Cache mounts are root's: add `uid=` of app\.$/);
    assert.match(message('FROM golang:1.22\nENV XDG_CACHE_HOME=/cache\nRUN go build -o /app .\n'), /cache mounts on \/go\/pkg\/mod and \/cache\/go-build\.$/);
  });
  it('names the module cache in the home off the official image', () => {
    assert.match(message('FROM debian:12\nRUN apt-get update && apt-get install -y golang && rm -rf /var/lib/apt/lists/*\nRUN go build -o /app .\n'), /cache mounts on \/root\/go\/pkg\/mod and \/root\/\.cache\/go-build\.$/);
  });
  it('says where `go env` shows a folder it cannot make absolute (a home it does not know)', () => {
    assert.match(message('FROM golang:1.22\nUSER app\nRUN go build -o /tmp/app .\n'), /cache mounts on \/go\/pkg\/mod and `go env GOCACHE`'s folder\. Cache mounts are root's: add `uid=` of app\.$/);
    assert.match(message('FROM golang:1.22\nENV GOPATH=/a:/b\nRUN go build -o /app .\n'), /cache mounts on `go env GOMODCACHE`'s folder and \/root\/\.cache\/go-build\.$/);
  });
  it('counts a mount on XDG_CACHE_HOME\'s go-build as the build cache\'s, not one on ~/.cache/go-build', () => {
    const run = (target: string) => `FROM golang:1.22\nENV XDG_CACHE_HOME=/cache\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=${target} go build -o /app .\n`;
    assert.equal(findings(run('/cache/go-build')).length, 0);
    assert.equal(findings(run('/root/.cache/go-build')).length, 1);
  });
});
