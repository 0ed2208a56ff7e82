/**
 * The shared questions of the package-manager rules: cache paths, what a RUN removes or mounts,
 * the environment a command sees, the user and shell it runs with.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { appendToRun, normalizeCachePath, pathCovers, ranInBackground, removedOperands } from '../../../server/src/core/commands';
import { buildModel, type DockerfileModel, type Instr } from '../../../server/src/core/model';
import {
  baseImageOf, checkAppend, envFor, expandVars, flagValue, imageRepository, isTruthy, npmInstallWord,
  pipCacheDir, posixShell, runsAsRoot, shellValue, subcommandOf, usedLaterInImage, verifiedAppend, windowsBase,
} from '../../../server/src/core/packageManagers';
import { LITERAL_DOLLAR, parseShell } from '../../../server/src/core/shell';
import { npmDependencyTypes } from '../../../server/src/core/npmCommand';
import type { TextEdit } from '../../../server/src/core/types';
import { generateDockerfile } from '../../bench/lsp/generate';
import { anyDockerfile, CORPUS } from '../hostile/arbitraries';

function runs(text: string): Instr[] {
  return buildModel(text).instructions.filter((i) => i.run);
}

describe('package-manager helpers', () => {
  it("works out an npm install's dependency types once per instruction and command, as the ENV above that instruction says", () => {
    const model = buildModel('FROM node:22\nRUN npm ci\nENV NODE_ENV=production\nRUN npm ci && npm ci --include=dev\n');
    const [first, second] = model.instructions.filter((i) => i.run);
    const types = npmDependencyTypes(first, first.run!.commands[0]);
    // Several rules ask of the same install: one answer.
    assert.equal(npmDependencyTypes(first, first.run!.commands[0]), types);
    assert.deepEqual([...types.omitted], []);
    assert.deepEqual([...npmDependencyTypes(second, second.run!.commands[0]).omitted], ['dev']);
    assert.deepEqual([...npmDependencyTypes(second, second.run!.commands[1]).omitted], []);
    // The same script in another version of the file, under another ENV: its own answer.
    const other = buildModel('FROM node:22\nENV NODE_ENV=production\nRUN npm ci\n', model).instructions.find((i) => i.run)!;
    assert.deepEqual([...npmDependencyTypes(other, other.run!.commands[0]).omitted], ['dev']);
  });

  it('normalises home folders, trailing globs and slashes; one home is not another', () => {
    for (const p of ['~/.npm', '$HOME/.npm', '${HOME}/.npm', '~/.npm/', '"~/.npm/.*"']) assert.equal(normalizeCachePath(p), '~/.npm', p);
    for (const p of ['~/.npm', '$HOME/.npm', '${HOME}/.npm', '/root/.npm', '/root/.npm/*', '"/root/.npm/.*"']) assert.equal(normalizeCachePath(p, '/root'), '/root/.npm', p);
    assert.equal(normalizeCachePath('/home/node/.npm/'), '/home/node/.npm');
    assert.equal(normalizeCachePath('~/.npm', '/home/node'), '/home/node/.npm');
    assert.equal(normalizeCachePath('/var/cache/apk/*'), '/var/cache/apk');
    assert.equal(normalizeCachePath('/'), '/');
    assert.equal(normalizeCachePath('/rootfs/x'), '/rootfs/x');
  });

  it('covers the same folder, its parents and its contents, never from / or ~ alone', () => {
    assert.ok(pathCovers('/var/cache/yum', '/var/cache/yum'));
    assert.ok(pathCovers('/root/.cache', '~/.cache/pip', { dir: '/root' }));
    assert.ok(!pathCovers('/root/.cache', '~/.cache/pip', { dir: '/home/app' }));
    assert.ok(!pathCovers('/root/.cache', '~/.cache/pip'));
    assert.ok(pathCovers('~/.cache', '~/.cache/pip'));
    // A folder inside the cache leaves the rest of it.
    assert.ok(!pathCovers('/var/cache/dnf/x86_64', '/var/cache/dnf'));
    assert.ok(pathCovers('/var/cache/yum*', '/var/cache/yum'));
    assert.ok(!pathCovers('/var/cache/yum', '/var/cache/dnf'));
    assert.ok(!pathCovers('/var/cache/yumrepos', '/var/cache/yum'));
    assert.ok(!pathCovers('/', '/var/cache/yum'));
    assert.ok(!pathCovers('~', '~/.npm'));
  });

  it('takes a bare assignment only for a variable that is exported (ENV, export NAME, set -a), as the shell does', () => {
    const see = (text: string, name = 'PIP_NO_CACHE_DIR') => {
      const [r] = runs(text);
      const cmds = r.run!.commands;
      return envFor(r, cmds[cmds.length - 1], name);
    };
    assert.equal(see('FROM python\nRUN PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python\nENV PIP_NO_CACHE_DIR=\nRUN PIP_NO_CACHE_DIR=1; pip install x\n'), '1', 'ENV exported it');
    assert.equal(see('FROM python\nRUN export PIP_NO_CACHE_DIR; PIP_NO_CACHE_DIR=1; pip install x\n'), '1');
    assert.equal(see('FROM python\nRUN PIP_NO_CACHE_DIR=1; export PIP_NO_CACHE_DIR; pip install x\n'), '1');
    assert.equal(see('FROM python\nRUN set -eax; PIP_NO_CACHE_DIR=1; pip install x\n'), '1');
    assert.equal(see('FROM python\nRUN set -o allexport; PIP_NO_CACHE_DIR=1; pip install x\n'), '1');
    assert.equal(see('FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN unset PIP_NO_CACHE_DIR; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN export PIP_NO_CACHE_DIR=1 && PIP_NO_CACHE_DIR= && pip install x\n'), '');
    // `set +a` and `set +o allexport` turn it off again (sh -c 'set -a; set +a; X=1; sh -c "echo [\$X]"' prints []);
    // a word after the options is a positional parameter, and `-o NAME` names a long option.
    assert.equal(see('FROM python\nRUN set -a; set +a; PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN set -o allexport; set +o allexport; PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN set +o allexport; PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN set -- -a; PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN set -eo pipefail -a; PIP_NO_CACHE_DIR=1; pip install x\n'), '1');
    // What a subshell does stays there: a `( )`, a part of a pipeline, a list run in the background
    // (sh -c '(export X=1); sh -c "echo [\$X]"' prints [], and so does `export X=1 | true`).
    assert.equal(see('FROM python\nRUN (export PIP_NO_CACHE_DIR=1); pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN export PIP_NO_CACHE_DIR=1 | true; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN export PIP_NO_CACHE_DIR=1 & wait; pip install x\n'), undefined);
    assert.equal(see('FROM python\nRUN (set -a; PIP_NO_CACHE_DIR=1); PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    // ... and reaches the commands of the same subshell, or a `{ }` group's.
    assert.equal(see('FROM python\nRUN (export PIP_NO_CACHE_DIR=1; pip install x)\n'), '1');
    assert.equal(see('FROM python\nRUN (export PIP_NO_CACHE_DIR=1; (pip install x))\n'), '1');
    assert.equal(see('FROM python\nRUN { export PIP_NO_CACHE_DIR=1; }; pip install x\n'), '1');
    // What the rule makes of it.
    const pipCache = (text: string) => analyze(text, { context: {} }).findings.some((f) => f.ruleId === 'pip-cache-kept');
    assert.ok(pipCache('FROM python:3.12-slim\nRUN PIP_NO_CACHE_DIR=1; pip install flask\n'));
    assert.ok(!pipCache('FROM python:3.12-slim\nRUN export PIP_NO_CACHE_DIR=1; pip install flask\n'));
  });

  it('reads declare -x and typeset -x as exports where bash runs the RUN, and export -n as an un-export', () => {
    const see = (text: string, name = 'PIP_NO_CACHE_DIR') => {
      const [r] = runs(text);
      const cmds = r.run!.commands;
      return envFor(r, cmds[cmds.length - 1], name);
    };
    const bash = 'FROM python:3.12-slim\nSHELL ["/bin/bash", "-c"]\n';
    assert.equal(see(`${bash}RUN declare -x PIP_NO_CACHE_DIR=1 && pip install x\n`), '1');
    assert.equal(see(`${bash}RUN typeset -x PIP_NO_CACHE_DIR=1 && pip install x\n`), '1');
    assert.equal(see(`${bash}RUN declare -rx PIP_NO_CACHE_DIR=1 && pip install x\n`), '1');
    assert.equal(see(`${bash}RUN declare -x PIP_NO_CACHE_DIR; PIP_NO_CACHE_DIR=1; pip install x\n`), '1');
    // Without -x a declare only sets the shell variable; +x takes the export away.
    assert.equal(see(`${bash}RUN declare PIP_NO_CACHE_DIR=1 && pip install x\n`), undefined);
    assert.equal(see(`${bash}RUN declare -x PIP_NO_CACHE_DIR=1; declare +x PIP_NO_CACHE_DIR; pip install x\n`), undefined);
    // `bash -c '...'` runs bash whatever the SHELL; a base whose /bin/sh is bash too.
    assert.equal(see(`FROM python:3.12-slim\nRUN bash -c 'declare -x PIP_NO_CACHE_DIR=1 && pip install x'\n`), '1');
    assert.equal(see(`FROM python:3.12-slim\nRUN ["/bin/bash", "-c", "declare -x PIP_NO_CACHE_DIR=1 && pip install x"]\n`), '1');
    assert.equal(see(`FROM fedora:40\nRUN declare -x PIP_NO_CACHE_DIR=1 && pip install x\n`), '1');
    assert.equal(see(`FROM rockylinux:9\nRUN typeset -x PIP_NO_CACHE_DIR=1 && pip install x\n`), '1');
    // Debian's and Alpine's /bin/sh (dash, busybox ash) have no declare: 'declare: not found'.
    assert.equal(see('FROM python:3.12-slim\nRUN declare -x PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see('FROM python:3.12-alpine\nRUN typeset -x PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    assert.equal(see(`${bash}RUN sh -c 'declare -x PIP_NO_CACHE_DIR=1; pip install x'\n`), undefined);
    // export -n un-exports (bash); dash stops at the unknown option, exporting nothing either.
    assert.equal(see(`${bash}RUN export PIP_NO_CACHE_DIR=1; export -n PIP_NO_CACHE_DIR; pip install x\n`), undefined);
    assert.equal(see('FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN export -n PIP_NO_CACHE_DIR; pip install x\n'), undefined);
    assert.equal(see('FROM python:3.12-slim\nRUN export -n PIP_NO_CACHE_DIR=1; pip install x\n'), undefined);
    const pipCache = (text: string) => analyze(text, { context: {} }).findings.some((f) => f.ruleId === 'pip-cache-kept');
    assert.ok(!pipCache(`${bash}RUN declare -x PIP_NO_CACHE_DIR=1 && pip install flask\n`));
    assert.ok(pipCache('FROM python:3.12-slim\nRUN declare -x PIP_NO_CACHE_DIR=1; pip install flask\n'));
  });

  it('reads pip-style booleans', () => {
    for (const v of ['1', 'true', 'yes', 'on', '"1"']) assert.ok(isTruthy(v), v);
    for (const v of [undefined, '', '0', 'false', 'No', 'off', "'0'"]) assert.ok(!isTruthy(v), String(v));
  });

  it('finds variables inline, exported earlier in the RUN, and in ENV along the FROM chain', () => {
    const [a, b] = runs('FROM alpine AS base\nENV A=env\nFROM base\nRUN A=inline prog && x\nRUN export B=exported && prog; C=plain; prog2\n');
    assert.equal(envFor(a, a.run!.commands[0], 'A'), 'inline');
    assert.equal(envFor(a, a.run!.commands[1], 'A'), 'env');
    assert.equal(envFor(b, b.run!.commands[1], 'B'), 'exported');
    // A bare assignment stays in the shell: prog2 does not see C.
    assert.equal(envFor(b, b.run!.commands[3], 'C'), undefined);
    assert.equal(envFor(b, b.run!.commands[0], 'B'), undefined, 'not before the export');
    const [c] = runs('FROM node\nENV NPM_CONFIG_CACHE=/tmp/c\nRUN npm ci\n');
    assert.equal(envFor(c, c.run!.commands[0], 'npm_config_cache', true), '/tmp/c');
    assert.equal(envFor(c, c.run!.commands[0], 'npm_config_cache'), undefined);
  });

  it("reads a variable in a command's words as the shell expands them (shellValue), not as the program sees it (envFor)", () => {
    const see = (text: string, name: string, at = -1) => {
      const [r] = runs(text);
      const cmd = r.run!.commands.at(at)!;
      return { shell: shellValue(r, cmd, name), env: envFor(r, cmd, name) };
    };
    // The words are expanded before a prefix assignment takes effect (sh -c 'C=/env; C=/x echo $C' prints /env).
    assert.deepEqual(see('FROM alpine\nENV C=/env\nRUN C=/x rm -rf $C\n', 'C'), { shell: '/env', env: '/x' });
    assert.deepEqual(see('FROM alpine\nRUN C=/x rm -rf $C\n', 'C'), { shell: undefined, env: '/x' });
    // What the RUN set before, exported or not; not what a subshell set.
    assert.deepEqual(see('FROM alpine\nRUN OWN=/x; rm -rf $OWN\n', 'OWN'), { shell: '/x', env: undefined });
    assert.deepEqual(see('FROM alpine\nRUN OWN=/x && rm -rf "$OWN"\n', 'OWN'), { shell: '/x', env: undefined });
    assert.deepEqual(see('FROM alpine\nRUN export OWN=/x; rm -rf $OWN\n', 'OWN'), { shell: '/x', env: '/x' });
    assert.deepEqual(see('FROM alpine\nENV OWN=/env\nRUN OWN=/x; OWN=/y; rm -rf $OWN\n', 'OWN'), { shell: '/y', env: '/y' });
    assert.equal(see('FROM alpine\nRUN (OWN=/x); rm -rf $OWN\n', 'OWN').shell, undefined);
    assert.equal(see('FROM alpine\nRUN OWN=/x | true; rm -rf $OWN\n', 'OWN').shell, undefined);
    assert.equal(see('FROM alpine\nENV OWN=/env\nRUN unset OWN; rm -rf $OWN\n', 'OWN').shell, undefined);
    // A loop's variable is unknown, in the loop and after it.
    assert.equal(see('FROM alpine\nENV C=/env\nRUN for C in /a /b; do rm -rf $C; done\n', 'C', -2).shell, undefined);
    assert.equal(see('FROM alpine\nENV C=/env\nRUN for C in /a /b; do echo $C; done; rm -rf $C\n', 'C').shell, undefined);
    assert.equal(see('FROM alpine\nENV C=/env\nRUN for D in /a; do echo $D; done; rm -rf $C\n', 'C').shell, '/env');
    // A `$` single quotes keep is text.
    assert.equal(see("FROM alpine\nRUN OWN='$C'; rm -rf $OWN\n", 'OWN').shell, `${LITERAL_DOLLAR}C`);
    // pip's cache folder, with the variables of its value as the shell has them at the install.
    const pip = (text: string) => {
      const [r] = runs(text);
      return pipCacheDir(r, r.run!.commands.find((c) => c.words.some((w) => w.value === 'install'))!);
    };
    assert.equal(pip('FROM python\nRUN OWN=/c; pip install --cache-dir $OWN x\n'), '/c');
    assert.equal(pip('FROM python\nRUN OWN=/c; PIP_CACHE_DIR=$OWN/pip pip install x\n'), '/c/pip');
    assert.equal(pip('FROM python\nENV OWN=/c\nRUN pip install --cache-dir=${OWN} x\n'), '/c');
    assert.equal(pip("FROM python\nENV OWN=/c\nRUN pip install --cache-dir '$OWN' x\n"), `${LITERAL_DOLLAR}OWN`);
  });

  it('expands the variables of an assigned value as the shell did where the assignment ran', () => {
    const see = (text: string, name: string) => {
      const [r] = runs(text);
      const cmd = r.run!.commands.at(-1)!;
      return { shell: shellValue(r, cmd, name), env: envFor(r, cmd, name) };
    };
    // An export, a bare assignment, an assignment in front of the command; ENV and ARG values come expanded.
    assert.deepEqual(see('FROM alpine\nENV B=/b\nRUN export C=$B/c; prog\n', 'C'), { shell: '/b/c', env: '/b/c' });
    assert.deepEqual(see('FROM alpine\nARG B=/b\nENV C=${B}/c\nRUN prog\n', 'C'), { shell: '/b/c', env: '/b/c' });
    assert.deepEqual(see('FROM alpine\nRUN B=/b; C="$B/c"; prog\n', 'C'), { shell: '/b/c', env: undefined });
    assert.equal(see('FROM alpine\nRUN B=/b; C=$B/c prog\n', 'C').env, '/b/c');
    // With the value the variable had there, not where it is read (sh -c 'B=/a; export C=$B; B=/z; sh -c "echo \$C"' prints /a).
    assert.equal(see('FROM alpine\nRUN B=/a; export C=$B/c; B=/z; prog\n', 'C').env, '/a/c');
    // Itself before (`A=$A/x`), through others, defaults and alternatives.
    assert.equal(see('FROM alpine\nENV A=/a\nRUN export A=$A/x && export A=${A}/y && prog\n', 'A').env, '/a/x/y');
    assert.equal(see('FROM alpine\nRUN A=/a; B=$A/b; export C=$B/c; prog\n', 'C').env, '/a/b/c');
    assert.equal(see('FROM alpine\nRUN A=; export C=${A:-/d}/c${A:+/no}; prog\n', 'C').env, '/d/c');
    // Unknown stays as written: a variable nothing sets, a loop's, one quotes keep as text; HOME is read where the value is used.
    assert.equal(see('FROM alpine\nRUN B=/b; export C=$NOPE/$B; prog\n', 'C').env, '$NOPE/$B');
    assert.equal(see('FROM alpine\nRUN for B in /x; do :; done; export C=$B/c; prog\n', 'C').env, '$B/c');
    // A loop's variable is set, to a value not known: no default or alternative is taken for it (dash: /x/c, then a).
    assert.equal(see('FROM alpine\nRUN for B in /x; do :; done; export C=${B:-/d}/c; prog\n', 'C').env, '${B:-/d}/c');
    assert.equal(see('FROM alpine\nRUN for B in /x; do export C=${B+a}; prog; done\n', 'C').env, '${B+a}');
    assert.equal(see("FROM alpine\nRUN B=/b; export C='$B'/c; prog\n", 'C').env, `${LITERAL_DOLLAR}B/c`);
    assert.equal(see('FROM alpine\nRUN B=/b; export C=$HOME/$B; prog\n', 'C').env, '$HOME//b');
    // A chain too deep to follow stays unread rather than overflowing the stack.
    const chain = `FROM alpine\nRUN A0=/a; ${Array.from({ length: 300 }, (_, i) => `A${i + 1}=$A${i}/x; `).join('')}export C=$A300; prog\n`;
    assert.equal(see(chain, 'C').env, '$A300');
  });

  it('reads defaults and alternatives that name variables, plain trims, and what `read` sets, as dash and busybox ash do', () => {
    const see = (text: string) => {
      const [r] = runs(`FROM alpine\nRUN ${text}; prog\n`);
      return shellValue(r, r.run!.commands.at(-1)!, 'C');
    };
    // The word of a default or an alternative is expanded, nested braces too (dash and ash: /opt/c/npm /opt/c/x /opt/c/y /opt/z).
    assert.equal(see('D=/opt/c; C=${E:-$D}/npm'), '/opt/c/npm');
    assert.equal(see('D=/opt/c; C=${E:-${D}/x}'), '/opt/c/x');
    assert.equal(see('D=/opt/c; C=${D:+$D/y}${E:+$D}'), '/opt/c/y');
    assert.equal(see('D=/opt/c; C=${E:-${D%/*}/z}'), '/opt/z');
    // A word not taken is not expanded: its unknown variable does not matter.
    assert.equal(see('D=/d; C=${D:-$NOPE}'), '/d');
    assert.equal(see('C=${E:-$NOPE}/x'), '${E:-$NOPE}/x');
    // Trims with a plain pattern (dash and ash, D=/opt/c/: /opt/c /opt/c opt/c/ . . /opt/ /c/ /opt/ pt/c/).
    const trims = ['${D%/}', '${D%/*}', '${D#*/}', '${D%%/*}.', '${D##*/}.', '${D%c?}', '${D#/opt}', '${D%%c*}', '${D##*o}'];
    assert.deepEqual(trims.map((t) => see(`D=/opt/c/; C=${t}`)), ['/opt/c', '/opt/c', 'opt/c/', '.', '.', '/opt/', '/c/', '/opt/', 'pt/c/']);
    assert.equal(see('X=/a/b/c; P=/a; C=${X#$P}'), '/b/c');
    // Anything else in a pattern (a bracket, a backslash) is not read: the value is not known.
    assert.equal(see('X=/a/b/c; C=${X%[bc]}'), '${X%[bc]}');
    assert.equal(see('C=${NOPE%/}'), '${NOPE%/}');
    // `read` sets its variables to a value not known (dash: `read U </dev/null` sets U empty); piped, in a subshell, it sets nothing.
    assert.equal(see('C=/x; read -r A C'), undefined);
    assert.equal(see('read -r C </dev/null; C=${C:-/d}'), '${C:-/d}');
    assert.equal(see('read -r A </dev/null; C=${A:-/d}/c'), '${A:-/d}/c');
    assert.equal(see('echo /r | read A; C=${A-/d}/c'), '/d/c');
    // A value that doubles with each assignment is not read past 4,096 characters (before: 30 of them threw "Invalid string length" after 3 s).
    assert.equal(see(`A=/x; ${'A=$A$A; '.repeat(30)}C=$A`), '$A');
    assert.equal(see(`A=/x; ${'A=$A$A; '.repeat(10)}C=$A`)?.length, 2048);
  });

  it("reads ENV and ARG values as the builder does: a `$` that single quotes or the escape keep is text, which the shell does not expand again", () => {
    const see = (text: string, name: string) => {
      const [r] = runs(text);
      return envFor(r, r.run!.commands.at(-1)!, name);
    };
    const env = 'FROM alpine\nENV B=/b\nENV A=\\$B/x C=\'$B/x\' D="$B/x" E="\\$B/x" F=\'a\'"b"\nARG G=\'$B\'/g\n';
    const L = LITERAL_DOLLAR;
    assert.deepEqual(['A', 'C', 'D', 'E', 'F', 'G'].map((n) => see(`${env}RUN prog\n`, n)), [`${L}B/x`, `${L}B/x`, '/b/x', `${L}B/x`, 'ab', `${L}B/g`]);
    // The legacy form and another escape character (`# escape=\``).
    assert.equal(see("FROM alpine\nENV B=/b\nENV A '$B' \\$B\nRUN prog\n", 'A'), `${L}B ${L}B`);
    assert.equal(see('# escape=`\nFROM alpine\nENV B=/b\nENV A=`$B\\x\nRUN prog\n', 'A'), `${L}B\\x`);
    // Through a RUN's export, and where a cache folder is read (A='$B/x' B=/y dash -c 'export C=$A/c; echo $C' prints $B/x/c).
    assert.equal(see(`${env}RUN B=/z; export K=$A/c; prog\n`, 'K'), `${L}B/x/c`);
    const [r] = runs("FROM python:3.12\nENV B=/b\nENV PIP_CACHE_DIR='$B/x'\nRUN pip install flask\n");
    assert.equal(pipCacheDir(r, r.run!.commands[0]), `${L}B/x`);
  });

  it("keeps the base image's variable in an ENV value where a RUN assigns it through another: a later assignment in the RUN does not change it", () => {
    const see = (text: string) => {
      const [r] = runs(`FROM python:3.12\nENV D=$PYTHONPATH/x\nRUN ${text}; prog\n`);
      return shellValue(r, r.run!.commands.at(-1)!, 'C');
    };
    // dash: sh -c 'D=/base/x; PYTHONPATH=/o; C=$D/c; echo $C' prints /base/x/c, not /o/x/c.
    assert.equal(see('PYTHONPATH=/o; C=$D/c'), `${LITERAL_DOLLAR}PYTHONPATH/x/c`);
    assert.equal(see('C=$D/c; PYTHONPATH=/o'), `${LITERAL_DOLLAR}PYTHONPATH/x/c`);
    // Where the RUN sets no such variable, `$PYTHONPATH` means the same everywhere in it: as written.
    assert.equal(see('C=$D/c'), '$PYTHONPATH/x/c');
    assert.equal(see('HOME=/h; C=$D/c$HOME'), '$PYTHONPATH/x/c$HOME');
  });

  it('keeps a `$` that quotes or a backslash make text as no variable\'s (expansionText)', () => {
    const ops = (script: string) => removedOperands(parseShell(script)[0]);
    const $ = LITERAL_DOLLAR;
    assert.deepEqual(ops(`rm -rf '$C' \\$C "$C" "\\$C" '$A'"$B" 'a$$b'`), [`${$}C`, `${$}C`, '$C', `${$}C`, `${$}A$B`, `a${$}${$}b`]);
    assert.deepEqual(ops(`find '$C' $D -delete`), [`${$}C`, '$D']);
    // In a -c script too.
    const [inner] = runs(`FROM alpine\nRUN ["sh", "-c", "rm -rf '$C' $D"]\n`);
    assert.deepEqual(removedOperands(inner.run!.commands[0]), [`${$}C`, '$D']);
    // The program still receives the text.
    assert.deepEqual(parseShell(`rm -rf '$C'`)[0].words.map((w) => w.value), ['rm', '-rf', '$C']);
  });

  it('expands known variables in paths and leaves HOME and unknown ones', () => {
    const env = (n: string) => ({ D: '/tmp/d', Q: '"/q"' } as Record<string, string>)[n];
    assert.equal(expandVars('$D/cache ${D}/x $HOME/y $NOPE/z', env), '/tmp/d/cache /tmp/d/x $HOME/y $NOPE/z');
    // A value's own quotes are text (`ENV Q='"/q"'`): the shell does not take them off.
    assert.equal(expandVars('$Q', env), '"/q"');
    // A default applies only when the variable is known to be empty (`:-`); unknown stays as written.
    const more = (n: string) => ({ D: '/tmp/d', E: '' } as Record<string, string>)[n];
    assert.equal(expandVars('${D:-/x}/a ${D-/x} ${E:-/x} ${E-/x}| ${NOPE:-/x} ${D:-$NOPE}', more), '/tmp/d/a /tmp/d /x | ${NOPE:-/x} /tmp/d');
  });

  it('reads a path as an assigned value is read: trims, nested defaults and alternatives', () => {
    const env = (n: string) => ({ D: '/opt/c/', E: '' } as Record<string, string>)[n];
    // dash 0.5.12: /opt/c/x /opt/c /opt/c/y opt/c/ /opt/c
    assert.equal(expandVars('${D%/}/x ${E:-${D%/}} ${D:+${D}y} ${D#/} ${E:-${E:-${D%%/}}}', env), '/opt/c/x /opt/c /opt/c/y opt/c/ /opt/c');
    // What it cannot read stays as written: a bracket in a pattern, an unknown in one, a loop's variable (null), an unknown's trim.
    const loop = (n: string) => (n === 'L' ? null : env(n));
    assert.equal(expandVars('${D%[/]} ${D%$NOPE} ${L:-/d} ${NOPE%/} ${D:-${L}}', loop), '${D%[/]} ${D%$NOPE} ${L:-/d} ${NOPE%/} /opt/c/');
  });

  it('knows the user: root unless a USER along the chain says otherwise', () => {
    const [a, b, c, d] = runs('FROM debian AS base\nRUN a\nUSER app\nRUN b\nFROM base\nRUN c\nUSER 0:0\nRUN d\n');
    assert.ok(runsAsRoot(a));
    assert.ok(!runsAsRoot(b));
    assert.ok(!runsAsRoot(c), 'inherits USER from the base stage');
    assert.ok(runsAsRoot(d));
  });

  it('knows when the shell is not POSIX (SHELL to PowerShell/cmd, Windows bases)', () => {
    assert.ok(posixShell(runs('FROM debian\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN x\n')[0]));
    assert.ok(!posixShell(runs('FROM debian\nSHELL ["pwsh", "-Command"]\nRUN x\n')[0]));
    assert.ok(!posixShell(runs('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN x\n')[0]));
  });

  it("knows Microsoft's Windows images, those whose tag names no Windows too", () => {
    const windows = (from: string) => windowsBase(runs(`FROM ${from} AS a\nFROM a\nRUN x\n`)[0]);
    for (const from of [
      // Windows itself, each edition (and Insider builds).
      'mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/nanoserver:ltsc2025', 'mcr.microsoft.com/windows/server:ltsc2022',
      'mcr.microsoft.com/windows:20H2', 'mcr.microsoft.com/windows/servercore/insider:10.0.26100.1', 'mcr.microsoft.com/windows/servercore/iis',
      // .NET Framework's repositories have Windows tags only; 4.8.1 names none (failed before).
      'mcr.microsoft.com/dotnet/framework/sdk:4.8.1-windowsservercore-ltsc2022', 'mcr.microsoft.com/dotnet/framework/sdk:4.8.1',
      'mcr.microsoft.com/dotnet/framework/aspnet:4.8.1', 'mcr.microsoft.com/dotnet/framework/runtime:4.8', 'mcr.microsoft.com/dotnet/framework/wcf',
      'microsoft/dotnet-framework:4.7.2-sdk', 'microsoft/iis', 'mcr.microsoft.com/businesscentral:ltsc2022',
      // Windows tags of multi-platform repositories.
      'mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022', 'mcr.microsoft.com/powershell:lts-windowsservercore-ltsc2022',
      'mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022', 'mcr.microsoft.com/dotnet/aspnet:8.0-windowsservercore-ltsc2019',
      'python:3.12-windowsservercore-1809', 'golang:1.23-nanoserver',
      // Docker Hub's older names, a mirror keeping Microsoft's path, a long-term release in the tag.
      'microsoft/windowsservercore', 'microsoft/nanoserver:1809', 'registry.example.com/windows/servercore:ltsc2022', 'myorg/build-agent:2.1-ltsc2022',
      // A windows/ platform picks the Windows image of a multi-platform tag.
      '--platform=windows/amd64 mcr.microsoft.com/dotnet/sdk:8.0',
    ]) assert.ok(windows(from), from);
    for (const from of ['mcr.microsoft.com/dotnet/sdk:8.0', 'mcr.microsoft.com/powershell:lts-ubuntu-22.04', 'mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled', 'mcr.microsoft.com/mssql/server:2022-latest', 'python:3.12', '--platform=linux/amd64 golang:1.23',
      // "windows" in a name that is not Microsoft's (dockurr/windows runs Windows in QEMU on Debian) (failed before).
      'dockurr/windows', 'dockurr/windows:latest', 'myorg/windows-builder-tools:1.4', 'ghcr.io/acme/windows', 'myorg/nanoserver-docs', 'myorg/app:servercore-1809']) {
      assert.ok(!windows(from), from);
    }
  });

  it('names the base image repository of a chain', () => {
    const [r] = runs('FROM docker.io/library/ruby:3.3-slim AS a\nFROM a\nRUN gem install x\n');
    assert.equal(imageRepository(baseImageOf(r)), 'ruby');
    assert.equal(imageRepository('registry.example.com:5000/team/ruby:3@sha256:abc'), 'team/ruby');
    assert.equal(imageRepository(undefined), undefined);
    const [v] = runs('ARG RUBY_VERSION\nFROM ruby:${RUBY_VERSION}-slim\nRUN gem install x\n');
    assert.equal(imageRepository(baseImageOf(v)), 'ruby', 'an ARG without default keeps the repository');
  });

  it('finds subcommands past option values but not past another subcommand', () => {
    const [r] = runs('FROM node\nRUN npm --prefix /app ci && npm run install && npm -w pkg install && zypper --root /x in curl\n');
    const [a, b, c, d] = r.run!.commands;
    assert.equal(npmInstallWord(a)?.value, 'ci');
    assert.equal(npmInstallWord(b), undefined, '`npm run install` runs a script');
    assert.equal(npmInstallWord(c), undefined, 'a bare word before the subcommand stops the search');
    assert.equal(subcommandOf(d, /^zypper$/, ['in'])?.value, 'in');
  });

  it('reads option values in both spellings', () => {
    const [r] = runs('FROM node\nRUN npm ci --cache /tmp/a && npm ci --cache=/tmp/b && npm ci\n');
    assert.deepEqual(r.run!.commands.map((c) => flagValue(c, '--cache')), ['/tmp/a', '/tmp/b', undefined]);
  });

  it('sees later uses of a tool in RUNs and in the CMD of the image', () => {
    const model = buildModel('FROM golang AS b\nRUN go build .\nFROM b\nCMD ["go", "run", "."]\nFROM b AS other\nRUN true\n');
    const build = model.instructions.find((i) => i.run)!;
    assert.ok(usedLaterInImage(model, build, /^go$/));
    const model2 = buildModel('FROM golang\nRUN go build .\nCMD ["/app"]\n');
    assert.ok(!usedLaterInImage(model2, model2.instructions.find((i) => i.run)!, /^go$/));
  });
});

describe('verifiedAppend: the appended cleanup checked on the RUN alone', () => {
  it('appends no folder named with a `$` kept as text, which would be written as a NUL', () => {
    const model = buildModel("FROM python:3.12\nENV POETRY_CACHE_DIR='$B/p'\nRUN poetry install\n");
    const instr = model.instructions.find((i) => i.run)!;
    assert.equal(verifiedAppend(model, instr, `rm -rf ${LITERAL_DOLLAR}B/p/cache`), undefined);
    assert.ok(verifiedAppend(model, instr, 'rm -rf /p/cache'));
  });

  /**
   * The check as first written: the whole file parsed again with the edit. It refuses an appended
   * command that runs in the background too, as checkAppend does since d961c83 (`RUN x& \` at the
   * end of a file got `x && cmd&`).
   */
  function wholeFile(model: DockerfileModel, instr: Instr, command: string): TextEdit | undefined {
    const edit = appendToRun(model, instr, command);
    const run = instr.run;
    if (!edit || !run) return undefined;
    const at = model.lines.offsetAt(edit.range.start);
    if (at !== model.lines.offsetAt(edit.range.end)) return undefined;
    const after = buildModel(model.text.slice(0, at) + edit.newText + model.text.slice(at));
    const again = after.instructions[instr.index]?.run;
    const last = again?.commands[again.commands.length - 1];
    if (!again || !last || again.commands.length !== run.commands.length + 1 || ranInBackground(again).has(last)) return undefined;
    return after.text.slice(again.docOffset(last.start), again.docOffset(last.end - 1) + 1) === command ? edit : undefined;
  }

  /**
   * Commands of plain words (checked once per RUN, with a probe) and others (each checked), each
   * held to the check itself; the first also to the whole-file check, and counted as kept.
   */
  const COMMANDS = ['npm cache clean --force', 'rm -rf /var/lib/apt/lists/*', 'rm -f /tmp/node-v22.tar.xz', 'apk del .build-deps', "rm -f '/tmp/a b.tar.gz'", 'go clean -cache', 'done', 'A=1 true'];

  function sameOnEveryRun(text: string): number {
    const model = buildModel(text);
    let kept = 0;
    for (const instr of model.instructions) {
      if (!instr.run) continue;
      // Under a SHELL that is no POSIX shell, or on a Windows base, nothing is appended (verifiedAppend asks posixShell first).
      if (!posixShell(instr)) {
        for (const command of COMMANDS) assert.equal(verifiedAppend(model, instr, command), undefined, command);
        continue;
      }
      for (const command of COMMANDS) {
        const ours = verifiedAppend(model, instr, command);
        const where = `${command} on the RUN on line ${instr.range.start.line + 1} of:\n${text.slice(0, 600)}`;
        assert.deepEqual(ours, checkAppend(model, instr, command), where);
        if (command !== COMMANDS[0]) continue;
        assert.deepEqual(ours, wholeFile(model, instr, command), where);
        if (ours) kept++;
      }
    }
    return kept;
  }

  it('decides as the whole-file check on every RUN of the examples, the rule fixtures and generated files, in their CRLF and backtick forms', function () {
    this.timeout(60_000);
    let kept = 0;
    for (const text of [...CORPUS, generateDockerfile(300, 1000)]) {
      kept += sameOnEveryRun(text);
      kept += sameOnEveryRun(text.replace(/\r?\n/g, '\r\n'));
      kept += sameOnEveryRun(`# escape=\`\n${text.replace(/\\(\r?\n)/g, '`$1')}`);
    }
    assert.ok(kept > 500, `${kept} appends kept`);
  });

  it('keeps out of a here-document whose last line ends in a backslash, as the whole-file check does', () => {
    const text = 'FROM node:22\nRUN <<EOF\nnpm ci \\\nEOF\nCMD ["node"]\n';
    const model = buildModel(text);
    assert.equal(verifiedAppend(model, model.instructions[1], 'npm cache clean --force'), undefined);
    assert.equal(wholeFile(model, model.instructions[1], 'npm cache clean --force'), undefined);
  });

  it('appends no rm whose operand starts with `-`, which rm reads as an option (found by the context property with a random seed)', () => {
    const model = buildModel('FROM python:3.12-slim\nRUN pip install x\n');
    const run = model.instructions[1];
    for (const command of ['rm -rf --no-cache-dir/cache --no-cache-dir/artifacts', 'rm -rf /a -b', "rm -f '-x.tar.gz'"]) assert.equal(verifiedAppend(model, run, command), undefined, command);
    for (const command of ['rm -rf /a/b-c /d-e', 'rm -f /tmp/x-1.tar.gz', 'npm cache clean --force']) assert.ok(verifiedAppend(model, run, command), command);
    // Through the rule: a POETRY_CACHE_DIR that starts with `-` gets the finding, not the fix.
    const text = 'FROM python:3.12-slim\nENV POETRY_CACHE_DIR=--no-cache-dir\nWORKDIR /app\nRUN poetry install --only main\n';
    const analysis = analyze(text, { context: {} });
    const found = analysis.findings.filter((f) => f.ruleId === 'poetry-cache-kept');
    assert.equal(found.length, 1);
    assert.equal(fixFor(analysis, found[0], { context: {} }), undefined);
    const plain = analyze(text.replace('=--', '=/'), { context: {} });
    assert.equal(fixFor(plain, plain.findings.find((f) => f.ruleId === 'poetry-cache-kept')!, { context: {} })?.title, 'Clean up in the same RUN (rm -rf /no-cache-dir/cache /no-cache-dir/artifacts /root/.local/share/virtualenv)');
  });

  it('appends no rm -rf of a folder from an ENV value with a blank, which rm would take for two (found by the context property with a random seed)', () => {
    const text = (home: string) => `FROM node:22-slim\nENV COREPACK_HOME ${home}\nRUN corepack enable\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile --production && yarn cache clean\nCMD ["node", "server.js"]\n`;
    const fixes = (home: string) => {
      const analysis = analyze(text(home), { context: {} });
      const found = analysis.findings.filter((f) => f.ruleId === 'corepack-download-kept');
      assert.equal(found.length, 1, home);
      return fixFor(analysis, found[0], { context: {} })?.title;
    };
    assert.equal(fixes('/opt/my corepack'), undefined);
    assert.equal(fixes('/opt/corepack'), 'Clean up in the same RUN (rm -rf /opt/corepack)');
  });

  it('decides as the whole-file check on random and mutated Dockerfiles (property)', function () {
    this.timeout(60_000);
    fc.assert(fc.property(anyDockerfile, (text) => void sameOnEveryRun(text)), { numRuns: 300, seed: 20261203 });
  });
});
