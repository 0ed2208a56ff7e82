/**
 * RUNs that hand their script to a shell's `-c`: their commands are read inside the quotes, each
 * word at its place in the file, and a fix may edit there only with text that means the same.
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { keepsInnerScripts, type InnerScriptPlace } from '../../../server/src/core/innerScript';
import { applyEdits } from '../../../server/src/core/edits';
import { runsWheneverScriptSucceeds } from '../../../server/src/core/shell';
import { LineIndex } from '../../../server/src/core/text';
import type { TextEdit } from '../../../server/src/core/types';
import { assertLinear } from '../../support/ruleTiming';

/** The programs of the single RUN in `run` (a RUN line), and what each word's offsets point at in the file. */
function read(run: string): { programs: string[]; wordsInPlace: boolean; inner: boolean } {
  const text = `FROM debian:12\n${run}\n`;
  const model = buildModel(text);
  const instr = model.instructions[1];
  const commands = instr.run!.commands;
  const wordsInPlace = commands.every((c) => c.words.every((w) => text.slice(instr.run!.docOffset(w.start), instr.run!.docOffset(w.end - 1) + 1) === w.value));
  return { programs: commands.map((c) => c.words[0]?.value ?? ''), wordsInPlace, inner: instr.run!.inner !== undefined };
}

describe('scripts handed to a shell\'s -c', () => {
  it('reads the commands inside the quotes, each word at its place in the file', () => {
    for (const run of [
      'RUN bash -c "apt-get update && apt-get install -y curl"',
      "RUN sh -c 'apt-get update && apt-get install -y curl'",
      'RUN /bin/bash -ec "apt-get update && apt-get install -y curl"',
      'RUN bash -o pipefail -c "apt-get update && apt-get install -y curl"',
      'RUN ["/bin/bash", "-c", "apt-get update && apt-get install -y curl"]',
      'RUN bash -c "apt-get update \\\n  && apt-get install -y curl"',
    ]) {
      const got = read(run);
      assert.deepEqual(got.programs, ['apt-get', 'apt-get'], run);
      assert.ok(got.wordsInPlace, run);
      assert.ok(got.inner, run);
    }
  });

  it('reads as before where the script is not all in one quoted word that stands for itself', () => {
    for (const run of [
      'RUN bash -c "echo \\"x\\" && apt-get install -y curl"', // a backslash inside the double quotes
      'RUN bash -c "apt-get install -y curl" name', // words after the script
      'RUN python3 -c "import os"', // not a shell
      "RUN bash -c 'apt-get install -y curl'' x'", // quotes joined
      'RUN ["/bin/bash", "-c", "echo \\"x\\" && apt-get install -y curl"]', // a JSON escape
      'RUN bash -x script.sh', // no -c
    ]) {
      const got = read(run);
      assert.equal(got.inner, false, run);
      assert.ok(!got.programs.includes('apt-get'), `${run}: ${got.programs.join(', ')}`);
    }
  });

  it('still says what such a script runs (hidden commands, placed nowhere), for questions about other RUNs', () => {
    const hidden = (run: string) => buildModel(`FROM debian:12\n${run}\n`).instructions[1].run!.hidden?.map((c) => c.words.map((w) => w.value).join(' '));
    for (const run of [
      'RUN bash -c "echo \\"x\\" && apt-get install -y curl"',
      'RUN bash -c "echo x && apt-get install -y curl" name',
      'RUN ["/bin/bash", "-c", "echo \\"x\\" && apt-get install -y curl"]',
    ]) {
      // As the shell receives it: quotes and escapes of the outer word removed.
      assert.deepEqual(hidden(run), ['echo x', 'apt-get install -y curl'], run);
      // The RUN's own commands are read as before: the shell's, which fixes of this RUN see.
      assert.deepEqual(read(run).programs, [run.includes('[') ? '/bin/bash' : 'bash'], run);
    }
    // Among other commands, each shell's script stands in for the shell.
    assert.deepEqual(hidden('RUN set -e; bash -c "echo x && apt-get install -y curl" _; rm -rf /x'), ['set -e', 'echo x', 'apt-get install -y curl', 'rm -rf /x']);
    // One read in place beside one that is not: the RUN's commands are the first's, hidden gives both.
    assert.deepEqual(hidden('RUN sh -c "echo x" && bash -c "apt-get install -y curl" _'), ['echo x', 'apt-get install -y curl']);
    assert.deepEqual(read('RUN sh -c "echo x" && bash -c "apt-get install -y curl" _').programs, ['echo', 'bash']);
    // None where the script is read in place, or where there is no -c script.
    for (const run of ['RUN bash -c "apt-get install -y curl"', 'RUN bash -x script.sh', 'RUN bash -c', 'RUN python3 -c "import os"']) assert.equal(hidden(run), undefined, run);
  });

  it('says what a shell runs from a here-document among several (`RUN <<A cat >x && <<B sh`): that body, hidden', () => {
    const hidden = (run: string) => buildModel(`FROM debian:12\n${run}\n`).instructions[1].run!.hidden?.map((c) => c.words.map((w) => w.value).join(' '));
    const conf = 'RUN <<CONF cat > /etc/x.conf && <<SCRIPT sh';
    assert.deepEqual(hidden(`${conf}\nkey=value\nCONF\napt-get update\napt-get install -y curl\nSCRIPT`), ['cat', 'apt-get update', 'apt-get install -y curl']);
    // `<<-` drops the body's leading tabs; bash -e reads it too, and a -c script inside is read through.
    assert.deepEqual(hidden('RUN cat > /x <<A && bash -e <<-B\na\nA\n\tbash -c "pip install y"\n\tB'), ['cat', 'pip install y']);
    // Not a shell's script: for a shell with -c (which runs its -c script), a script file or another program.
    assert.deepEqual(hidden('RUN <<A cat > /x && <<B sh -c "echo hi"\na\nA\napt-get update\nB'), ['cat', 'echo hi']);
    for (const run of ['RUN <<A cat > /x && <<B sh run.sh\na\nA\napt-get update\nB', 'RUN <<A cat > /x && <<B python3\na\nA\nprint(1)\nB']) assert.equal(hidden(run), undefined, run);
  });

  it('lets a fix edit inside the quotes only, with text that means the same there', () => {
    const text = 'FROM debian:12\nRUN bash -c "apt-get install -y curl"\nRUN sh -c \'pip install x\'\n';
    const lines = new LineIndex(text);
    const model = buildModel(text);
    const places: InnerScriptPlace[] = model.instructions.filter((i) => i.run?.inner).map((i) => ({
      from: lines.offsetAt(i.range.start),
      to: lines.offsetAt(i.range.end),
      start: i.run!.docOffset(i.run!.inner!.start),
      end: i.run!.docOffset(i.run!.inner!.end),
      quote: i.run!.inner!.quote,
    }));
    assert.equal(places.length, 2);
    const at = (line: number, character: number, newText: string, endCharacter = character): TextEdit => ({ range: { start: { line, character }, end: { line, character: endCharacter } }, newText });
    const ok = (...edits: TextEdit[]) => keepsInnerScripts(places, lines, edits);
    // Inside, plain text: kept. At the closing quote (an append): kept.
    assert.ok(ok(at(1, 31, ' --no-install-recommends')));
    assert.ok(ok(at(1, 36, ' && rm -rf /var/lib/apt/lists/*')));
    assert.ok(ok(at(2, 24, ' --no-cache-dir')));
    // Text the outer shell would read otherwise, or that ends the quotes or the line.
    for (const bad of ['"', '$HOME', '`id`', '\\', '\n']) assert.equal(ok(at(1, 36, ` ${bad}`)), false, bad);
    assert.equal(ok(at(2, 24, " 'x'")), false);
    assert.ok(ok(at(2, 24, ' "$HOME"')), 'double quotes and $ inside single quotes stand for themselves');
    // Outside the quotes but inside the RUN, or over its quotes: refused. Before or after the RUN: not its business.
    assert.equal(ok(at(1, 4, 'env ')), false);
    assert.equal(ok(at(1, 12, '', 37)), false);
    assert.ok(ok(at(1, 0, 'RUN true\n')));
    assert.ok(ok(at(1, 37, '\nRUN true')));
  });

  it('reads no exec-form script continued inside its string', () => {
    // With the backtick escape nothing in the JSON string is a backslash, but the builder joins the
    // lines before it reads the array: the shell gets `apt-get update &&     apt-get install -y curl`,
    // where the string as written holds the escape and the line break (read as a backquote word).
    const text = '# escape=`\nFROM debian:12\nRUN ["bash", "-c", "apt-get update && `\n    apt-get install -y curl"]\n';
    const run = buildModel(text).instructions[1].run!;
    assert.equal(run.inner, undefined);
    assert.deepEqual(analyze(text, { context: {} }).findings.map((f) => f.ruleId), []);
    // Continued between the strings, each string still stands for itself.
    assert.ok(read('RUN ["bash", "-c", \\\n  "apt-get update && apt-get install -y curl"]').inner);
  });

  it('moves no command out of a shell that is negated or run in the background', () => {
    // Read inside, the chmod lost the `!` and the `&` of the shell that runs it: files-changed-in-later-layer
    // moved it into the RUN that wrote the tool, where it runs in every build (see runsWheneverScriptSucceeds).
    for (const run of ['RUN ! bash -c "chmod 755 /usr/local/bin/tool && echo ok"', 'RUN bash -c "chmod 755 /usr/local/bin/tool && echo ok" &']) {
      const text = `FROM debian:12\nRUN curl -fsSL https://example.org/tool -o /usr/local/bin/tool\n${run}\n`;
      const analysis = analyze(text, { context: {} });
      const fixes = analysis.findings.map((f) => fixFor(analysis, f, { context: {} })).filter((f) => f !== undefined);
      assert.deepEqual(fixes.map((f) => f.title), [], run);
    }
  });

  it('gives the findings of the commands inside, and fixes that stay inside the quotes', () => {
    const text = 'FROM debian:12\nRUN bash -c "apt-get update && apt-get install -y curl"\n';
    const analysis = analyze(text, { context: {} });
    const ids = analysis.findings.map((f) => f.ruleId).sort();
    assert.deepEqual(ids, ['apt-lists-kept', 'apt-recommends']);
    for (const f of analysis.findings) {
      const fix = fixFor(analysis, f, { context: {} });
      assert.ok(fix, f.ruleId);
      for (const e of fix.edits) {
        assert.equal(e.range.start.line, 1);
        assert.ok(e.range.start.character > 12 && e.range.end.character <= 55, `${f.ruleId}: ${JSON.stringify(e)}`);
      }
    }
  });

  describe('among other commands', () => {
    it('reads each script in place, as a subshell where its shell stands', () => {
      for (const [run, programs] of [
        ['RUN sh -c "apt-get update && apt-get install -y curl" && echo hi', ['apt-get', 'apt-get', 'echo']],
        ["RUN bash -c 'apt-get update && apt-get install -y curl' && echo hi", ['apt-get', 'apt-get', 'echo']],
        ['RUN echo hi && sh -c "apt-get update && apt-get install -y curl"', ['echo', 'apt-get', 'apt-get']],
        ['RUN set -e; bash -c "apt-get update" && sh -c \'apt-get install -y curl\'', ['set', 'apt-get', 'apt-get']],
        ['RUN echo hi && \\\n  sh -c "apt-get update \\\n  && apt-get install -y curl"', ['echo', 'apt-get', 'apt-get']],
        ['RUN ! bash -c "apt-get install -y curl"', ['apt-get']],
        ['RUN bash -c "apt-get install -y curl" &', ['apt-get']],
        ['RUN ( bash -c "apt-get install -y curl" ) &', ['apt-get']],
        ['RUN <<EOF\nsh -c "apt-get update && apt-get install -y curl"\nEOF', ['apt-get', 'apt-get']],
      ] as const) {
        const got = read(run);
        assert.deepEqual(got.programs, programs, run);
        assert.ok(got.wordsInPlace, run);
        assert.equal(got.inner, false, run);
      }
      // What runs whenever the RUN succeeds, as for `( ... )`.
      const runs = (run: string) => {
        const commands = buildModel(`FROM debian:12\n${run}\n`).instructions[1].run!.commands;
        return commands.map((c) => runsWheneverScriptSucceeds(commands, c));
      };
      assert.deepEqual(runs('RUN sh -c "a && b" && c'), [true, true, true]);
      assert.deepEqual(runs('RUN sh -c "a || b" && c'), [true, false, true]);
      assert.deepEqual(runs('RUN a; sh -c "b" || c'), [true, true, false]);
      assert.deepEqual(runs('RUN ! sh -c "a" && b'), [false, true]);
      assert.deepEqual(runs('RUN sh -c "a" & b'), [false, true]);
      assert.deepEqual(runs('RUN sh -c "a &" && b'), [false, true]);
      assert.deepEqual(runs('RUN if x; then sh -c "a"; fi'), [false, false, false]);
    });

    it('reports the install inside, and fixes it inside the quotes or after the shell', () => {
      for (const [run, fixed] of [
        [
          'RUN sh -c "apt-get update && apt-get install -y curl" && echo hi',
          'RUN sh -c "apt-get update && apt-get install --no-install-recommends -y curl ca-certificates" && echo hi && rm -rf /var/lib/apt/lists/*',
        ],
        [
          "RUN bash -c 'apt-get update && apt-get install -y curl' && echo hi",
          "RUN bash -c 'apt-get update && apt-get install --no-install-recommends -y curl ca-certificates' && echo hi && rm -rf /var/lib/apt/lists/*",
        ],
        [
          'RUN echo hi && sh -c "apt-get update && apt-get install -y curl"',
          'RUN echo hi && sh -c "apt-get update && apt-get install --no-install-recommends -y curl ca-certificates" && rm -rf /var/lib/apt/lists/*',
        ],
      ]) {
        const text = `FROM debian:bookworm\n${run}\n`;
        const analysis = analyze(text, { context: {} });
        assert.deepEqual(analysis.findings.map((f) => f.ruleId).sort(), ['apt-lists-kept', 'apt-recommends'], run);
        for (const f of analysis.findings) {
          const at = text.split('\n')[1].slice(f.range.start.character, f.range.end.character);
          assert.match(at, /^apt-get/, `${f.ruleId} at ${at}`);
        }
        // One fix at a time, on the text the last one left.
        let out = text;
        for (let left = 2; left > 0; left--) {
          const again = analyze(out, { context: {} });
          out = applyEdits(out, fixFor(again, again.findings[0], { context: {} })!.edits);
        }
        assert.equal(out, `FROM debian:bookworm\n${fixed}\n`);
      }
    });

    it('appends after the shell\'s command, in the RUN\'s own shell', () => {
      // Inside the quotes, the removal ran as app (rm: Permission denied, a failed build), or not at all after `!` or `||`.
      const apt = 'apt-get update && apt-get install -y --no-install-recommends curl';
      for (const [run, fixed] of [
        [`RUN ${apt} && su app -c 'echo hi'`, `RUN ${apt} && su app -c 'echo hi' && rm -rf /var/lib/apt/lists/*`],
        [`RUN ${apt} && gosu app sh -c 'echo hi'`, `RUN ${apt} && gosu app sh -c 'echo hi' && rm -rf /var/lib/apt/lists/*`],
        [`RUN ${apt} && ! sh -c 'false'`, `RUN ${apt} && ! sh -c 'false' && rm -rf /var/lib/apt/lists/*`],
        [`RUN ${apt} && \\\n    su app -c 'echo hi'`, `RUN ${apt} && \\\n    su app -c 'echo hi' && \\\n    rm -rf /var/lib/apt/lists/*`],
        [`RUN <<EOF\n${apt}\nsu app -c 'echo hi\necho there\n'\nEOF`, `RUN <<EOF\n${apt}\nsu app -c 'echo hi\necho there\n'\nrm -rf /var/lib/apt/lists/*\nEOF`],
      ]) {
        const text = `FROM debian:bookworm\nRUN useradd -m app\n${run}\n`;
        const analysis = analyze(text, { context: {} });
        const finding = analysis.findings.find((f) => f.ruleId === 'apt-lists-kept');
        assert.ok(finding, run);
        assert.equal(applyEdits(text, fixFor(analysis, finding, { context: {} })?.edits ?? []), `FROM debian:bookworm\nRUN useradd -m app\n${fixed}\n`);
      }
    });

    it('reads thousands of scripts in one RUN in linear time', function () {
      this.timeout(120_000);
      // Each script was scanned behind as many blanks as the RUN's text before it.
      assertLinear('-c scripts read in place', (n) => `FROM debian:12\nRUN ${"sh -c 'apt-get install -y curl && echo ok' && ".repeat(n)}true\n`, (text) => text, buildModel);
    });

    it('lets a fix touch the shell\'s command only inside its quotes', () => {
      const text = 'FROM debian:12\nRUN echo hi && sh -c "apt-get install -y curl" && echo ok\n';
      const lines = new LineIndex(text);
      const run = buildModel(text).instructions[1].run!;
      assert.equal(run.quoted?.length, 1);
      const q = run.quoted![0];
      const places: InnerScriptPlace[] = [{ from: run.docOffset(q.from), to: run.docOffset(q.to - 1) + 1, start: run.docOffset(q.start), end: run.docOffset(q.end), quote: q.quote }];
      const at = (character: number, newText: string, endCharacter = character): TextEdit => ({ range: { start: { line: 1, character }, end: { line: 1, character: endCharacter } }, newText });
      const ok = (edit: TextEdit) => keepsInnerScripts(places, lines, [edit]);
      assert.ok(ok(at(45, ' && rm -rf /var/lib/apt/lists/*')), 'at the closing quote');
      assert.equal(ok(at(45, ' && echo $HOME')), false);
      assert.ok(ok(at(11, ' there')), 'the other commands are the outer shell\'s');
      assert.ok(ok(at(57, ' && rm -rf /var/lib/apt/lists/*')), 'after the last command');
      assert.ok(ok(at(15, 'true && ')), 'before the shell');
      assert.equal(ok(at(18, 'x')), false, 'between the shell and its script');
      assert.equal(ok(at(11, '', 22)), false, 'over the opening quote');
      assert.equal(ok(at(40, '', 49)), false, 'over the closing quote');
    });
  });
});
