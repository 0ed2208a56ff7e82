/**
 * Ignore files beyond the limits: the limit function counts characters without a byte order mark
 * and lines as Docker splits them (`\r\n` once, a lone `\r` not at all), the hover of such a file
 * says why it is not evaluated, its text never reaches a matcher, and a Dockerfile that uses it
 * says that the context is not measured instead of sizing COPY without it.
 */
import * as assert from 'node:assert/strict';
import { contextNotMeasured, ignoreMatcher } from '../../../server/src/core/buildContext';
import { dockerignoreHover, IGNORE_LIMITS, ignoreBeyondLimits, ignoreNotEvaluatedMessage } from '../../../server/src/core/dockerignore';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import type { BuildContextFacts } from '../../../server/src/core/environment';

const lines = (n: number, eol = '\n', last = eol) => Array.from({ length: n }, (_, i) => `p${i}`).join(eol) + last;

describe('dockerignore: limits', () => {
  it('accepts a file at the character limit and refuses one character more', () => {
    const at = 'x'.repeat(IGNORE_LIMITS.chars);
    assert.equal(ignoreBeyondLimits(at), undefined);
    assert.equal(ignoreBeyondLimits(at + 'x'), `the file has 50,001 characters (limit 50,000)`);
  });

  it('does not count a byte order mark as a character', () => {
    assert.equal(ignoreBeyondLimits('\uFEFF' + 'x'.repeat(IGNORE_LIMITS.chars)), undefined);
    assert.match(ignoreBeyondLimits('\uFEFF' + 'x'.repeat(IGNORE_LIMITS.chars + 1)) ?? '', /50,001 characters/);
    assert.equal(ignoreBeyondLimits('\uFEFF'), undefined);
    assert.equal(ignoreBeyondLimits(''), undefined);
  });

  it('counts lines at \\n, with or without a final line break, CRLF once', () => {
    for (const eol of ['\n', '\r\n']) {
      assert.equal(ignoreBeyondLimits(lines(IGNORE_LIMITS.lines, eol)), undefined, JSON.stringify(eol));
      assert.equal(ignoreBeyondLimits(lines(IGNORE_LIMITS.lines, eol, '')), undefined, JSON.stringify(eol));
      assert.equal(ignoreBeyondLimits(lines(IGNORE_LIMITS.lines + 1, eol)), 'the file has 2,001 lines (limit 2,000)', JSON.stringify(eol));
      assert.equal(ignoreBeyondLimits(lines(IGNORE_LIMITS.lines + 1, eol, '')), 'the file has 2,001 lines (limit 2,000)', JSON.stringify(eol));
    }
    assert.equal(ignoreBeyondLimits('\uFEFF' + lines(IGNORE_LIMITS.lines)), undefined);
    // Docker does not end a line at a lone CR: 3,000 of them in one line are one line.
    assert.equal(ignoreBeyondLimits(lines(3_000, '\r')), undefined);
    // Blank lines count (they are lines of the file, and cost a pass each).
    assert.match(ignoreBeyondLimits('\n'.repeat(IGNORE_LIMITS.lines + 1)) ?? '', /2,001 lines/);
  });

  it('gives the characters first when both limits are exceeded', () => {
    assert.match(ignoreBeyondLimits(lines(60_000)) ?? '', /^the file has [\d,]+ characters \(limit 50,000\)$/);
  });

  it('the hover of a file beyond the limits says why on every line, and nothing on lines past the end', () => {
    const text = `node_modules\r\n# note\r\n\r\n${lines(3_000)}`;
    const why = ignoreBeyondLimits(text)!;
    assert.ok(why);
    for (const line of [0, 1, 2, 3]) {
      const hover = dockerignoreHover(text, line, undefined, { notEvaluated: why });
      assert.equal(hover?.markdown, ignoreNotEvaluatedMessage(why), `line ${line}`);
      assert.equal(hover?.range.start.line, line);
    }
    assert.deepEqual(dockerignoreHover(text, 0, undefined, { notEvaluated: why })?.range.end, { line: 0, character: 'node_modules'.length });
    assert.equal(dockerignoreHover(text, 3_010, undefined, { notEvaluated: why }), undefined);
    assert.match(ignoreNotEvaluatedMessage(why), /^Not evaluated: the file has 3,003 lines \(limit 2,000\)\. /);
  });

  it('the hover says the scan is off, or why it failed, instead of a vague "could not be measured"', () => {
    assert.equal(dockerignoreHover('node_modules\n', 0, undefined, { unmeasured: 'the build context is not scanned until this folder is trusted' })?.markdown, '**`node_modules`**: the build context is not scanned until this folder is trusted');
    assert.equal(dockerignoreHover('node_modules\n', 0, undefined, { scanning: true })?.markdown, '**`node_modules`**: measuring the build context…');
  });

  describe('a Dockerfile whose ignore file is not evaluated', () => {
    const text = 'node_modules\n' + lines(3_000);
    const notEvaluated = ignoreBeyondLimits(text)!;
    const context: BuildContextFacts = { hasDockerignore: true, topLevelNames: ['Dockerfile', 'node_modules'], ignoreFile: { relativePath: '.dockerignore', text, notEvaluated } };

    it('builds no matcher and says why the context is not measured', () => {
      assert.equal(ignoreMatcher(context), undefined);
      assert.equal(contextNotMeasured(context), 'The build context is not measured, since .dockerignore is not evaluated: the file has 3,001 lines (limit 2,000).');
      assert.notEqual(ignoreMatcher({ ...context, ignoreFile: { relativePath: '.dockerignore', text: 'node_modules\n' } }), undefined);
      assert.equal(contextNotMeasured({ ...context, ignoreFile: { relativePath: '.dockerignore', text: 'node_modules\n' } }), undefined);
    });

    it('reports no COPY source as excluded and sizes COPY . as not measured, with the reason', () => {
      const dockerfile = 'FROM node:22-slim\nCOPY node_modules/x /x\nCOPY . /app\n';
      const findings = analyze(dockerfile, { context }).findings;
      assert.deepEqual(findings.filter((f) => f.ruleId.startsWith('co')).map((f) => f.ruleId), []);
      // Positive control: with the same text evaluated, the COPY of an excluded path is an error.
      const evaluated = analyze(dockerfile, { context: { ...context, ignoreFile: { relativePath: '.dockerignore', text: 'node_modules\n' } } }).findings;
      assert.ok(evaluated.some((f) => f.ruleId === 'copy-source-ignored'));
      const estimate = estimateImage(analyze(dockerfile, { context }).model, { context });
      const bases = (estimate?.layers ?? []).flatMap((l) => l.parts.map((p) => p.basis)).join('\n');
      assert.match(bases, /not measured since \.dockerignore is not evaluated: the file has 3,001 lines \(limit 2,000\)/);
    });
  });
});
