import * as assert from 'node:assert/strict';
import { expansionText, LITERAL_DOLLAR, parseShell, programName, programOperands, inlineAssignments, runsWheneverScriptSucceeds, scanShell, textEnd } from '../../../server/src/core/shell';

const words = (s: string) => parseShell(s).map((c) => c.words.map((w) => w.value));
/** Each command's words, then its redirections (operator and what it applies to, with a blank between) after a `|`. */
const redirected = (s: string) => parseShell(s).map((c) => [...c.words.map((w) => w.value), '|', ...(c.redirects ?? []).map((r) => `${r.op} ${r.value}`)]);

describe('shell reader', () => {
  it('splits on &&, ||, ;, | and newlines', () => {
    assert.deepEqual(words('a b && c || d; e | f\ng'), [['a', 'b'], ['c'], ['d'], ['e'], ['f'], ['g']]);
    assert.deepEqual(parseShell('a && b; c').map((c) => [c.before, c.after]), [['', '&&'], ['&&', ';'], [';', '']]);
  });
  it('reads & in a redirection (2>&1, >&2, <&3, &>file) as part of a word, not as the background operator', () => {
    // Before, `apt-get update 2>&1 && ...` was `apt-get update 2>`, a background `&`, and a command `1`.
    assert.deepEqual(redirected('apt-get update 2>&1 && apt-get install -y curl'), [['apt-get', 'update', '|', '2>& 1'], ['apt-get', 'install', '-y', 'curl', '|']]);
    assert.deepEqual(parseShell('apt-get update 2>&1 && b').map((c) => [c.before, c.after]), [['', '&&'], ['&&', '']]);
    assert.deepEqual(redirected('make >&2; cat <&3; x >& y'), [['make', '|', '>& 2'], ['cat', '|', '<& 3'], ['x', '|', '>& y']]);
    assert.deepEqual(redirected('cmd &>/dev/null && rm -rf /x'), [['cmd', '|', '&> /dev/null'], ['rm', '-rf', '/x', '|']]);
    assert.deepEqual(parseShell('a |& b').map((c) => [c.words[0].value, c.before, c.after]), [['a', '', '|'], ['b', '|', '']]);
    // A background & stays one: after a blank, a quote, or at the end of a command.
    assert.deepEqual(parseShell('sleep 1 & wait').map((c) => [c.before, c.after]), [['', '&'], ['&', '']]);
    assert.deepEqual(parseShell('echo "a>"& b').map((c) => c.after), ['&', '']);
  });
  it('keeps redirections out of the words the program receives, its offsets spanning them', () => {
    // Before, `>/dev/null` and `2>&1` were arguments: package names to apt-get, pip and npm.
    assert.deepEqual(redirected('apt-get install -y curl >/dev/null 2>&1 && rm -rf /x'), [['apt-get', 'install', '-y', 'curl', '|', '> /dev/null', '2>& 1'], ['rm', '-rf', '/x', '|']]);
    // An operator written alone applies to the word after it.
    assert.deepEqual(redirected('a > /dev/null 2> "err.txt" b; c >> log <file <<<"$x" <<- EOT >| f <> g &>>h'), [['a', 'b', '|', '> /dev/null', '2> err.txt'], ['c', '|', '>> log', '< file', '<<< $x', '<<- EOT', '>| f', '<> g', '&>> h']]);
    // An unquoted < or > ends the word before it; digits right before one are its descriptor.
    assert.deepEqual(redirected('echo a>b 2>c a2>d "x>y" z\\>w 1"2">v'), [['echo', 'a', 'a2', 'x>y', 'z>w', '12', '|', '> b', '2> c', '> d', '> v']]);
    // Before the program, where a reserved word is then no longer one (`>log if` runs a program `if`).
    assert.deepEqual(redirected('>log apt-get install x; 2>/dev/null >x if'), [['apt-get', 'install', 'x', '|', '> log'], ['if', '|', '2> /dev/null', '> x']]);
    assert.equal(programName(parseShell('>log apt-get install x')[0]), 'apt-get');
    // After a word that closes a compound command, and bash's process substitutions (words).
    assert.deepEqual(redirected('{ a; } >/dev/null; done < list; diff <(ls a) >(tee x)'), [['a', '|'], ['}', '|', '> /dev/null'], ['done', '|', '< list'], ['diff', '<(ls a)', '>(tee x)', '|']]);
    // bash's named descriptors ({name} before the operator, as a number would be); before, `{fd}`
    // was a word (a package name to apt-get, and `exec {fd}>lock` an exec of a program).
    assert.deepEqual(redirected('exec {fd}>/tmp/lock; apt-get install -y curl {err}>&- {in}<>f'), [['exec', '|', '{fd}> /tmp/lock'], ['apt-get', 'install', '-y', 'curl', '|', '{err}>& -', '{in}<> f']]);
    assert.deepEqual(parseShell('cat {in}<<EOF >/etc/x\napt-get update\nEOF\necho ok').map((c) => programName(c)), ['cat', 'echo']);
    // Not a name: brace expansions and words that only hold one stay words.
    assert.deepEqual(redirected('echo {a,b}>x {1x}>w a{fd}>q'), [['echo', '{a,b}', '{1x}', 'a{fd}', '|', '> x', '> w', '> q']]);
    // The command spans its redirections, so a removal takes them and an append goes after them;
    // a redirection spans its operator and what it applies to.
    const script = 'a >x && >log b c 2> err; d';
    assert.deepEqual(parseShell(script).map((c) => script.slice(c.start, c.end)), ['a >x', '>log b c 2> err', 'd']);
    assert.deepEqual(parseShell(script)[1].redirects?.map((r) => script.slice(r.start, r.end)), ['>log', '2> err']);
    assert.deepEqual(parseShell('a >\\\n/dev/null').map((c) => [c.redirects?.map((r) => [r.op, r.value]), c.end]), [[[['>', '/dev/null']], 14]]);
  });
  it('gives a redirection after a subshell\'s ) to the subshell, kept with its last command (bash, dash and busybox ash read it so)', () => {
    // Before, `>log 2>&1` was a command of its own, with no program, between the subshell and `&&`.
    assert.deepEqual(redirected('( a; b ) >log 2>&1 && c'), [['a', '|'], ['b', '|', '> log', '2>& 1'], ['c', '|']]);
    assert.deepEqual(redirected('( a ) > log'), [['a', '|', '> log']]);
    // What follows the subshell goes on its list, as after `( a ) && b`.
    assert.deepEqual(parseShell('( a ) >log && b').map((c) => [c.ends, c.before]), [['&&', ''], ['', '&&']]);
    // The command's own offsets stay inside the subshell; textEnd says where its text ends.
    const script = '( a ) >log && b';
    const [a] = parseShell(script);
    assert.deepEqual([script.slice(a.start, a.end), script.slice(a.start, textEnd(a))], ['a', 'a ) >log']);
    // A case pattern's `)` is no subshell: the redirection is the next command's.
    assert.deepEqual(redirected('case x in y) >log b;; esac').slice(1), [['b', '|', '> log'], ['esac', '|']]);
    // Its status: the subshell's last command is no longer followed by a command without a program.
    const runs = (text: string) => parseShell(text).map((c, _, all) => runsWheneverScriptSucceeds(all, c));
    assert.deepEqual(runs('( a ) >log | b'), [true, true]);
    assert.deepEqual(runs('x && ( a ) >log'), [true, true]);
    // `&>` after it: dash runs the subshell in the background.
    assert.deepEqual(runs('( a ) &>log && b'), [false, true]);
  });
  it('keeps quoted operators inside one word and removes quotes', () => {
    assert.deepEqual(words(`echo "a && b" 'c;d' e\\ f`), [['echo', 'a && b', 'c;d', 'e f']]);
  });
  it('drops a NUL byte from a word as dash does, so it is not read as a $ kept as text', () => {
    // LITERAL_DOLLAR is a NUL inside the analysis: a real one in the text (a binary or garbage
    // file) was shown as a `$` (`rm -rf /c/<NUL>X` read as the folder `/c/$X`).
    for (const text of ['rm -rf /c/\0X', "rm -rf '/c/\0X'", 'rm -rf "/c/\0X"', 'rm -rf /c/\\\0X']) {
      const [cmd] = parseShell(text);
      assert.deepEqual(cmd.words.map((w) => [w.value, expansionText(w)]), [['rm', 'rm'], ['-rf', '-rf'], ['/c/X', '/c/X']], JSON.stringify(text));
    }
    const [quoted] = parseShell("rm -rf '$A\0'");
    assert.equal(expansionText(quoted.words[2]), `${LITERAL_DOLLAR}A`);
    assert.equal(quoted.words[2].value, '$A');
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
    // busybox runs the applet named next.
    const [wget] = parseShell('busybox wget -O /tmp/a.tgz https://example.com/a.tgz');
    assert.equal(programName(wget), 'wget');
    assert.deepEqual(programOperands(wget).map((w) => w.value), ['/tmp/a.tgz', 'https://example.com/a.tgz']);
  });
});

describe('shell reserved words', () => {
  const programs = (s: string) => parseShell(s).map((c) => programName(c));
  it('reads the command after then, else, elif, do, if, while, until, !, { as a command of its own; fi, done, esac, } run no program', () => {
    assert.deepEqual(programs('if [ "$DEV" = 1 ]; then apt-get install -y gcc; fi'), ['[', 'apt-get', '']);
    assert.deepEqual(programs('if a; then :; elif b; then c; else apk add curl; fi'), ['a', ':', 'b', 'c', 'apk', '']);
    assert.deepEqual(programs('for p in a b; do pip install "$p"; done'), ['for', 'pip', '']);
    assert.deepEqual(programs('while ! npm ci; do sleep 1; done; until pip install x; do :; done'), ['npm', 'sleep', '', 'pip', ':', '']);
    assert.deepEqual(programs('{ apt-get update; apt-get install -y curl; }'), ['apt-get', 'apt-get', '']);
    assert.deepEqual(programs('! grep x f || apt-get install y'), ['grep', 'apt-get']);
    assert.deepEqual(programs('( cd x && npm ci )'), ['cd', 'npm']);
    // On lines of their own, as here-documents and continued RUNs write them.
    assert.deepEqual(programs('if [ -n "$DEV" ]\nthen\n  pip install flask\nelse\n  {\n    apk add curl\n  }\nfi'), ['[', 'pip', 'apk', '', '']);
    // A continuation right after the word (the shell removes it before reading words).
    assert.deepEqual(programs('if true; then\\\n  apt-get update; fi\\\n'), ['true', 'apt-get', '']);
  });
  it('keeps the reserved word out of the command: its words, where it starts, and what stands before it', () => {
    const [cond, body, fi] = parseShell('if true; then apt-get update; fi');
    assert.deepEqual(body.words.map((w) => w.value), ['apt-get', 'update']);
    assert.equal(body.start, 'if true; then '.length);
    assert.equal(cond.before, 'if');
    assert.equal(body.before, 'then');
    assert.equal(fi.before, ';');
  });
  it('says which commands run inside an if, a loop or a case (conditions included), not in a group or subshell', () => {
    const conditional = (s: string) => parseShell(s).map((c) => `${c.words[0].value}${c.conditional ? '?' : ''}`);
    assert.deepEqual(conditional('a; if b; then c; elif d; then e; else f; fi; g'), ['a', 'b?', 'c?', 'd?', 'e?', 'f?', 'fi', 'g']);
    assert.deepEqual(conditional('for p in x; do a; done; while b; do c; done; until d; do e; done; f'), ['for', 'a?', 'done', 'b?', 'c?', 'done', 'd?', 'e?', 'done', 'f']);
    assert.deepEqual(conditional('case $x in a) b;; (c) d;; esac; { e; }; (f; (g)); h'), ['case', 'b?', 'd?', 'esac', 'e', '}', 'f', 'g', 'h']);
    assert.deepEqual(conditional('if a; then { b; }; (c); fi; d; "fi"; e'), ['a?', 'b?', '}?', 'c?', 'fi', 'd', 'fi', 'e']);
    // Closing words that close nothing open leave the rest alone.
    assert.deepEqual(conditional('done; fi; a; if b; then }; c; fi; d'), ['done', 'fi', 'a', 'b?', '}?', 'c?', 'fi', 'd']);
  });
  it('reads no case pattern as a command, the first one included', () => {
    const read = (s: string) => parseShell(s).map((c) => `${c.words.map((w) => w.value).join(' ')}${c.conditional ? '?' : ''} (${c.before})`);
    // Before, `a` was a word of the case and `b` a command of its own.
    assert.deepEqual(read('case "$X" in a) apt-get install -y x ;; b) pip install y ;; esac'), ['case $X in ()', 'apt-get install -y x? ())', 'pip install y? ())', 'esac (;;)']);
    assert.deepEqual(read('case $X in\n  apk|a|"b c") apk add x;;\n  (pip)\n    pip install y\n    ;;\n  *) echo z\nesac; echo after'), [
      'case $X in ()',
      'apk add x? ())',
      'pip install y? ())',
      'echo z? ())',
      'esac (\n)',
      'echo after (;)',
    ]);
    // An empty item, an empty case, a case in an item, and bash's ;& and ;;&.
    assert.deepEqual(read('case $x in a) ;; b) c;; esac; case $y in esac; d'), ['case $x in ()', 'c? ())', 'esac (;;)', 'case $y in (;)', 'esac ()', 'd (;)']);
    assert.deepEqual(read('case $x in a) case $y in b) c;; esac;; d) e;; esac'), ['case $x in ()', 'case $y in? ())', 'c? ())', 'esac? (;;)', 'e? ())', 'esac (;;)']);
    assert.deepEqual(read('case $x in a) b;& c) d;;& *) e;; esac'), ['case $x in ()', 'b? ())', 'd? ())', 'e? ())', 'esac (;;)']);
  });

  it('finds where a case ends: a line break before its in, and esac as a pattern after ( or |', () => {
    const read = (s: string) => parseShell(s).map((c) => `${c.words.map((w) => w.value).join(' ')}${c.conditional ? '?' : ''} (${c.before})`);
    // Before, `case $x` was a command of its own, `in a` another, and `b` ran after the `)` as if unconditional.
    assert.deepEqual(read('case $x\n\nin a) b;; esac; c'), ['case $x in ()', 'b? ())', 'esac (;;)', 'c (;)']);
    assert.deepEqual(read('case $x \\\nin a) b;; esac; c'), ['case $x in ()', 'b? ())', 'esac (;;)', 'c (;)']);
    // bash, dash and busybox ash read `(esac)` and `a|esac` as patterns (and `esac)` where a pattern
    // starts as the case's end): before, the first esac closed the case and chmod counted as run on
    // every build (files-changed-in-later-layer then moved it into COPY --chmod).
    assert.deepEqual(read('case $x in (esac)\n  chmod 755 /x\n  ;;\nesac\nc'), ['case $x in ()', 'chmod 755 /x? ())', 'esac (;;)', 'c (\n)']);
    assert.deepEqual(read('case $x in a|esac) chmod 755 /x;; b) d;; (c|esac) e;; esac; f'), ['case $x in ()', 'chmod 755 /x? ())', 'd? ())', 'e? ())', 'esac (;;)', 'f (;)']);
  });

  it('reads the body of a bash function (function f { ...; }, function f() ...) as conditional', () => {
    const conditional = (s: string) => parseShell(s).map((c) => `${c.words.map((w) => w.value).join(' ')}${c.conditional ? '?' : ''}`);
    assert.deepEqual(conditional('function f { apt-get install -y x; }; f'), ['function f', 'apt-get install -y x?', '}', 'f']);
    assert.deepEqual(conditional('function f() { a; }; function g ( b ); function h ()\n{\n  c\n}\nd'), ['function f(', 'a?', '}', 'function g', 'b?', 'function h', 'c?', '}', 'd']);
    assert.deepEqual(conditional('function f\n{\n  pip install y\n}\nf'), ['function f', 'pip install y?', '}', 'f']);
    // Only the reserved word: a quoted one, or a program called with more words, is a command.
    assert.deepEqual(conditional('"function" f { a; }; echo function f { b; }'), ['function f { a', '}', 'echo function f { b', '}']);
  });

  it('reads a reserved word only where a command starts, and only unquoted', () => {
    assert.deepEqual(programs('echo then do; A=1 then; "then" x; \\do y; {a,b}; !x'), ['echo', 'then', 'then', 'do', '{a,b}', '!x']);
    assert.deepEqual(programs('"fi"; A=1 done; \\}; done < list'), ['fi', 'done', '}', '']);
  });
});

describe('shell here-documents', () => {
  it('reads no line of a here-document body as a command, and knows where the bodies end', () => {
    const script = "cat <<'X' >/etc/a && cat <<-Y >/etc/b; apt-get update\napt-get install -y x\nX\n\tpip install y\n\tY\necho done";
    const commands = parseShell(script);
    // Before, the body lines were commands: apt-get install, X, pip install, Y.
    assert.deepEqual(commands.map((c) => programName(c)), ['cat', 'cat', 'apt-get', 'echo']);
    assert.equal(commands[2].bodiesEnd, script.indexOf('\necho done'));
    assert.equal(commands[3].bodiesEnd, undefined);
    // `<<<` is a here-string: the next line is a command.
    assert.deepEqual(parseShell('cat <<<x\napt-get update').map((c) => programName(c)), ['cat', 'apt-get']);
  });

  it('says a script whose here-document is not closed is not balanced (text appended would land in it)', () => {
    assert.equal(scanShell('cat <<X >/etc/a\nhello\nX\n').balanced, true);
    assert.equal(scanShell('cat <<X >/etc/a\nhello\n').balanced, false);
  });
});

describe('shell balance', () => {
  it('says when a quote, backquote or $( is left open', () => {
    assert.equal(scanShell('echo "a" \'b\' `c` $(d)').balanced, true);
    for (const open of ['echo "a', "echo 'a", 'echo `a', 'echo $(a && b']) assert.equal(scanShell(open).balanced, false, open);
  });
});
