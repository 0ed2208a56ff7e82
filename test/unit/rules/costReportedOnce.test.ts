/**
 * One cost, reported once: where two rules saw the same bytes of one instruction, the user got two
 * squiggles and two figures to add up. Each pair now either leaves the cost to one finding whose
 * fix removes all of it, or splits it so that the two figures add up to the whole.
 */
import * as assert from 'node:assert/strict';
import { analyze, type AnalysisSettings } from '../../../server/src/core/analyze';
import { combineSettings, parseProjectConfig } from '../../../server/src/core/config';
import { fixAll } from '../../../server/src/core/edits';
import type { Finding } from '../../../server/src/core/types';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
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

  it('apt-get clean beside apt-get update: the lists figure is apt-lists-kept\'s, apt-clean-keeps-lists says why the clean does not help', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean\n';
    const { findings } = analyze(text, ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apt-clean-keeps-lists', 'apt-lists-kept']);
    const lists = findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    const clean = findings.find((f) => f.ruleId === 'apt-clean-keeps-lists')!;
    assert.ok(lists.saving!.bytes! > 0);
    assert.equal(clean.saving?.bytes, undefined);
    assert.match(clean.message, /^`apt-get clean` does not remove the apt lists \(apt-lists-kept counts them\)/);
    assert.doesNotMatch(clean.message, /MB/);
  });

  it('RUN apt-get update, then RUN apt-get install: the lists figure is apt-lists-kept\'s, once, and the fixes take it off once', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
    const { findings, model } = analyze(text, ENV);
    const lists = findings.find((f) => f.ruleId === 'apt-lists-kept')!;
    const split = findings.filter((f) => f.ruleId === 'index-update-in-separate-run');
    assert.equal(lists.range.start.line, 1);
    assert.ok(lists.saving!.bytes! > 0);
    assert.equal(split.length, 1);
    assert.equal(split[0].saving?.bytes, undefined);
    assert.match(split[0].message, /a layer of its own \(counted there by apt-lists-kept\)/);
    assert.doesNotMatch(split[0].message, /MB/);
    // The merge is the preferred fix: the estimate after it is the lists' figure smaller, not twice that.
    const fixed = fixAll(text, ENV);
    assert.deepEqual(fixed.applied, ['index-update-in-separate-run']);
    assert.equal(estimateImage(model, ENV)!.knownBytes - estimateImage(buildModel(fixed.text), ENV)!.knownBytes, lists.saving!.bytes);
  });

  it('apt lists deleted by a later RUN: the figure is apt-lists-kept\'s on the update, files-changed-in-later-layer says it is counted there', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nENV A=1\nRUN rm -rf /var/lib/apt/lists/*\n';
    const { findings } = analyze(text, ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apt-lists-kept']);
    const rm = findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');
    assert.deepEqual(rm.map((f) => f.range.start.line), [3]);
    assert.equal(rm[0].saving?.bytes, undefined);
    assert.match(rm[0].message, /the bytes stay in that layer \(counted there by apt-lists-kept\)/);
  });

  it('RUN apk update, then RUN apk add: the adds say the indexes are the update\'s, counted there', () => {
    const text = 'FROM alpine:3.21\nRUN apk update\nRUN apk add curl\nRUN apk add git\n';
    const { findings } = analyze(text, ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apk-update-cache-kept']);
    for (const line of [2, 3]) {
      const add = findings.find((f) => f.ruleId === 'apk-cache-kept' && f.range.start.line === line)!;
      assert.equal(add.message, 'Reads the apk indexes the RUN at line 2 left (counted there). Add --no-cache.');
      assert.doesNotMatch(add.saving!.basis, /configured repositories/);
    }
    // Fetched anew, the indexes are the add's own: after a removal, with -U, or with none left before.
    for (const [run, line] of [['RUN apk add curl && rm -rf /var/cache/apk/*\nRUN apk add git', 2], ['RUN apk update\nRUN apk add -U git', 2], ['RUN apk add --no-cache curl\nRUN apk add git', 2]] as const) {
      const add = analyze(`FROM alpine:3.21\n${run}\n`, ENV).findings.find((f) => f.ruleId === 'apk-cache-kept' && f.range.start.line === line)!;
      assert.match(add.message, /^apk keeps its package index in \/var\/cache\/apk/, run);
    }
  });

  it('apk add without --no-cache and no update still gets apk-cache-kept', () => {
    const { findings } = analyze('FROM alpine:3.21\nRUN apk add curl\n', ENV);
    assert.deepEqual(rulesOn(findings, 1), ['apk-cache-kept']);
  });

  it('two apk adds in one RUN keep one index: one finding, whose fix gives both --no-cache', () => {
    for (const [run, fixed] of [
      ['apk add curl && apk add git', 'apk add --no-cache curl && apk add --no-cache git'],
      ['apk add -U curl && apk add git && apk add --no-cache jq', 'apk add --no-cache -U curl && apk add --no-cache git && apk add --no-cache jq'],
    ]) {
      const text = `FROM alpine:3.21\nRUN ${run}\n`;
      assert.deepEqual(rulesOn(analyze(text, ENV).findings, 1), ['apk-cache-kept'], run);
      assert.equal(fixAll(text, ENV).text, `FROM alpine:3.21\nRUN ${fixed}\n`, run);
    }
    // Adds reading an earlier RUN's indexes: one finding too (its fix and that RUN's count once, in any order).
    const reads = 'FROM alpine:3.21\nRUN apk add curl\nRUN apk add --virtual .b gcc && apk add git && apk del .b\n';
    const second = analyze(reads, ENV).findings.filter((f) => f.ruleId === 'apk-cache-kept' && f.range.start.line === 2);
    assert.deepEqual(second.map((f) => f.message), ['Reads the apk indexes the RUN at line 2 left (counted there). Add --no-cache.']);
    assert.equal(fixAll(reads, ENV).text, 'FROM alpine:3.21\nRUN apk add --no-cache curl\nRUN apk add --no-cache --virtual .b gcc && apk add --no-cache git && apk del .b\n');
    // After a removal, the second add's index is the one the layer keeps.
    const text = 'FROM alpine:3.21\nRUN apk add curl && rm -rf /var/cache/apk/* && apk add git && apk add jq\n';
    const [add] = analyze(text, ENV).findings.filter((f) => f.ruleId === 'apk-cache-kept');
    assert.equal(add.range.start.character, 'RUN apk add curl && rm -rf /var/cache/apk/* && '.length);
    assert.equal(fixAll(text, ENV).text, 'FROM alpine:3.21\nRUN apk add curl && rm -rf /var/cache/apk/* && apk add --no-cache git && apk add --no-cache jq\n');
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

  it('node built in its only stage: the full-to-slim figure is base-image-not-slim\'s, the devDependencies build-tools-in-final-image\'s', () => {
    const text = 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n';
    const { findings } = analyze(text, ENV);
    const tools = findings.find((f) => f.ruleId === 'build-tools-in-final-image')!;
    assert.equal(tools.saving?.bytes, undefined);
    assert.match(tools.saving!.basis, /^the devDependencies the build needs: depends on the project; .*; base-image-not-slim counts node:22 against node:22-slim$/);
    assert.ok(findings.find((f) => f.ruleId === 'base-image-not-slim')!.saving!.bytes! > 0);
    // npm-dev-dependencies leaves the install to the finding with the builder-stage rewrite, which says what it said.
    assert.deepEqual(rulesOn(findings, 3), ['npm-cache-kept']);
    assert.match(tools.message, /\. The devDependencies of package\.json \(test runners, bundlers, linters, type definitions\); their size depends on the project: .*\.$/);
  });

  it('node built on node:22-slim: one finding about the devDependencies; the estimate and the fixes are those of before', () => {
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n';
    const { findings, model } = analyze(text, ENV);
    assert.deepEqual(rulesOn(findings, 0), ['build-tools-in-final-image']);
    assert.deepEqual(rulesOn(findings, 3), ['npm-cache-kept']);
    // Neither finding had a preferred fix; "after the fixes" and the estimate do not read findings.
    assert.deepEqual(fixAll(text, ENV).applied, ['npm-cache-kept']);
    assert.equal(estimateImage(model, ENV)!.knownBytes, estimateImage(buildModel(text), ENV)!.knownBytes);
  });
});

/**
 * A cost handed over to another rule is reported by the handing rule again when the user does not
 * see the other rule's finding there: that rule off in the settings (editor, .hadolint.yaml, our
 * config file all end in settings.severities) or ignored for the file or at the instruction.
 */
describe('one cost, reported once: the rule handed to is off or ignored', () => {
  /**
   * The ways a user hides rule `id` on the instruction at line `at` of `text`: how, the text and
   * the settings to analyse with.
   */
  function hidden(text: string, id: string, at: number): [string, string, AnalysisSettings][] {
    const lines = text.split('\n');
    return [
      ['off in the settings', text, { severities: { [id]: 'off' } }],
      ['off in .dockerfile-size-hints.yaml', text, combineSettings({}, undefined, parseProjectConfig(`rules:\n  ${id}: off\n`))],
      ['ignored for the file', `# size-hints global ignore=${id}\n${text}`, {}],
      ['ignored at the instruction', [...lines.slice(0, at), `# size-hints ignore=${id}`, ...lines.slice(at)].join('\n'), {}],
    ];
  }
  /** The findings of `rule` on the line that starts with `start`. */
  function on(text: string, settings: AnalysisSettings, rule: string, start: string): Finding[] {
    const line = text.split('\n').findIndex((l) => l.startsWith(start));
    return analyze(text, ENV, settings).findings.filter((f) => f.ruleId === rule && f.range.start.line === line);
  }

  it('apk update and apk add in one RUN: apk-cache-kept reports the add', () => {
    const text = 'FROM alpine:3.21\nRUN apk update && apk add curl\n';
    assert.equal(on(text, {}, 'apk-cache-kept', 'RUN').length, 0);
    for (const [how, t, settings] of hidden(text, 'apk-update-cache-kept', 1)) {
      assert.equal(on(t, settings, 'apk-update-cache-kept', 'RUN').length, 0, how);
      assert.equal(on(t, settings, 'apk-cache-kept', 'RUN').length, 1, how);
    }
  });

  it('apt-get clean beside apt-get update: apt-clean-keeps-lists gives the lists figure', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean\n';
    for (const [how, t, settings] of hidden(text, 'apt-lists-kept', 1)) {
      assert.equal(on(t, settings, 'apt-lists-kept', 'RUN').length, 0, how);
      const clean = on(t, settings, 'apt-clean-keeps-lists', 'RUN');
      assert.equal(clean.length, 1, how);
      assert.ok(clean[0].saving!.bytes! > 0, how);
      assert.match(clean[0].message, /leaves the apt lists in this layer \(about 20 MB\)/, how);
    }
  });

  it('RUN apt-get update, then RUN apt-get install: index-update-in-separate-run gives the lists figure', () => {
    const text = 'FROM debian:bookworm-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
    for (const [how, t, settings] of hidden(text, 'apt-lists-kept', 1)) {
      assert.equal(on(t, settings, 'apt-lists-kept', 'RUN apt-get update').length, 0, how);
      const split = on(t, settings, 'index-update-in-separate-run', 'RUN apt-get install');
      assert.equal(split.length, 1, how);
      assert.ok(split[0].saving!.bytes! > 0, how);
      assert.match(split[0].message, /a layer of its own \(about 20 MB\)/, how);
    }
  });

  it('apt lists deleted by a later RUN: files-changed-in-later-layer gives the lists figure, also in the incremental analysis', () => {
    const text = 'FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nFROM base\nRUN rm -rf /var/lib/apt/lists/*\n';
    for (const [how, t, settings] of hidden(text, 'apt-lists-kept', 1)) {
      assert.equal(on(t, settings, 'apt-lists-kept', 'RUN apt-get').length, 0, how);
      for (const analysis of [analyze(t, ENV, settings), analyze(t, ENV, settings, analyze(text, ENV))]) {
        const rm = analysis.findings.filter((f) => f.ruleId === 'files-changed-in-later-layer');
        assert.equal(rm.length, 1, how);
        assert.ok(rm[0].saving!.bytes! > 0, how);
        assert.match(rm[0].message, /the bytes stay in that layer \(about 20 MB\)/, how);
      }
    }
  });

  it('a virtual group the RUN does not delete: build-tools-in-final-image reports its build packages', () => {
    const text = 'FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install --no-cache-dir cffi\n';
    for (const [how, t, settings] of hidden(text, 'apk-virtual-not-deleted', 1)) {
      assert.equal(on(t, settings, 'apk-virtual-not-deleted', 'RUN').length, 0, how);
      assert.match(on(t, settings, 'build-tools-in-final-image', 'RUN')[0]?.message ?? '', /Build packages stay in the final image \(gcc, musl-dev\)/, how);
    }
  });

  it('a full SDK image: build-tools-in-final-image counts from the full image', () => {
    const text = 'FROM rust:1.83\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["/src/target/release/app"]\n';
    const full = estimateBaseImage('rust:1.83')!.unpackedBytes - estimateBaseImage('debian:bookworm-slim')!.unpackedBytes;
    for (const [how, t, settings] of hidden(text, 'base-image-not-slim', 0)) {
      assert.equal(on(t, settings, 'base-image-not-slim', 'FROM').length, 0, how);
      const tools = on(t, settings, 'build-tools-in-final-image', 'FROM');
      assert.equal(tools.length, 1, how);
      assert.equal(tools[0].saving?.bytes, full, how);
      assert.doesNotMatch(tools[0].message, /than rust:1\.83-slim/, how);
    }
    // Shown: one build-tools finding, counted from -slim.
    const tools = on(text, {}, 'build-tools-in-final-image', 'FROM');
    assert.equal(tools.length, 1);
    assert.match(tools[0].message, /than rust:1\.83-slim/);
  });

  it('node built in its only stage: npm-dev-dependencies reports the install when build-tools-in-final-image is hidden on the FROM', () => {
    const text = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/server.js"]\n';
    assert.equal(on(text, {}, 'npm-dev-dependencies', 'RUN npm ci').length, 0);
    for (const [how, t, settings] of hidden(text, 'build-tools-in-final-image', 0)) {
      assert.equal(on(t, settings, 'build-tools-in-final-image', 'FROM').length, 0, how);
      assert.match(on(t, settings, 'npm-dev-dependencies', 'RUN npm ci')[0]?.message ?? '', /Line \d+ \(`npm run build`\) needs them/, how);
    }
    // Ignored at the install, where its finding is not: the FROM line keeps the cost.
    const atInstall = text.replace('RUN npm ci', '# size-hints ignore=build-tools-in-final-image\nRUN npm ci');
    assert.equal(on(atInstall, {}, 'build-tools-in-final-image', 'FROM').length, 1);
    assert.equal(on(atInstall, {}, 'npm-dev-dependencies', 'RUN npm ci').length, 0);
  });

  it('an ignore comment added later: the incremental analysis agrees with a fresh one', () => {
    const text = 'FROM alpine:3.21\nRUN apk update && apk add curl\n';
    for (const [how, next, settings] of hidden(text, 'apk-update-cache-kept', 1)) {
      const again = analyze(next, ENV, settings, analyze(text, ENV));
      assert.deepEqual(again.findings.map((f) => f.ruleId), analyze(next, ENV, settings).findings.map((f) => f.ruleId), how);
      assert.ok(again.findings.some((f) => f.ruleId === 'apk-cache-kept'), how);
    }
  });
});
