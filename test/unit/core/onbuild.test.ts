/**
 * ONBUILD triggers of the final stage run in every image built FROM this one: their size smells
 * are reported on the trigger, said to apply there, with fixes that edit the trigger only.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor, onTrigger } from '../../../server/src/core/analyze';
import { applyEdits, fixAll } from '../../../server/src/core/edits';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { changesFinalImage } from '../../../server/src/lsp/afterFixes';
import type { BuildContextFacts } from '../../../server/src/core/environment';

const ENV = { context: {} };
const SUFFIX = '(ONBUILD: in each image built FROM this one.)';
const BASE = [
  'FROM python:3.12-slim',
  'WORKDIR /app',
  'ONBUILD RUN apt-get update && apt-get install -y gcc',
  'ONBUILD COPY . /app',
  'onbuild RUN pip install \\',
  '    -r requirements.txt',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

const ids = (text: string, env = ENV) => analyze(text, env).findings.map((f) => `${f.range.start.line}:${f.ruleId}`);

describe('ONBUILD triggers of the final stage', () => {
  it('are analysed as the instructions they are, on their own lines, and say where they apply', () => {
    const analysis = analyze(BASE, ENV);
    assert.deepEqual(analysis.findings.map((f) => `${f.range.start.line}:${f.ruleId}`), ['2:apt-lists-kept', '2:apt-recommends', '4:pip-cache-kept']);
    for (const f of analysis.findings) {
      assert.ok(f.message.endsWith(SUFFIX), f.message);
      assert.ok(f.inFinalImage && onTrigger(f));
      // Never on the ONBUILD keyword: from the trigger's keyword on.
      assert.ok(f.range.start.character >= 'ONBUILD '.length, JSON.stringify(f.range));
    }
    // They add nothing to this image's estimate.
    const estimate = estimateImage(analysis.model, ENV)!;
    assert.equal(estimate.layers.reduce((s, l) => s + (l.bytes ?? 0), 0), 0);
  });

  // Once said to be missing for `ONBUILD RUN gem install foo && gem install bar`; found at 4bb84df
  // as for the RUN: bundler-cache-kept is a cacheRule, run on triggers like the other cache rules.
  it('report each gem and Bundler install of a trigger as of the same RUN outside ONBUILD (bundler-cache-kept, gem-documentation)', () => {
    for (const from of ['ruby:3.3-slim', 'debian:12']) {
      for (const run of ['gem install foo && gem install bar', 'bundle && gem install bar', 'gem install foo bar']) {
        const found = (text: string) => analyze(text, ENV).findings.filter((f) => /^(bundler-cache-kept|gem-documentation)$/.test(f.ruleId));
        const plain = found(`FROM ${from}\nRUN ${run}\n`);
        const trigger = found(`FROM ${from}\nONBUILD RUN ${run}\n`);
        assert.ok(plain.length > 0, run);
        assert.deepEqual(trigger.map((f) => `${f.ruleId}@${f.range.start.character}`), plain.map((f) => `${f.ruleId}@${f.range.start.character + 8}`), `${from}: ${run}`);
        assert.ok(trigger.every((f) => f.message === `${plain[trigger.indexOf(f)].message} ${SUFFIX}`), run);
      }
    }
  });

  it('fix the trigger only, and Apply all leaves a file whose triggers are clean', () => {
    const analysis = analyze(BASE, ENV);
    for (const f of analysis.findings) {
      const fix = fixFor(analysis, f, ENV);
      assert.ok(fix, f.ruleId);
      for (const e of fix.edits) assert.ok(e.range.start.line >= 2 && e.range.end.line <= 5 && e.range.start.character >= 8, `${f.ruleId} ${JSON.stringify(e.range)}`);
      assert.equal(changesFinalImage(f, fix), false, 'not counted in "after the fixes" of this image');
    }
    const fixed = fixAll(BASE, ENV).text;
    assert.equal(
      fixed,
      BASE.replace('apt-get install -y gcc', 'apt-get install --no-install-recommends -y gcc libc6-dev && rm -rf /var/lib/apt/lists/*').replace('pip install \\', 'pip install --no-cache-dir \\'),
    );
    assert.deepEqual(ids(fixed), []);
    assert.equal(fixAll(fixed, ENV).text, fixed, 'idempotent');
  });

  it('leave out the rules that read the build context, the base image or the whole image', () => {
    const context: BuildContextFacts = { hasDockerignore: false, topLevelNames: ['package.json', 'node_modules'], copySizes: { 1: 400e6, 2: 50e6 } };
    const text = 'FROM node:22\nONBUILD COPY . /app\nONBUILD ADD app.tar.gz /app/\nONBUILD RUN npm install\n';
    const own = analyze(text, { context }).findings;
    for (const f of own) assert.ok(f.range.start.line === 0 || !/context|copy-source|copied-archive|base-image|build-tools|budget/.test(f.ruleId), `${f.range.start.line}:${f.ruleId}`);
    assert.ok(own.some((f) => f.range.start.line === 3 && f.ruleId === 'npm-cache-kept'));
    // No budget finding from a trigger: the budget is this image's.
    assert.ok(!analyze(text, ENV, { budgetBytes: 1 }).findings.some((f) => f.range.start.line > 0 && f.ruleId === 'image-over-budget'));
  });

  it('follow ignore comments and rule settings as other instructions do', () => {
    const ignored = BASE.replace('ONBUILD RUN apt-get', '# size-hints ignore=apt-lists-kept\nONBUILD RUN apt-get');
    assert.deepEqual(ids(ignored), ['3:apt-recommends', '5:pip-cache-kept']);
    assert.deepEqual(analyze(BASE, ENV, { severities: { 'pip-cache-kept': 'off' } }).findings.map((f) => f.ruleId), ['apt-lists-kept', 'apt-recommends']);
    assert.equal(analyze(BASE, ENV, { severities: { 'pip-cache-kept': 'info' } }).findings[2].severity, 'info');
  });

  it('are not read in a stage the image is not, nor where the trigger starts on the next line', () => {
    assert.deepEqual(ids('FROM python:3.12-slim AS base\nONBUILD RUN pip install flask\nFROM python:3.12-slim\nCMD ["python"]\n'), []);
    assert.deepEqual(ids('FROM python:3.12-slim\nONBUILD \\\n  RUN pip install flask\n'), []);
  });

  it('keep a finding that steps aside for a rule not run on triggers (npm-dev-dependencies for build-tools-in-final-image)', () => {
    const text = 'FROM node:22-slim\nWORKDIR /app\nONBUILD COPY package*.json ./\nONBUILD RUN npm ci\nONBUILD COPY . .\nONBUILD RUN npm run build\n';
    assert.deepEqual(ids(text), ['3:npm-cache-kept', '3:npm-dev-dependencies']);
  });

  it('run after every instruction of the stage, as in the build FROM this image', () => {
    // The ENVs below the triggers are set when they run.
    assert.deepEqual(ids('FROM python:3.12-slim\nONBUILD RUN pip install flask\nENV PIP_NO_CACHE_DIR=1\n'), []);
    const node = 'FROM node:22-slim\nWORKDIR /app\nONBUILD COPY package*.json ./\nONBUILD RUN npm ci && npm cache clean --force\nUSER node\nENV NODE_ENV=production\n';
    assert.deepEqual(ids(node), []);
    // Its ARGs are not: the later build has its own.
    assert.deepEqual(ids('FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=1\nONBUILD RUN pip install flask\n'), ['2:pip-cache-kept']);
    // A line quoted is the text's; the fix is on the trigger.
    const text = 'FROM debian:bookworm-slim\nONBUILD RUN apt-get update\nENV A=1\nONBUILD RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCMD ["curl"]\n';
    const analysis = analyze(text, ENV);
    assert.deepEqual(analysis.findings.map((f) => `${f.range.start.line}:${f.ruleId}`), ['1:apt-lists-kept', '3:index-update-in-separate-run']);
    assert.match(analysis.findings[0].message, /Line 4 installs/);
    assert.match(analysis.findings[1].message, /at line 2:/);
    // The build target's stage: an ignore comment above the next stage is not the trigger's.
    const target = 'FROM python:3.12-slim AS base\nONBUILD RUN pip install flask\n# size-hints ignore=pip-cache-kept\nFROM base\nRUN echo\n';
    const built = analyze(target, ENV, { target: 'base' });
    const found = built.findings;
    assert.deepEqual(found.map((f) => `${f.range.start.line}:${f.range.start.character}:${f.ruleId}`), ['1:12:pip-cache-kept']);
    assert.deepEqual(fixFor(built, found[0], ENV)?.edits.map((e) => e.range.start), [{ line: 1, character: 23 }]);
  });

  it('give the same findings from the previous version as from scratch', () => {
    let previous = analyze(BASE, ENV);
    for (const text of [BASE.replace('gcc', 'gcc make'), BASE.replace('ONBUILD COPY', 'COPY'), BASE.replace('onbuild RUN', 'RUN'), BASE]) {
      const next = analyze(text, ENV, {}, previous);
      assert.deepEqual(next.findings, analyze(text, ENV).findings);
      previous = next;
    }
  });
});

describe('ONBUILD triggers, applied one by one', () => {
  it('near the size limit, say on the first ONBUILD that the triggers were not checked, instead of nothing', () => {
    // The triggers are analysed in a copy that holds the file and them again: 600,000 characters
    // of trigger make a copy past the 1,000,000-character limit.
    const text = `FROM debian:bookworm\nWORKDIR /app\nONBUILD RUN pip install a && echo ${'x'.repeat(600_000)}\n`;
    const analysis = analyze(text, ENV);
    assert.equal(analysis.skipped, undefined);
    assert.deepEqual(analysis.triggersNotChecked?.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 7 } });
    assert.match(analysis.triggersNotChecked!.message, /^ONBUILD triggers not checked/);
    assert.equal(analyze(text.replace('x'.repeat(600_000), 'x'), ENV).triggersNotChecked, undefined);
  });

  it('keep each fix inside its trigger', () => {
    const analysis = analyze(BASE, ENV);
    for (const f of analysis.findings) {
      const after = applyEdits(BASE, fixFor(analysis, f, ENV)!.edits);
      assert.equal(after.split('\n').length, BASE.split('\n').length);
      assert.match(after.split('\n')[f.range.start.line], /^(ONBUILD|onbuild) RUN /);
    }
  });
});
