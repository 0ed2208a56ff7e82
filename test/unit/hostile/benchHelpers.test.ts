/**
 * The pieces the hostile tests and the benchmark rest on: the seeded Dockerfile generator (exact
 * sizes, same bytes for the same seed, realistic content), the keystrokes (pairs that restore the
 * text), nearest-rank percentiles, and the CPU profile summary (self and inclusive time mapped
 * back to bundled modules).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { generateDockerfile, keystrokeRange, keystrokes, newlines } from '../../bench/lsp/generate';
import { summariseProfile } from '../../bench/lsp/profile';
import { median, percentile, ratio } from '../../bench/lsp/stats';

describe('benchmark helpers', () => {
  it('generates exactly the number of lines asked for, the same bytes for the same seed', () => {
    for (const n of [10, 11, 29, 30, 100, 1000, 10_000]) {
      const text = generateDockerfile(n, n);
      assert.equal(text.split('\n').length - 1, n, `${n} lines`);
      assert.ok(text.endsWith('\n'));
      assert.equal(generateDockerfile(n, n), text);
    }
    assert.notEqual(generateDockerfile(1000, 1), generateDockerfile(1000, 2));
    assert.throws(() => generateDockerfile(9));
  });

  it('generates realistic content that our rules and the model see as such', () => {
    const text = generateDockerfile(1000, 1000);
    for (const re of [/^# syntax=/m, /^ARG PYTHON_VERSION=/m, /^FROM python:\$\{PYTHON_VERSION\} AS /m, /^RUN <<EOF$/m, /^COPY --from=/m, /^ {8}\S+ \\$/m, /pip install/, /npm (ci|install)/, /^label /m]) {
      assert.match(text, re);
    }
    const a = analyze(text, { context: {} });
    assert.ok(a.model.stages.length > 20, `${a.model.stages.length} stages`);
    assert.ok(a.findings.length > 50, `${a.findings.length} findings`);
    const small = analyze(generateDockerfile(10, 10), { context: {} });
    assert.ok(small.model.stages.length >= 2 && small.model.instructions.some((i) => i.keyword === 'RUN'));
  });

  it('types keystrokes in insert/delete pairs that leave the text as it was, never on a continuation backslash', () => {
    const text = generateDockerfile(100, 100);
    const ks = keystrokes(text, 40, 3);
    assert.equal(ks.length, 40);
    const lines = text.split('\n');
    let current = text;
    for (const [i, k] of ks.entries()) {
      const content = lines[k.line].replace(/\s*\\$/, '');
      assert.ok(k.character >= 1 && k.character < content.length, `keystroke ${i} at ${k.line}:${k.character}`);
      current = applyEdits(current, [{ range: keystrokeRange(k), newText: k.text }]);
      if (i % 2 === 0) assert.notEqual(current, text);
      else assert.equal(current, text);
    }
  });

  it('adds a line and takes it away again in newline pairs', () => {
    const text = generateDockerfile(100, 100);
    let current = text;
    for (const [i, k] of newlines(text, 10, 3).entries()) {
      current = applyEdits(current, [{ range: keystrokeRange(k), newText: k.text }]);
      assert.equal(current.split('\n').length, text.split('\n').length + (i % 2 === 0 ? 1 : 0));
      if (i % 2 === 1) assert.equal(current, text);
    }
  });

  it('computes nearest-rank percentiles and ratios', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(median(xs), 5);
    assert.equal(percentile(xs, 95), 10);
    assert.equal(percentile(xs, 10), 1);
    assert.ok(Number.isNaN(median([])));
    assert.equal(ratio(1, 4), 0.25);
    assert.ok(Number.isNaN(ratio(1, 0)));
  });

  it('summarises a CPU profile by module and function, self and inclusive', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-prof-'));
    try {
      const bundle = path.join(dir, 'server.js');
      // An esbuild-like bundle: a module marker comment, then that module's code.
      fs.writeFileSync(bundle, ['"use strict";', '// node_modules/lib/parse.js', 'function parse() {}', '// server/src/core/model.ts', 'function buildModel() {}', ''].join('\n'));
      const url = `file://${bundle}`;
      const frame = (functionName: string, lineNumber: number) => ({ functionName, url, lineNumber, scriptId: '1', columnNumber: 0 });
      const profile = {
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4] },
          { id: 2, callFrame: frame('buildModel', 4), children: [3] },
          { id: 3, callFrame: frame('parse', 2), children: [] },
          { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 }, children: [] },
        ],
        // Samples: buildModel self 1 ms, parse 3 ms, idle 10 ms (ignored).
        samples: [2, 3, 3, 3, 4],
        timeDeltas: [1000, 1000, 1000, 1000, 10000],
      };
      const file = path.join(dir, 'x.cpuprofile');
      fs.writeFileSync(file, JSON.stringify(profile));
      const s = summariseProfile(file, bundle);
      assert.equal(s.totalMs, 4);
      assert.deepEqual(s.top.map((f) => [f.name, f.module, f.selfMs]), [
        ['parse', 'node_modules/lib/parse.js', 3],
        ['buildModel', 'server/src/core/model.ts', 1],
      ]);
      assert.deepEqual(s.byModule.map((m) => [m.module, m.selfMs]), [
        ['node_modules/lib', 3],
        ['server/src/core', 1],
      ]);
      assert.deepEqual(s.oursInclusive.map((f) => [f.name, f.selfMs]), [['buildModel', 4]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
