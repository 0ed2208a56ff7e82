/**
 * A line that ends with an escaped blank and then the escape character (`install \ \`) goes on for
 * BuildKit, and the model reads it so (server/src/core/parse.ts), where dockerfile-ast alone ends
 * the instruction there. What the builder did is recorded in each case: Debian's dockerd 20.10.24
 * with DOCKER_BUILDKIT=1 (`docker build --progress=plain --network none`) on the debootstrap image,
 * 2026-12-03; the classic builder printed the same.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { buildModel, type DockerfileModel } from '../../../server/src/core/model';

const ENV = { context: {} };
const FROM = 'FROM localhost/debian-minbase:bookworm';

/** The words of each shell command of the model's RUN instructions. */
function runWords(model: DockerfileModel): string[][][] {
  return model.instructions.filter((i) => i.run).map((i) => i.run!.commands.map((c) => c.words.map((w) => w.value)));
}

const keywords = (model: DockerfileModel) => model.instructions.map((i) => `${i.keyword} ${i.range.start.line}-${i.range.end.line}`);

describe('a line ending in an escaped blank and the escape character goes on, as BuildKit reads it', () => {
  // Each text printed `a   b` and `c` (echo's arguments a, " ", b; then echo c).
  const cases: [string, string][] = [
    ['`\\ \\` before the line break', `${FROM}\nRUN echo a \\ \\\n    b && echo c\n`],
    ['blanks after it', `${FROM}\nRUN echo a \\ \\   \n    b && echo c\n`],
    ['a comment line after it', `${FROM}\nRUN echo a \\ \\\n# a comment\n    b && echo c\n`],
    ['an indented comment line holding the same, and an empty line, after it', `${FROM}\nRUN echo a \\ \\\n  # an indented comment \\ \\\n\n    b && echo c\n`],
    ['CR LF line ends', `${FROM}\r\nRUN echo a \\ \\\r\n    b && echo c\r\n`],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const model = buildModel(text);
      assert.deepEqual(keywords(model), ['FROM 0-0', `RUN 1-${text.split(/\r?\n/).length - 2}`]);
      assert.deepEqual(runWords(model), [[['echo', 'a', ' ', 'b'], ['echo', 'c']]]);
    });
  }

  it('an escaped tab', () => {
    // Printed `a <tab> b` (arguments a, a tab, b) and `c`.
    const model = buildModel(`${FROM}\nRUN echo a \\\t\\\n    b && echo c\n`);
    assert.deepEqual(keywords(model), ['FROM 0-0', 'RUN 1-2']);
    assert.deepEqual(runWords(model), [[['echo', 'a', '\t', 'b'], ['echo', 'c']]]);
  });

  it('the backtick escape directive', () => {
    // `RUN echo 'a \` \`` then `    b' && echo c` printed `a \`     b` and `c`: the backtick means
    // nothing to the shell, and the quote runs on over the joined lines (joined with nothing
    // between them: the blank after the backtick, then the indentation).
    for (const comment of ['', '# a comment\n']) {
      const model = buildModel(`# escape=\`\n${FROM}\nRUN echo 'a \` \`\n${comment}    b' && echo c\n`);
      assert.deepEqual(keywords(model), ['FROM 1-1', `RUN 2-${comment ? 4 : 3}`]);
      assert.deepEqual(runWords(model), [[['echo', 'a `     b'], ['echo', 'c']]]);
    }
  });

  it('an escaped escape character before it goes on too (`a\\\\ \\`)', () => {
    // Printed `a\ b` and `c`.
    const model = buildModel(`${FROM}\nRUN echo a\\\\ \\\n    b && echo c\n`);
    assert.deepEqual(keywords(model), ['FROM 0-0', 'RUN 1-2']);
    assert.deepEqual(runWords(model), [[['echo', 'a\\', 'b'], ['echo', 'c']]]);
  });

  it('swallows the instruction on the next line, as BuildKit does', () => {
    // `RUN echo a \ \` then `ENV X=1` printed `a  ENV X=1`; with printf '[%s]', `[a][ ENV][X=1]`:
    // the escaped blank starts the next line's first word.
    const model = buildModel(`${FROM}\nRUN echo a \\ \\\nENV X=1\n`);
    assert.deepEqual(keywords(model), ['FROM 0-0', 'RUN 1-2']);
    assert.deepEqual(runWords(model), [[['echo', 'a', ' ENV', 'X=1']]]);
    // A FROM there starts no stage, and an edit elsewhere keeps it so (the file is cut at FROMs).
    const text = `${FROM}\nRUN echo a \\ \\\nFROM debian:bookworm AS other\nRUN echo x\n`;
    const fresh = buildModel(text);
    assert.equal(fresh.stages.length, 1);
    assert.deepEqual(keywords(fresh), ['FROM 0-0', 'RUN 1-2', 'RUN 3-3']);
    const edited = buildModel(`${text}RUN echo y\n`, fresh);
    assert.deepEqual(keywords(edited), [...keywords(fresh), 'RUN 4-4']);
  });

  it('at the start of the arguments, the script starts with the escaped blank', () => {
    // `RUN \ \` then `    echo b && echo c` failed: `/bin/sh: 1:  : not found` (the shell ran " ").
    const model = buildModel(`${FROM}\nRUN \\ \\\n    echo b && echo c\n`);
    assert.deepEqual(keywords(model), ['FROM 0-0', 'RUN 1-2']);
    assert.deepEqual(runWords(model), [[[' ', 'echo', 'b'], ['echo', 'c']]]);
    const flagged = buildModel(`${FROM}\nRUN --mount=type=cache,target=/root/.cache \\ \\\n    echo b\n`);
    assert.deepEqual(flagged.instructions[1].run!.mounts, ['type=cache,target=/root/.cache']);
    assert.deepEqual(runWords(flagged), [[[' ', 'echo', 'b']]]);
  });

  it('joins the lines with nothing between them (`a\\` then `b` is `ab`)', () => {
    // `RUN printf '[%s]' a\` then `b && echo` printed `[ab]`.
    const model = buildModel(`${FROM}\nRUN printf '[%s]' a\\\nb && echo\n`);
    assert.deepEqual(runWords(model), [[['printf', '[%s]', 'ab'], ['echo']]]);
    const word = model.instructions[1].run!.commands[0].words[2];
    const run = model.instructions[1].run!;
    // Its characters map back to the document's a and b.
    assert.deepEqual([run.docOffset(word.start), run.docOffset(word.end - 1)].map((o) => model.text[o]), ['a', 'b']);
  });

  it('keeps `\\ \\ \\` as it was (dockerfile-ast went on there already)', () => {
    // Printed `a    b` (arguments a, two blanks, b) and `c`.
    const model = buildModel(`${FROM}\nRUN echo a \\ \\ \\\n    b && echo c\n`);
    assert.deepEqual(keywords(model), ['FROM 0-0', 'RUN 1-2']);
    assert.deepEqual(runWords(model), [[['echo', 'a', '  ', 'b'], ['echo', 'c']]]);
  });
});

describe('findings and fixes on a RUN continued after an escaped blank', () => {
  const apt = (escape: '\\' | '`', quoteOpen: string, quoteClose: string) =>
    `${escape === '`' ? '# escape=`\n' : ''}FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl${quoteOpen} ${escape} ${escape}\n    ${quoteClose}&& rm -rf /var/lib/apt/lists/*\n`;

  it('no apt-lists-kept when the cleanup is on the continued line', () => {
    // With the backtick escape the escaped blank reaches the shell as a backtick: quoted here.
    for (const text of [apt('\\', '', ''), apt('`', " && echo '", "' ")]) {
      const analysis = analyze(text, ENV);
      assert.deepEqual(analysis.model.instructions.map((i) => i.keyword), ['FROM', 'RUN'], text);
      assert.deepEqual(analysis.findings.map((f) => f.ruleId), [], text);
    }
  });

  it('a finding on the continued line points at its characters, and its fix edits there', () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update \\ \\\n    && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n';
    const analysis = analyze(text, ENV);
    const finding = analysis.findings.find((f) => f.ruleId === 'apt-recommends');
    assert.ok(finding, JSON.stringify(analysis.findings.map((f) => f.ruleId)));
    const lines = text.split('\n');
    const { start, end } = finding.range;
    assert.equal(start.line, 2);
    assert.equal(lines[2].slice(start.character, end.line === 2 ? end.character : undefined).startsWith('apt-get install'), true);
    const fix = fixFor(analysis, finding, ENV);
    assert.ok(fix);
    const fixed = applyEdits(text, fix.edits);
    // (curl's certificates come with the recommends it drops: the fix adds them.)
    assert.equal(fixed, text.replace('apt-get install -y curl', 'apt-get install --no-install-recommends -y curl ca-certificates'));
    assert.deepEqual(analyze(fixed, ENV).findings.map((f) => f.ruleId), []);
  });

  it('the cleanup appended to such a RUN ends it as a command of its own', () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update \\ \\\n    && apt-get install -y --no-install-recommends curl\n';
    const analysis = analyze(text, ENV);
    const finding = analysis.findings.find((f) => f.ruleId === 'apt-lists-kept');
    assert.ok(finding);
    const fix = fixFor(analysis, finding, ENV);
    assert.ok(fix);
    const fixed = applyEdits(text, fix.edits);
    const run = buildModel(fixed).instructions[1].run!;
    assert.deepEqual(run.commands.map((c) => c.words[0].value), ['apt-get', 'apt-get', 'rm']);
    assert.deepEqual(analyze(fixed, ENV).findings.map((f) => f.ruleId), []);
  });

  it('no fix in a file with a CR that no LF follows: dockerfile-ast ends a line there, BuildKit does not', () => {
    // The RUN goes on for BuildKit (its line, split at LF, ends in `\`) and removes the lists; the
    // model, reading as dockerfile-ast, ends it at the CR and offered a cleanup in the wrong place.
    const text = 'FROM debian:bookworm\r\nRUN set -eux; \\\r\n    apt-get update; \\ \\\r \\\n    apt-get install -y curl; \\\r\n    rm -rf /var/lib/apt/lists/*\r\n';
    const analysis = analyze(text, ENV);
    const finding = analysis.findings.find((f) => f.ruleId === 'apt-lists-kept');
    assert.ok(finding);
    assert.equal(fixFor(analysis, finding, ENV), undefined);
    const crlf = text.replace('\r \\\n', ' \\\r\n');
    const plain = analyze(crlf, ENV);
    assert.deepEqual(plain.findings.map((f) => f.ruleId).filter((id) => id === 'apt-lists-kept'), []);
  });
});
