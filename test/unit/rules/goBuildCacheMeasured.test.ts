/**
 * go-build-cache-kept cites the build cache measured by the bench (test/bench/measure/toolchains.ts,
 * `npm run bench:measure -- go-build-cache go-build-cache-go119`) as an example, with the Go that
 * made it, and gives no bytes for the user's own build: the cache follows what that build compiles.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConstants } from '../../bench/measure/constants-template';
import type { Results } from '../../bench/measure/types';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { formatBytes, GO_BUILD_CACHE_EXAMPLE as GO, GO_BUILD_CACHE_GO119_EXAMPLE as GO119 } from '../../../server/src/sizes';
import { RULES } from '../../../server/src/rules';

const findings = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'go-build-cache-kept');

describe('go-build-cache-kept and the measured build cache', () => {
  it('constants.ts is what the template makes of results.json', () => {
    const root = join(__dirname, '../../../..');
    const results = JSON.parse(readFileSync(join(root, 'test/bench/measure/results.json'), 'utf8')) as Results;
    assert.equal(renderConstants(results), readFileSync(join(root, 'server/src/sizes/constants.ts'), 'utf8'));
    const go = results.measurements.find((m) => m.id === 'go-build-cache');
    assert.equal(go?.toolVersion, `go version ${GO.tool} linux/amd64`);
    assert.equal(go?.cacheMount?.addedLayers.length, 1);
  });

  it('the measured figures are those of a Go that compiles the standard library into the cache', () => {
    assert.match(GO.tool, /^go1\.(2\d|[3-9]\d)\./);
    assert.ok(GO.bytes > GO.outputBytes, 'the example build cache is larger than its binary');
    assert.ok(GO119.bytes < GO.bytes / 10, 'Go 1.19 keeps the standard library out of the cache');
    assert.match(GO.basis, /go clean -cache/);
    assert.match(GO.measuredOn, /^\d{4}-\d\d-\d\d$/);
  });

  it('cites the example, with its Go, in the message of a build and not of `go mod download`', () => {
    const [build] = findings('FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n');
    assert.ok(build);
    assert.ok(build.message.includes(`about ${formatBytes(GO.bytes)} beside a ${formatBytes(GO.outputBytes)} binary (measured with ${GO.tool})`), build.message);
    assert.match(build.message, /module cache is not yet measured/);
    assert.equal(build.saving?.bytes, undefined);
    assert.ok(build.saving?.basis.includes(GO.basis));
    const [download] = findings('FROM golang:1.23\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nCMD ["go", "run", "."]\n');
    assert.ok(download);
    assert.ok(!download.message.includes(formatBytes(GO.bytes)), download.message);
  });

  it('a build whose modules are mounted, vendored or fetched by an earlier RUN names only the build cache', () => {
    const body = 'WORKDIR /src\nCOPY . .\n';
    for (const text of [
      `FROM golang:1.23\n${body}RUN go mod download\nRUN go build -o /app .\nCMD ["/app"]\n`,
      `FROM golang:1.21\n${body}RUN go get -d -v ./...\nRUN go install -v ./...\nCMD ["app"]\n`,
      `FROM golang:1.23\n${body}RUN go mod tidy\nRUN go build -o /app .\nCMD ["/app"]\n`,
      `FROM golang:1.23\n${body}RUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\nCMD ["/app"]\n`,
      `FROM golang:1.23\n${body}RUN go build -mod=vendor -o /app .\nCMD ["/app"]\n`,
    ]) {
      const build = findings(text).at(-1)!;
      assert.match(build.message, /^go leaves its build cache in the final image: the build cache \(compiled packages\)/, text);
      assert.doesNotMatch(build.message + build.saving!.basis, /module cache/, text);
      assert.ok(build.saving!.basis.includes(GO.basis), text);
    }
    // Not fetched earlier: both.
    assert.match(findings(`FROM golang:1.23\n${body}RUN go build -o /app .\nCMD ["/app"]\n`)[0].message, /module and build caches/);
  });

  it('an earlier download whose modules did not stay in its layer leaves the build to fetch them again', () => {
    const body = 'WORKDIR /src\nCOPY . .\n';
    for (const download of ['RUN --mount=type=cache,target=/go/pkg/mod go mod download', 'RUN go mod download && go clean -modcache', 'RUN go mod download && rm -rf /go/pkg/mod']) {
      const text = `FROM golang:1.23\n${body}${download}\nRUN go build -o /app .\nCMD ["/app"]\n`;
      const build = findings(text).find((f) => f.range.start.line === 4);
      assert.match(build?.message ?? '', /module and build caches/, text);
      const fix = analyze(text, { context: {} });
      const f = fix.findings.find((x) => x.ruleId === 'go-build-cache-kept' && x.range.start.line === 4)!;
      assert.match(JSON.stringify(fixFor(fix, f, { context: {} })?.edits), /go clean -cache -modcache/, text);
    }
  });

  it('the docs give both Go figures', () => {
    const rule = RULES.find((r) => r.id === 'go-build-cache-kept');
    assert.ok(rule?.docs.sizeImpact.includes(formatBytes(GO.bytes)));
    assert.ok(rule?.docs.sizeImpact.includes(`${GO119.tool} left only ${formatBytes(GO119.bytes)}`));
  });
});
