/**
 * Quick fixes on files whose continued lines end in an escaped blank and the escape character
 * (`install \ \`), which the model reads as going on, as BuildKit does (server/src/core/parse.ts):
 * real Dockerfiles (the examples and rule fixtures) with some of their continuations written so.
 * Every single fix (as the editor offers it, through fixFor) must remove its finding and add no
 * parse error, and fixAll must be idempotent and keep the stages. `DSH_PROPERTY_RUNS=<n>` asks for n runs.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { CORPUS } from './arbitraries';
import { lspLineLengths, rangeProblem } from './bounded';
import { addedErrors } from '../../support/peerErrors';
import { checkSingleFix } from './singleFix';
import { PROPERTY_SEED } from '../../support/propertySeed';

const ENV = { context: {} };
const ASKED = process.env.DSH_PROPERTY_RUNS;
const RUNS = ASKED ? { numRuns: Number(ASKED), seed: PROPERTY_SEED } : { numRuns: 150, interruptAfterTimeLimit: 8_000, seed: PROPERTY_SEED };

/** Files of the corpus with continued lines, and the offsets of the escape characters that continue them. */
const CONTINUED = CORPUS.flatMap((text) => {
  const escape = buildModel(text).escapeChar;
  const ends: number[] = [];
  const re = /[ \t]*(\r?\n)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0 && text[m.index - 1] === escape) ends.push(m.index - 1);
  return ends.length > 0 ? [{ text, escape, ends }] : [];
});

/** One of those files with some of its continuations preceded by an escaped blank (or blanks after). */
const rewritten = fc
  .tuple(fc.constantFrom(...CONTINUED), fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\t'), fc.constantFrom('', ' ', '  \t')), { minLength: 1, maxLength: 4 }))
  .map(([{ text, escape, ends }, picks]) => {
    const chosen = new Map(picks.map(([n, blank, after]) => [ends[n % ends.length], { blank, after }]));
    let out = '';
    let from = 0;
    for (const at of [...chosen.keys()].sort((a, b) => a - b)) {
      const { blank, after } = chosen.get(at)!;
      out += text.slice(from, at) + escape + blank + escape + after;
      from = at + 1;
    }
    return out + text.slice(from);
  });

describe('quick fixes on lines continued after an escaped blank (property)', function () {
  this.timeout(ASKED ? 0 : 60_000);

  it(`has continued files to rewrite (${CONTINUED.length})`, () => {
    assert.ok(CONTINUED.length >= 10, `only ${CONTINUED.length}`);
  });

  it('each single fix: edits inside the document, removes its finding, adds no parse error', () => {
    let checked = 0;
    fc.assert(
      fc.property(rewritten, (text) => {
        const analysis = analyze(text, ENV);
        assert.deepEqual(analysis.ruleErrors, []);
        const lengths = lspLineLengths(text);
        for (const finding of analysis.findings) {
          assert.equal(rangeProblem(finding.range, lengths), undefined, `${finding.ruleId} range`);
          if (checkSingleFix(text, analysis, finding, lengths)) checked++;
        }
      }),
      RUNS,
    );
    assert.ok(checked > 0, 'no fix was exercised');
  });

  it('fixAll (every fix) is idempotent, keeps the stages and adds no parse error', () => {
    fc.assert(
      fc.property(rewritten, (text) => {
        const once = fixAll(text, ENV, {}, { includeUnpreferred: true });
        assert.equal(fixAll(once.text, ENV, {}, { includeUnpreferred: true }).text, once.text, `a second fixAll changed the text:\n${once.text}`);
        assert.ok(buildModel(once.text).stages.length >= buildModel(text).stages.length, `fixes dropped a stage:\n${once.text}`);
        assert.deepEqual(addedErrors(text, once.text), [], `fixes introduced parse errors:\n${text}\n--- fixed:\n${once.text}`);
      }),
      RUNS,
    );
  });
});
