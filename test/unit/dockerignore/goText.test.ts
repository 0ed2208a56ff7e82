import * as assert from 'node:assert/strict';
import { goClean, goTrimSpace } from '../../../server/src/core/dockerignore';

describe('dockerignore: Go path cleaning and trimming', () => {
  const clean: Array<[string, string]> = [
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['foo/', 'foo'],
    ['./foo', 'foo'],
    ['foo//bar', 'foo/bar'],
    ['foo/./bar', 'foo/bar'],
    ['foo/../bar', 'bar'],
    ['foo/..', '.'],
    ['../foo', '../foo'],
    ['../../foo/..', '../..'],
    ['/', '/'],
    ['/..', '/'],
    ['/../foo', '/foo'],
    ['//foo//', '/foo'],
    ['a/b/../../..', '..'],
    ['!foo/', '!foo'],
    ['!./foo', '!./foo'], // `!.` is an ordinary name to Clean
  ];
  for (const [input, want] of clean) {
    it(`filepath.Clean(${JSON.stringify(input)}) = ${JSON.stringify(want)}`, () => assert.equal(goClean(input), want));
  }

  const trim: Array<[string, string]> = [
    ['  foo  ', 'foo'],
    ['\tfoo\r', 'foo'],
    ['\u00a0foo\u0085', 'foo'],
    ['\u3000foo\u2003', 'foo'],
    ['\ufefffoo', '\ufefffoo'], // Go does not count the BOM as space (JS trim would)
    ['f o o', 'f o o'],
  ];
  for (const [input, want] of trim) {
    it(`strings.TrimSpace(${JSON.stringify(input)}) = ${JSON.stringify(want)}`, () => assert.equal(goTrimSpace(input), want));
  }
});
