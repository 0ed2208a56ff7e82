/**
 * "Apply all size fixes" (`fixAll`): by default only the fixes their rules mark preferred, as the
 * editor's light bulb shows them; `includeUnpreferred` adds the ones that need a review.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
/** A Node app built in its only stage: a slim tag and a builder stage are offered, not preferred. */
const NODE_APP = [
  'FROM node:22',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'COPY . .',
  'RUN npm run build',
  'CMD ["node", "dist/server.js"]',
  '',
].join('\n');

/** How each finding's fix is marked on this text: rule id -> preferred (undefined: no fix). */
function fixKinds(text: string): Map<string, boolean | undefined> {
  const analysis = analyze(text, ENV);
  return new Map(analysis.findings.map((f) => {
    const fix = fixFor(analysis, f, ENV);
    return [f.ruleId, fix && fix.preferred === true];
  }));
}

describe('fixAll', () => {
  it('the fixture offers both kinds of fix (else the tests below prove nothing)', () => {
    const kinds = fixKinds(NODE_APP);
    assert.equal(kinds.get('npm-cache-kept'), true);
    assert.equal(kinds.get('base-image-not-slim'), false);
    assert.equal(kinds.get('build-tools-in-final-image'), false);
  });

  it('applies only the preferred fixes by default', () => {
    const result = fixAll(NODE_APP, ENV);
    assert.deepEqual(result.applied, ['npm-cache-kept']);
    assert.equal(result.text, NODE_APP.replace('RUN npm ci\n', 'RUN npm ci && npm cache clean --force\n'));
    // The findings whose fixes need a review are still there, with their fixes still offered.
    const left = fixKinds(result.text);
    assert.equal(left.get('base-image-not-slim'), false);
    assert.equal(left.get('build-tools-in-final-image'), false);
  });

  it('applies the fixes not marked preferred too with includeUnpreferred', () => {
    const result = fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true });
    assert.deepEqual([...result.applied].sort(), ['base-image-not-slim', 'build-tools-in-final-image', 'npm-cache-kept']);
    assert.match(result.text, /^FROM node:22-slim AS build\n/);
    assert.match(result.text, /\nFROM node:22-slim\nWORKDIR \/app\nCOPY --from=build \/app \/app\n/);
    assert.deepEqual(fixAll(result.text, ENV, {}, { includeUnpreferred: true }).applied, []);
  });

  it('stops after maxRounds, and says it did not finish', () => {
    const result = fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true, maxRounds: 1 });
    assert.equal(result.applied.length, 1);
    assert.equal(result.complete, false);
    assert.equal(fixAll(NODE_APP, ENV, {}, { includeUnpreferred: true }).complete, true);
  });

  it('stops when its time budget is spent, and says it did not finish', () => {
    const result = fixAll(NODE_APP, ENV, {}, { budgetMs: 0 });
    assert.deepEqual(result.applied, []);
    assert.equal(result.complete, false);
    assert.equal(fixAll(NODE_APP, ENV, {}, { budgetMs: 60_000 }).complete, true);
  });

  it('fixes only the findings `only` accepts (the estimate after the fixes takes those in the final image)', () => {
    // A builder stage the final image never reaches: its apt fixes cannot change the image.
    const text = 'FROM debian:bookworm AS unused\nRUN apt-get update && apt-get install -y curl\nFROM node:22-slim\nRUN npm install -g typescript\n';
    const all = fixAll(text, ENV);
    assert.ok(all.applied.some((id) => id.startsWith('apt-')), all.applied.join(' '));
    const final = fixAll(text, ENV, {}, { only: (f) => f.inFinalImage });
    assert.ok(final.complete);
    assert.deepEqual(final.applied, ['npm-cache-kept']);
    assert.ok(final.text.includes('RUN apt-get update && apt-get install -y curl\n'));
  });

  it('returns the analysis of the text it returns', () => {
    const result = fixAll(NODE_APP, ENV);
    assert.equal(result.analysis.model.text, result.text);
    assert.deepEqual(result.analysis.findings.map((f) => f.ruleId), analyze(result.text, ENV).findings.map((f) => f.ruleId));
  });
});
