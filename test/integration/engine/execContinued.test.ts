/**
 * Exec-form instructions continued over lines (`RUN ["sh", "-c", \` / `"echo hi > /x"]`), built
 * with the classic builder and with BuildKit on a private dockerd (Debian's docker.io, `--network
 * none`, the debootstrap base image), once with the default escape character and once with
 * `# escape=\``. The history of each build must map onto the Dockerfile as an exact build (every
 * instruction found, every text the same), and the language server must find the image as the
 * latest build of the file with no line marked as changed.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEngine, importBareImage, BARE_IMAGE, type Engine } from '../../support/engine';
import { fileUri, LspTestClient } from '../../support/lspClient';
import { buildModel } from '../../../server/src/core/model';
import { createEngineClient, isExactBuild, mapHistory, type EngineClient } from '../../../server/src/sources/engine';

const FILES: Record<string, string> = {
  backslash: [
    `FROM ${BARE_IMAGE}`,
    'SHELL ["/bin/sh", \\',
    '       "-c"]',
    'RUN ["sh", "-c", \\',
    '     "echo hi > /x"]',
    'RUN ["/bin/sh", "-c", \\',
    '  # a comment line inside the continuation',
    "     \"printf '%s\\\\n' a b \\",
    '  > /y"]',
    'RUN echo shell form \\',
    '  > /z',
    'ENTRYPOINT ["cat", \\',
    '            "/x"]',
    'CMD ["/y"]',
    '',
  ].join('\n'),
  backtick: [
    '# escape=`',
    `FROM ${BARE_IMAGE}`,
    'RUN ["sh", "-c", `',
    "     \"echo 'a\\\\b' > /x\"]",
    'CMD ["cat", `',
    '     "/x"]',
    '',
  ].join('\n'),
};
const BUILDERS = { classic: '0', buildkit: '1' } as const;
/** 0-based first lines of the instructions after FROM, per file. */
const LINES: Record<string, number[]> = { backslash: [1, 3, 5, 9, 11, 13], backtick: [2, 4] };

type Hint = { position: { line: number; character: number }; label: string };

describe('exec-form instructions continued over lines: history mapping (real dockerd)', function () {
  this.timeout(240_000);
  let engine: Engine;
  let dir: string;
  let client: EngineClient;
  let lsp: LspTestClient | undefined;

  before(async function () {
    this.timeout(600_000);
    engine = await startEngine();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-exec-continued-'));
    await importBareImage(engine, (m) => console.log(`      ${m}`));
    for (const [name, text] of Object.entries(FILES)) {
      const ctx = path.join(dir, name);
      await fs.mkdir(ctx);
      await fs.writeFile(path.join(ctx, 'Dockerfile'), text);
      for (const [builder, flag] of Object.entries(BUILDERS)) {
        await engine.dockerOk(['build', '--network', 'none', '-t', `dsh-exec/${name}-${builder}:1`, ctx], { env: { DOCKER_BUILDKIT: flag } });
      }
    }
    const c = createEngineClient({ host: `unix://${engine.socket}` });
    assert.ok(c.ok);
    client = c.value;
  });

  after(async () => {
    await lsp?.stop();
    await engine?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const name of Object.keys(FILES)) {
    for (const builder of Object.keys(BUILDERS)) {
      it(`${name}, ${builder} builder: an exact build, and not one once a continued RUN's argument is edited`, async () => {
        const history = await client.imageHistory(`dsh-exec/${name}-${builder}:1`);
        assert.ok(history.ok, JSON.stringify(history));
        const entries = [...history.value].reverse().map((h) => ({ createdBy: h.createdBy, size: h.size }));
        console.log(`      CreatedBy: ${entries.slice(-LINES[name].length).map((e) => JSON.stringify(e.createdBy)).join(', ')}`);
        const mapping = mapHistory(buildModel(FILES[name]), entries);
        assert.deepEqual(mapping.layers.map((l) => [l.instr.range.start.line, l.sameText]), LINES[name].map((line) => [line, true]));
        assert.ok(isExactBuild(mapping));
        const edited = mapHistory(buildModel(FILES[name].replace('> /x', '> /w')), entries);
        assert.deepEqual(edited.layers.filter((l) => !l.sameText).map((l) => l.instr.range.start.line), [LINES[name][name === 'backslash' ? 1 : 0]]);
        assert.equal(isExactBuild(edited), false);
      });
    }
  }

  it('the language server takes the newest build as the latest build of the file and marks no line as changed', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${engine.socket}`;
    try {
      lsp = await LspTestClient.start({ rootPath: dir, initializationOptions: { trusted: true }, configuration: {} });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    const uri = fileUri(path.join(dir, 'backslash', 'Dockerfile'));
    await lsp.open(uri, FILES.backslash);
    const set = await lsp.request<{ ok: boolean; message: string; image?: string }>('dockerfileSizeHints/engine/setImage', { uri, image: '' });
    assert.ok(set.ok, set.message);
    assert.equal(set.image, 'dsh-exec/backslash-buildkit:1');
    const hints = await lsp.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    assert.deepEqual(hints.filter((h) => /changed since this build|not in its history/.test(h.label)), []);
    // One hint per instruction after FROM, at the end of its last line, and the total on FROM.
    assert.deepEqual(hints.map((h) => h.position.line).sort((a, b) => a - b), [0, 2, 4, 8, 10, 12, 13]);
  });
});
