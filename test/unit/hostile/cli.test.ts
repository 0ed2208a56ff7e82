/**
 * Hostile input to the CLI, as a user runs it: the shipped bundle (`dist/cli.js`) in its own
 * process on files written as raw bytes (so invalid UTF-8, a BOM and binary data reach the CLI's
 * own file reading), each under a time bound enforced by killing the process. Every run must end
 * in time with exit code 0 or 1 (never 2, a crash or a stack trace), print JSON, keep every
 * finding inside the file (1-based lines and columns as the CLI prints them), and give a clear
 * result: findings, or the reason the file was not analysed. The same for hostile .dockerignore
 * files in the build context, which the CLI reads and matches while it scans the context.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDockerfile, prng } from '../../bench/lsp/generate';
import { writeFiles } from '../../support/contextTree';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MB = 1024 * 1024;
/** Process start included (about 0.3 s); generous for a shared 2-core machine. */
const SMALL_BOUND_MS = 8_000;
const LARGE_BOUND_MS = 20_000;

interface Finding { ruleId: string; line: number; column: number; endLine: number; endColumn: number }
interface Report { file: string; findings: Finding[]; error?: string }

const PLAIN = 'FROM python:3.12\nRUN apt-get update \\\n    && apt-get install -y curl git\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';

function bytes(n: number, seed: number): Buffer {
  const rnd = prng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

/** Line lengths as the CLI counts them: the file decoded as UTF-8; `\r\n`, `\n` and `\r` end a line. */
function lineLengths(content: Buffer): number[] {
  return content.toString('utf8').split(/\r\n|\r|\n/).map((l) => l.length);
}

describe('hostile input: the CLI bundle', function () {
  this.timeout(LARGE_BOUND_MS + 10_000);
  let dir: string;
  let n = 0;

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run compile`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-hostile-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes `files` (relative path -> bytes, or a size for a sparse file) into a fresh folder and runs the CLI on its Dockerfile. */
  function run(files: Record<string, Buffer | string | number>, boundMs: number, nodeArgs: string[] = []): { report: Report; content: Buffer; ms: number } {
    const folder = path.join(dir, `case-${n++}`);
    writeFiles(folder, files);
    const file = path.join(folder, 'Dockerfile');
    const started = Date.now();
    const r = spawnSync(process.execPath, [...nodeArgs, CLI, '--format', 'json', file], { cwd: folder, encoding: 'utf8', timeout: boundMs, killSignal: 'SIGKILL', maxBuffer: 256 * MB });
    const ms = Date.now() - started;
    assert.equal(r.error, undefined, `the CLI did not finish within ${boundMs} ms (${r.error?.message})`);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (signal ${r.signal}); stderr: ${r.stderr.slice(0, 2000)}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace on stderr: ${r.stderr.slice(0, 2000)}`);
    const reports = JSON.parse(r.stdout) as Report[];
    assert.equal(reports.length, 1);
    const content = fs.readFileSync(file);
    const lengths = lineLengths(content);
    for (const f of reports[0].findings) {
      const where = `${f.ruleId} at ${f.line}:${f.column}-${f.endLine}:${f.endColumn} (${lengths.length} lines)`;
      assert.ok(f.line >= 1 && f.endLine >= f.line && f.endLine <= lengths.length, `line outside the file: ${where}`);
      assert.ok(f.column >= 1 && f.column <= lengths[f.line - 1] + 1, `start column outside its line: ${where}`);
      assert.ok(f.endColumn >= 1 && f.endColumn <= lengths[f.endLine - 1] + 1, `end column outside its line: ${where}`);
      assert.ok(f.endLine > f.line || f.endColumn >= f.column, `ends before it starts: ${where}`);
    }
    return { report: reports[0], content, ms };
  }

  const ids = (r: Report) => r.findings.map((f) => f.ruleId).sort();
  /** Findings, an image estimate, or the reason the file was not analysed: never a silent nothing. */
  const clear = (r: Report & { estimate?: { summary?: string } }) =>
    assert.ok(r.findings.length > 0 || /\S/.test(r.error ?? '') || /\S/.test(r.estimate?.summary ?? ''), `neither findings, an estimate nor a reason: ${JSON.stringify(r)}`);

  describe('Dockerfiles', () => {
    it('an empty file: no findings, no error', () => {
      const { report } = run({ Dockerfile: '' }, SMALL_BOUND_MS);
      assert.deepEqual(report.findings, []);
      assert.equal(report.error, undefined);
    });

    it('a byte order mark, CRLF line ends, lone CRs and the backtick escape: the plain file\'s findings', () => {
      const plain = run({ Dockerfile: PLAIN }, SMALL_BOUND_MS).report;
      assert.ok(plain.findings.length > 0);
      const crlf = run({ Dockerfile: PLAIN.replace(/\n/g, '\r\n') }, SMALL_BOUND_MS).report;
      assert.deepEqual(crlf.findings, plain.findings, 'CRLF moved or changed findings');
      assert.deepEqual(ids(run({ Dockerfile: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PLAIN)]) }, SMALL_BOUND_MS).report), ids(plain));
      assert.deepEqual(ids(run({ Dockerfile: PLAIN.replace(/\n/g, '\r') }, SMALL_BOUND_MS).report), ids(plain));
      assert.deepEqual(ids(run({ Dockerfile: '# escape=`\n' + PLAIN.replace(/\\$/gm, '`') }, SMALL_BOUND_MS).report), ids(plain));
    });

    it('invalid UTF-8, NUL and control bytes', () => {
      const invalid = Buffer.concat([Buffer.from('FROM debian\nRUN apt-get update && apt-get install -y '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xe2, 0x82, 0x00, 0x07, 0x1b]), Buffer.from('\nRUN echo \xc0\xaf\n', 'latin1')]);
      clear(run({ Dockerfile: invalid }, SMALL_BOUND_MS).report);
    });

    it('unclosed heredocs', () => {
      for (const text of ['FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\n', 'FROM debian\nCOPY <<A <<B /x\nalpha\nA\nbeta\n', 'FROM debian\nRUN <<-EOT cat\n\tapt-get install -y vim\n']) {
        clear(run({ Dockerfile: text }, SMALL_BOUND_MS).report);
      }
    });

    it('1 MB of random bytes', () => {
      run({ Dockerfile: bytes(MB, 11) }, LARGE_BOUND_MS);
    });

    it('5 MB in one RUN line, and 5 MB of realistic instructions', () => {
      clear(run({ Dockerfile: 'FROM debian\nRUN echo ' + 'a'.repeat(5 * MB) + '\n' }, LARGE_BOUND_MS).report);
      clear(run({ Dockerfile: generateDockerfile(170_000, 5) }, LARGE_BOUND_MS).report);
    });

    it('10,000 stages', () => {
      const text = Array.from({ length: 10_000 }, (_, i) => `FROM debian:bookworm AS s${i}\n${i > 0 ? `COPY --from=s${i - 1} /a /a\n` : ''}RUN apt-get install -y curl\n`).join('');
      clear(run({ Dockerfile: text }, LARGE_BOUND_MS).report);
    });

    it('a FROM built from 5,000 ARG references', () => {
      const text = Array.from({ length: 5_000 }, (_, i) => `ARG A${i}=${i === 0 ? 'debian' : ''}\n`).join('') + 'FROM ' + Array.from({ length: 5_000 }, (_, i) => `\${A${i}}`).join('') + '\nRUN apt-get update && apt-get install -y curl\n';
      clear(run({ Dockerfile: text }, LARGE_BOUND_MS).report);
    });
  });

  describe('.dockerignore files in the build context', () => {
    /** A context whose node_modules only a working ignore file keeps out of `COPY . .`. */
    const context = (ignore: Buffer | string): Record<string, Buffer | string | number> => ({
      Dockerfile: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\n',
      'package.json': '{"name":"x"}\n',
      'node_modules/dep/blob.bin': 300 * MB,
      '.dockerignore': ignore,
    });
    const ignoresNodeModules = (r: Report) => !r.findings.some((f) => f.ruleId === 'context-large-paths' || f.ruleId === 'context-without-dockerignore');

    it('a byte order mark and CRLF line ends: the patterns still apply', () => {
      // Positive control: without the pattern, the context rules speak.
      assert.ok(!ignoresNodeModules(run(context('*.log\n'), SMALL_BOUND_MS).report), 'node_modules should be reported without a pattern for it');
      // (A lone CR does not end a line for Docker, which splits on \n and drops one \r before it.)
      for (const ignore of [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('node_modules\n')]), 'node_modules\r\n*.log\r\n', '*.log\r\nnode_modules\r\n']) {
        const { report } = run(context(ignore), SMALL_BOUND_MS);
        assert.ok(ignoresNodeModules(report), `node_modules not ignored with ${JSON.stringify(ignore.toString())}: ${JSON.stringify(report.findings.map((f) => f.ruleId))}`);
      }
    });

    it('binary, invalid UTF-8, 5 MB of patterns and pathological patterns: an answer in time', () => {
      const pathological = ['**/'.repeat(200) + '*a'.repeat(200) + 'b', '[' + 'a-'.repeat(5000), '\\'.repeat(10_000), '!'.repeat(10_000) + 'x', `${'*'.repeat(50_000)}z`].join('\n');
      for (const [ignore, bound] of [
        [bytes(MB, 12), LARGE_BOUND_MS],
        [Buffer.from([0x6e, 0x6f, 0x64, 0x65, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x0a, 0x00, 0x0a]), SMALL_BOUND_MS],
        // 5 MB, about 250,000 patterns (this ran out of memory after 21 s before patterns were
        // checked against their literal start first and their regexps built on first use).
        [Array.from({ length: 250_000 }, (_, i) => `dir${i}/**/*.tmp`).join('\n'), LARGE_BOUND_MS],
        [pathological, LARGE_BOUND_MS],
        ['', SMALL_BOUND_MS],
      ] as [Buffer | string, number][]) {
        run(context(ignore), bound);
      }
    });

    it('beyond the limits (5 MB of wildcard-heavy patterns): the reason within 3 s in 64 MB of heap, and no context figures', () => {
      // 400,000 lines of `**/*N*/**`: before the limit the CLI matched every path against each (the
      // linear-time engine, about 0.2 ms and 30 KB a pattern), seconds and gigabytes.
      const ignore = Array.from({ length: 400_000 }, (_, i) => `**/*${i}*/**`).join('\n');
      assert.ok(ignore.length > 5_000_000);
      const { report, ms } = run(context(ignore), 3_000, ['--max-old-space-size=64']);
      assert.match(report.error ?? '', /The build context is not measured, since \.dockerignore is not evaluated: the file has [\d,]+ characters \(limit 50,000\)\./);
      // Numbers computed without the ignore file would be wrong: none are given.
      assert.deepEqual(report.findings.filter((f) => f.ruleId.startsWith('context-')).map((f) => f.ruleId), []);
      assert.ok(ms < 3_000, `${ms} ms`);
      // The same file at 2,001 lines (small in characters) is refused for its lines.
      const lines = run(context(Array.from({ length: 2_001 }, (_, i) => `**/*${i}*/**`).join('\n')), SMALL_BOUND_MS).report;
      assert.match(lines.error ?? '', /the file has 2,001 lines \(limit 2,000\)/);
    });
  });
});
