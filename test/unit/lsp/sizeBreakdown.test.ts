/**
 * The status bar's short figure (server/src/lsp/sizeBreakdown.ts) agrees with the estimate's
 * summary: with nothing sized the summary says "not sized (...)" (68b8024), and the status bar
 * said "≥0 B" beside it. A bar's detail lists its parts as the hover does, a lower bound as one.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { DocumentAnalysis } from '../../../server/src/lsp/analysisCache';
import type { AfterFixesEstimates } from '../../../server/src/lsp/afterFixes';
import { sizeBreakdown } from '../../../server/src/lsp/sizeBreakdown';

function breakdown(text: string) {
  const env = { context: {} };
  const doc: DocumentAnalysis = { uri: 'file:///Dockerfile', version: 1, kind: 'dockerfile', env, configProblems: [], analysis: analyze(text, env) };
  const estimates = { get: () => ({ state: 'working' }) } as unknown as AfterFixesEstimates;
  return sizeBreakdown(doc, estimates)!;
}

describe('sizeBreakdown: the status bar figure', () => {
  it('says "not sized" when nothing is, as the summary does', () => {
    const b = breakdown('FROM gcr.io/distroless/nodejs22-debian12\nCOPY app /app\n');
    assert.match(b.summary, /^not sized/);
    assert.equal(b.short, 'not sized');
  });

  it("gives an earlier stage as the base as a lower bound when that stage's estimate is one (it read 'base env: about 12 MB' on a conda base)", () => {
    const base = (text: string) => breakdown(text).bars[0];
    const conda = base('FROM continuumio/miniconda3:24.7.1-0 AS env\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nFROM env\nCOPY app /app\n');
    assert.match(conda.size, /^at least about [\d.]+ MB$/);
    assert.match(base('FROM debian:bookworm-slim AS env\nRUN pip install flask\nFROM env\n').size, /^at least about [\d.]+ MB$/);
    assert.equal(base('FROM continuumio/miniconda3:24.7.1-0 AS env\nFROM env\n').size, 'not sized');
    assert.match(base('FROM debian:bookworm-slim AS env\nFROM env\n').size, /^about [\d.]+ MB$/);
    assert.match(base('FROM debian:bookworm-slim\n').size, /^about [\d.]+ MB$/);
  });

  it('keeps ≥ and ≈ with a figure', () => {
    assert.match(breakdown('FROM debian:bookworm-slim\nCOPY app /app\n').short, /^≥\d+ MB$/);
    assert.match(breakdown('FROM debian:bookworm-slim\n').short, /^≈\d+ MB$/);
    assert.equal(breakdown('FROM scratch\n').short, '≈0 B');
  });

  it("gives a lower-bound part as one in the bar's detail (the npm cache read '3.3 MB' beside 'at least about' in the hover)", () => {
    const detail = breakdown('FROM node:22-slim\nRUN npm install express our-private-package-xyz\n').bars[1].detail;
    assert.match(detail, /npm cache left in the layer \(~\/\.npm\): at least about [\d.]+ MB/);
    assert.match(detail, /^npm install express our-private-package-xyz: about [\d.]+ MB; .*: not sized; /);
  });
});
