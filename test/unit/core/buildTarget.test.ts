/**
 * The stage the build produces (`docker build --target`): named by the configuration file
 * (`target:`), the CLI (`--target`) or the Compose services that build the Dockerfile
 * (`build.target`, when they all name the same one). Without one, or when no stage has that
 * name, the last stage is the image.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { combineSettings, parseProjectConfig } from '../../../server/src/core/config';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel, finalStage } from '../../../server/src/core/model';
import { composeBuildTargets } from '../../../server/src/sources/context/compose';
import { readFacts } from '../../../server/src/sources/workspace';
import { main } from '../../../server/src/cli';

/** A production stage, then a development stage built on the same base: a common shape. */
const TEXT = [
  'FROM node:22-slim AS base',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'FROM base AS production',
  'RUN npm ci --omit=dev && npm cache clean --force',
  'CMD ["node", "server.js"]',
  'FROM base AS development',
  'RUN npm install',
  // A debugging image: with `npm run dev` it would start a development server and need its devDependencies.
  'CMD ["node", "--inspect=0.0.0.0", "server.js"]',
  '',
].join('\n');
const ENV = { context: {} };

describe('the build target', () => {
  it('makes the named stage the image, and the stages after it unreached', () => {
    const m = buildModel(TEXT, undefined, 'Production');
    assert.equal(finalStage(m)?.name, 'production');
    assert.deepEqual(m.stages.map((s) => [s.isFinal, s.layersInFinal, s.reachesFinal]), [[false, true, true], [true, true, true], [false, false, false]]);
    assert.equal(finalStage(buildModel(TEXT))?.name, 'development');
    assert.equal(finalStage(buildModel(TEXT, undefined, 'nosuch'))?.name, 'development', 'an unknown target leaves the last stage');
  });

  it('moves findings and the estimate to that stage, also when the previous version had another', () => {
    // The development stage's `npm install` (line 8) keeps npm's cache and the devDependencies.
    const onDev = (a: ReturnType<typeof analyze>) => a.findings.filter((f) => f.range.start.line === 7).map((f) => `${f.ruleId} ${f.severity}`);
    const last = analyze(TEXT, ENV);
    assert.deepEqual(onDev(last), ['npm-cache-kept warning', 'npm-dev-dependencies warning']);
    const prod = analyze(TEXT, ENV, { target: 'production' }, last);
    // npm-dev-dependencies speaks of the image's stages only.
    assert.deepEqual(onDev(prod), ['npm-cache-kept hint']);
    assert.equal(estimateImage(prod.model, ENV)?.stage.name, 'production');
    assert.deepEqual(onDev(analyze(TEXT, ENV, {}, prod)), onDev(last), 'and back');
  });

  it('offers no builder-stage split of a target that is not the last stage (the target would name the builder)', () => {
    const text = 'FROM golang:1.23 AS app\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nCMD ["/out/app"]\nFROM app AS debug\nRUN echo debug\n';
    const split = (settings: { target?: string }) => {
      const a = analyze(text, ENV, settings);
      const f = a.findings.find((x) => x.ruleId === 'build-tools-in-final-image' && x.range.start.line === 0);
      return f && fixFor(a, f, ENV) !== undefined;
    };
    assert.equal(split({ target: 'app' }), false);
    const alone = analyze(text.slice(0, text.indexOf('FROM app')), ENV);
    const f = alone.findings.find((x) => x.ruleId === 'build-tools-in-final-image')!;
    assert.ok(fixFor(alone, f, ENV), 'the same stage as the last one gets the split');
  });

  it('is read from the configuration file, and an editor setting or CLI value gives way to it', () => {
    const config = parseProjectConfig('target: production\n');
    assert.deepEqual(config.problems, []);
    assert.equal(combineSettings({ target: 'development' }, undefined, config).target, 'production');
    assert.deepEqual(parseProjectConfig('target: 3\n').problems, ['"target" must be the name of a stage']);
  });

  it("is read from Compose's build.target, when the services that build the Dockerfile agree", async () => {
    const one = composeBuildTargets({ path: '/w/compose.yaml', text: 'services:\n  app:\n    build:\n      context: .\n      target: production\n' });
    assert.equal(one.targets[0].target, 'production');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-target-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), TEXT);
      const compose = (targets: string[]) => `services:\n${targets.map((t, i) => `  s${i}:\n    build:\n      context: .\n      target: ${t}\n`).join('')}`;
      fs.writeFileSync(path.join(dir, 'compose.yaml'), compose(['production']));
      const layout = { workspaceFolders: [dir] };
      assert.equal((await readFacts(path.join(dir, 'Dockerfile'), layout, false)).buildTarget, 'production');
      fs.writeFileSync(path.join(dir, 'compose.yaml'), compose(['production', 'development']));
      assert.equal((await readFacts(path.join(dir, 'Dockerfile'), layout, false)).buildTarget, undefined);

      // The CLI takes it, and --target over it; an unknown stage is said.
      fs.writeFileSync(path.join(dir, 'compose.yaml'), compose(['production']));
      const run = async (args: string[]) => {
        let out = '';
        const code = await main(['--format', 'json', ...args, path.join(dir, 'Dockerfile')], (s) => (out += s), () => undefined);
        return { code, report: (JSON.parse(out) as { error?: string; estimate?: { summary: string }; findings: { ruleId: string; line: number; severity: string }[] }[])[0] };
      };
      const viaCompose = await run([]);
      const line8 = (r: typeof viaCompose) => r.report.findings.filter((f) => f.line === 8).map((f) => f.severity);
      assert.deepEqual(line8(viaCompose), ['hint']);
      assert.deepEqual(line8(await run(['--target', 'development'])), ['warning', 'warning']);
      const unknown = await run(['--target', 'nosuch']);
      assert.match(unknown.report.error ?? '', /no stage is named "nosuch"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
