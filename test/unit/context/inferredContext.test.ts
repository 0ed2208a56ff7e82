/**
 * A Dockerfile in a subfolder that nothing names a context for is taken to be built from the
 * folder where what it copies exists (`docker build -f docker/Dockerfile .`), and a .dockerignore
 * beside Dockerfiles that are all built from elsewhere is reported as read by no build. On real
 * temporary folders; the CLI and the language server read the same facts (sources/context/facts.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ignoreFileNotRead, resolveBuildContext } from '../../../server/src/sources/context/facts';
import { readFacts } from '../../../server/src/sources/workspace';
import { analyseFiles } from '../../../server/src/cli';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { checkDockerignore } from '../../../server/src/core/dockerignore';
import { writeFiles } from '../../support/contextTree';
import { copyInstructions } from '../../../server/src/sources/context/inference';
import { explicitSources } from '../../../server/src/core/buildContext';
import { buildModel } from '../../../server/src/core/model';

const DOCKERFILE = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY src/ ./src/\nCOPY . .\n';

describe('build context inferred from what the Dockerfile copies', () => {
  let ws: string;
  const at = (...p: string[]) => path.join(ws, ...p);
  const layout = () => ({ workspaceFolders: [ws] });
  before(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-inferred-'));
    writeFiles(ws, {
      'package.json': '{"name":"app"}',
      'src/index.js': 'console.log(1)\n',
      'docker/Dockerfile': DOCKERFILE,
      'docker/.dockerignore': 'node_modules\n',
      // Both folders hold one of the two sources: a tie, so the Dockerfile's folder.
      'tie/package.json': '{}',
      'tie/sub/src/a.js': 'a\n',
      'tie/sub/package.json': '{}',
      'tie/sub/Dockerfile': 'FROM node:22-slim\nCOPY package.json src/ ./\n',
      // Nothing it names exists anywhere: its own folder.
      'none/Dockerfile': 'FROM alpine\nCOPY missing.txt /\n',
      // Only `COPY .`: nothing to tell folders apart by.
      'whole/Dockerfile': 'FROM alpine\nCOPY . /app\n',
      // Compose names the Dockerfile's own folder as the context: no inference.
      'composed/compose.yaml': 'services:\n  app:\n    build:\n      context: ./docker\n',
      'composed/package.json': '{}',
      'composed/docker/Dockerfile': 'FROM node:22-slim\nCOPY package.json ./\n',
      'composed/docker/.dockerignore': 'x\n',
    });
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('takes the workspace root when the COPY sources exist there and not beside the Dockerfile, and says why', async () => {
    const r = await resolveBuildContext(at('docker', 'Dockerfile'), layout());
    assert.equal(r.dir, ws);
    assert.equal(r.via, 'inferred');
    assert.equal(r.detail, 'inferred as the workspace root: 2 of the 2 COPY/ADD sources exist there (package.json, src/), none in docker/');
  });

  it("keeps the Dockerfile's folder on a tie, when nothing resolves, and when nothing is copied by name", async () => {
    assert.deepEqual(await resolveBuildContext(at('tie', 'sub', 'Dockerfile'), layout()), { dir: at('tie', 'sub'), via: 'dockerfile-folder' });
    assert.deepEqual(await resolveBuildContext(at('none', 'Dockerfile'), layout()), { dir: at('none'), via: 'dockerfile-folder' });
    assert.deepEqual(await resolveBuildContext(at('whole', 'Dockerfile'), layout()), { dir: at('whole'), via: 'dockerfile-folder' });
  });

  it('lets the setting and Compose decide before any inference, and infers nothing outside a workspace folder', async () => {
    assert.equal((await resolveBuildContext(at('docker', 'Dockerfile'), { workspaceFolders: [ws], buildContext: 'docker' })).via, 'setting');
    assert.equal((await resolveBuildContext(at('composed', 'docker', 'Dockerfile'), layout())).via, 'compose');
    assert.equal((await resolveBuildContext(at('docker', 'Dockerfile'), { workspaceFolders: [] })).via, 'dockerfile-folder');
  });

  it('names the inferred context where the estimate and context-without-dockerignore speak of it, and creates the ignore file there', async () => {
    const context = await readFacts(at('docker', 'Dockerfile'), layout());
    assert.equal(context.newIgnoreFilePath, '../.dockerignore');
    const analysis = analyze(DOCKERFILE, { context });
    const finding = analysis.findings.find((f) => f.ruleId === 'context-without-dockerignore');
    assert.match(finding?.message ?? '', /copies the whole build context \(inferred as the workspace root: 2 of the 2 COPY\/ADD sources exist there \(package\.json, src\/\), none in docker\/\), and there is no \.dockerignore/);
    const copy = estimateImage(analysis.model, { context })?.layers.find((l) => l.instr.index === 4);
    assert.match(copy?.parts[0].basis ?? '', /^sum of the file sizes in the build context \(inferred as the workspace root: .*\), no ignore file$/);
  });

  it('reports a .dockerignore beside Dockerfiles that are all built with another context, naming them and where Docker reads one', async () => {
    const by = await ignoreFileNotRead(at('docker', '.dockerignore'), layout());
    assert.deepEqual(by, [{ dockerfile: 'Dockerfile', context: '..', how: 'inferred as the workspace root: 2 of the 2 COPY/ADD sources exist there (package.json, src/), none in docker/' }]);
    const [f] = checkDockerignore('node_modules\n', { notReadBy: by });
    assert.equal(f.ruleId, 'dockerignore-not-read');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 12 } });
    assert.match(f.message, /^No build reads this \.dockerignore: `Dockerfile` is built with the context `\.\.` \(inferred as the workspace root: .*\)\. Docker reads the ignore file at the root of the build context \(`\.\.\/\.dockerignore`\), or `Dockerfile\.dockerignore` beside the Dockerfile, which BuildKit reads first and the classic builder never does\./);
  });

  it('says nothing when a build uses the folder as its context, or of <name>.dockerignore', async () => {
    assert.equal(await ignoreFileNotRead(at('composed', 'docker', '.dockerignore'), layout()), undefined);
    assert.equal(await ignoreFileNotRead(at('docker', '.dockerignore'), { workspaceFolders: [ws], buildContext: 'docker' }), undefined);
    assert.equal(await ignoreFileNotRead(at('docker', '.dockerignore'), { workspaceFolders: [ws], buildContext: { 'other/*': 'docker' } }), undefined);
    writeFiles(ws, { 'docker/api.Dockerfile': 'FROM alpine\nCOPY . /\n' });
    try {
      // api.Dockerfile is built from docker/ (nothing names another context): the file is read.
      assert.equal(await ignoreFileNotRead(at('docker', '.dockerignore'), layout()), undefined);
    } finally {
      fs.rmSync(at('docker', 'api.Dockerfile'));
    }
    assert.equal(await ignoreFileNotRead(at('docker', 'Dockerfile.dockerignore'), layout()), undefined);
    // A context folder with no Dockerfile beside its ignore file.
    assert.equal(await ignoreFileNotRead(at('.dockerignore'), layout()), undefined);
  });

  it('gives the CLI the same: the inferred context for the Dockerfile, the finding for the ignore file, and --build-context overrides', async () => {
    const cwd = process.cwd();
    process.chdir(ws);
    try {
      const [df, ignore] = await analyseFiles(['docker/Dockerfile', 'docker/.dockerignore']);
      assert.ok(df.findings.some((f) => f.ruleId === 'context-without-dockerignore' && /inferred as the workspace root/.test(f.message)));
      // Not also "matches nothing in the build context": no build's context is checked against it.
      assert.deepEqual(ignore.findings.map((f) => f.ruleId), ['dockerignore-not-read']);
      const [own, read] = await analyseFiles(['docker/Dockerfile', 'docker/.dockerignore'], false, undefined, 'docker');
      assert.ok(!own.findings.some((f) => /inferred/.test(f.message)));
      assert.ok(!read.findings.some((f) => f.ruleId === 'dockerignore-not-read'));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('the instructions the inference reads (copyInstructions)', () => {
  const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : files(path.join(dir, e.name))) : /Dockerfile/.test(e.name) ? [path.join(dir, e.name)] : []));

  it("give the same sources as the whole file on every Dockerfile of the repository's examples and fixtures (here-documents aside)", () => {
    const corpus = [...files(path.join(ROOT, 'examples')), ...files(path.join(ROOT, 'test', 'fixtures'))];
    assert.ok(corpus.length > 100, `${corpus.length} files`);
    let compared = 0;
    for (const file of corpus) {
      const text = fs.readFileSync(file, 'utf8');
      if (text.includes('<<')) continue;
      const whole = [...new Set(explicitSources(buildModel(text)))];
      const read = [...new Set(explicitSources(buildModel(copyInstructions(text))))];
      assert.deepEqual(read, whole, path.relative(ROOT, file));
      compared++;
    }
    assert.ok(compared > 100, `${compared} compared`);
  });

  it('keeps continuation lines (with the backtick escape too), RUN --mount on a later line, and stops at 40 instructions', () => {
    const text = '# escape=`\nFROM x\nCOPY a `\n  b /d/\nRUN echo hi\nRUN `\n  --mount=type=bind,source=c,target=/c true\n';
    assert.deepEqual(explicitSources(buildModel(copyInstructions(text))), explicitSources(buildModel(text)));
    // A `# escape=` comment after the first instruction is no directive: the backslash still continues lines.
    const late = 'FROM x\n# escape=`\nCOPY a \\\n  b /d/\n';
    assert.deepEqual(explicitSources(buildModel(copyInstructions(late))), ['a', 'b']);
    assert.deepEqual(explicitSources(buildModel(copyInstructions(late))), explicitSources(buildModel(late)));
    const many = `FROM x\n${Array.from({ length: 100 }, (_, i) => `COPY f${i} /d/\n`).join('')}`;
    assert.equal(explicitSources(buildModel(copyInstructions(many))).length, 40);
  });
});
