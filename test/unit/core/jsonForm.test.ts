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

  it('SHELL: the program is read as JSON, escapes too', () => {
    const { instr } = last('SHELL ["/bin/ba\\u0073h", "-c"]\nRUN declare -x A=1');
    assert.equal(runsBash(instr), true);
  });
});
