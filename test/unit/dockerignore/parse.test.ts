import * as assert from 'node:assert/strict';
import { goMatchSyntaxError, parseDockerignore } from '../../../server/src/core/dockerignore';

const summary = (text: string, windowsPaths = false) =>
  parseDockerignore(text, { windowsPaths }).patterns.map((p) => (p.exclusion ? '!' : '') + p.pattern);

describe('dockerignore: reading the file', () => {
  const table: Array<[string, string, string[]]> = [
    ['comment in the first column', '# note\nfoo', ['foo']],
    ['indented # is a pattern', '  # note', ['# note']],
    ['# after a pattern is part of it', 'foo # note', ['foo # note']],
    ['blank and white-space-only lines', '\n   \n\t\nfoo\n\n', ['foo']],
    ['trailing white space', 'foo   \t', ['foo']],
    ['leading white space', '   foo', ['foo']],
    ['CRLF', 'foo\r\nbar\r\n', ['foo', 'bar']],
    ['no final newline', 'foo\nbar', ['foo', 'bar']],
    ['BOM on the first line', '\ufeff# c\nfoo', ['foo']],
    ['BOM on a later line is kept', 'a\n\ufeffb', ['a', '\ufeffb']],
    ['leading slash removed', '/foo/bar', ['foo/bar']],
    ['leading ./ removed', './foo', ['foo']],
    ['trailing slash removed', 'foo/', ['foo']],
    ['.. resolved', 'foo/../bar', ['bar']],
    ['.. kept when it climbs out', '../foo', ['../foo']],
    ['exception', '*\n!keep', ['*', '!keep']],
    ['space after !', '*\n!  keep  ', ['*', '!keep']],
    ['exception cleaned', '*\n!/keep/', ['*', '!keep']],
    ['space before a slash is trimmed by the second pass', 'foo /', ['foo']],
    ['backslash escapes on Unix', 'a\\*b', ['a\\*b']],
    ['backslash separates with windowsPaths', 'a\\b\\', ['a/b']],
    ['windowsPaths leading backslash', '\\foo', ['foo']],
  ];
  for (const [name, text, want] of table) {
    it(name, () => assert.deepEqual(summary(text, name.includes('windowsPaths')), want));
  }

  it('records the line and the trimmed range of each pattern', () => {
    const parsed = parseDockerignore('# c\n\n  !foo/ \r\nbar');
    assert.deepEqual(
      parsed.patterns.map((p) => [p.line, p.range.start.character, p.range.end.character, p.text]),
      [
        [2, 2, 7, '!foo/'],
        [3, 0, 3, 'bar'],
      ],
    );
    assert.deepEqual(parsed.commentLines, [0]);
  });

  const rejected: Array<[string, string]> = [
    ['!', 'lone-exclamation'],
    ['!   ', 'lone-exclamation'],
    ['!/', 'lone-exclamation'],
    ['[', 'malformed-pattern'],
    ['[a', 'malformed-pattern'],
    ['[]', 'malformed-pattern'],
    ['[]a]', 'malformed-pattern'],
    ['[a-]', 'malformed-pattern'],
    ['[-a]', 'malformed-pattern'],
    ['[a-b-c]', 'malformed-pattern'], // a second range cannot start with `-`
    ['[^]', 'malformed-pattern'],
    ['foo\\', 'malformed-pattern'],
    ['foo\\ ', 'malformed-pattern'],
    // Validated past a first non-matching chunk, as current Go releases do (Go 1.19 did not).
    ['a*[', 'malformed-pattern'],
    ['[z-a]', 'regexp-error'],
    ['\\q', 'regexp-error'],
    ['x'.repeat(65536), 'line-too-long'],
  ];
  for (const [text, code] of rejected) {
    it(`reports ${code} for ${JSON.stringify(text.slice(0, 12))}`, () => {
      const parsed = parseDockerignore('ok\n' + text + '\n');
      assert.deepEqual(
        parsed.errors.map((e) => [e.code, e.line]),
        [[code, 1]],
      );
      assert.deepEqual(parsed.patterns[0].pattern, 'ok');
    });
  }

  it('accepts a line just under 64 KiB', () => {
    assert.deepEqual(parseDockerignore('x'.repeat(65535)).errors, []);
  });

  const valid = ['*', '**', '[abc]', '[^a-z]', '[!a]', '[*]', '[\\]]', 'a\\*', '?', 'é[à-ü]'];
  for (const p of valid) {
    it(`filepath.Match accepts ${p}`, () => assert.equal(goMatchSyntaxError(p), undefined));
  }
  it('windows paths: a trailing backslash is no escape', () => assert.equal(goMatchSyntaxError('a\\', true), undefined));
});
