import * as assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/core/yaml';

describe('YAML reader (config, .hadolint.yaml, Compose)', () => {
  it('reads an empty file, comments only or a bare document marker as null', () => {
    assert.equal(parseYaml(''), null);
    assert.equal(parseYaml('# nothing here\n'), null);
    assert.equal(parseYaml('---\n'), null);
  });

  it("resolves plain scalars by YAML 1.2's core schema: yes, on and dates stay strings", () => {
    assert.deepEqual(parseYaml('a: yes\nb: on\nc: 2024-01-01\nd: true\ne: 0o17\nf: 017\ng: 0x1F\nh: 1.5\ni: ~\nj:\nk: .inf\n'), {
      a: 'yes',
      b: 'on',
      c: '2024-01-01',
      d: true,
      e: 15,
      f: 17,
      g: 31,
      h: 1.5,
      i: null,
      j: null,
      k: Infinity,
    });
  });

  it('follows merge keys, single and listed; keys of the mapping itself win', () => {
    assert.deepEqual(parseYaml('x: &b {c: 1, d: 1}\nz: &z {e: 3}\ny:\n  <<: [*b, *z]\n  d: 2\n'), {
      x: { c: 1, d: 1 },
      z: { e: 3 },
      y: { c: 1, d: 2, e: 3 },
    });
  });

  it("keeps the content of tags it does not know (Compose's !reset and !override)", () => {
    assert.deepEqual(parseYaml('build: !override\n  context: x\nports: !reset []\nimage: !reset null\nother: !custom 5\n'), {
      build: { context: 'x' },
      ports: [],
      image: 'null',
      other: '5',
    });
  });

  it('does not copy aliases: nested aliases cost no more than their text', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    const doc = parseYaml(`${levels.join('\n')}\n`) as Record<string, unknown[]>;
    assert.equal(doc.i[0], doc.h);
  });

  it('throws with the line and column on malformed text, duplicate keys and a second document', () => {
    assert.throws(() => parseYaml('a: 1\na: 2\n'), /duplicated mapping key \(2:1\)/);
    assert.throws(() => parseYaml('rules:\n  a: b\n c: d\n'), /\(3:2\)/);
    assert.throws(() => parseYaml('a: *nope\n'), /nope/);
    assert.throws(() => parseYaml('a: 1\n---\nb: 2\n'), /more than one YAML document \(2\)/);
  });
});
