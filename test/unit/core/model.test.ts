import * as assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import * as fc from 'fast-check';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel, envBefore, heredocName, libraryOrganizeComments, splitPieces, stageArgs, stageEnvs, substituteArgs } from '../../../server/src/core/model';
import { parseAsBuildKit } from '../../../server/src/core/parse';
import { LineIndex } from '../../../server/src/core/text';
import type { Position, Range } from '../../../server/src/core/types';
import { generateDockerfile } from '../../bench/lsp/generate';
import { anyDockerfile, CORPUS } from '../hostile/arbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';
import { assertLinear } from '../../support/ruleTiming';

describe('Dockerfile model', () => {
  it('cuts stages with names and marks which reach the final image', () => {
    const m = buildModel(
      ['FROM golang:1.26 AS build', 'RUN go build -o /app', 'FROM node:22 AS unused', 'FROM alpine:3.21 AS assets', 'FROM build AS test', 'FROM scratch', 'COPY --from=build /app /app', 'COPY --from=2 /etc/ssl /etc/ssl'].join('\n'),
    );
    assert.deepEqual(m.stages.map((s) => s.name), ['build', 'unused', 'assets', 'test', undefined]);
    assert.deepEqual(m.stages.map((s) => s.reachesFinal), [true, false, true, false, true]);
    assert.deepEqual(m.stages.map((s) => s.layersInFinal), [false, false, false, false, true]);
    assert.equal(m.stages[4].from.scratch, true);
    assert.equal(m.stages[3].from.stage, m.stages[0]);
  });
  it('follows FROM <stage> chains into the final layers and RUN --mount=from', () => {
    const m = buildModel('FROM debian AS base\nFROM alpine AS tools\nFROM base\nRUN --mount=from=tools,source=/bin,target=/t true');
    assert.deepEqual(m.stages.map((s) => s.layersInFinal), [true, false, true]);
    assert.deepEqual(m.stages.map((s) => s.reachesFinal), [true, true, true]);
  });
  it('substitutes ARG defaults in FROM', () => {
    const m = buildModel('ARG PY=3.12\nARG VARIANT\nFROM python:${PY}-slim\nFROM python:$PY\nFROM python:${PY}-${VARIANT}\nFROM python:${VARIANT:-3.11}');
    assert.deepEqual(m.stages.map((s) => s.from.image), ['python:3.12-slim', 'python:3.12', undefined, 'python:3.11']);
    assert.equal(substituteArgs('${A:+set}', new Map([['A', 'x']])), 'set');
  });
  it('expands an ARG default with the ARGs above it, as the builder does', () => {
    const m = buildModel('ARG PY=3.12\nARG BASE=python:${PY}-slim\nARG LATER=${NOT_YET}\nARG NOT_YET=x\nFROM ${BASE}\nFROM ${LATER}\n');
    assert.deepEqual(m.stages.map((s) => s.from.image), ['python:3.12-slim', undefined]);
  });
  it('a value expanded past 4,096 characters is set to a value not known, and so is one expanded from it (n ENVs that append to themselves were n long)', () => {
    const long = 'x'.repeat(4000);
    assert.equal(substituteArgs('$A/$A', new Map([['A', long]])), null);
    assert.equal(substituteArgs('$A/y', new Map([['A', long]])), `${long}/y`);
    assert.equal(substituteArgs('$A/y', new Map<string, string | null>([['A', null]])), null);
    // Written that long it stays known.
    assert.equal(substituteArgs(`${long}${long}$A`, new Map([['A', '']])), long + long);
    const y = 'y'.repeat(90);
    const m = buildModel(`FROM debian\nENV A=${long}\nENV A=$A/${y}\nENV A=$A/yyyyyy B=$A/z\nENV E=$A/w\nARG C=$A\nENV D=ok\n`);
    const [, second, third, fourth, fifth] = stageEnvs(m.stages[0]);
    assert.equal(second.props[0][1], `${long}/${y}`);
    // Shown as written, as a value naming an unset variable is; B read the A before.
    assert.deepEqual(third.props, [['A', '$A/yyyyyy'], ['B', `${long}/${y}/z`]]);
    assert.deepEqual(fourth.props, [['E', '$A/w']]);
    assert.deepEqual(stageArgs(m.stages[0]).map((a) => a.value), ['$A']);
    assert.deepEqual(fifth.props, [['D', 'ok']]);
  });
  it('joins continuations, drops comment lines inside them, and maps words back', () => {
    const text = 'FROM debian\nRUN apt-get update \\\n# a comment\n    && apt-get install -y curl';
    const m = buildModel(text);
    const run = m.instructions[1].run!;
    assert.deepEqual(run.commands.map((c) => c.words.map((w) => w.value)), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl']]);
    const curl = run.commands[1].words[3];
    assert.equal(text.slice(run.docOffset(curl.start), run.docOffset(curl.end - 1) + 1), 'curl');
  });
  it('maps every script character back to its document offset, across CRLF continuations, comment and blank lines', () => {
    const text = 'FROM debian\r\nRUN a \\\r\n  # note\r\n\r\n  b \\  \r\n  c';
    const run = buildModel(text).instructions[1].run!;
    // The lines are joined with nothing between them, as BuildKit joins them.
    assert.equal(run.text, 'a   b   c');
    const start = text.indexOf('a \\');
    // Each character of a run of document text maps to itself.
    const expected = [0, 1, 17, 18, 19, 20, 26, 27, 28].map((k) => start + k);
    assert.deepEqual([...run.text].map((_, i) => run.docOffset(i)), expected);
    for (const [i, c] of [...run.text].entries()) if (c !== ' ') assert.equal(text[run.docOffset(i)], c);
    assert.equal(run.docOffset(run.text.length), text.length);
  });
  it('honours the backtick escape directive', () => {
    const m = buildModel('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    && echo b');
    assert.equal(m.escapeChar, '`');
    assert.deepEqual(m.instructions[1].run!.commands.map((c) => c.words[1].value), ['a', 'b']);
  });
  it('reads heredoc RUN bodies as scripts', () => {
    const m = buildModel('FROM debian\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF\n');
    assert.equal(m.instructions[1].run!.form, 'heredoc');
    assert.equal(m.instructions[1].run!.commands.length, 2);
  });
  it('reads a here-document as the script only where BuildKit runs it: the RUN is that one marker, or a shell reads it', () => {
    // BuildKit makes the body the script only when the arguments are one marker; otherwise the shell
    // gets the command line with the bodies as its own here-documents. The model read every first
    // body as the script: a file written with cat held apt-lists-kept and apt-recommends, whose
    // fixes edited the file's text, while the apt-get commands on the RUN line were not seen.
    const body = 'apt-get update && apt-get install -y curl';
    for (const [run, script] of [
      ['RUN <<EOF', body],
      ['RUN <<-"EOF"', body],
      ['RUN bash -e <<EOF', body],
      ['RUN <<EOF sh -o pipefail', body],
      ['RUN cat <<EOF > /usr/local/bin/setup.sh', 'cat <<EOF > /usr/local/bin/setup.sh'],
      ['RUN python3 <<EOF', 'python3 <<EOF'],
      ['RUN sh -c "echo a" <<EOF', 'sh -c "echo a" <<EOF'],
      ['RUN apt-get update && apt-get install -y curl && cat <<EOF > /etc/x', 'apt-get update && apt-get install -y curl && cat <<EOF > /etc/x'],
    ] as const) {
      const text = `FROM debian:bookworm\n${run}\n${body}\nEOF\n`;
      const r = buildModel(text).instructions[1].run!;
      assert.equal(r.text.trimEnd(), script, run);
      assert.equal(r.form, script === body ? 'heredoc' : 'shell', run);
      const a = analyze(text, { context: {} });
      const lines = a.findings.filter((f) => f.ruleId === 'apt-lists-kept').map((f) => f.range.start.line);
      assert.deepEqual(lines, script === body ? [2] : run.includes('apt-get') ? [1] : [], `${run}: ${JSON.stringify(a.findings.map((f) => f.ruleId))}`);
    }
  });
  it('reads a here-document run as the script but naming another interpreter with #! as no shell script', () => {
    // BuildKit, for `RUN <<EOF` alone whose body starts with `#!`, writes the body to a file and
    // runs that file: the kernel hands it to the interpreter the first line names (a Python script
    // is no list of shell commands). A shell there still reads it as one.
    const body = 'apt-get update && apt-get install -y curl';
    for (const [first, shell] of [
      ['#!/usr/bin/env python3', false],
      ['#!/usr/bin/python', false],
      ['#!/usr/bin/env -S python3 -u', false],
      ['#!/usr/bin/perl -w', false],
      ['#!/usr/bin/env node\r', false],
      ['#!/bin/sh', true],
      ['#!/bin/sh -eux', true],
      ['#!/bin/bash', true],
      ['#!/usr/bin/env bash', true],
      ['#! /bin/ash', true],
      ['#!/usr/bin/dash', true],
      ['#!/bin/zsh', true],
      ['#!/usr/bin/env -S bash -e', true],
    ] as const) {
      const text = `FROM debian:bookworm\nRUN <<EOF\n${first}\n${body}\nEOF\n`;
      const run = buildModel(text).instructions[1].run!;
      assert.equal(run.form, 'heredoc', first);
      assert.equal(run.commands.length, shell ? 2 : 0, first);
      const found = analyze(text, { context: {} }).findings.filter((f) => f.range.start.line === 3).map((f) => f.ruleId);
      assert.deepEqual(found.includes('apt-lists-kept'), shell, `${first}: ${JSON.stringify(found)}`);
    }
    // Only there: a shell given the body reads `#!...` as a comment, and BuildKit looks at the body
    // as written, so a tab before it (`<<-`) is no `#!` line.
    for (const run of ['RUN bash -e <<EOF\n#!/usr/bin/env python3', 'RUN <<-EOF\n\t#!/usr/bin/env python3', 'RUN <<EOF\n\n#!/usr/bin/env python3']) {
      const text = `FROM debian:bookworm\n${run}\n${body}\nEOF\n`;
      assert.equal(buildModel(text).instructions[1].run!.commands.length, 2, run);
    }
  });
  it('reads a RUN as exec form only when its arguments parse as a JSON array, as BuildKit does', () => {
    const text = 'FROM debian:bookworm-slim\nRUN [ -n "$X" ] && apt-get update && apt-get install -y curl\nRUN ["echo", "a"]\nRUN ["sh", "-c", \\\n    "true"]\nRUN [ -f /x ] && rm -rf /x\nRUN ["echo" "a"]\n';
    const runs = buildModel(text).instructions.filter((i) => i.run);
    assert.deepEqual(
      runs.map((i) => [i.run!.form, i.run!.commands.map((c) => c.words[0]?.value)]),
      // `["sh", "-c", "true"]`: the commands of the script handed to -c (see innerScript.test).
      [['shell', ['[', 'apt-get', 'apt-get']], ['exec', ['echo']], ['exec', ['true']], ['shell', ['[', 'rm']], ['shell', ['[echo']]],
    );
    // Before, a RUN starting with the test command was taken for exec form and got no finding.
    const ids = analyze(text, { context: {} }).findings.filter((f) => f.range.start.line === 1).map((f) => f.ruleId);
    assert.ok(ids.includes('apt-lists-kept') && ids.includes('apt-recommends'), ids.join(', '));
  });

  it('ends a heredoc body at its terminator when the line before it ends in a backslash', () => {
    // dockerfile-ast reads the terminator into the body then (it reports no delimiter); the
    // builder compares each raw line with the terminator, so the shell never sees it.
    for (const [text, script] of [
      ['FROM debian\nRUN <<EOF\napt-get install -y curl \\\nEOF\nRUN true\n', 'apt-get install -y curl \\\n'],
      ['FROM debian\nRUN <<-EOF\n\tapt-get install -y curl \\\n\tEOF\nRUN true\n', '\tapt-get install -y curl \\\n'],
      ['FROM debian\r\nRUN <<EOF\r\napt-get install -y curl \\\r\nEOF\r\n', 'apt-get install -y curl \\\r\n'],
    ]) {
      const run = buildModel(text).instructions[1].run!;
      assert.equal(run.text, script, JSON.stringify(text));
      assert.deepEqual(run.commands.map((c) => c.words.map((w) => w.value)), [['apt-get', 'install', '-y', 'curl']], JSON.stringify(text));
    }
    // A last line that only starts like the terminator stays in the body (an unclosed heredoc).
    assert.match(buildModel('FROM debian\nRUN <<EOF\na \\\nEOFX\n').instructions[1].run!.text, /EOFX/);
  });
  it('collects ENV along the FROM chain', () => {
    const m = buildModel('FROM python AS a\nENV A=1 B=2\nFROM a\nENV B=3\nRUN true');
    assert.deepEqual([...envBefore(m.instructions[4])], [['A', '1'], ['B', '3']]);
  });
  it('reads ignore comments for the next instruction and globally', () => {
    const m = buildModel('# size-hints global ignore=apk-cache-kept\nFROM debian\n# hadolint ignore=DL3009,DL3015\n# size-hints ignore=pip-cache-kept\nRUN true\nRUN false');
    assert.deepEqual([...m.globalIgnored], ['apk-cache-kept']);
    assert.deepEqual([...m.instructions[1].ignored].sort(), ['DL3009', 'DL3015', 'pip-cache-kept']);
    assert.equal(m.instructions[2].ignored.size, 0);
  });
  it('never throws on garbage', () => {
    for (const t of ['', '\u0000\u0001\u0002', 'RUN <<EOF', 'FROM ${', '\\\n\\\n', 'FROM a AS\nCOPY --from= . .', '\uFEFFFROM x']) buildModel(t);
  });
  it('finds the stage a FROM names without a search of the stages above it (linear in stages)', function () {
    this.timeout(120_000);
    // The analysis stops at 500 stages (LIMITS), the model does not: 4,000 and 12,000 here. Each
    // FROM searched a reversed copy of the list of the stages above it (4,000 / 12,000 stages:
    // 93-146 / 696-822 ms).
    assertLinear('buildModel: stages', (n) => Array.from({ length: 4 * n }, (_, i) => `FROM alpine AS s${i}\n`).join(''), (text) => text, (text) => buildModel(text));
  });
});

describe('pieces and heredocs (where an edited file may be cut and parsed in parts)', () => {
  // dockerfile-ast's own reading of a heredoc marker, to hold ours to it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = (require('dockerfile-ast/lib/util') as { Util: { parseHeredocName(value: string): string | null } }).Util;
  const cuts = (text: string) => splitPieces(new LineIndex(text), '\\');

  it('reads heredoc names as the parser does (property, against its own function)', () => {
    const word = fc.tuple(fc.constantFrom('<<', '<<-', '<<--'), fc.string({ unit: fc.constantFrom('E', 'O', 'F', '"', "'", '<', '-', ';', '$', '\u0000', '.', '_') , maxLength: 6 }));
    fc.assert(fc.property(word, ([mark, rest]) => {
      const w = mark + rest;
      if (w.length <= 2) return;
      assert.equal(heredocName(w), library.parseHeredocName(w) ?? undefined, JSON.stringify(w));
    }), { numRuns: 3000, seed: 20261203 });
  });

  it('never cuts inside a body whose name our first reading missed (found by the incremental property test)', () => {
    // A NUL in the name: the parser still opens a heredoc, and its body runs to the end.
    assert.deepEqual(cuts('RUN <<\u0000EOT\nRUN x\nFROM fedora:41\nset -e\nEOT\n'), [0]);
    // An escaped < makes a marker: `\\<<EOF` reads as <<EOF.
    assert.deepEqual(cuts('FROM a\nRUN bundle install \\<<EOF\nx\nFROM b\n'), [0]);
    // Names with other characters, and quotes.
    assert.deepEqual(cuts('FROM a\nRUN <<EOF;\nFROM b\nEOF;\nFROM c\n'), [0, 4]);
    assert.deepEqual(cuts('FROM a\nCOPY <<"E F" /x\nFROM b\n'), [0, 2]);
    // Only RUN, COPY and ADD (and ONBUILD with them) open heredocs.
    assert.deepEqual(cuts('FROM a\nENV A=<<EOF\nFROM b\n'), [0, 2]);
    assert.deepEqual(cuts('FROM a\nONBUILD RUN <<EOF\nFROM b\nEOF\nFROM c\n'), [0, 4]);
    // One <<- lets every terminator of the instruction be indented with tabs.
    assert.deepEqual(cuts('FROM a\nRUN <<A <<-B\n\tA\n\tB\nFROM c\n'), [0, 4]);
    // An empty name (<<"") never ends.
    assert.deepEqual(cuts('FROM a\nRUN <<""\n\nFROM b\n'), [0]);
  });

  it('parses each piece alone as the whole file does, for the cases above', () => {
    for (const text of ['RUN <<\u0000EOT\nRUN x\nFROM fedora:41\nset -e\nEOT\n', 'FROM a\nRUN bundle install \\<<EOF\nx\nFROM b\n', 'FROM a\nRUN <<EOF;\nFROM b\nEOF;\nFROM c\n', 'FROM a\nRUN <<A <<-B\n\tA\n\tB\nFROM c\n', 'FROM a\nENV A=<<EOF\nFROM b\n']) {
      const fresh = buildModel(`${text}RUN more\n`);
      const edited = buildModel(`${text}RUN more\n`, buildModel(text));
      assert.deepEqual(edited.instructions.map((i) => [i.keyword, i.range]), fresh.instructions.map((i) => [i.keyword, i.range]), JSON.stringify(text));
    }
  });
});

describe('pieces agree with the parser (review of the heredoc reading)', () => {
  /** Cuts of `text` where the whole file's parse has no instruction starting, or one running across. */
  function wrongCuts(text: string): unknown[] {
    const lines = new LineIndex(text);
    const ast = parseAsBuildKit(text, lines);
    const ranges = ast.getInstructions().map((i) => i.getRange());
    return splitPieces(lines, ast.getEscapeCharacter())
      .filter((l) => l > 0)
      .filter((l) => !ranges.some((r) => r.start.line === l) || ranges.some((r) => r.start.line < l && r.end.line >= l))
      .map((l) => ({ text, cut: l }));
  }

  it('never cuts inside an instruction or heredoc body the parser reads across the cut (cases found in review)', () => {
    const cases = [
      // A backslash before a vertical tab, form feed or no-break space continues nothing for the parser.
      'FROM a \\\v\nRUN x <<EOF\nFROM b\nEOF\n',
      'FROM a \\\f\nRUN x <<EOF\nFROM b\nEOF\n',
      'FROM a \\\u00a0\nRUN x <<EOF\nFROM b\nEOF\n',
      // A keyword continued on the next line (RU\ / N, RUN\ / <<EOF).
      'FROM a\nRU\\\nN <<EOF\nFROM b\nEOF\n',
      'FROM a\nRUN\\\n <<EOF\nFROM b\nEOF\n',
      // ONBUILD's trigger on the next line, or after many spaces.
      'FROM a\nONBUILD \\\nRUN <<EOF\nFROM b\nEOF\n',
      `FROM a\nONBUILD${' '.repeat(40)}RUN <<EOF\nFROM b\nEOF\n`,
      // A byte order mark before the first RUN.
      '\ufeffRUN <<EOF\nFROM b\nEOF\n',
      // A marker at the start of a continued line joins the word before the backslash (a<<X): no heredoc.
      'FROM a\nRUN echo a\\\n<<X\nRUN cat <<EOF\nX\nFROM b\nEOF\n',
      // With lone CR line ends the parser's argument reader drops the first character after a continuation.
      'FROM a\rRUN echo \\\r<<X\rRUN cat <<EOF\rX\rFROM b\rEOF\r',
      // A marker containing -- before a flag is taken for a flag's neighbour and dropped from the arguments.
      'FROM a\nRUN <<X-- --a\nRUN cat <<EOF\nX--\nFROM b\nEOF\n',
      // Escape characters in a comment inside a continuation add characters to the arguments (<<E here).
      'FROM a\nRUN x \\\n# \\<\\<\\E\n\nFROM b\nE\n',
      // The escape character opening a continued line before a #: a comment, the FROM goes on.
      'FROM a\\\n\\#\nFROM a\n\n',
      // Escaped < signs make a marker with no << in the text: \<\<X reads as <<X.
      'RUN x \\<\\<X a\nFROM a\n',
      // The escape character before a tab and another: dockerfile-ast skips the second and ends the
      // line, BuildKit goes on (the ADD line is part of FROM's arguments), and so does our parse.
      'FROM a\\\t\\\nADD <<\'E\'\nFROM a\n',
    ];
    assert.deepEqual(cases.flatMap(wrongCuts), []);
    // What a wrong cut did: the edited file's last piece parsed alone, unlike within the whole.
    for (const text of cases) {
      const fresh = buildModel(`${text}RUN more\n`);
      const edited = buildModel(`${text}RUN more\n`, buildModel(text));
      assert.deepEqual(edited.instructions.map((i) => [i.keyword, i.range]), fresh.instructions.map((i) => [i.keyword, i.range]), JSON.stringify(text));
    }
  });

  it('never cuts inside what the parser reads as one instruction (property, random files of heredoc-prone pieces)', () => {
    const token = fc.constantFrom('FROM a', 'from b', 'RUN x', 'run', 'RU', 'N', 'COPY', 'ADD', 'ONBUILD', 'ONBUILD RUN', 'ENV', '--a', '<<EOF', '<<-EOF', '<<"EOF"', "<<'E'", '<<E', '<<X--', '<<', 'EOF', '\tEOF', 'E', 'X--', '\\', '`', '#', '# c', '\v', '\f', '\u00a0', '\ufeff', ' ', '\t', 'a', '\\<');
    const line = fc.array(fc.tuple(token, fc.constantFrom('', ' ')).map(([t, s]) => t + s), { maxLength: 5 }).map((ts) => ts.join(''));
    const file = fc.tuple(fc.boolean(), fc.array(fc.tuple(line, fc.constantFrom('\n', '\n', '\r\n', '\r')), { minLength: 1, maxLength: 10 }))
      .map(([tick, ls]) => (tick ? '# escape=`\n' : '') + ls.map(([l, e]) => l + e).join(''));
    const runs = Number(process.env.DSH_PROPERTY_RUNS ?? 3000);
    fc.assert(fc.property(file, (text) => assert.deepEqual(wrongCuts(text), [])), { numRuns: runs, seed: PROPERTY_SEED });
  });
});

describe('parser failures', () => {
  it("reads a RUN whose here-documents dockerfile-ast cannot read as having none (the library throws on an escaped # opening a continued line)", () => {
    const model = buildModel('FROM debian\nRUN apt-get install -y curl \\\n\\#x\n    && echo ok\n');
    const run = model.instructions[1].run!;
    assert.equal(run.form, 'shell');
    assert.deepEqual(run.commands.map((c) => c.words[0]?.value), ['apt-get', 'echo']);
  });

  it('a parser failure not caught below gives a "not analysed" result with the reason, not a throw', () => {
    // Planted: the parser throws for one marker text (nothing known makes it throw any more).
    const parse = DockerfileParser.parse;
    DockerfileParser.parse = (text: string) => {
      if (text.includes('PLANTED')) throw new Error('planted parser failure');
      return parse(text);
    };
    try {
      const result = analyze('FROM debian\nRUN echo PLANTED\n', { context: {} });
      assert.match(result.skipped ?? '', /^Not analysed: the Dockerfile parser failed on this text \(planted parser failure\)\.$/);
      assert.deepEqual(result.findings, []);
      // The next version is analysed from scratch once the parser copes again.
      DockerfileParser.parse = parse;
      assert.equal(analyze('FROM debian\nRUN echo fine\n', { context: {} }, {}, result).skipped, undefined);
    } finally {
      DockerfileParser.parse = parse;
    }
  });
});

describe("dockerfile-ast's comments per stage (its quadratic hand-out replaced by one walk)", () => {
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
  const inside = (p: Position, r: Range) => !before(p, r.start) && !before(r.end, p);
  it('gives each stage, and the part before the first FROM, the comments the library would', () => {
    const texts = [...CORPUS, generateDockerfile(400, 3), '# a\nARG X\n# b\nFROM a\n# c\nRUN x\n# d\n\n# e\nFROM b\nRUN y # not a comment\n  # f\nRUN z\n# g'];
    let seen = 0;
    for (const text of texts) {
      buildModel(text); // installs the replacement
      type Template = { getRange(): Range; getComments(): { getRange(): Range }[] };
      const ast = DockerfileParser.parse(text);
      // The library keeps them in these fields (no accessor).
      const { initialInstructions: initial, buildStages: stages } = ast as unknown as { initialInstructions?: Template; buildStages: Template[] };
      const initialRange = initial?.getRange();
      for (const stage of stages) {
        // The library's rule: a comment goes to every stage whose range holds its start (unless
        // the part before the first FROM holds its end).
        const expected = ast.getComments().filter((c) => !(initialRange && inside(c.getRange().end, initialRange)) && inside(c.getRange().start, stage.getRange()));
        assert.deepEqual(stage.getComments(), expected, text);
        seen += expected.length;
      }
      if (initial && initialRange) assert.deepEqual(initial.getComments(), ast.getComments().filter((c) => inside(c.getRange().end, initialRange)), text);
    }
    assert.ok(seen > 50, `only ${seen} comments in stages`);
  });

  it("matches the library's own method on random and mutated Dockerfiles", () => {
    type Template = { getComments(): { getRange(): Range }[] };
    const proto = Object.getPrototypeOf(DockerfileParser.parse('')) as { organizeComments(): void };
    const shares = (text: string, method: () => void) => {
      const ours = proto.organizeComments;
      proto.organizeComments = method;
      try {
        const ast = DockerfileParser.parse(text) as unknown as { initialInstructions: Template; buildStages: Template[] };
        return [ast.initialInstructions, ...ast.buildStages].map((t) => t.getComments().map((c) => JSON.stringify(c.getRange())));
      } finally {
        proto.organizeComments = ours;
      }
    };
    const walk = proto.organizeComments;
    fc.assert(
      fc.property(anyDockerfile, (text) => {
        assert.deepEqual(shares(text, walk), shares(text, libraryOrganizeComments));
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 300), seed: PROPERTY_SEED },
    );
  });
});

describe("the model's memo of dockerfile-ast's argument methods", () => {
  /** dockerfile-ast as published: a copy loaded anew, without the model's memo on its classes. */
  function unpatchedLibrary(): typeof import('dockerfile-ast') {
    const ours = (k: string) => k.includes(`${path.sep}dockerfile-ast${path.sep}`);
    const saved = Object.entries(require.cache).filter(([k]) => ours(k));
    for (const [k] of saved) delete require.cache[k];
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('dockerfile-ast') as typeof import('dockerfile-ast');
    } finally {
      for (const k of Object.keys(require.cache)) if (ours(k)) delete require.cache[k];
      for (const [k, m] of saved) require.cache[k] = m;
    }
  }
  const library = unpatchedLibrary();
  type Node = { getKeyword(): string; getArguments(): { getValue(): string; getRange(): Range }[]; getRawArguments(): { getValue(): string }[]; getArgumentsContent(): string | null; getFlags?(): { getName(): string; getValue(): string | null }[] };
  const METHODS = ['getFlags', 'getArguments', 'getRawArguments', 'getArgumentsContent'] as const;
  const read = (n: Node) => ({
    keyword: n.getKeyword(),
    args: n.getArguments().map((a) => [a.getValue(), a.getRange()]),
    raw: n.getRawArguments().map((a) => a.getValue()),
    content: n.getArgumentsContent(),
    flags: n.getFlags?.().map((f) => [f.getName(), f.getValue()]),
  });

  it('gives what the library gives whichever method is asked first (FROM and HEALTHCHECK asked for flags first kept them among the arguments)', () => {
    const text = 'FROM --platform=linux/amd64 alpine:3.21 AS base\nHEALTHCHECK --interval=5s CMD true\nCOPY --from=base /a /b\n';
    for (const first of METHODS) {
      const nodes = DockerfileParser.parse(text).getInstructions() as unknown as Node[];
      for (const n of nodes) (n as unknown as Record<string, (() => unknown) | undefined>)[first]?.call(n);
      assert.deepEqual(nodes.map(read), (library.DockerfileParser.parse(text).getInstructions() as unknown as Node[]).map(read), `${first} first`);
    }
  });

  it('gives what the library gives on random and mutated Dockerfiles, methods asked in any order (property)', () => {
    fc.assert(
      fc.property(anyDockerfile, fc.constantFrom(...METHODS), (text, first) => {
        const nodes = DockerfileParser.parse(text).getInstructions() as unknown as Node[];
        for (const n of nodes) (n as unknown as Record<string, (() => unknown) | undefined>)[first]?.call(n);
        assert.deepEqual(nodes.map(read), (library.DockerfileParser.parse(text).getInstructions() as unknown as Node[]).map(read));
      }),
      { numRuns: Number(process.env.DSH_PROPERTY_RUNS ?? 300), seed: PROPERTY_SEED },
    );
  });
});

describe('exec-form RUN', () => {
  it('reads the JSON strings as the program receives them', () => {
    const m = buildModel('FROM a\nRUN ["apt-get", "install", "-y", "hello world", "a\\"b"]\n');
    assert.deepEqual(m.instructions[1].run!.commands[0].words.map((w) => w.value), ['apt-get', 'install', '-y', 'hello world', 'a"b']);
  });
});
