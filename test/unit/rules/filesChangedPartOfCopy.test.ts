/**
 * files-changed-in-later-layer on part of a copy of a build-context folder (`COPY . /app` then
 * `RUN rm -rf /app/.git`, `COPY app /srv` then `RUN chmod -R 755 /srv/bin`), on a real folder
 * scanned as the server scans it: the figure of the path the change covers when the scan has one
 * (a top-level entry, a heavy folder, a folder a few levels down), and no finding for a path the
 * scan's listing shows not to be in the context.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { createDockerignoreMatcher } from '../../../server/src/core/dockerignore';
import type { AnalysisEnvironment, BuildContextFacts } from '../../../server/src/core/environment';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';
import { scanFacts } from '../../../server/src/sources/context/facts';
import { scanBuildContext, type ContextScanOptions } from '../../../server/src/sources/context/scan';
import { writeFiles } from '../../support/contextTree';

const RULE = 'files-changed-in-later-layer';
const HEAD = 'FROM debian:bookworm-slim\n';

describe('files-changed-in-later-layer: part of a copy of a context folder', function () {
  this.timeout(20_000);
  let root: string;
  let env: AnalysisEnvironment;
  const scanned = async (options: ContextScanOptions = { collectPaths: true }, ignore?: string): Promise<AnalysisEnvironment> => {
    const context: BuildContextFacts = { hasDockerignore: ignore !== undefined, topLevelNames: await fs.readdir(root), scan: scanFacts(await scanBuildContext(root, options)) };
    if (ignore !== undefined) context.ignoreFile = { relativePath: '.dockerignore', text: ignore };
    return { context };
  };
  const findings = (text: string, e = env) => analyze(text, e).findings.filter((f) => f.ruleId === RULE);
  const only = (text: string, e = env) => {
    const found = findings(text, e);
    assert.equal(found.length, 1, text);
    return found[0];
  };

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-part-of-copy-'));
    writeFiles(root, {
      '.git/objects/pack/p.pack': 3_000_000,
      'tests/t.bin': 200_000,
      'app/main.py': 'print(1)\n',
      'app/cache/c.bin': 500_000,
      'app/cache/deep/d.bin': 50_000,
      'app/bin/tool': 1_000,
      'app/node_modules/x/index.js': 70_000,
      'other/cache/tmp/o.bin': 10_000,
    });
    await fs.symlink('/var/cache', path.join(root, 'app', 'link'));
    env = await scanned();
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('gives the bytes of the top-level entries a RUN deletes after COPY .', () => {
    const f = only(`${HEAD}COPY . /app\nRUN rm -rf /app/.git /app/tests\n`);
    assert.equal(f.saving?.bytes, 3_200_000);
    assert.equal(f.saving?.basis, 'the files it deletes as the build context scan measured them');
    assert.match(f.message, /written at line 2 \(COPY\): the bytes stay in that layer \(about 3\.2 MB\)\./);
    // A target inside another counts once; relative to the WORKDIR as elsewhere.
    assert.equal(only(`${HEAD}WORKDIR /app\nCOPY . .\nRUN rm -rf tests tests/t.bin .git\n`).saving?.bytes, 3_200_000);
  });

  it('gives the bytes of folders below a copied folder: a few levels down, and heavy ones at any depth', () => {
    assert.equal(only(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache\n`).saving?.bytes, 550_000);
    assert.equal(only(`${HEAD}COPY ./app/ /srv/\nRUN rm -rf /srv/cache/deep\n`).saving?.bytes, 50_000);
    assert.equal(only(`${HEAD}COPY . /app\nRUN rm -rf /app/app/node_modules\n`).saving?.bytes, 70_000);
    const chmod = only(`${HEAD}COPY app /srv\nRUN chmod -R 755 /srv/bin\n`);
    assert.equal(chmod.saving?.bytes, 1_000);
    assert.equal(chmod.saving?.basis, 'the files it changes as the build context scan measured them, a second time');
  });

  it('counts what chmod and chown of one RUN store again once in the image estimate', () => {
    const layer = (text: string) => estimateImage(buildModel(text), env)!.layers.find((l) => l.instr.keyword === 'RUN')!.bytes;
    assert.equal(layer(`${HEAD}COPY app /srv\nRUN chmod -R 755 /srv/bin\n`), 1_000);
    assert.equal(layer(`${HEAD}COPY app /srv\nRUN chmod -R 755 /srv/bin && chown -R 1000 /srv/bin && chmod -R 700 /srv/cache\n`), 551_000);
    // The whole copy after a part of it: the part is in the layer already.
    const whole = estimateImage(buildModel(`${HEAD}COPY app /srv\n`), env)!.layers.find((l) => l.instr.keyword === 'COPY')!.bytes!;
    assert.equal(layer(`${HEAD}COPY app /srv\nRUN chmod -R 755 /srv/bin && chown -R 1000 /srv\n`), whole);
  });

  it('says nothing of a path the context does not have', () => {
    for (const text of [
      `${HEAD}COPY app /srv\nRUN rm -rf /srv/cache/tmp\n`,
      `${HEAD}COPY app /srv\nRUN rm -rf /srv/nothere /srv/cache/deep/x.bin\n`,
      `${HEAD}COPY app /srv\nRUN rm -rf /srv/nothere/*.tmp\n`,
      `${HEAD}WORKDIR /srv\nCOPY app .\nRUN rm -rf cache/tmp && chmod -R 700 logs\n`,
      `${HEAD}COPY . /app\nRUN rm -rf /app/node_modules\n`,
    ]) {
      assert.deepEqual(findings(text), [], text);
    }
    // The target that is there keeps its figure.
    assert.equal(only(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache/tmp /srv/bin\n`).saving?.bytes, 1_000);
  });

  it('keeps the finding where the scan cannot tell, or something else wrote there', () => {
    const kept = (text: string, e = env) => assert.equal(findings(text, e).length, 1, text);
    // Another write below the path: a download, a second copy whose source has it.
    const curl = findings(`${HEAD}COPY app /srv\nRUN curl -fsSLo /srv/cache/tmp/x.tgz https://example.com/x.tgz\nRUN rm -rf /srv/cache/tmp\n`);
    assert.match(curl[0].message, /written at line 3 \(curl -o\)/);
    const second = findings(`${HEAD}COPY app /srv\nCOPY other /srv\nRUN rm -rf /srv/cache/tmp\n`);
    assert.match(second[0].message, /written at line 3 \(COPY\):/);
    // Copies the rule does not map to one context folder.
    kept(`${HEAD}COPY app other /srv/\nRUN rm -rf /srv/nothere\n`);
    kept(`${HEAD}COPY ap[p] /srv\nRUN rm -rf /srv/nothere\n`);
    kept(`${HEAD}COPY --from=busybox / /srv\nRUN rm -rf /srv/nothere\n`);
    kept(`${HEAD}COPY --exclude=*.bin app /srv\nRUN rm -rf /srv/nothere\n`);
    // A link on the way may lead anywhere.
    kept(`${HEAD}COPY app /srv\nRUN rm -rf /srv/link/tmp\n`);
  });

  it('keeps the finding, without a figure, when the scan did not list or measure the path', async () => {
    const unlisted = await scanned({});
    assert.equal(findings(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache/tmp\n`, unlisted).length, 1);
    assert.equal(only(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache\n`, unlisted).saving?.bytes, 550_000);
    const stopped = await scanned({ collectPaths: true, maxEntries: 3 });
    assert.equal(only(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache/tmp\n`, stopped).saving?.bytes, undefined);
    assert.equal(only(`${HEAD}COPY . /app\nRUN rm -rf /app/tests\n`, stopped).saving?.bytes, undefined);
    // A file below the top, and a folder a chmod without -R changes alone.
    const none = (text: string) => assert.match(only(text).message, /\(the size of the files it (deletes|changes, a second time)\)/, text);
    none(`${HEAD}COPY app /srv\nRUN rm /srv/cache/c.bin\n`);
    none(`${HEAD}COPY app /srv\nRUN chmod 700 /srv/main.py\n`);
    none(`${HEAD}COPY app /srv\nRUN rm -rf /srv/cache/*.bin\n`);
  });

  it('leaves the figure to what the ignore file in force lets through', async () => {
    // Ignored when scanned: what the rm deletes of the context is unknown (a fix's exception may bring files back).
    const ignored = await scanned({ collectPaths: true, matcher: createDockerignoreMatcher('tests\n') }, 'tests\n');
    assert.equal(only(`${HEAD}COPY . /app\nRUN rm -rf /app/tests\n`, ignored).saving?.bytes, undefined);
    // Ignored since (a fix wrote the line): the path itself gets no figure, a heavy folder inside is taken off.
    const fixed = { context: { ...env.context, hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text: 'tests\napp/node_modules\n' } } };
    assert.equal(only(`${HEAD}COPY . /app\nRUN rm -rf /app/tests\n`, fixed).saving?.bytes, undefined);
    assert.equal(only(`${HEAD}COPY . /app\nRUN rm -rf /app/app\n`, fixed).saving?.bytes, (await fs.readFile(path.join(root, 'app/main.py'))).length + 551_000 + '/var/cache'.length);
  });
});
