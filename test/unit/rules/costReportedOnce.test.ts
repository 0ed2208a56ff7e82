/**
 * One cost, reported once: where two rules saw the same bytes of one instruction, the user got two
 * squiggles and two figures to add up. Each pair now either leaves the cost to one finding whose
 * fix removes all of it, or splits it so that the two figures add up to the whole.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import type { Finding } from '../../../server/src/core/types';
import { estimateBaseImage } from '../../../server/src/sizes';

const ENV = { context: {} };

/** The rule ids of the findings that start on `line` (0-based). */
function rulesOn(findings: Finding[], line: number): string[] {
  return findings.filter((f) => f.range.start.line === line).map((f) => f.ruleId).sort();
}

describe('one cost, reported once', () => {
  it('apk update then apk add without --no-cache: one finding, whose fix leaves apk add --no-cache', () => {
    const text = 'FROM alpine:3.21\nRUN apk update && apk add curl\nRUN apk add jq && apk update && apk add --no-cache git\n';
    const { findings } = analyze(text, ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apk-update-cache-kept']);
    assert.deepEqual(rulesOn(findings, 2), ['apk-update-cache-kept']);
    const fixed = fixAll(text, ENV);
    assert.deepEqual(fixed.applied, ['apk-update-cache-kept', 'apk-update-cache-kept']);
    assert.equal(fixed.text, 'FROM alpine:3.21\nRUN apk add --no-cache curl\nRUN apk add --no-cache jq && apk add --no-cache git\n');
  });

  it('apk add without --no-cache and no update still gets apk-cache-kept', () => {
    const { findings } = analyze('FROM alpine:3.21\nRUN apk add curl\n', ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apk-cache-kept']);
  });

  it('build packages in a virtual group the RUN does not delete: only apk-virtual-not-deleted', () => {
    const text = 'FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install --no-cache-dir cffi\n';
    assert.deepEqual(rulesOn(analyze(text, ENV).findings, 1), ['apk-virtual-not-deleted']);
    // Outside a group, or in a run-time group the rule leaves alone, build-tools-in-final-image reports them.
    for (const add of ['apk add --no-cache gcc musl-dev', 'apk add --no-cache --virtual .run-deps gcc']) {
      assert.deepEqual(rulesOn(analyze(`FROM python:3.12-alpine\nRUN ${add}\n`, ENV).findings, 1), ['build-tools-in-final-image']);
    }
  });

  it('a full SDK image: base-image-not-slim and build-tools-in-final-image add up to the move to the runtime image', () => {
    const text = 'FROM rust:1.83\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["/src/target/release/app"]\n';
    const { findings } = analyze(text, ENV);
    const bytes = (id: string) => findings.find((f) => f.ruleId === id && f.range.start.line === 0)?.saving?.bytes;
    const full = estimateBaseImage('rust:1.83')!.unpackedBytes;
    const runtime = estimateBaseImage('debian:bookworm-slim')!.unpackedBytes;
    assert.ok(bytes('base-image-not-slim')! > 0);
    assert.equal(bytes('base-image-not-slim')! + bytes('build-tools-in-final-image')!, full - runtime);
  });

  it('node built in its only stage: the full-to-slim figure is base-image-not-slim\'s, the devDependencies npm-dev-dependencies\'', () => {
    const text = 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n';
    const { findings } = analyze(text, ENV);
    const tools = findings.find((f) => f.ruleId === 'build-tools-in-final-image')!;
    assert.equal(tools.saving?.bytes, undefined);
    assert.match(tools.saving!.basis, /sizes them\); base-image-not-slim counts node:22 against node:22-slim/);
    assert.ok(findings.find((f) => f.ruleId === 'base-image-not-slim')!.saving!.bytes! > 0);
  });
});
