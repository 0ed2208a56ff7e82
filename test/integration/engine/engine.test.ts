/**
 * The local Docker Engine end to end: a private dockerd from Debian's docker.io (started and
 * stopped by PID here, data under a temp folder, no bridge, no iptables), a base image imported
 * from the debootstrap tarball, and one Dockerfile built with the classic builder and with
 * BuildKit (`--network none`). It COPYs two files, chmods one of them in a later RUN (which
 * copies the file up: wasted space) and deletes the other plus a directory of the base image.
 * Checks the API client, the history mapping (right lines, right bytes), the wasted-space
 * listing, and the same through the bundled language server (hover, inlay hints, requests).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEngine, importBareImage, BARE_IMAGE, run, type Engine } from '../../support/engine';
import { checkMetadataHistory, METADATA_DOCKERFILE } from '../../support/engine/metadata';
import { fileUri, LspTestClient } from '../../support/lspClient';
import { buildModel } from '../../../server/src/core/model';
import { createEngineClient, findWastedSpace, isExactBuild, mapHistory, type EngineClient } from '../../../server/src/sources/engine';
import { layerOwners } from '../../../server/src/lsp/engineReport';

const DOCKERFILE = `FROM ${BARE_IMAGE}
ARG MODE=600
ENV APP=/opt/app
COPY payload.bin junk.bin /opt/app/
RUN chmod $MODE /opt/app/payload.bin
RUN rm /opt/app/junk.bin \\
 && rm -rf /usr/share/doc/apt
WORKDIR /opt/app
LABEL org.example.test=1
CMD ["true"]
`;
const PAYLOAD = 262_144;
const JUNK = 102_400;
// 0-based lines of the instructions above.
const L = { from: 0, arg: 1, env: 2, copy: 3, chmod: 4, rm: 5, workdir: 7, label: 8, cmd: 9 };

type Hint = { position: { line: number; character: number }; label: string; tooltip?: string };

describe('local Docker Engine (real dockerd)', function () {
  this.timeout(240_000);
  let engine: Engine;
  let dir: string;
  let client: EngineClient;
  /** Bytes of the base image's files under /usr/share/doc/apt, from GNU tar's listing of the tarball. */
  let aptDocBytes = 0;
  const started = Date.now();
  const lsp: LspTestClient[] = [];

  before(async function () {
    this.timeout(600_000);
    // Missing tools fail here with the Debian package to install (startEngine / importBareImage say which).
    engine = await startEngine();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-engine-test-'));
    const ctx = path.join(dir, 'ctx');
    await fs.mkdir(ctx);
    await fs.writeFile(path.join(ctx, 'payload.bin'), randomBytes(PAYLOAD));
    await fs.writeFile(path.join(ctx, 'junk.bin'), randomBytes(JUNK));
    await fs.writeFile(path.join(ctx, 'Dockerfile'), DOCKERFILE);
    const tarball = await importBareImage(engine, (m) => console.log(`      ${m}`));
    const listing = await run('tar', ['-tvf', tarball, './usr/share/doc/apt']);
    for (const line of listing.stdout.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0]?.startsWith('-')) aptDocBytes += Number(f[2]);
    }
    await engine.dockerOk(['build', '--network', 'none', '-t', 'dsh-test/classic:1', ctx], { env: { DOCKER_BUILDKIT: '0' } });
    await engine.dockerOk(['build', '--network', 'none', '-t', 'dsh-test/buildkit:1', ctx], { env: { DOCKER_BUILDKIT: '1' } });
    const c = createEngineClient({ host: `unix://${engine.socket}` });
    assert.ok(c.ok);
    client = c.value;
    console.log(`      engine ${engine.version} ready, base imported, two builds done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    for (const c of lsp) await c.stop();
    await engine?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    console.log(`      engine suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('finds the engine from DOCKER_HOST and negotiates the API version', async () => {
    const viaEnv = createEngineClient({ env: { DOCKER_HOST: `unix://${engine.socket}` } });
    assert.ok(viaEnv.ok);
    const v = await viaEnv.value.version();
    assert.ok(v.ok, JSON.stringify(v));
    assert.equal(v.value.version, engine.version);
    const inspect = await viaEnv.value.imageInspect(BARE_IMAGE);
    assert.ok(inspect.ok, JSON.stringify(inspect));
    const missing = await client.imageInspect('dsh-test/none:1');
    assert.equal(missing.ok, false);
    assert.equal(!missing.ok && missing.reason, 'not-found');
    const absent = createEngineClient({ host: `unix://${dir}/no.sock` });
    assert.ok(absent.ok, 'an explicit address is used as given');
    const nowhere = await absent.value.version();
    assert.equal(!nowhere.ok && nowhere.reason, 'no-engine');
  });

  it('lists local images, filtered by label', async () => {
    const all = await client.listImages();
    const labelled = await client.listImages({ labels: ['org.example.test=1'] });
    assert.ok(all.ok && labelled.ok);
    assert.deepEqual(all.value.flatMap((i) => i.repoTags).sort(), ['dsh-test/buildkit:1', 'dsh-test/classic:1', BARE_IMAGE]);
    assert.deepEqual(labelled.value.flatMap((i) => i.repoTags).sort(), ['dsh-test/buildkit:1', 'dsh-test/classic:1']);
    assert.ok(labelled.value.every((i) => i.labels['org.example.test'] === '1'));
  });

  it('inspects the base image: Size is the sum of its history', async () => {
    const inspect = await client.imageInspect(BARE_IMAGE);
    const history = await client.imageHistory(BARE_IMAGE);
    assert.ok(inspect.ok && history.ok);
    assert.ok(inspect.value.size > 100e6, `base of ${inspect.value.size} bytes`);
    assert.equal(history.value.reduce((n, h) => n + h.size, 0), inspect.value.size);
  });

  for (const [builder, image] of [['classic builder', 'dsh-test/classic:1'], ['BuildKit', 'dsh-test/buildkit:1']] as const) {
    it(`maps the history of a ${builder} build to the right lines with the right sizes`, async () => {
      const history = await client.imageHistory(image);
      const base = await client.imageInspect(BARE_IMAGE);
      const total = await client.imageInspect(image);
      assert.ok(history.ok && base.ok && total.ok);
      const model = buildModel(DOCKERFILE);
      const mapping = mapHistory(model, [...history.value].reverse().map((h) => ({ createdBy: h.createdBy, size: h.size })));
      const byLine = new Map(mapping.layers.map((l) => [l.instr.range.start.line, l.size]));
      assert.deepEqual(
        [...byLine.entries()].sort((a, b) => a[0] - b[0]),
        [[L.arg, 0], [L.env, 0], [L.copy, PAYLOAD + JUNK], [L.chmod, PAYLOAD], [L.rm, 0], [L.workdir, 0], [L.label, 0], [L.cmd, 0]],
      );
      assert.ok(isExactBuild(mapping), 'every instruction matched with the same text');
      assert.equal(mapping.baseBytes, base.value.size);
      assert.equal(mapping.baseBytes + mapping.ownBytes, total.value.size);
    });
  }

  it('lists the wasted space with the instruction that wrote and the one that hid each file', async () => {
    const t0 = Date.now();
    const exported = await client.exportLayers('dsh-test/classic:1');
    assert.ok(exported.ok, JSON.stringify(exported));
    console.log(`      export of ${exported.value.layers.length} layers read in ${Date.now() - t0} ms`);
    const wasted = findWastedSpace(exported.value.layers);
    const owners = layerOwners(buildModel(DOCKERFILE), exported.value.history, exported.value.layers.length);
    const line = (layer: number) => owners[layer]?.range.start.line;
    const payload = wasted.files.find((f) => f.path === 'opt/app/payload.bin');
    assert.deepEqual(payload && { bytes: payload.bytes, how: payload.how, w: line(payload.writtenBy), h: line(payload.hiddenBy) }, { bytes: PAYLOAD, how: 'overwritten', w: L.copy, h: L.chmod });
    const junk = wasted.files.find((f) => f.path === 'opt/app/junk.bin');
    assert.deepEqual(junk && { bytes: junk.bytes, how: junk.how, w: line(junk.writtenBy), h: line(junk.hiddenBy) }, { bytes: JUNK, how: 'deleted', w: L.copy, h: L.rm });
    const docs = wasted.files.filter((f) => f.path.startsWith('usr/share/doc/apt/'));
    assert.ok(aptDocBytes > 0, 'the base has files under /usr/share/doc/apt');
    assert.equal(docs.reduce((n, f) => n + f.bytes, 0), aptDocBytes);
    assert.ok(docs.every((f) => f.writtenBy === 0 && owners[0] === undefined && line(f.hiddenBy) === L.rm));
    assert.equal(wasted.totalBytes, PAYLOAD + JUNK + aptDocBytes);
  });

  it('compares metadata instructions with what each builder recorded: after an edited CMD, ENV, LABEL... it is no exact build', async () => {
    // Built after the image list was checked above; FROM scratch, so nothing runs.
    const ctx = path.join(dir, 'metadata');
    await fs.mkdir(ctx);
    await fs.writeFile(path.join(ctx, 'Dockerfile'), METADATA_DOCKERFILE);
    for (const [builder, flag] of [['classic', '0'], ['buildkit', '1']] as const) {
      const image = `dsh-test/metadata-${builder}:1`;
      await engine.dockerOk(['build', '--network', 'none', '--build-arg', 'V=9', '-t', image, ctx], { env: { DOCKER_BUILDKIT: flag } });
      const history = await client.imageHistory(image);
      assert.ok(history.ok, JSON.stringify(history));
      const entries = [...history.value].reverse().map((h) => ({ createdBy: h.createdBy, size: h.size }));
      console.log(`      ${builder} CreatedBy: ${entries.map((e) => JSON.stringify(e.createdBy)).join(', ')}`);
      checkMetadataHistory(entries, builder);
    }
  });

  describe('over LSP (bundled server)', () => {
    async function server(trusted: boolean): Promise<LspTestClient> {
      // The server finds the engine the way it would on a user's machine: DOCKER_HOST.
      const saved = process.env.DOCKER_HOST;
      process.env.DOCKER_HOST = `unix://${engine.socket}`;
      try {
        const c = await LspTestClient.start({ rootPath: dir, initializationOptions: { trusted }, configuration: {} });
        lsp.push(c);
        return c;
      } finally {
        if (saved === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = saved;
      }
    }
    const uri = () => fileUri(path.join(dir, 'ctx', 'Dockerfile'));
    const hints = (c: LspTestClient) => c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri: uri() }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });

    it('hover on FROM shows the exact unpacked size from the local engine', async () => {
      const c = await server(true);
      await c.open(uri(), DOCKERFILE);
      const base = await client.imageInspect(BARE_IMAGE);
      assert.ok(base.ok);
      const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri() }, position: { line: 0, character: 8 } });
      assert.match(hover?.contents.value ?? '', /Exact, from the local engine/);
      assert.ok(hover!.contents.value.includes(`${base.value.size.toLocaleString('en-US')} bytes`), hover!.contents.value);
    });

    it('shows each layer size as an inlay hint on its line after picking the image by tag, and marks an edited line', async () => {
      const c = await server(true);
      await c.open(uri(), DOCKERFILE);
      assert.deepEqual(await hints(c), [], 'no hints before an image is chosen');
      const set = await c.request<{ ok: boolean; message: string }>('dockerfileSizeHints/engine/setImage', { uri: uri(), image: 'dsh-test/classic:1' });
      assert.ok(set.ok, set.message);
      const got = await hints(c);
      const at = (line: number) => got.filter((h) => h.position.line === line).map((h) => h.label);
      assert.deepEqual(at(L.copy), ['365 KB']);
      assert.deepEqual(at(L.chmod), ['262 KB']);
      assert.deepEqual(at(L.env), ['0 B']);
      assert.deepEqual(at(L.rm), [], 'a continued RUN gets its hint at the end of its last line');
      assert.deepEqual(got.filter((h) => h.position.line === L.rm + 1).map((h) => [h.label, h.position.character]), [['0 B', ' && rm -rf /usr/share/doc/apt'.length]]);
      assert.match(at(L.from)[0] ?? '', /^dsh-test\/classic:1: .* \(base .* \+ 627 KB from this file\)$/);
      await c.change(uri(), 2, DOCKERFILE.replace('chmod $MODE', 'chmod 644'));
      const edited = await hints(c);
      assert.match(edited.find((h) => h.position.line === L.chmod)?.label ?? '', /changed since this build/);
      await c.change(uri(), 3, DOCKERFILE.replace('CMD ["true"]', 'CMD ["false"]').replace('APP=/opt/app', 'APP=/srv/app'));
      const meta = await hints(c);
      assert.deepEqual([L.env, L.cmd].map((line) => meta.find((h) => h.position.line === line)?.label), ['0 B · changed since this build', '0 B · changed since this build']);
    });

    it('finds the latest build of this Dockerfile and reports the wasted space', async () => {
      const c = await server(true);
      await c.open(uri(), DOCKERFILE);
      const set = await c.request<{ ok: boolean; message: string; image?: string }>('dockerfileSizeHints/engine/setImage', { uri: uri(), image: '' });
      assert.ok(set.ok, set.message);
      assert.equal(set.image, 'dsh-test/buildkit:1', 'the newer of the two matching builds');
      const r = await c.request<{ ok: boolean; message: string; report?: { totalBytes: number; markdown: string; files: { path: string; writtenLine?: number; hiddenLine?: number }[] } }>('dockerfileSizeHints/engine/wastedSpace', { uri: uri() });
      assert.ok(r.ok && r.report, r.message);
      assert.equal(r.report.totalBytes, PAYLOAD + JUNK + aptDocBytes);
      assert.deepEqual(r.report.files.find((f) => f.path === '/opt/app/payload.bin'), { path: '/opt/app/payload.bin', bytes: PAYLOAD, how: 'overwritten', writtenLine: L.copy, hiddenLine: L.chmod });
      assert.match(r.report.markdown, /line 4 `COPY payload.bin junk.bin \/opt\/app\/` \| line 5 `RUN chmod \$MODE/);
      // With an edited CMD no local image was built from this text: the last match is kept.
      await c.change(uri(), 2, DOCKERFILE.replace('CMD ["true"]', 'CMD ["false"]'));
      const again = await c.request<{ ok: boolean; message: string; image?: string }>('dockerfileSizeHints/engine/setImage', { uri: uri(), image: '' });
      assert.ok(again.ok && again.image === 'dsh-test/buildkit:1', again.message);
      assert.match(again.message, /the last local build that matched this Dockerfile/);
      // While the text is edited, the hints stay on the last matching build and mark the changed line.
      await c.change(uri(), 3, DOCKERFILE.replace('chmod $MODE', 'chmod 644'));
      const edited = await hints(c);
      assert.match(edited.find((h) => h.position.line === L.chmod)?.label ?? '', /^262 KB · changed since this build$/);
    });

    it('does nothing with the engine in an untrusted workspace', async () => {
      const c = await server(false);
      await c.open(uri(), DOCKERFILE);
      const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri() }, position: { line: 0, character: 8 } });
      assert.doesNotMatch(hover?.contents.value ?? '', /local engine/);
      const set = await c.request<{ ok: boolean; message: string }>('dockerfileSizeHints/engine/setImage', { uri: uri(), image: 'dsh-test/classic:1' });
      assert.equal(set.ok, false);
      assert.deepEqual(await hints(c), []);
    });
  });
});
