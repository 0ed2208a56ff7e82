import * as assert from 'node:assert/strict';
import { addIgnoreEntries, createDockerignoreMatcher, explainDecision, literalPattern } from '../../../server/src/core/dockerignore';
import { LineIndex } from '../../../server/src/core/text';

function apply(text: string, r: ReturnType<typeof addIgnoreEntries>): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...r.edits].reverse()) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

describe('dockerignore: adding entries', () => {
  it('creates a file when there is none', () => {
    assert.deepEqual(addIgnoreEntries(undefined, ['.git', 'node_modules']), { edits: [], newFileContent: '.git\nnode_modules\n', added: ['.git', 'node_modules'] });
  });

  it('inserts above the first pattern so existing exceptions keep working', () => {
    const text = '# header\n\n# build output\nbuild\n!dist/keep.txt\n';
    const r = addIgnoreEntries(text, ['dist', 'build', '.git']);
    assert.deepEqual(r.added, ['dist', '.git']); // build is already excluded
    const fixed = apply(text, r);
    assert.equal(fixed, '# header\n\ndist\n.git\n# build output\nbuild\n!dist/keep.txt\n');
    const m = createDockerignoreMatcher(fixed);
    assert.equal(m.isExcluded('dist/x.js'), true);
    assert.equal(m.isExcluded('dist/keep.txt'), false, 'the existing exception still applies');
  });

  it('goes below a line that re-includes the path itself, where a line placed first would change nothing (found by a property over fixes with ignore files)', () => {
    // context-secrets on `!*` (which re-includes .env once the new line above excludes it): its fix
    // wrote `.env` above it and the builder still received .env.
    for (const [text, paths, expected] of [
      ['!*', ['.env'], '!*\n.env\n'],
      ['*\n!src\n!.env\n!package.json\n', ['.env'], '*\n!src\n!.env\n.env\n!package.json\n'],
      ['*\r\n!app\r\n', ['app/.env', '.git'], '*\r\n!app\r\napp/.env\r\n'],
      ['# keep\n!node_modules/keep\nbuild\n!build/**\n', ['build/secret.pem', '.git'], '.git\n# keep\n!node_modules/keep\nbuild\n!build/**\nbuild/secret.pem\n'],
    ] as const) {
      const fixed = apply(text, addIgnoreEntries(text, paths));
      assert.equal(fixed, expected);
      const m = createDockerignoreMatcher(fixed);
      for (const p of paths) assert.equal(m.isExcluded(p), true, `${p} in ${JSON.stringify(fixed)}`);
    }
  });

  it('appends to a file with only comments, keeping CRLF', () => {
    const text = '# nothing yet';
    assert.equal(apply(text, addIgnoreEntries(text, ['.venv'])), '# nothing yet\n.venv\n');
    const crlf = '# a\r\nfoo\r\n';
    assert.equal(apply(crlf, addIgnoreEntries(crlf, ['bar'])), 'bar\r\n# a\r\nfoo\r\n');
  });

  it('writes paths literally', () => {
    assert.equal(literalPattern('./a[1]/b*c?'), 'a\\[1\\]/b\\*c\\?');
    assert.equal(literalPattern('#notes'), '\\#notes');
    assert.equal(literalPattern('!x'), '\\!x');
    assert.equal(literalPattern(' padded'), undefined);
    for (const p of ['a[1]/b*c?', '#notes', '!x', 'back\\slash']) {
      const line = literalPattern(p) as string;
      assert.equal(createDockerignoreMatcher(line).isExcluded(p), true, p);
      assert.equal(createDockerignoreMatcher(line).isExcluded(p + 'x'), false, p);
    }
  });

  it('explains decisions', () => {
    const m = createDockerignoreMatcher('build\n!build/keep\n**/*.log\n!**/x.log\n');
    assert.equal(explainDecision(m.decide('src/a.ts')), 'no line of the ignore file matches it');
    assert.equal(explainDecision(m.decide('build/a')), 'excluded by line 1 (`build`)');
    assert.equal(explainDecision(m.decide('build/keep')), 're-included by line 2 (`!build/keep`)');
    assert.equal(explainDecision(m.decide('build/sub/x.log')), 'the builder never looks inside `build/sub`, excluded by line 1 (`build`)');
  });
});
