/**
 * The CLI: the same findings as the core, compiler-like text, JSON, and stable exit codes.
 * One test runs the shipped bundle the way a user does.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../server/src/cli';
import { analyze, LIMITS } from '../../../server/src/core/analyze';
import { checkDockerignore } from '../../../server/src/core/dockerignore';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s + '\n'), (s) => (err += s + '\n'));
  return { code, out, err };
}

describe('CLI', () => {
  it('prints path:line:col severity rule-id message and exits 1 on warnings', async () => {
    const r = await run([path.join(EXAMPLES, 'python-naive')]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    const estimate = lines.pop()!;
    assert.match(estimate, /python-naive\/Dockerfile: final image at least about 1\.\d GB \(base 1\.\d GB/);
    assert.ok(lines.length >= 4);
    for (const l of lines) assert.match(l, /^.+Dockerfile:\d+:\d+ (error|warning|info|hint) [a-z-]+ .+$/);
    assert.match(r.out, /:2:6 warning base-image-not-slim /);
  });
  it('exits 0 on the optimised example (hints only) and honours --severity', async () => {
    const r = await run([path.join(EXAMPLES, 'optimised-multistage')]);
    assert.equal(r.code, 0, r.out);
    assert.ok(!/ warning /.test(r.out));
    const strict = await run(['--severity', 'hint', path.join(EXAMPLES, 'optimised-multistage')]);
    assert.equal(strict.code, r.out.trim() ? 1 : 0);
  });
  it('--severity sets the level that fails the run and hides nothing: a cost handed over to a rule set lower is still printed', async () => {
    // apk-cache-kept leaves `apk update && apk add` to apk-update-cache-kept; with that rule at info
    // in the project file, the cost is printed once, as info, whatever the level.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-severity-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.21\nRUN apk update && apk add curl\n');
      fs.writeFileSync(path.join(dir, '.dockerfile-size-hints.yaml'), 'rules:\n  apk-update-cache-kept: info\n');
      for (const severity of ['error', 'warning', 'info']) {
        const r = await run(['--severity', severity, dir]);
        assert.match(r.out, /Dockerfile:2:5 info apk-update-cache-kept /, severity);
        assert.doesNotMatch(r.out, /apk-cache-kept/, severity);
        assert.equal(r.code, severity === 'info' ? 1 : 0, severity);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('writes JSON with the image estimate', async () => {
    const r = await run(['--format', 'json', path.join(EXAMPLES, 'node-app')]);
    const parsed = JSON.parse(r.out);
    assert.equal(parsed.length, 1);
    assert.ok(parsed[0].estimate.bytes > 1e9);
    assert.equal(parsed[0].estimate.base.reference, 'node:22');
    assert.equal(parsed[0].estimate.sized, true);
    assert.ok(parsed[0].findings.every((f: { line: number; ruleId: string }) => f.line >= 1 && f.ruleId));
  });
  it('says in JSON when the estimate gives no figure for the image (a base not in the table)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-unsized-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM continuumio/miniconda3:24.7.1-0\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n');
    const [report] = JSON.parse((await run(['--format', 'json', dir])).out);
    assert.equal(report.estimate.sized, false);
    assert.ok(report.estimate.bytes > 0, 'the layers are still counted');
    assert.match(report.estimate.summary, /^not sized \(base not sized \+ /);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('writes SARIF 2.1.0 with rule metadata and help', async () => {
    const r = await run(['--format', 'sarif', '--help-uri', 'https://example.test/docs/rules', path.join(EXAMPLES, 'python-naive')]);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    assert.equal(run0.tool.driver.name, 'dockerfile-size-hints');
    const rules = run0.tool.driver.rules;
    assert.ok(rules.find((x: { id: string }) => x.id === 'apt-lists-kept').help.markdown.includes('rm -rf /var/lib/apt/lists'));
    assert.equal(rules.find((x: { id: string }) => x.id === 'apt-lists-kept').helpUri, 'https://example.test/docs/rules/apt-lists-kept.md');
    assert.ok(run0.results.length >= 4);
    for (const res of run0.results) {
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
  });
  it('writes GitHub Actions annotations', async () => {
    const r = await run(['--format', 'github', path.join(EXAMPLES, 'python-naive')]);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.length >= 4);
    for (const l of lines) assert.match(l, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::.+$/);
  });
  it('fixes files with --fix (preferred fixes only) and creates the .dockerignore', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-'));
    fs.cpSync(path.join(EXAMPLES, 'python-naive'), dir, { recursive: true });
    const r = await run(['--fix', dir]);
    const fixed = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    assert.match(fixed, /apt-get install --no-install-recommends -y libpq-dev gcc libc6-dev && rm -rf \/var\/lib\/apt\/lists\/\*\n/);
    assert.match(fixed, /pip install --no-cache-dir -r requirements\.txt/);
    assert.match(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'), /__pycache__/);
    // The -slim tag and the builder stage need a review: not applied, still reported.
    assert.match(fixed, /^FROM python:3\.12$/m);
    assert.equal(fixed.match(/^FROM /gm)?.length, 1);
    assert.equal(r.code, 1, r.out);
    assert.deepEqual(r.out.match(/ warning [a-z-]+ /g), [' warning base-image-not-slim ', ' warning build-tools-in-final-image ']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('applies the fixes that need a review too with --fix --unsafe-fixes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-'));
    fs.cpSync(path.join(EXAMPLES, 'python-naive'), dir, { recursive: true });
    const r = await run(['--fix', '--unsafe-fixes', dir]);
    assert.equal(r.code, 0, r.out);
    const fixed = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    // The split goes first, so the builder keeps the full image: -slim there would save nothing and risk its build.
    assert.match(fixed, /^FROM python:3\.12 AS build$/m);
    assert.match(fixed, /^FROM python:3\.12-slim$/m);
    assert.match(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8'), /__pycache__/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('documents --fix and --unsafe-fixes in --help, and refuses --unsafe-fixes without --fix', async () => {
    const help = await run(['--help']);
    assert.match(help.out, /--fix +apply the safe fixes/);
    assert.match(help.out, /--unsafe-fixes +with --fix, also apply the fixes that need a review/);
    const alone = await run(['--unsafe-fixes', path.join(EXAMPLES, 'python-naive')]);
    assert.equal(alone.code, 2);
    assert.match(alone.err, /--unsafe-fixes only applies with --fix/);
  });
  it('reports an error over --max-size', async () => {
    const r = await run(['--max-size', '250MB', path.join(EXAMPLES, 'python-naive')]);
    assert.match(r.out, /error image-over-budget The final image is at least about 1\.\d GB .* over the budget of 250 MB/);
    assert.equal((await run(['--max-size', 'huge'])).code, 2);
  });
  it('gives ONBUILD triggers too large to check as a note, not an error: it does not fail the run', async () => {
    // The triggers are analysed in a copy that holds the file and them again (onbuild.test).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-onbuild-'));
    try {
      const file = path.join(dir, 'Dockerfile');
      fs.writeFileSync(file, `FROM debian:bookworm-slim\nWORKDIR /app\nONBUILD RUN pip install a && echo ${'x'.repeat(600_000)}\n`);
      const text = await run(['--severity', 'error', file]);
      assert.equal(text.code, 0, text.out);
      assert.match(text.out, /Dockerfile:3: note: ONBUILD triggers not checked: the file is too large with them\.\n/);
      assert.doesNotMatch(text.out, /error/);
      const json = JSON.parse((await run(['--format', 'json', file])).out);
      assert.deepEqual(json[0].note, { line: 3, message: 'ONBUILD triggers not checked: the file is too large with them.' });
      assert.equal(json[0].error, undefined);
      const sarif = JSON.parse((await run(['--format', 'sarif', file])).out).runs[0].invocations[0];
      assert.equal(sarif.executionSuccessful, true);
      assert.deepEqual(sarif.toolExecutionNotifications.map((n: { level: string }) => n.level), ['note']);
      assert.match((await run(['--format', 'github', file])).out, /^::notice file=.*Dockerfile,line=3::ONBUILD triggers not checked/m);
      const help = (await run(['--help'])).out;
      assert.match(help, /A note \(ONBUILD triggers too large to\s+check\) is information and does not count/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('exits 2 on usage errors', async () => {
    assert.equal((await run(['--format', 'xml'])).code, 2);
    assert.equal((await run(['--bogus'])).code, 2);
    assert.equal((await run([path.join(EXAMPLES, 'does-not-exist')])).code, 2);
  });
  it('runs as the shipped bundle', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), EXAMPLES], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /python-naive\/Dockerfile:\d+:\d+ warning apt-lists-kept/);
    assert.match(r.stderr, /4 Dockerfiles and 1 ignore file analysed/);
  });
});

describe('CLI on .dockerignore files', () => {
  let dir: string;
  const ignoreText = 'node_modules\n.git # the repository\n*.log\n!keep.log\n';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-cli-ignore-'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'index.js'), 'x');
    fs.writeFileSync(path.join(dir, 'app.js'), 'x');
    fs.writeFileSync(path.join(dir, '.dockerignore'), ignoreText);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM node:22-slim\nCOPY . /app\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks an ignore file as the editor does, against the scan of its context, not as a Dockerfile', async () => {
    const r = await run(['--format', 'json', path.join(dir, '.dockerignore')]);
    const [report] = JSON.parse(r.out) as { findings: { ruleId: string; line: number }[]; estimate?: unknown }[];
    assert.equal(report.estimate, undefined);
    const listing = { files: ['.dockerignore', 'Dockerfile', 'app.js', 'node_modules/x/index.js'], dirs: ['node_modules', 'node_modules/x'] };
    assert.deepEqual(report.findings.map((f) => `${f.line} ${f.ruleId}`), checkDockerignore(ignoreText, { context: listing }).map((f) => `${f.range.start.line + 1} ${f.ruleId}`));
    assert.ok(report.findings.some((f) => f.ruleId === 'dockerignore-hash-in-pattern' && f.line === 2));
    assert.ok(report.findings.some((f) => f.ruleId === 'dockerignore-matches-nothing' && f.line === 4), 'a check that needs the listing');
    assert.equal(r.code, 1);
  });

  it('scans a build context once for a Dockerfile and the ignore file it reads', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const scanModule = require('../../../server/src/sources/context/scan') as { scanBuildContext: (...args: unknown[]) => unknown };
    const real = scanModule.scanBuildContext;
    let calls = 0;
    scanModule.scanBuildContext = (...args: unknown[]) => (calls++, real(...args));
    try {
      await run([dir]);
    } finally {
      scanModule.scanBuildContext = real;
    }
    assert.equal(calls, 1);
  });

  it('finds ignore files in folders, counts them apart, and names their rules in SARIF', async () => {
    const text = await run([dir]);
    assert.match(text.out, /\.dockerignore:2:\d+ warning dockerignore-hash-in-pattern /);
    assert.match(text.err, /^1 Dockerfile and 1 ignore file analysed, \d+ findings\.$/m);
    const sarif = JSON.parse((await run(['--format', 'sarif', dir])).out);
    const { rules } = sarif.runs[0].tool.driver;
    for (const result of sarif.runs[0].results) assert.equal(rules[result.ruleIndex].id, result.ruleId);
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId.startsWith('dockerignore-')));
  });
});

describe('analysis limits', () => {
  it('answers at once, with the reason, for files beyond the limits', () => {
    const stages = 'FROM debian AS s\n'.repeat(LIMITS.stages + 1);
    const started = Date.now();
    const a = analyze(stages, { context: {} });
    assert.match(a.skipped ?? '', /^Not analysed: the file has 501 stages \(limit 500\)\.$/);
    assert.ok(Date.now() - started < 1000);
    assert.match(analyze('FROM a\nRUN true' + ' \\\n && true'.repeat(LIMITS.continuationLines + 1), { context: {} }).skipped ?? '', /continues over 5,001 lines/);
    assert.match(analyze('#'.repeat(LIMITS.chars + 1), { context: {} }).skipped ?? '', /characters \(limit 1,000,000\)/);
    assert.equal(analyze('FROM a\nRUN a \\\n  b\n', { context: {} }).skipped, undefined);
  });
});
