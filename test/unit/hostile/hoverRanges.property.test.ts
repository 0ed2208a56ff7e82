/**
 * Property test (fast-check): on random and mutated Dockerfiles, the hover at any position (every
 * line, several columns, and positions past the end of a line or of the file) never throws, and
 * the range it returns lies inside the document and contains the position asked about. So does
 * the image estimate the CodeLens and the CLI show: it never throws.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../../server/src/core/analyze';
import { hoverAt } from '../../../server/src/core/hover';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { anyDockerfile } from './arbitraries';
import { lspLineLengths, rangeProblem } from './bounded';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261203);
const ENV = { context: {} };

describe('hostile input: hover ranges and estimates', function () {
  this.timeout(60_000);

  it('the hover never throws, stays inside the document and covers the position', () => {
    let hovers = 0;
    fc.assert(
      fc.property(anyDockerfile, fc.array(fc.nat(), { minLength: 3, maxLength: 6 }), (text, columns) => {
        const { model } = analyze(text, ENV);
        const lengths = lspLineLengths(text);
        for (let line = 0; line <= lengths.length; line++) {
          for (const c of [0, ...columns.map((n) => n % ((lengths[line] ?? 0) + 2))]) {
            const pos = { line, character: c };
            const h = hoverAt(model, pos, ENV);
            if (!h) continue;
            hovers++;
            assert.ok(h.markdown.length > 0, `an empty hover at ${line}:${c}`);
            const problem = rangeProblem(h.range, lengths);
            assert.equal(problem, undefined, `hover at ${line}:${c}: ${problem} in ${JSON.stringify(text)}`);
            const { start, end } = h.range;
            const before = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
            assert.ok(before(start, pos) && before(pos, end), `hover at ${line}:${c} answers for ${JSON.stringify(h.range)} in ${JSON.stringify(text)}`);
          }
        }
      }),
      { numRuns: 150, interruptAfterTimeLimit: 8_000, seed: SEED },
    );
    assert.ok(hovers > 50, `only ${hovers} hovers`);
  });

  it('the image estimate never throws', () => {
    fc.assert(
      fc.property(anyDockerfile, (text) => {
        const e = estimateImage(analyze(text, ENV).model, ENV);
        if (e) assert.ok(Number.isFinite(e.knownBytes) && e.knownBytes >= 0 && e.unsizedLayers >= 0, `estimate ${e.knownBytes} B for ${JSON.stringify(text)}`);
      }),
      { numRuns: 200, interruptAfterTimeLimit: 5_000, seed: SEED },
    );
  });
});
