/**
 * Property tests (fast-check) over random and mutated .dockerignore files, each with a build
 * context listing (the oracle cases' ignore files and paths, mutated; or random ones):
 * - the checks and the hover at every line never throw, and every range lies inside the file;
 * - each quick fix edits inside the file, removes its finding, and where the fix claims it cannot
 *   change what Docker sends (redundant, overridden, useless exception, matches nothing) every
 *   path of the context keeps its verdict;
 * - applying fixes until none is left converges (a fix never feeds another forever), and the
 *   result adds no error Docker would reject the file for.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyEdits } from '../../../server/src/core/edits';
import { checkDockerignore, createDockerignoreMatcher, dockerignoreHover, parseDockerignore, type ContextListing, type DockerignoreFinding } from '../../../server/src/core/dockerignore';
import { randomDockerignore } from '../hostile/arbitraries';
import { lspLineLengths, rangeProblem } from '../hostile/bounded';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261203);
const RUNS = { numRuns: 300, interruptAfterTimeLimit: 8_000, seed: SEED };
/** Fixes of these rules say they cannot change what Docker sends. */
const NEUTRAL = new Set(['dockerignore-redundant-pattern', 'dockerignore-overridden-pattern', 'dockerignore-useless-exception', 'dockerignore-matches-nothing']);

interface Case { ignore: string; files: string[] }
const ORACLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'dockerignore', 'oracle-cases.json'), 'utf8')) as { ignore: string; paths: string[] }[];

const segment = fc.constantFrom('a', 'b', 'src', 'node_modules', '.git', 'x.log', 'keep.txt', 'build', 'dist', '.env', 'Dockerfile', '__pycache__', 'y.pyc', 'tmp', 'é', 'a b');
const filePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const lineEdit = fc.record({ at: fc.nat(), kind: fc.constantFrom('drop', 'duplicate', 'negate', 'comment', 'hash', 'space', 'crlf'), other: fc.nat() });

function mutate(text: string, e: { at: number; kind: string; other: number }): string {
  const lines = text.split('\n');
  const i = e.at % lines.length;
  switch (e.kind) {
    case 'drop': lines.splice(i, 1); break;
    case 'duplicate': lines.splice(e.other % (lines.length + 1), 0, lines[i]); break;
    case 'negate': lines[i] = lines[i].startsWith('!') ? lines[i].slice(1) : `!${lines[i]}`; break;
    case 'comment': lines[i] = `# ${lines[i]}`; break;
    case 'hash': lines[i] = `${lines[i]} # note`; break;
    case 'space': lines[i] = ` ${lines[i]}\t`; break;
    case 'crlf': lines[i] = `${lines[i]}\r`; break;
  }
  return lines.join('\n');
}

const mutatedOracle: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom(...ORACLE), fc.array(lineEdit, { maxLength: 5 }), fc.array(filePath, { maxLength: 4 }))
  .map(([c, edits, extra]) => ({ ignore: edits.reduce(mutate, c.ignore), files: [...new Set([...c.paths, ...extra])] }));
const randomCase: fc.Arbitrary<Case> = fc.tuple(randomDockerignore, fc.array(filePath, { maxLength: 12 })).map(([ignore, files]) => ({ ignore, files: [...new Set(files)] }));
const anyCase = fc.oneof(mutatedOracle, randomCase);

function listing(files: string[]): ContextListing {
  return { files };
}

function assertSound(c: Case): DockerignoreFinding[] {
  const findings = checkDockerignore(c.ignore, { context: listing(c.files) });
  const lengths = lspLineLengths(c.ignore);
  for (const f of findings) assert.equal(rangeProblem(f.range, lengths), undefined, `${f.ruleId} in ${JSON.stringify(c.ignore)}`);
  for (let line = 0; line < lengths.length; line++) {
    const h = dockerignoreHover(c.ignore, line, undefined);
    if (h) assert.equal(rangeProblem(h.range, lengths), undefined, `hover at line ${line} of ${JSON.stringify(c.ignore)}`);
  }
  return findings;
}

const verdicts = (ignore: string, files: string[]) => {
  const m = createDockerignoreMatcher(ignore);
  return files.map((f) => `${f}: ${m.isExcluded(f)}`);
};

describe('hostile input: properties of .dockerignore checks and fixes', function () {
  this.timeout(60_000);

  it(`has oracle cases to mutate (${ORACLE.length})`, () => {
    assert.ok(ORACLE.length >= 20);
  });

  it('checks and hovers never throw and keep every range inside the file', () => {
    fc.assert(fc.property(anyCase, (c) => void assertSound(c)), RUNS);
  });

  it('each fix edits inside the file, removes its finding, and the neutral ones keep every verdict', () => {
    let fixed = 0;
    let neutral = 0;
    fc.assert(
      fc.property(anyCase, (c) => {
        const findings = assertSound(c);
        const lengths = lspLineLengths(c.ignore);
        for (const f of findings) {
          if (!f.fix || f.fix.edits.length === 0) continue;
          for (const e of f.fix.edits) assert.equal(rangeProblem(e.range, lengths), undefined, `${f.ruleId} fix edit outside the file`);
          const after = applyEdits(c.ignore, f.fix.edits);
          const same = (x: DockerignoreFinding) => x.ruleId === f.ruleId && x.message === f.message;
          assert.ok(checkDockerignore(after, { context: listing(c.files) }).filter(same).length < findings.filter(same).length, `the ${f.ruleId} fix "${f.fix.title}" left its finding:\n${c.ignore}\n--- fixed:\n${after}`);
          if (NEUTRAL.has(f.ruleId)) {
            assert.deepEqual(verdicts(after, c.files), verdicts(c.ignore, c.files), `the ${f.ruleId} fix "${f.fix.title}" changed what Docker sends:\n${c.ignore}\n--- fixed:\n${after}`);
            neutral++;
          }
          fixed++;
        }
      }),
      RUNS,
    );
    assert.ok(fixed > 20 && neutral > 10, `only ${fixed} fixes (${neutral} neutral) exercised`);
  });

  it('applying fixes until none is left converges and adds no error', () => {
    fc.assert(
      fc.property(anyCase, (c) => {
        let text = c.ignore;
        let rounds = 0;
        for (;;) {
          const f = checkDockerignore(text, { context: listing(c.files) }).find((x) => x.fix && x.fix.edits.length > 0);
          if (!f) break;
          text = applyEdits(text, f.fix!.edits);
          assert.ok(++rounds <= 200, `fixes did not converge:\n${c.ignore}\n--- now:\n${text}`);
        }
        assertSound({ ...c, ignore: text });
        const errors = (t: string) => parseDockerignore(t).errors.length;
        assert.ok(errors(text) <= errors(c.ignore), `fixes added errors:\n${c.ignore}\n--- fixed:\n${text}`);
      }),
      RUNS,
    );
  });
});
