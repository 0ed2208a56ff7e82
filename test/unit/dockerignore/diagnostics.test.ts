import * as assert from 'node:assert/strict';
import { checkDockerignore, type ContextListing, type DockerignoreFinding } from '../../../server/src/core/dockerignore';
import { LineIndex } from '../../../server/src/core/text';
import type { TextEdit } from '../../../server/src/core/types';

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

const brief = (f: DockerignoreFinding) => `${f.range.start.line}:${f.ruleId}`;

function check(text: string, context?: ContextListing): DockerignoreFinding[] {
  return checkDockerignore(text, { context });
}

describe('dockerignore: diagnostics', () => {
  it('reports nothing for a clean file', () => {
    assert.deepEqual(check('# deps\nnode_modules\n.git\n*.log\n!keep.log\n').map(brief), []);
  });

  it('reports patterns Docker rejects, as errors', () => {
    const f = check('ok\n[a\n!\n');
    assert.deepEqual(f.map(brief), ['1:dockerignore-invalid-pattern', '2:dockerignore-invalid-pattern']);
    assert.ok(f.every((x) => x.severity === 'error'));
    assert.match(f[0].message, /build fails/);
  });

  describe('a # that is not a comment', () => {
    const cases: Array<[string, string, string]> = [
      ['after a pattern', 'node_modules # deps\n', '# deps\nnode_modules\n'],
      ['after an exception', '*.md\n!README.md   # keep docs\n', '*.md\n# keep docs\n!README.md\n'],
      ['on an indented line', '  # deps\nnode_modules\n', '# deps\nnode_modules\n'],
      ['with CRLF', 'dist # out\r\nx\r\n', '# out\r\ndist\r\nx\r\n'],
    ];
    for (const [name, text, fixed] of cases) {
      it(name, () => {
        const f = check(text).filter((x) => x.ruleId === 'dockerignore-hash-in-pattern');
        assert.equal(f.length, 1);
        assert.equal(f[0].severity, 'warning');
        assert.equal(applyEdits(text, f[0].fix?.edits ?? []), fixed);
        assert.deepEqual(check(fixed).map(brief), [], 'the fixed file is clean');
      });
    }
    it('leaves a # inside a name alone (it may be a real file name)', () => {
      assert.deepEqual(check('issue#12.txt\n').map(brief), []);
    });
    it('points at the comment part', () => {
      const [f] = check('dist # out\n');
      assert.deepEqual(f.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 10 } });
    });
  });

  it('flags patterns that can never match', () => {
    const text = 'a\n../secrets\n/\n.\nb\n';
    const f = check(text);
    assert.deepEqual(f.map(brief), ['1:dockerignore-unmatchable-pattern', '2:dockerignore-unmatchable-pattern', '3:dockerignore-unmatchable-pattern']);
    assert.equal(applyEdits(text, f[0].fix?.edits ?? []), 'a\n/\n.\nb\n');
  });

  it('flags a repeated line, and the fix removes the repeat', () => {
    const text = 'node_modules\n.git\nnode_modules/\n';
    const f = check(text);
    assert.deepEqual(f.map(brief), ['2:dockerignore-redundant-pattern']);
    assert.match(f[0].message, /repeats line 1/);
    assert.equal(applyEdits(text, f[0].fix?.edits ?? []), 'node_modules\n.git\n');
  });

  it('does not call a repeat redundant when an exception sits between', () => {
    assert.deepEqual(check('foo\n!foo/x\nfoo\n').map(brief), []);
    // ...but the exception itself is undone by the identical pattern after it.
    assert.deepEqual(check('docs\n!docs/README.md\ndocs/README.md\n').map(brief), ['1:dockerignore-overridden-pattern']);
  });

  it('flags a pattern that a later identical exception undoes', () => {
    const text = 'build\n*.log\n!build\n';
    const f = check(text);
    assert.deepEqual(f.map(brief), ['0:dockerignore-overridden-pattern']);
    assert.match(f[0].message, /line 3 \(`!build`\) re-includes everything it matches/);
    assert.equal(applyEdits(text, f[0].fix?.edits ?? []), '*.log\n!build\n');
  });

  it('flags an exception that a later identical pattern undoes', () => {
    const f = check('*\n!src\nsrc\n');
    assert.deepEqual(f.map(brief), ['1:dockerignore-overridden-pattern']);
  });

  it('says that removing the line may change something when it withholds the fix, instead of "no effect"', () => {
    // An exclusion undone by a later identical exception, with a line in between reaching below it.
    const deeper = check('foo\nfoo/bar\n!foo\n');
    assert.deepEqual(deeper.map(brief), ['0:dockerignore-overridden-pattern']);
    assert.equal(deeper[0].fix, undefined);
    assert.equal(deeper[0].message, '`foo` is undone where it matches: line 3 (`!foo`) re-includes everything it matches. Another line above the exception reaches below the folders it matches, where removing it may change what the builder receives.');
    // The same with the deeper line first (hostile.property at FC_SEED=2026120517): without `a`,
    // `!a` never matches the folder a, so a/x, excluded by `a/*`, was no longer sent.
    const before = check('a/*\na\n!a\n');
    assert.deepEqual(before.map(brief), ['1:dockerignore-overridden-pattern']);
    assert.equal(before[0].fix, undefined);
    // An exception undone by a later identical exclusion, while another exception may need the folders it lets the builder walk into.
    const walk = check('*\n!src/a\nsrc/a\n!docs\n');
    assert.deepEqual(walk.map(brief), ['1:dockerignore-overridden-pattern']);
    assert.equal(walk[0].fix, undefined);
    assert.match(walk[0].message, /^`!src\/a` is undone where it matches: line 3 \(`src\/a`\) excludes again everything it matches\. As an exception it may still let the builder look inside excluded folders/);
    const useless = check('!a/b\nx\n!c\n');
    assert.deepEqual(useless.map(brief), ['0:dockerignore-useless-exception']);
    assert.equal(useless[0].fix, undefined);
    assert.match(useless[0].message, /re-includes nothing: no earlier line excludes anything\. As an exception it may still let the builder look inside/);
    // With the fix offered, the message stays plain.
    for (const f of [...check('build\n*.log\n!build\n'), ...check('*\n!src\nsrc\n'), ...check('!README.md\n*.md\n')]) {
      assert.ok(f.fix, f.message);
      assert.doesNotMatch(f.message, /may/, f.message);
    }
  });

  it('flags an exception with nothing excluded before it', () => {
    const text = '!README.md\n*.md\n';
    const f = check(text);
    assert.deepEqual(f.map(brief), ['0:dockerignore-useless-exception']);
    assert.equal(applyEdits(text, f[0].fix?.edits ?? []), '*.md\n');
  });

  describe('against the files in the context', () => {
    const context: ContextListing = {
      files: ['src/index.ts', 'src/util.ts', 'README.md', 'docs/guide.md', 'build/out.js', 'build/keep/me.txt', 'node_modules/x/index.js'],
      dirs: ['empty'],
    };

    it('a pattern that matches nothing is a hint, without a fix', () => {
      const f = check('node_modules\n.gitt\n*.pyc\nempty\n', context);
      assert.deepEqual(f.map(brief), ['1:dockerignore-matches-nothing', '2:dockerignore-matches-nothing']);
      assert.ok(f.every((x) => x.severity === 'hint' && x.fix === undefined));
    });

    it("an entry of the .dockerignore context-without-dockerignore creates is not reported when it matches nothing: it guards against what tools write later", () => {
      // 13 of the created file's 19 entries matched nothing in a fresh Node.js context: 13 hints on the file the fix had just written.
      const created = ['.git', '**/.DS_Store', '.vscode', '*.log', '.npm', 'coverage', '**/__pycache__', '.venv', 'target', '**/obj', 'vendor'];
      assert.deepEqual(check(created.join('\n') + '\n', context).map(brief), []);
      // Written another way Docker reads the same (`./target/`), still a safeguard; an exception, or a name near one (a typo), is reported.
      assert.deepEqual(check('./target/\n!.git/keep\nnode_module\n.venv2\n', context).map(brief), ['1:dockerignore-matches-nothing', '2:dockerignore-matches-nothing', '3:dockerignore-matches-nothing']);
    });

    it('a pattern already covered by an earlier directory pattern excludes nothing', () => {
      const f = check('node_modules\nnode_modules/**/*.js\n', context);
      assert.deepEqual(f.map(brief), ['1:dockerignore-overridden-pattern']);
      assert.match(f[0].message, /decided by line 1 \(`node_modules`\)/);
    });

    it('a pattern whose every match is re-included later excludes nothing', () => {
      // `*.md` stays in the top folder: it matches only README.md, which line 2 re-includes.
      const f = check('*.md\n!README.md\n!docs\n', context);
      assert.deepEqual(f.map(brief), ['0:dockerignore-overridden-pattern', '2:dockerignore-useless-exception']);
      const g = check('README.md\n!*.md\n', context);
      assert.deepEqual(g.map(brief), ['0:dockerignore-overridden-pattern']);
    });

    it('an exception that re-includes nothing (nothing it matches was excluded)', () => {
      const f = check('build\n!src/index.ts\n', context);
      assert.deepEqual(f.map(brief), ['1:dockerignore-useless-exception']);
      assert.match(f[0].message, /not excluded when this line is reached/);
    });

    it('an exception the builder cannot reach inside an excluded directory', () => {
      const f = check('build\n!**/keep\n', context);
      assert.deepEqual(f.map(brief), ['1:dockerignore-useless-exception']);
      assert.match(f[0].message, /never looks inside `build` \(excluded by line 1/);
      assert.deepEqual(check('build\n!build/keep\n', context).map(brief), []);
    });

    it('an exception that matches nothing at all is a hint, as a pattern that matches nothing', () => {
      // `target` then `!target/app.jar` before the first build: a safeguard, not a mistake (it was a
      // warning, so the CLI failed on a fresh clone of a Java project).
      const f = check('build\n!build/nothing-here\n', context);
      assert.deepEqual(f.map(brief), ['1:dockerignore-matches-nothing']);
      assert.equal(f[0].severity, 'hint');
      assert.equal(f[0].message, '`!build/nothing-here` matches nothing in the build context right now.');
      assert.deepEqual(check('target\n!target/app.jar\n', context).map(brief), ['1:dockerignore-matches-nothing']);
    });

    it('handles 100,000 paths', function () {
      this.timeout(20_000);
      const files: string[] = [];
      for (let i = 0; i < 100_000; i++) files.push(`p${i % 40}/m${i % 900}/f${i}.${i % 5 ? 'js' : 'map'}`);
      const t0 = Date.now();
      const f = check('**/*.map\n!p1/**/*.map\n*.never\n', { files });
      const ms = Date.now() - t0;
      console.log(`      diagnostics over 100,000 paths: ${ms} ms`);
      // p1 holds no .map file: the exception matches nothing.
      assert.deepEqual(f.map(brief), ['1:dockerignore-matches-nothing', '2:dockerignore-matches-nothing']);
    });
  });
});
