/**
 * RUN, COPY, ADD and SHELL read their JSON form as Docker does, through the reader CMD and
 * ENTRYPOINT use (leadingJsonArray in core/execForm.ts). Checked on 2026-12-04 with dockerd
 * 20.10.24 (Debian's docker.io), classic builder and BuildKit alike, on a debootstrap bookworm
 * image: `RUN ["sh", "-c", "echo A > /o; ..."] x` runs sh with no $1 and
 * `RUN ["/bin/echo", "a"] && touch /z` leaves no /z (the text after the array is dropped);
 * `COPY ["a.txt", "/d/"] b.txt` and the same ADD copy a.txt only; `RUN ["echo", 1]` and
 * `COPY ["a.txt", 1, "/d/"]` fail the build ("arrays must be comprised of strings only");
 * `SHELL ["/bin/ba\u0073h", "-c"]` runs bash. Before, the three read the text after the array
 * as part of the instruction: RUN was shell form, COPY had no sources.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { contextSources } from '../../../server/src/core/buildContext';
import { buildModel } from '../../../server/src/core/model';
import { containerCommand, execForm } from '../../../server/src/core/execForm';
import { runsBash } from '../../../server/src/core/packageManagers';
import { copySpec } from '../../../server/src/core/paths';

function last(text: string) {
  const model = buildModel(`FROM debian:bookworm-slim\n${text}\n`);
  return { model, instr: model.instructions[model.instructions.length - 1] };
}

describe('JSON form of RUN, COPY, ADD and SHELL', () => {
  it('RUN: an array followed by text is exec form, and the text does not run', () => {
    const { instr } = last('RUN ["sh", "-c", "apt-get update && apt-get install -y curl"] && rm -rf /var/lib/apt/lists/*');
    assert.equal(instr.run!.form, 'exec');
    assert.equal(instr.run!.text, '["sh", "-c", "apt-get update && apt-get install -y curl"]');
    const found = analyze(`FROM debian:bookworm-slim\n${instr.node.getTextContent()}\n`, { context: {} }).findings.map((f) => f.ruleId);
    assert.ok(found.includes('apt-lists-kept'), found.join());
  });

  it('RUN: an array with anything but strings runs nothing (the build fails); a shell test stays shell form', () => {
    const { instr } = last('RUN ["apt-get", "install", "-y", 1]');
    assert.deepEqual([instr.run!.form, instr.run!.commands.length], ['exec', 0]);
    const test = last('RUN [ -f x ] && rm x').instr.run!;
    assert.deepEqual([test.form, test.commands.length], ['shell', 2]);
  });

  it('COPY and ADD: the sources are those of the array, the text after it is dropped', () => {
    for (const keyword of ['COPY', 'ADD']) {
      const { model, instr } = last(`${keyword} ["a.txt", "/d/"] b.txt`);
      const spec = copySpec(model, instr)!;
      assert.deepEqual([spec.sources, spec.dest], [['a.txt'], '/d/'], keyword);
      assert.deepEqual(contextSources(instr).map((s) => s.value), ['a.txt'], keyword);
    }
    const bad = last('COPY ["a.txt", 1, "/d/"]');
    assert.equal(copySpec(bad.model, bad.instr), undefined);
    assert.deepEqual(contextSources(bad.instr), []);
  });

  it('COPY and ADD: an array continued over lines is read as Docker joins them', () => {
    // Built FROM scratch with dockerd 20.10.24, classic builder and BuildKit (--chmod: BuildKit only): each
    // copied a.txt and b.txt into /d/ ("a.\<break>txt" copied a.txt); comment and blank lines
    // among the continued lines are dropped, the backtick escape continues lines too.
    const cases: [string, string, string[]][] = [
      ['', 'COPY ["a.txt", \\\n     "b.txt", "/d/"]', ['a.txt', 'b.txt']],
      ['', 'ADD ["a.txt",\\\n"b.txt","/d/"]', ['a.txt', 'b.txt']],
      ['', 'COPY ["a.txt", \\\n    # a comment\n\n     "b.txt", "/d/"] c.txt', ['a.txt', 'b.txt']],
      ['', 'COPY --chmod=644 \\\n  ["a.\\\ntxt", "/d/"]', ['a.txt']],
      ['', 'COPY ["a.txt", \\\r\n     "b.txt", "/d/"]', ['a.txt', 'b.txt']],
      ['# escape=`\n', 'COPY ["a.txt", `\n     "b.txt", "/d/"]', ['a.txt', 'b.txt']],
    ];
    for (const [directive, copy, sources] of cases) {
      const model = buildModel(`${directive}FROM scratch\n${copy}\n`);
      const instr = model.instructions[model.instructions.length - 1];
      const spec = copySpec(model, instr);
      assert.deepEqual([spec?.sources, spec?.dest], [sources, '/d/'], copy);
      const found = contextSources(instr);
      assert.deepEqual(found.map((s) => s.value), sources, copy);
      // Each range covers the string as written (its quotes), on whichever lines it is.
      for (const s of found) {
        const text = model.text.slice(model.lines.offsetAt(s.range.start), model.lines.offsetAt(s.range.end));
        assert.equal(text.replace(/[\\`]\r?\n/g, ''), JSON.stringify(s.value), copy);
      }
      // The arguments end at the closing bracket.
      assert.equal(model.text[model.lines.offsetAt(spec!.argsRange.end) - 1], ']', copy);
    }
  });

  it('SHELL: the program is read as JSON, escapes too', () => {
    const { instr } = last('SHELL ["/bin/ba\\u0073h", "-c"]\nRUN declare -x A=1');
    assert.equal(runsBash(instr), true);
  });

  it('RUN: the program of an exec-form -c script is read as JSON, escapes and blanks too', () => {
    // A regex read `/bin/ba\u0073h` and `/opt/my` (no bash): declare -x was not read as an export.
    for (const program of ['/bin/ba\\u0073h', '/opt/my tools/bash', '\\/bin\\/bash', '/bin/bash', 'bash']) {
      assert.equal(runsBash(last(`RUN ["${program}", "-c", "declare -x A=1"]`).instr), true, program);
    }
    for (const program of ['sh', '/bin/dash', '/bin/ba\\u0073h2']) {
      assert.equal(runsBash(last(`RUN ["${program}", "-c", "declare -x A=1"]`).instr), false, program);
    }
    const text = 'FROM python:3.12-slim\nRUN ["/bin/ba\\u0073h", "-c", "declare -x PIP_NO_CACHE_DIR=1 && pip install flask"]\n';
    assert.deepEqual(analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'pip-cache-kept'), []);
  });

  it('CMD, ENTRYPOINT, SHELL and RUN: a comment line among the continued lines of the array is dropped', () => {
    // dockerfile-ast's argument text keeps an indented comment line, and its JSON strings stop at
    // one: CMD and ENTRYPOINT read as shell form, SHELL as no shell, RUN as the program alone.
    // dockerd 20.10.24, classic builder and BuildKit: such a CMD and ENTRYPOINT gave ["a","b"] and
    // ["e","f"], and `RUN ["bash", \` + `  # note` + `  "-c", "echo $BASH_VERSION > /f"]` and the
    // same SHELL ran bash 5.2.15.
    const cmd = last('CMD ["node", \\\n  # the server\n  "server.js"]\nENTRYPOINT ["tini", \\\n    # init\n    "--"]');
    const [entrypoint, command] = cmd.model.instructions.slice(-2).reverse();
    assert.deepEqual(execForm(command), ['node', 'server.js']);
    assert.deepEqual(execForm(entrypoint), ['tini', '--']);
    assert.deepEqual(containerCommand(cmd.model.stages[0]), ['tini', '--', 'node', 'server.js']);
    assert.equal(runsBash(last('SHELL ["/bin/bash", \\\n  # bash for declare\n  "-c"]\nRUN declare -x A=1').instr), true);
    const { model, instr } = last('RUN ["bash", \\\n  # one layer\n  "-c", "apt-get update && apt-get install -y curl"]');
    assert.equal(instr.run!.form, 'exec');
    assert.deepEqual(instr.run!.commands.map((c) => c.words.map((w) => w.value).join(' ')), ['apt-get update', 'apt-get install -y curl']);
    assert.equal(runsBash(instr), true);
    // Each word where it is written, on the array's last line.
    for (const c of instr.run!.commands) for (const w of c.words) assert.equal(model.text.slice(instr.run!.docOffset(w.start), instr.run!.docOffset(w.end - 1) + 1), w.value);
    const found = analyze(model.text, { context: {} }).findings.filter((f) => f.ruleId === 'apt-lists-kept');
    assert.deepEqual(found.map((f) => f.range.start.line), [3]);
  });
});
