/**
 * Our argument reader (server/src/core/arguments.ts) against dockerfile-ast's own getRawArguments
 * (kept by model.ts before it installs ours): the same values and ranges, as the library's
 * Argument objects, for every instruction of every real Dockerfile we have, for the corner cases
 * the library's reader has, and for random texts heavy in escapes, blanks, line breaks and `#`.
 * `FC_SEED=random DSH_PROPERTY_RUNS=100000` explores further than the default runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Argument, DockerfileParser, Instruction } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { readRawArguments } from '../../../server/src/core/arguments';
import { libraryRawArguments } from '../../../server/src/core/model';
import { generateDockerfile } from '../../bench/lsp/generate';
import { dockerfiles, instructions } from './parsedInstructions';
import { anyDockerfile } from '../hostile/arbitraries';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const RUNS = Number(process.env.DSH_PROPERTY_RUNS ?? 2000);

const show = (args: Argument[]) => args.map((a) => [a.getValue(), a.getRange()]);

/** Fails with the text and the instruction when our reader and the library's differ anywhere in `text`. */
function assertSame(text: string): void {
  for (const node of instructions(text)) {
    const ours = readRawArguments(node);
    try {
      assert.deepEqual(show(ours), show(libraryRawArguments.call(node)));
    } catch (e) {
      throw new Error(`${JSON.stringify(text)}\ninstruction at ${JSON.stringify(node.getRange())}\n${(e as Error).message}`);
    }
    for (const a of ours) assert.ok(a instanceof Argument);
  }
}

/** The text, its CRLF and lone-CR variants, and its backtick-escape variant. */
function variants(text: string): string[] {
  const backtick = `# escape=\`\n${text.replace(/\\/g, '`')}`;
  return [text, text.replace(/\r?\n/g, '\r\n'), text.replace(/\r?\n/g, '\r'), backtick, backtick.replace(/\n/g, '\r\n')];
}

describe('argument reader (our getRawArguments)', () => {
  it('reads what the library reads on every Dockerfile in examples/ and test/fixtures/, with CRLF, CR and backtick variants', () => {
    const files = [...dockerfiles(path.join(ROOT, 'examples')), ...dockerfiles(path.join(ROOT, 'test', 'fixtures'))];
    assert.ok(files.length > 50, `only ${files.length} Dockerfiles found`);
    for (const f of files) for (const text of variants(fs.readFileSync(f, 'utf8'))) assertSame(text);
  });

  it('reads what the library reads on the generated benchmark files', () => {
    for (const text of variants(generateDockerfile(1000, 1))) assertSame(text);
    assertSame(generateDockerfile(10000, 2));
  });

  it('reads the corner cases of the library (each written for both escape characters)', () => {
    const cases = [
      'RUN a b\tc',
      'RUN a \\\n  b',
      'RUN a\\\nb',
      'RUN a\\\n b',
      'RUN a\\  \n  b',
      'RUN a\\ \t\r\n  b',
      'RUN a\\\r\nb\\\r\n c',
      'RUN a\\\rXb c',
      'RUN a\\ \rXb c',
      'RUN a \\\n# comment \\x here\n b',
      'RUN a \\\n  # comment\n\n  b',
      'RUN a \\\n#c1\n#c2\nb',
      'RUN a \\\n\\x#y z\nw \\\n q',
      'RUN echo \\$HOME \\"a\\" \\\\',
      'RUN a\\',
      'RUN a \\',
      'RUN a\\ ',
      'RUN \\ b',
      'RUN a\\ b',
      'RUN a\\  \\ b',
      'RUN \\\n \\ x',
      'RUN a\\\n\\ b',
      'RUN a \\ \n \\\n  \\  c',
      'RUN \\\n#',
      'RUN a\\\n  \\\n  b',
      'RUN a\\\n\tb\\\n\\$c',
      'ONBUILD RUN a \\\n  b\\ c',
      'ONBUILD',
      'ONBUILD \\\n \\ x y',
      'FROM --platform=$X a\\\n  AS b',
      'RUN 𝒳\\𝒴 z',
      'EXPOSE\\\n80',
      'R\\\nUN a b',
      'RUN \\\n \\ \\',
      'RUN a\\\n\\ \n b',
      // Lines that go on for BuildKit after an escaped blank (parse.ts): read to the next line.
      'RUN a \\ \\\n  b',
      'RUN a\\ \\\nb c',
      'RUN a \\\t\\  \n  b',
      'RUN \\ \\\n  b c',
      'RUN --mount=x \\ \\\n  b',
      'RUN a\\\\ \\\n b',
      'RUN a \\ \\\n# c \\ \\\n\n  b \\ \\\n  c',
      'ENV A=x\\ \\\n    B=y',
      'ONBUILD RUN a \\ \\\n b',
      'RUN\\ \\ \\\n b',
    ];
    for (const c of cases) for (const text of variants(c)) assertSame(text);
  });

  const ALPHABET = ['\\', '\\', '`', '`', ' ', ' ', '\t', '\r', '\n', '\n', '\r\n', '#', '$', '"', "'", 'a', 'b', 'xy', '=', '{', '}', '\\\n', ' \\ \n', '`\n', '\\$', '\\ ', '` ', 'RUN ', 'ONBUILD ', '\n#', '-'];
  const KEYWORDS = ['RUN', 'FROM', 'COPY', 'ENV', 'ONBUILD', 'HEALTHCHECK', 'LABEL', 'X'];
  const randomText = fc
    .tuple(
      fc.constantFrom('', '# escape=`\n', '# escape=\\\n', '#escape=`\r\n'),
      fc.array(fc.tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.constantFrom(...ALPHABET), { maxLength: 30 })), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([directive, lines, eol]) => directive + lines.map(([k, body]) => `${k} ${body.join('')}`).join(eol));

  it('reads what the library reads on random texts heavy in escapes, blanks, line breaks and # (property)', () => {
    fc.assert(
      fc.property(randomText, (text) => assertSame(text)),
      { numRuns: RUNS, seed: PROPERTY_SEED },
    );
  });

  it('reads what the library reads on random and mutated Dockerfiles (property)', () => {
    fc.assert(
      fc.property(anyDockerfile, (text) => assertSame(text)),
      { numRuns: Math.ceil(RUNS / 4), seed: PROPERTY_SEED },
    );
  });

  it('reads what the library reads for any ranges over a text, out of order ones too (property)', () => {
    // Not only what the parser builds: an ONBUILD's trigger takes its ranges from the arguments,
    // and the reader must not depend on the ranges being in order.
    const ranges = fc.tuple(randomText, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), fc.constantFrom('\\', '`'));
    fc.assert(
      fc.property(ranges, ([text, cuts, escape]) => {
        const parsed = DockerfileParser.parse(text);
        const document = (parsed.getInstructions()[0] as unknown as { document: { positionAt(o: number): { line: number; character: number } } }).document;
        const [a, b, c, d] = cuts.map((n) => document.positionAt(n % (text.length + 2)));
        const node = new Instruction(document as never, { start: a, end: b }, parsed as never, escape, 'X', { start: c, end: d });
        assert.deepEqual(show(readRawArguments(node)), show(libraryRawArguments.call(node)), JSON.stringify({ text, cuts, escape }));
      }),
      { numRuns: RUNS, seed: PROPERTY_SEED },
    );
  });

  it('is what the model installs: getRawArguments and getArguments give our Argument objects', () => {
    const [run] = DockerfileParser.parse('FROM a\nRUN --mount=type=cache,target=/x echo \\\n  hi\n').getInstructions().slice(1);
    const raw = (run as unknown as { getRawArguments(): Argument[] }).getRawArguments();
    assert.deepEqual(show(raw), show(libraryRawArguments.call(run)));
    assert.deepEqual(run.getArguments().map((a) => a.getValue()), ['echo', 'hi']);
  });
});
