/**
 * Property tests (fast-check) over random and mutated Dockerfiles:
 * - `analyze()` never throws and no rule fails;
 * - every finding range lies inside the document (as an LSP client counts lines);
 * - each single fix does not throw, edits inside the document, removes its finding and adds no
 *   parse error;
 * - `fixAll()` is idempotent, and the fixed file parses: no stage is lost, and the independent
 *   parser of the peer server (`dockerfile-utils`) finds no error the input lacked.
 *
 * Runs are bounded (numRuns and a time limit) so the unit suite stays fast; a failure prints the
 * seed and the shrunk counterexample, which reproduce with `{ seed, path }` in fc.assert.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { validate } from 'dockerfile-utils';
import { analyze } from '../../../server/src/core/analyze';
import { applyEdits, fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { ruleById } from '../../../server/src/rules';
import { generateDockerfile } from '../../bench/lsp/generate';
import { lspLineLengths, rangeProblem } from './bounded';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/**
 * A fixed seed keeps the suite deterministic for everyone; `FC_SEED=<n>` (or `FC_SEED=random`)
 * explores other inputs, and a failure prints the seed and path that reproduce it.
 */
const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261124);
const RUNS = { numRuns: 200, interruptAfterTimeLimit: 5_000, seed: SEED };
const ENV = { context: {} };

/** Real Dockerfiles to mutate: the examples, every rule fixture, and a generated multi-stage file. */
function corpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Dockerfile' || e.name.endsWith('.Dockerfile')) files.push(p);
    }
  };
  walk(path.join(ROOT, 'examples'));
  walk(path.join(ROOT, 'test', 'fixtures', 'rules'));
  return [...files.sort().map((f) => fs.readFileSync(f, 'utf8')), generateDockerfile(60, 3)];
}
const CORPUS = corpus();

const KEYWORDS = ['FROM', 'RUN', 'COPY', 'ADD', 'ARG', 'ENV', 'WORKDIR', 'CMD', 'ENTRYPOINT', 'LABEL', 'USER', 'EXPOSE', 'ONBUILD', 'SHELL', 'HEALTHCHECK', 'VOLUME', 'MAINTAINER', 'from', 'run', 'Run'];
const COMMENTS = ['# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '# size-hints ignore=apt-lists-kept', '# hadolint ignore=DL3009', '# hadolint global ignore=DL3008', '#', ''];
const WORDS = [
  'apt-get', 'install', '-y', 'update', '&&', 'rm', '-rf', '/var/lib/apt/lists/*', '--no-install-recommends', 'pip', 'pip3', '--no-cache-dir', '-r',
  'requirements.txt', 'npm', 'ci', 'yarn', 'apk', 'add', '--no-cache', '--virtual', '.build', 'del', 'curl', 'tar', 'xzf', 'x.tar.gz', 'python:3.12',
  'debian:bookworm', 'alpine', 'scratch', 'AS', 'build', '--from=build', '--from=0', '--mount=type=cache,target=/root/.cache', '--platform=$BUILDPLATFORM',
  '${X}', '${X:-debian}', '$Y', '"quoted str"', "'single'", '\\', '`', '<<EOF', '<<-EOT', 'EOF', 'EOT', ';', '|', '||', '>', '2>&1', '$(', ')', '{', '}',
  '=', 'A=b', '[', ']', '["a",', '"b"]', '\t', '.', '/app', 'chmod', 'chown', '-R', 'useradd', '-u', '70000',
];

const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 10 })).map(([k, ws]) => [k, ...ws].join(' ')) },
  { weight: 2, arbitrary: fc.constantFrom(...COMMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
);
const randomDockerfile = fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, eol]) => ls.join(eol));

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'duplicateLine' | 'dropLine' | 'continueLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...WORDS, ...KEYWORDS, '\n', '\r\n', ' \\\n', '\n#\n', '\nEOF\n').map((w) => ` ${w} `), fc.string({ unit: 'binary', maxLength: 5 })) }),
  fc.record({ kind: fc.constantFrom('duplicateLine' as const, 'dropLine' as const, 'continueLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.kind) {
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicateLine':
      lines.splice(m.line % lines.length, 0, lines[m.line % lines.length]);
      return lines.join('\n');
    case 'dropLine':
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    case 'continueLine':
      lines[m.line % lines.length] += ' \\';
      return lines.join('\n');
    case 'swapLines': {
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    }
  }
}

const mutatedDockerfile = fc.tuple(fc.constantFrom(...CORPUS), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([base, ms]) => ms.reduce(mutate, base));
const anyDockerfile = fc.oneof(randomDockerfile, mutatedDockerfile);

function assertAnalysisSound(text: string): void {
  const a = analyze(text, ENV);
  assert.deepEqual(a.ruleErrors, [], `rules failed on ${JSON.stringify(text)}`);
  const lengths = lspLineLengths(text);
  for (const f of a.findings) {
    const problem = rangeProblem(f.range, lengths);
    assert.equal(problem, undefined, `${f.ruleId}: ${problem} in ${JSON.stringify(text)}`);
  }
}

/** Error messages of the peer's parser/validator, as a sorted multiset. */
function parseErrors(text: string): string[] {
  return validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => (typeof d.message === 'string' ? d.message : d.message.value))
    .sort();
}

/** `a, b x3, c`: rule ids with repeats counted, so a fix loop does not flood the message. */
function summarise(ids: string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].map(([id, n]) => (n > 1 ? `${id} x${n}` : id)).join(', ') || 'nothing';
}

function missingFrom(have: string[], extra: string[]): string[] {
  const pool = [...have];
  return extra.filter((e) => {
    const i = pool.indexOf(e);
    if (i < 0) return true;
    pool.splice(i, 1);
    return false;
  });
}

describe('hostile input: properties of analyze() and fixAll()', function () {
  this.timeout(60_000);

  it(`has a corpus of real Dockerfiles to mutate (${CORPUS.length})`, () => {
    assert.ok(CORPUS.length >= 10, `only ${CORPUS.length} files`);
  });

  it('random Dockerfiles: analyze never throws, no rule fails, every range is inside the document', () => {
    fc.assert(fc.property(randomDockerfile, assertAnalysisSound), RUNS);
  });

  it('mutated real Dockerfiles: analyze never throws, no rule fails, every range is inside the document', () => {
    fc.assert(fc.property(mutatedDockerfile, assertAnalysisSound), RUNS);
  });

  it('fixAll is idempotent and leaves a file that parses', () => {
    let fixedSome = 0;
    fc.assert(
      fc.property(anyDockerfile, (text) => {
        const once = fixAll(text, ENV);
        if (once.applied.length > 0) fixedSome++;
        const twice = fixAll(once.text, ENV);
        assert.equal(twice.text, once.text, `a second fixAll changed the text (applied ${summarise(twice.applied)}; the first applied ${summarise(once.applied)})`);
        const before = buildModel(text);
        const after = buildModel(once.text);
        // Fixes may add a builder stage; none may drop one.
        assert.ok(after.stages.length >= before.stages.length, `fixes dropped a stage:\n${once.text}`);
        assertAnalysisSound(once.text);
        const introduced = missingFrom(parseErrors(text), parseErrors(once.text));
        assert.deepEqual(introduced, [], `fixes (${summarise(once.applied)}) introduced parse errors:\n${once.text}`);
      }),
      RUNS,
    );
    assert.ok(fixedSome > 0, 'no generated input had a fix to apply, so the property was vacuous');
  });

  it('each single fix: does not throw, edits inside the document, removes its finding, adds no parse error', () => {
    let checked = 0;
    fc.assert(
      fc.property(mutatedDockerfile, (text) => {
        const analysis = analyze(text, ENV);
        const lengths = lspLineLengths(text);
        for (const finding of analysis.findings.slice(0, 6)) {
          const rule = ruleById(finding.ruleId);
          if (!rule?.fix) continue;
          let fix;
          try {
            fix = rule.fix(finding, { model: analysis.model, env: ENV, settings: analysis.settings });
          } catch (e) {
            assert.fail(`${finding.ruleId}.fix threw ${e instanceof Error ? e.stack : String(e)} on ${JSON.stringify(text)}`);
          }
          if (!fix || fix.edits.length === 0) continue;
          for (const e of fix.edits) assert.equal(rangeProblem(e.range, lengths), undefined, `${finding.ruleId} fix edit outside the document`);
          const fixed = applyEdits(text, fix.edits);
          const count = (t: string) => analyze(t, ENV).findings.filter((f) => f.ruleId === finding.ruleId).length;
          assert.ok(count(fixed) < count(text), `the ${finding.ruleId} fix "${fix.title}" did not remove its finding:\n${text}\n--- fixed:\n${fixed}`);
          assert.deepEqual(missingFrom(parseErrors(text), parseErrors(fixed)), [], `the ${finding.ruleId} fix "${fix.title}" introduced parse errors:\n${fixed}`);
          checked++;
        }
      }),
      RUNS,
    );
    assert.ok(checked > 0, 'no fix was exercised');
  });

  it('fixAll converges on a heredoc whose last line ends in a backslash (found by the property above)', () => {
    const text = 'FROM debian:bookworm-slim\nRUN <<EOT\napt-get update\napt-get install -y curl \\\nEOT\n';
    const once = fixAll(text, ENV);
    assert.ok(once.applied.length < 5, `fixAll applied ${summarise(once.applied)}:\n${once.text}`);
    assert.equal(fixAll(once.text, ENV).text, once.text);
    assert.deepEqual(missingFrom(parseErrors(text), parseErrors(once.text)), []);
  });

  it('fixAll converges on an escaped space before a continuation (found by the property above)', () => {
    const text = 'FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl \\ \\\n    && rm -rf /var/lib/apt/lists/*\n';
    const once = fixAll(text, ENV);
    assert.ok(once.applied.length < 5, `fixAll applied ${summarise(once.applied)}:\n${once.text}`);
    assert.equal(fixAll(once.text, ENV).text, once.text);
  });

  it('the fixes of the unmutated corpus also pass the same checks', () => {
    for (const text of CORPUS) {
      const once = fixAll(text, ENV);
      assert.equal(fixAll(once.text, ENV).text, once.text);
      assert.deepEqual(missingFrom(parseErrors(text), parseErrors(once.text)), []);
    }
  });
});
