/**
 * Hostile inputs to `analyze()`: each one gets a result within a stated time bound (enforced by
 * terminating a worker thread, so a hang fails fast instead of stalling the suite), nothing
 * throws, no rule fails, and every finding range lies inside the document. Where the input has an
 * obvious meaning (BOM, CRLF, the backtick escape) the findings must match the plain file's.
 *
 * A result may also be the core declining a file beyond its size limits, with a reason
 * (`skipped`); what must never happen is a throw, a failed rule, or no answer in time.
 *
 * The bounds are generous for a 2-core machine shared with other work: they catch hangs and
 * super-linear behaviour, not small regressions (the benchmark measures those).
 */
import * as assert from 'node:assert/strict';
import { generateDockerfile, prng } from '../../bench/lsp/generate';
import { analyzeWithin, lspLineLengths, rangeProblem, type WorkerSummary } from './bounded';

const SMALL_BOUND_MS = 2_000;
const LARGE_BOUND_MS = 10_000;
const MB = 1024 * 1024;

const PLAIN = [
  'FROM python:3.12',
  'RUN apt-get update \\',
  '    && apt-get install -y curl git',
  'RUN pip install -r requirements.txt',
  'CMD ["python", "app.py"]',
  '',
].join('\n');

function assertSound(text: string, s: WorkerSummary): void {
  assert.equal(s.threw, undefined, `analyze threw: ${s.threw}`);
  assert.deepEqual(s.ruleErrors, [], `rules failed: ${JSON.stringify(s.ruleErrors)}`);
  const lengths = lspLineLengths(text);
  for (const f of s.findings) {
    const problem = rangeProblem(f.range, lengths);
    assert.equal(problem, undefined, `${f.ruleId}: ${problem}`);
  }
}

async function check(text: string, boundMs: number): Promise<WorkerSummary> {
  const s = await analyzeWithin(text, boundMs);
  assertSound(text, s);
  return s;
}

const ids = (s: WorkerSummary) => s.findings.map((f) => f.ruleId).sort();

/** Deterministic random bytes (so a failure reproduces). */
function bytes(n: number, seed: number): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

describe('hostile input: analyze()', function () {
  this.timeout(LARGE_BOUND_MS + 20_000);

  it('an empty document: no instructions, no findings', async () => {
    const s = await check('', SMALL_BOUND_MS);
    assert.equal(s.instructions, 0);
    assert.deepEqual(s.findings, []);
  });

  it('whitespace and line breaks only', async () => {
    await check(' \n\t\r\n\r\r\n   \\\n', SMALL_BOUND_MS);
  });

  it('a byte order mark: the same findings as without it', async () => {
    const plain = await check(PLAIN, SMALL_BOUND_MS);
    const bom = await check('\uFEFF' + PLAIN, SMALL_BOUND_MS);
    assert.ok(plain.findings.length > 0, 'the plain file should have findings');
    assert.deepEqual(ids(bom), ids(plain));
  });

  it('CRLF line endings: the same findings at the same positions as LF', async () => {
    const lf = await check(PLAIN, SMALL_BOUND_MS);
    const crlf = await check(PLAIN.replace(/\n/g, '\r\n'), SMALL_BOUND_MS);
    assert.deepEqual(crlf.findings, lf.findings);
  });

  it('lone CR line endings (old Mac) are lines too', async () => {
    await check(PLAIN.replace(/\n/g, '\r'), SMALL_BOUND_MS);
  });

  it('the backtick escape directive: continuations read like the backslash form', async () => {
    const backslash = await check(PLAIN, SMALL_BOUND_MS);
    const backtick = await check('# escape=`\n' + PLAIN.replace(/\\$/gm, '`'), SMALL_BOUND_MS);
    assert.deepEqual(ids(backtick), ids(backslash));
  });

  it('unclosed heredocs (RUN, COPY, several on one line)', async () => {
    await check('FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\n', SMALL_BOUND_MS);
    await check('FROM debian\nCOPY <<A <<B /x\nalpha\nA\nbeta\n', SMALL_BOUND_MS);
    await check('FROM debian\nRUN <<"EOF" bash\n', SMALL_BOUND_MS);
    await check('FROM debian\nRUN <<-EOT cat\n\tapt-get install -y vim\n', SMALL_BOUND_MS);
  });

  it('an escaped # opening a continued line (dockerfile-ast throws reading its here-documents)', async () => {
    // Found by the incremental property test (a backslash typed at the start of a continued
    // line); the whole analysis used to fail, and the server kept the previous diagnostics.
    await check('FROM debian\nRUN a \\\n\\#x\n', SMALL_BOUND_MS);
    const s = await check('FROM debian\nRUN apt-get update && apt-get install -y curl \\\n\\#> note\n    && echo done\nCOPY <<EOF /x\nhi\nEOF\n', SMALL_BOUND_MS);
    assert.ok(ids(s).includes('apt-lists-kept'), `the rest of the RUN is still read: ${ids(s).join(', ')}`);
  });

  it('invalid UTF-8 decoded with replacement characters, and lone surrogates', async () => {
    const decoded = new TextDecoder('utf-8').decode(Uint8Array.from([...Buffer.from('FROM debian\nRUN apt-get install '), 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xe2, 0x82]));
    await check(decoded, SMALL_BOUND_MS);
    await check('FROM debian\nRUN apt-get install -y \uD800curl \uDC00\nLABEL x="\uDBFF"\n', SMALL_BOUND_MS);
  });

  it('NUL and control characters inside instructions', async () => {
    await check('FROM debian\u0000\nRUN apt-get\u0001 install -y curl\u0007\nENV A=\u001b[31m\n', SMALL_BOUND_MS);
  });

  it('1 MB of binary data read as Latin-1', async () => {
    await check(new TextDecoder('latin1').decode(bytes(MB, 1)), LARGE_BOUND_MS);
  });

  it('1 MB of binary data read as UTF-8', async () => {
    await check(new TextDecoder('utf-8').decode(bytes(MB, 2)), LARGE_BOUND_MS);
  });

  it('a 5 MB file made of one RUN line', async () => {
    await check('FROM debian\nRUN echo ' + 'a'.repeat(5 * MB) + '\n', LARGE_BOUND_MS);
  });

  it('a 5 MB file of realistic instructions (about 170,000 lines)', async () => {
    const text = generateDockerfile(170_000, 5);
    assert.ok(text.length > 4 * MB);
    await check(text, LARGE_BOUND_MS);
  });

  it('10,000 stages, each copying from the one before', async () => {
    const stages = Array.from({ length: 10_000 }, (_, i) => `FROM debian:bookworm AS s${i}\n${i > 0 ? `COPY --from=s${i - 1} /a /a\n` : ''}RUN apt-get install -y curl\n`);
    const s = await check(stages.join(''), LARGE_BOUND_MS);
    // Either every stage is analysed, or the core says clearly why it did not analyse the file.
    if (s.skipped) assert.match(s.skipped, /stages/);
    else assert.equal(s.stages, 10_000);
  });

  it('a FROM built from 5,000 ARG references', async () => {
    const args = Array.from({ length: 5_000 }, (_, i) => `ARG A${i}=${i === 0 ? 'debian' : ''}`).join('\n');
    const from = 'FROM ' + Array.from({ length: 5_000 }, (_, i) => `\${A${i}}`).join('') + '\nRUN apt-get install -y curl\n';
    const s = await check(args + '\n' + from, LARGE_BOUND_MS);
    assert.equal(s.stages, 1);
  });

  it('a RUN with 100,000 continuation lines', async () => {
    await check('FROM debian\nRUN apt-get install -y \\\n' + '  pkg \\\n'.repeat(100_000) + '  last\n', LARGE_BOUND_MS);
  });

  it('many apt-get installs in one stage, and in one RUN', async () => {
    // apt-recommends and build-tools-in-final-image size each install after the earlier ones
    // (aptStateBefore): walking the stage again for each install took 4.5 s for 1,000 RUNs, and
    // 230 s for one RUN of 1,000 installs (each earlier command sized again, each asking about the
    // rest of its RUN).
    const packages = ['curl', 'git', 'less', 'wget', 'gcc', 'make', 'vim', 'jq', 'unzip', 'procps'];
    const install = (i: number) => `apt-get install -y ${packages[i % packages.length]} ${packages[(i * 3 + 1) % packages.length]}`;
    const runs = Array.from({ length: 2_000 }, (_, i) => `RUN ${install(i)}\n`).join('');
    const runsOut = await check(`FROM debian:bookworm-slim\n${runs}`, LARGE_BOUND_MS);
    assert.equal(runsOut.findings.filter((f) => f.ruleId === 'apt-recommends').length, 2_000);
    const oneRun = Array.from({ length: 1_000 }, (_, i) => install(i)).join(' && ');
    const oneRunOut = await check(`FROM debian:bookworm-slim\nRUN ${oneRun}\n`, LARGE_BOUND_MS);
    assert.equal(oneRunOut.findings.filter((f) => f.ruleId === 'apt-recommends').length, 1_000);
  });

  it('deeply nested shell syntax', async () => {
    await check('FROM debian\nRUN ' + '$('.repeat(20_000) + 'apt-get install -y x' + ')'.repeat(20_000) + '\n', LARGE_BOUND_MS);
    await check('FROM debian\nRUN ' + '"'.repeat(50_001) + '\n', LARGE_BOUND_MS);
  });
});
