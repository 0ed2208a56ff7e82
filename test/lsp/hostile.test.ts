/**
 * Hostile input over LSP, against the real bundled server: every document gets diagnostics within
 * a time bound with ranges inside it, the server keeps answering afterwards, the light bulb stays
 * fast on a large file, and the CLI and the server report the same findings for the examples and
 * for random and mutated Dockerfiles (fast-check).
 * Large inputs each get their own server process, so one slow input cannot mask another. Random
 * and mutated Dockerfiles and ignore files (fast-check, bounded runs) go through one document
 * each, every version awaited, and the server must log no error.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as fc from 'fast-check';
import { main } from '../../server/src/cli';
import { generateDockerfile } from '../bench/lsp/generate';
import { anyDockerfile, randomDockerignore } from '../unit/hostile/arbitraries';
import { lspLineLengths, rangeProblem } from '../unit/hostile/bounded';
import { fileUri, LspTestClient, type PublishedDiagnostics } from '../support/lspClient';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const SMALL_BOUND_MS = 3_000;
const LARGE_BOUND_MS = 15_000;
const MB = 1024 * 1024;
const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261124);

const SMALL: Record<string, string> = {
  empty: '',
  bom: '\uFEFFFROM python:3.12\nRUN apt-get update && apt-get install -y curl\n',
  crlf: 'FROM python:3.12\r\nRUN apt-get update \\\r\n    && apt-get install -y curl\r\n',
  'lone-cr': 'FROM python:3.12\rRUN apt-get update && apt-get install -y curl\r',
  backtick: '# escape=`\nFROM python:3.12\nRUN apt-get update `\n    && apt-get install -y curl\n',
  'unclosed-heredoc': 'FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\n',
  'replacement-chars': 'FROM debian\nRUN apt-get install -y \uFFFD\uFFFD(\n\uFFFD',
  'lone-surrogates': 'FROM debian\nRUN apt-get install -y \uD800curl \uDC00\n',
  controls: 'FROM debian\u0000\nRUN apt-get\u0001 install -y curl\u0007\n',
};

function assertInside(text: string, published: PublishedDiagnostics): void {
  const lengths = lspLineLengths(text);
  for (const d of published.diagnostics) assert.equal(rangeProblem(d.range, lengths), undefined, `${d.code}: ${JSON.stringify(d.range)}`);
}

async function openAndTime(client: LspTestClient, uri: string, text: string, boundMs: number): Promise<{ ms: number; published: PublishedDiagnostics }> {
  const t0 = performance.now();
  await client.open(uri, text);
  const published = await client.diagnostics(uri, (p) => p.version === 1, boundMs);
  return { ms: performance.now() - t0, published };
}

describe('hostile input over LSP', function () {
  this.timeout(LARGE_BOUND_MS + 15_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-hostile-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('small hostile documents on one server', () => {
    let client: LspTestClient;
    before(async () => {
      client = await LspTestClient.start({ rootPath: dir });
    });
    after(async () => client?.stop());

    for (const [name, text] of Object.entries(SMALL)) {
      it(`${name}: diagnostics within ${SMALL_BOUND_MS} ms, ranges inside the document`, async () => {
        const { published } = await openAndTime(client, fileUri(path.join(dir, `${name}.Dockerfile`)), text, SMALL_BOUND_MS);
        assertInside(text, published);
      });
    }

    it('edits that break and re-close a heredoc keep diagnostics coming', async () => {
      const uri = fileUri(path.join(dir, 'editing.Dockerfile'));
      const base = 'FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n';
      await openAndTime(client, uri, base, SMALL_BOUND_MS);
      const versions = [base.replace('EOF\n', ''), base.replace('<<EOF', '<<'), base + 'RUN \\', base];
      for (const [i, text] of versions.entries()) {
        await client.change(uri, i + 2, text);
        assertInside(text, await client.diagnostics(uri, (p) => p.version === i + 2, SMALL_BOUND_MS));
      }
    });

    it('still answers hover and code actions after all of them', async () => {
      const uri = fileUri(path.join(dir, 'after.Dockerfile'));
      await openAndTime(client, uri, 'FROM python:3.12\n', SMALL_BOUND_MS);
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } });
      assert.match(hover?.contents.value ?? '', /python/);
      assert.equal(client.child.exitCode, null, 'the server exited');
    });
  });

  describe('random and mutated documents, one version after another', () => {
    let client: LspTestClient;
    before(async () => {
      fs.mkdirSync(path.join(dir, 'random'));
      client = await LspTestClient.start({ rootPath: path.join(dir, 'random') });
    });
    after(async () => client?.stop());

    const cases: [string, string, string, fc.Arbitrary<string>][] = [
      ['Dockerfiles', 'Dockerfile', 'dockerfile', anyDockerfile],
      ['.dockerignore files', '.dockerignore', 'dockerignore', randomDockerignore],
    ];
    for (const [name, file, languageId, arbitrary] of cases) {
      it(`${name}: diagnostics for every version, ranges inside, no error logged`, async () => {
        const uri = fileUri(path.join(dir, 'random', file));
        await client.open(uri, '', languageId);
        await client.diagnostics(uri, (p) => p.version === 1, SMALL_BOUND_MS);
        let version = 1;
        await fc.assert(
          fc.asyncProperty(arbitrary, async (text) => {
            const v = ++version;
            await client.change(uri, v, text);
            assertInside(text, await client.diagnostics(uri, (p) => p.version === v, SMALL_BOUND_MS));
          }),
          { numRuns: 100, interruptAfterTimeLimit: 8_000, seed: SEED },
        );
        assert.ok(version > 10, `only ${version - 1} versions ran`);
        assert.deepEqual(client.logs.filter((l) => l.type === 1).map((l) => l.message), []);
        assert.equal(client.child.exitCode, null, 'the server exited');
      });
    }
  });

  const LARGE: Record<string, () => string> = {
    '1 MB of binary data': () => {
      let s = '';
      for (let i = 0, x = 7; i < MB; i++) s += String.fromCharCode((x = (x * 1103515245 + 12345) >>> 0) % 256);
      return s;
    },
    'a 5 MB RUN line': () => 'FROM debian\nRUN echo ' + 'a'.repeat(5 * MB) + '\n',
    'a 5 MB realistic file': () => generateDockerfile(170_000, 5),
    '10,000 stages': () => Array.from({ length: 10_000 }, (_, i) => `FROM debian:bookworm AS s${i}\n${i > 0 ? `COPY --from=s${i - 1} /a /a\n` : ''}RUN apt-get install -y curl\n`).join(''),
    'a FROM with 5,000 ARG references': () =>
      Array.from({ length: 5_000 }, (_, i) => `ARG A${i}=${i === 0 ? 'debian' : ''}\n`).join('') + 'FROM ' + Array.from({ length: 5_000 }, (_, i) => `\${A${i}}`).join('') + '\nRUN apt-get update && apt-get install -y curl\n',
  };

  for (const [name, make] of Object.entries(LARGE)) {
    it(`${name}: diagnostics within ${LARGE_BOUND_MS} ms on a fresh server`, async () => {
      const client = await LspTestClient.start({ rootPath: dir });
      try {
        const text = make();
        const { published } = await openAndTime(client, fileUri(path.join(dir, 'large.Dockerfile')), text, LARGE_BOUND_MS);
        assertInside(text, published);
        // A clear result: findings, or a diagnostic saying why the file was not analysed.
        assert.ok(published.diagnostics.length > 0, 'no diagnostics at all: the user cannot tell "clean" from "not analysed"');
      } finally {
        // A server still busy with the input would ignore shutdown; kill it so nothing lingers.
        client.child.kill('SIGKILL');
        client.connection.dispose();
      }
    });
  }

  it('ONBUILD triggers too large to check with the file: an information diagnostic on the first ONBUILD says so', async () => {
    const client = await LspTestClient.start({ rootPath: dir });
    try {
      const text = `FROM debian:bookworm\nONBUILD RUN pip install a && echo ${'x'.repeat(600_000)}\n`;
      const { published } = await openAndTime(client, fileUri(path.join(dir, 'triggers.Dockerfile')), text, LARGE_BOUND_MS);
      const note = published.diagnostics.find((d) => /ONBUILD triggers not checked/.test(d.message));
      assert.ok(note, JSON.stringify(published.diagnostics));
      assert.equal(note.severity, 3);
      assert.equal(note.range.start.line, 1);
    } finally {
      client.child.kill('SIGKILL');
      client.connection.dispose();
    }
  });

  /** Ignore files in a context whose file names are hard for backtracking matchers (long runs of `a`). */
  const IGNORE_FILES: Record<string, () => string> = {
    'pathological patterns (200 `**/` then 200 `*a`, an unclosed class, 10,000 backslashes)': () => ['**/'.repeat(200) + '*a'.repeat(200) + 'b', '[' + 'a-'.repeat(5000), '\\'.repeat(10_000), `!${'*a'.repeat(100)}`, 'node_modules'].join('\n'),
    '1 MB of patterns (about 55,000 lines)': () => Array.from({ length: 55_000 }, (_, i) => `dir${i}/**/*.tmp`).join('\n'),
    'binary data': () => {
      let t = '';
      for (let i = 0, x = 11; i < 200_000; i++) t += String.fromCharCode((x = (x * 1103515245 + 12345) >>> 0) % 256);
      return t;
    },
  };

  for (const [name, make] of Object.entries(IGNORE_FILES)) {
    it(`a .dockerignore of ${name}: the ignore file and its Dockerfile get diagnostics within ${LARGE_BOUND_MS} ms`, async () => {
      const folder = fs.mkdtempSync(path.join(dir, 'ignore-'));
      for (let i = 0; i < 60; i++) fs.writeFileSync(path.join(folder, `${'a'.repeat(20 + i)}${i % 2 ? 'c' : ''}`), 'x');
      fs.mkdirSync(path.join(folder, `d${'a'.repeat(30)}`));
      fs.writeFileSync(path.join(folder, `d${'a'.repeat(30)}`, 'a'.repeat(70)), 'x');
      const ignore = make();
      fs.writeFileSync(path.join(folder, '.dockerignore'), ignore);
      const client = await LspTestClient.start({ rootPath: folder });
      try {
        const docText = 'FROM node:22-slim\nCOPY . /app\n';
        await openAndTime(client, fileUri(path.join(folder, 'Dockerfile')), docText, LARGE_BOUND_MS);
        const { published } = await openAndTime(client, fileUri(path.join(folder, '.dockerignore')), ignore, LARGE_BOUND_MS);
        assertInside(ignore, published);
        const hover = await client.request('textDocument/hover', { textDocument: { uri: fileUri(path.join(folder, '.dockerignore')) }, position: { line: 0, character: 1 } });
        assert.notEqual(hover, undefined);
        assert.deepEqual(client.logs.filter((l) => l.type === 1).map((l) => l.message), []);
      } finally {
        client.child.kill('SIGKILL');
        client.connection.dispose();
      }
    });
  }

  it(`a 5 MB .dockerignore beyond the limits: it and its Dockerfile say why within ${SMALL_BOUND_MS} ms, and the server keeps answering`, async () => {
    // 400,000 lines of `**/*N*/**` (wildcard-heavy, no literal start): before the limit the first
    // analysis of the Dockerfile waited seconds for a scan matching each path against all of them,
    // and checking the ignore document took seconds per version.
    const folder = fs.mkdtempSync(path.join(dir, 'beyond-'));
    fs.mkdirSync(path.join(folder, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'node_modules', 'dep', 'index.js'), 'x'.repeat(2 * MB));
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(folder, `f${i}.js`), 'x');
    const ignore = Array.from({ length: 400_000 }, (_, i) => `**/*${i}*/**`).join('\n');
    fs.writeFileSync(path.join(folder, '.dockerignore'), ignore);
    const client = await LspTestClient.start({ rootPath: folder });
    try {
      const dockerfile = fileUri(path.join(folder, 'Dockerfile'));
      const ignoreUri = fileUri(path.join(folder, '.dockerignore'));
      const opened = await openAndTime(client, dockerfile, 'FROM node:22-slim\nCOPY node_modules/dep /dep\nCOPY . /app\n', SMALL_BOUND_MS);
      const messages = opened.published.diagnostics.map((d) => `${d.code ?? ''} ${d.message}`);
      assert.ok(messages.some((m) => /The build context is not measured, since \.dockerignore is not evaluated: the file has [\d,]+ characters \(limit 50,000\)\./.test(m)), messages.join('\n'));
      // No figures or verdicts made without the ignore file.
      assert.deepEqual(opened.published.diagnostics.filter((d) => /^co(ntext|py-source)/.test(String(d.code))).map((d) => d.code), []);
      const { published } = await openAndTime(client, ignoreUri, ignore, SMALL_BOUND_MS);
      assert.deepEqual(published.diagnostics.map((d) => d.message), [`Not evaluated: the file has ${(ignore.length).toLocaleString('en-US')} characters (limit 50,000). Its patterns are not checked, and the build context of a Dockerfile that uses it is not measured.`]);
      const t0 = performance.now();
      const hover = (await client.request('textDocument/hover', { textDocument: { uri: ignoreUri }, position: { line: 1234, character: 2 } })) as { contents: { value: string } } | null;
      assert.match(hover?.contents.value ?? '', /^Not evaluated: the file has [\d,]+ characters \(limit 50,000\)/);
      const fromHover = (await client.request('textDocument/hover', { textDocument: { uri: dockerfile }, position: { line: 0, character: 7 } })) as { contents: { value: string } } | null;
      assert.ok(fromHover?.contents.value, 'no hover on FROM');
      const copyHover = (await client.request('textDocument/hover', { textDocument: { uri: dockerfile }, position: { line: 2, character: 1 } })) as { contents: { value: string } } | null;
      assert.match(copyHover?.contents.value ?? '', /COPY \. \/app: not sized \(the copied files, not measured since \.dockerignore is not evaluated: the file has [\d,]+ characters/);
      assert.ok(performance.now() - t0 < SMALL_BOUND_MS, `hovers took ${(performance.now() - t0).toFixed(0)} ms`);
      // A keystroke in the ignore document: the new version gets the same answer in time.
      const t1 = performance.now();
      await client.change(ignoreUri, 2, ignore + '\nnode_modules');
      const again = await client.diagnostics(ignoreUri, (p) => p.version === 2, SMALL_BOUND_MS);
      assert.equal(again.diagnostics.length, 1);
      assert.ok(performance.now() - t1 < SMALL_BOUND_MS);
      assert.deepEqual(client.logs.filter((l) => l.type === 1).map((l) => l.message), []);
    } finally {
      client.child.kill('SIGKILL');
      client.connection.dispose();
    }
  });

  it('the light bulb (code actions without `only`) answers within 2 s on a 1,000-line file', async () => {
    const folder = path.join(dir, 'bulb');
    fs.mkdirSync(folder);
    const client = await LspTestClient.start({ rootPath: folder });
    try {
      const uri = fileUri(path.join(folder, 'Dockerfile'));
      const { published } = await openAndTime(client, uri, generateDockerfile(1000, 1000), LARGE_BOUND_MS);
      const diags = published.diagnostics.filter((d) => d.source === 'dockerfile-size-hints').slice(0, 3);
      assert.equal(diags.length, 3, 'the generated file should have findings');
      // The best of three, so one pause of a busy machine does not decide the test.
      const times: number[] = [];
      for (const diag of diags) {
        const t0 = performance.now();
        await client.request('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], triggerKind: 2 } });
        times.push(performance.now() - t0);
      }
      assert.ok(Math.min(...times) < 2_000, `code actions took ${times.map(Math.round).join(', ')} ms`);
    } finally {
      await client.stop();
    }
  });

  const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3, hint: 4 };

  /** The CLI's findings for `file`, as `line:col-line:col severity rule message` with LSP's 0-based positions. */
  async function cliFindings(file: string): Promise<string[]> {
    let out = '';
    await main(['--format', 'json', file], (s) => (out += s), () => undefined);
    const report = (JSON.parse(out) as { findings: { ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number; message: string }[] }[])[0];
    return report.findings.map((f) => `${f.line - 1}:${f.column - 1}-${f.endLine - 1}:${f.endColumn - 1} ${SEVERITY[f.severity]} ${f.ruleId} ${f.message}`).sort();
  }

  /** The server's findings for `file` opened with its text from disk, in the same form. */
  async function serverFindings(client: LspTestClient, file: string): Promise<string[]> {
    const { published } = await openAndTime(client, fileUri(file), fs.readFileSync(file, 'utf8'), SMALL_BOUND_MS);
    return published.diagnostics
      .filter((d) => d.source === 'dockerfile-size-hints')
      .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.severity} ${d.code} ${d.message}`)
      .sort();
  }

  describe('the CLI and the server agree', () => {
    let client: LspTestClient;
    before(async () => {
      client = await LspTestClient.start({ rootPath: EXAMPLES });
    });
    after(async () => client?.stop());

    for (const example of fs.readdirSync(EXAMPLES).filter((e) => fs.existsSync(path.join(EXAMPLES, e, 'Dockerfile')))) {
      it(`on the example ${example}`, async () => {
        const file = path.join(EXAMPLES, example, 'Dockerfile');
        const fromCli = await cliFindings(file);
        assert.ok(fromCli.length > 0 || example.startsWith('optimised'), `the CLI found nothing in ${example}`);
        assert.deepEqual(await serverFindings(client, file), fromCli);
      });
    }

    it('on ignore files, checked against their build context', async () => {
      const ignoreFiles = [path.join(EXAMPLES, 'optimised-multistage', '.dockerignore')];
      const root = path.join(dir, 'agree-ignore');
      const texts = ['node_modules\n.git # repo\n*.log\n!keep.log\n', '**/*.tmp\n!src\nsrc/*.js\n!src/a.js\n/build\n', 'a\na\n[\n\\\n', ''];
      texts.forEach((text, i) => {
        const ctx = path.join(root, `case-${i}`);
        fs.mkdirSync(path.join(ctx, 'src'), { recursive: true });
        for (const f of ['src/a.js', 'src/b.js', 'app.log', 'Dockerfile']) fs.writeFileSync(path.join(ctx, f), 'x');
        fs.writeFileSync(path.join(ctx, '.dockerignore'), text);
        ignoreFiles.push(path.join(ctx, '.dockerignore'));
      });
      const server = await LspTestClient.start({ rootPath: root });
      try {
        let withFindings = 0;
        for (const file of ignoreFiles) {
          const fromCli = await cliFindings(file);
          if (fromCli.length > 0) withFindings++;
          assert.deepEqual(await serverFindings(file.startsWith(EXAMPLES) ? client : server, file), fromCli, `on ${file}`);
        }
        assert.ok(withFindings >= 3, `only ${withFindings} ignore files with findings`);
      } finally {
        await server.stop();
      }
    });

    it('on random and mutated Dockerfiles, each alone in its build context', async () => {
      const root = path.join(dir, 'agree');
      fs.mkdirSync(root);
      const server = await LspTestClient.start({ rootPath: root });
      let n = 0;
      let withFindings = 0;
      try {
        await fc.assert(
          fc.asyncProperty(anyDockerfile, async (text) => {
            const file = path.join(root, `case-${n++}`, 'Dockerfile');
            fs.mkdirSync(path.dirname(file));
            fs.writeFileSync(file, text);
            const fromCli = await cliFindings(file);
            if (fromCli.length > 0) withFindings++;
            assert.deepEqual(await serverFindings(server, file), fromCli, `on ${JSON.stringify(fs.readFileSync(file, 'utf8'))}`);
          }),
          { numRuns: 60, interruptAfterTimeLimit: 15_000, seed: SEED },
        );
      } finally {
        await server.stop();
      }
      assert.ok(n >= 10 && withFindings >= 5, `only ${n} files, ${withFindings} with findings`);
    });
  });
});
