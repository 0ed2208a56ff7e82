import * as assert from 'node:assert/strict';
import { parseShell, programName, inlineAssignments, scanShell } from '../../../server/src/core/shell';

const words = (s: string) => parseShell(s).map((c) => c.words.map((w) => w.value));

describe('shell reader', () => {
  it('splits on &&, ||, ;, | and newlines', () => {
    assert.deepEqual(words('a b && c || d; e | f\ng'), [['a', 'b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
    assert.deepEqual(parseShell('a && b; c').map((c) => [c.before, c.after]), [['', '&&'], ['&&', ';'], [';', '']]);
  });
  it('keeps quoted operators inside one word and removes quotes', () => {
    assert.deepEqual(words(`echo "a && b" 'c;d' e\\ f`), [['echo', 'a && b', 'c;d', 'e f']]);
  });
  it('keeps command substitutions in their word', () => {
    assert.deepEqual(words('echo $(uname -m && true) x'), [['echo', '$(uname -m && true)', 'x']]);
  });
  it('skips comments and survives unterminated quotes', () => {
    assert.deepEqual(words('a # b && c\nd'), [['a'], ['d']]);
    assert.deepEqual(words('echo "unterminated && x'), [['echo', 'unterminated && x']]);
  });
  it('records offsets of every word', () => {
    const [cmd] = parseShell('  apt-get   install x');
    assert.deepEqual(cmd.words.map((w) => [w.start, w.end]), [[2, 9], [12, 19], [20, 21]]);
  });
  it('ends a word before a line continuation that follows it (a heredoc script keeps them)', () => {
    assert.deepEqual(parseShell('install curl \\\n').map((c) => c.words.map((w) => [w.value, w.start, w.end])), [[['install', 0, 7], ['curl', 8, 12]]]);
    // An escaped blank is a word of its own, and ends before the continuation after it.
    assert.deepEqual(parseShell('x \\ \\\n').map((c) => c.words.map((w) => [w.value, w.start, w.end])), [[['x', 0, 1], [' ', 2, 4]]]);
    // Within a word, a continuation joins its parts.
    assert.deepEqual(parseShell('cur\\\nl \\\n b').map((c) => c.words.map((w) => [w.value, w.start, w.end])), [[['curl', 0, 6], ['b', 10, 11]]]);
  });
  it('finds the program behind wrappers and assignments', () => {
    const [cmd] = parseShell('DEBIAN_FRONTEND=noninteractive sudo -E /usr/bin/apt-get install x');
    assert.equal(programName(cmd), 'apt-get');
    assert.equal(inlineAssignments(cmd).get('DEBIAN_FRONTEND'), 'noninteractive');
  });
});

describe('shell balance', () => {
  it('says when a quote, backquote or $( is left open', () => {
    assert.equal(scanShell('echo "a" \'b\' `c` $(d)').balanced, true);
    for (const open of ['echo "a', "echo 'a", 'echo `a', 'echo $(a && b']) assert.equal(scanShell(open).balanced, false, open);
  });
});
