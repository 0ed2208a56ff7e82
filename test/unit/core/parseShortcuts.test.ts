/**
 * The parse-time shortcuts of server/src/core/parseShortcuts.ts (an exec-form instruction without
 * a `[` after its keyword skips the library's search for brackets and strings while it is built;
 * a RUN, COPY or ADD without a `<` skips its search for here-documents) against the library
 * parsing everything itself: the same instructions, ranges, here-documents, brackets, JSON
 * strings, raw argument text, arguments and flags, for every Dockerfile we have, the generated
 * benchmark files, corner cases and random and mutated Dockerfiles. Each text is parsed twice,
 * as the model parses it, with the shortcuts on and off.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Instruction as InstructionClass, JSONInstruction, type Instruction } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { parseShortcuts } from '../../../server/src/core/parseShortcuts';
import '../../../server/src/core/model';
import { generateDockerfile } from '../../bench/lsp/generate';
import { dockerfiles, instructions } from './parsedInstructions';
import { anyDockerfile } from '../hostile/arbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const RUNS = Number(process.env.DSH_PROPERTY_RUNS ?? 2000);

type Shown = { getValue(): string; getRange(): unknown } | null;
const arg = (a: Shown) => (a ? [a.getValue(), a.getRange()] : null);

/** What an instruction answers that its construction may have set or computed. */
function view(node: Instruction): unknown {
  const json = node instanceof JSONInstruction;
  const exec = node as unknown as { getOpeningBracket(): Shown; getClosingBracket(): Shown; getJSONStrings(): (Shown & { getJSONValue(): string; getJSONRange(): unknown })[] };
  type Heredoc = { getName(): string; getStartRange(): unknown; getNameRange(): unknown; getContentRange(): unknown; getDelimiterRange(): unknown };
  const heredocs = (node as unknown as { getHeredocs?(): Heredoc[] }).getHeredocs?.();
  return {
    keyword: node.getKeyword(),
    range: node.getRange(),
    heredocs: heredocs?.map((h) => [h.getName(), h.getStartRange(), h.getNameRange(), h.getContentRange(), h.getDelimiterRange()]),
    json,
    opening: json ? arg(exec.getOpeningBracket()) : undefined,
    closing: json ? arg(exec.getClosingBracket()) : undefined,
    strings: json ? exec.getJSONStrings().map((s) => [s.getValue(), s.getRange(), s.getJSONValue(), s.getJSONRange()]) : undefined,
    raw: node.getRawArgumentsContent(),
    args: node.getArguments().map(arg),
    flags: (node as { getFlags?(): { toString(): string; getRange(): unknown }[] }).getFlags?.().map((f) => [f.toString(), f.getRange()]),
  };
}

function assertSame(text: string): void {
  parseShortcuts(false);
  let library: unknown[];
  try {
    library = instructions(text).map(view);
  } finally {
    parseShortcuts(true);
  }
  const ours = instructions(text).map(view);
  assert.deepEqual(ours, library, JSON.stringify(text));
}

describe('the parse-time shortcuts (parseShortcuts.ts)', () => {
  it('answer as the library builds them, on every Dockerfile in examples/ and test/fixtures/, with CRLF and backtick variants', () => {
    const files = [...dockerfiles(path.join(ROOT, 'examples')), ...dockerfiles(path.join(ROOT, 'test', 'fixtures'))];
    assert.ok(files.length > 50, `only ${files.length} Dockerfiles found`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const variant of [text, text.replace(/\r?\n/g, '\r\n'), `# escape=\`\n${text.replace(/\\/g, '`')}`]) assertSame(variant);
    }
  });

  it('answer as the library builds them on the generated benchmark files', () => {
    assertSame(generateDockerfile(1000, 1));
    assertSame(generateDockerfile(1000, 7));
  });

  it('answer as the library builds them in exec-form corner cases', () => {
    const cases = [
      'CMD []',
      'CMD [ ]',
      'CMD [\\\n]',
      'ENTRYPOINT ["a", "b"]',
      'ENTRYPOINT ["a" ,"b" ] x',
      'RUN ["/bin/sh", "-c", "echo [x]"]',
      'RUN echo "[" && test -f x',
      'RUN [ -f x ] && echo y',
      'RUN \\\n  ["a"]',
      'RUN \\[\\]',
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      'COPY ["a b", "/c/"]',
      'COPY --chown=1:1 ["a", "b"]',
      'ADD [ "x" ]',
      'VOLUME ["/data"]',
      'VOLUME /data',
      'ONBUILD RUN ["a"]',
      'ONBUILD CMD echo',
      'RUN <<EOF\necho [\nEOF',
      'RUN <<EOF\necho hi\nEOF',
      'CMD ["a\\"b"]',
      'CMD ["a\\\\"]',
      'CMD',
      'RUN',
      'RUN ',
      'COPY --from=x a b',
      'HEALTHCHECK CMD ["curl", "x"]',
      'HEALTHCHECK CMD curl x',
      'RUN <<EOF bash\necho hi\nEOF',
      'RUN <<-EOF\n\techo hi\n\tEOF',
      'RUN \\<\\<EOF\necho hi\nEOF',
      'RUN <\\\n<EOF\necho hi\nEOF',
      'RUN cat <<A <<B\na\nA\nb\nB',
      'RUN echo < /etc/hosts',
      'COPY <<EOF /x\nhello\nEOF',
      'ADD <<EOF /x\nhello\nEOF',
      'ONBUILD RUN <<EOF\necho hi\nEOF',
      'ONBUILD COPY a b',
      'RUN ["sh", "-c", "cat <<EOF"]',
      'RUN <<"EOF"\n$x\nEOF',
      'ENV A=<<EOF',
    ];
    for (const c of cases) for (const text of [`FROM a\n${c}`, `# escape=\`\nFROM a\n${c.replace(/\\/g, '`')}`, `FROM a\r\n${c.replace(/\n/g, '\r\n')}`]) assertSame(text);
  });

  it('answer as the library builds them on random and mutated Dockerfiles (property)', () => {
    fc.assert(
      fc.property(anyDockerfile, (text) => assertSame(text)),
      { numRuns: Math.ceil(RUNS / 4), seed: PROPERTY_SEED },
    );
  });

  it('skip the searches: a parse reads no argument list of an instruction with neither [ nor <', () => {
    const reads = (text: string): number => {
      let n = 0;
      const proto = InstructionClass.prototype as unknown as { getRawArguments(): unknown };
      const read = proto.getRawArguments;
      proto.getRawArguments = function (this: unknown) {
        n++;
        return read.call(this);
      };
      try {
        instructions(text);
      } finally {
        proto.getRawArguments = read;
      }
      return n;
    };
    const text = 'FROM a\nRUN apt-get update && apt-get install -y curl\nCOPY a /b\nCMD run\n';
    assert.equal(reads(text), 0);
    assert.ok(reads('FROM a\nRUN ["a"]\n') > 0, 'an exec form is searched');
    assert.ok(reads('FROM a\nRUN <<EOF\nx\nEOF\n') > 0, 'a here-document is searched');
    parseShortcuts(false);
    try {
      assert.ok(reads(text) >= 3, 'the library reads them all');
    } finally {
      parseShortcuts(true);
    }
  });
});
