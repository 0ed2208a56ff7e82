/**
 * files-changed-in-later-layer gives the bytes a change costs when it covers whole copies of the
 * build context that a scan measured (`COPY . .` then `RUN chown -R app /app`): the scan's figure,
 * once for a deletion and a second time for chmod/chown. Otherwise it says what the cost is made of.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const scan = { complete: true, files: 120, bytes: 48_000_000, topLevel: [{ path: 'static', bytes: 30_000_000, files: 100 }, { path: 'app.py', bytes: 1_234, files: 1 }], heavy: [], secrets: [] };
const ENV = { context: { hasDockerignore: true, scan } } as unknown as AnalysisEnvironment;
const finding = (text: string, env: AnalysisEnvironment = ENV) => analyze(text, env).findings.find((f) => f.ruleId === 'files-changed-in-later-layer');

describe('files-changed-in-later-layer: the size of measured copies', () => {
  const head = 'FROM python:3.12-slim\nWORKDIR /app\n';

  it('gives the scan\'s bytes for a change that covers the whole copy', () => {
    const chown = finding(`${head}COPY . .\nRUN chown -R 1000 /app\n`)!;
    assert.match(chown.message, /stored twice \(about 48 MB\)/);
    assert.equal(chown.saving?.bytes, 48_000_000);
    assert.match(chown.saving!.basis, /a second time$/);
    assert.equal(finding(`${head}COPY static /srv/static\nRUN chmod -R a+r /srv\n`)!.saving?.bytes, 30_000_000);
    assert.equal(finding(`${head}COPY . .\nRUN rm -rf /app\n`)!.saving?.bytes, 48_000_000);
    // The one file a COPY wrote: deleted, or its mode changed without -R.
    assert.equal(finding(`${head}COPY app.py /tmp/\nRUN python /tmp/app.py && rm /tmp/app.py\n`)!.saving?.bytes, 1_234);
    assert.equal(finding(`${head}COPY app.py /app/app.py\nRUN chmod 755 /app/app.py\n`)!.saving?.bytes, 1_234);
    // A top-level entry of a whole-context copy (filesChangedPartOfCopy.test.ts has the rest).
    const part = finding(`${head}COPY . .\nRUN chown -R 1000 /app/static\n`)!;
    assert.equal(part.saving?.bytes, 30_000_000);
    assert.equal(part.saving?.basis, 'the files it changes as the build context scan measured them, a second time');
  });

  it('redoes a kept finding when the scan arrives (its contextKey)', () => {
    const text = `${head}COPY . .\nRUN chown -R 1000 /app\n`;
    const before = analyze(text, { context: {} });
    const after = analyze(text, ENV, {}, before).findings.find((f) => f.ruleId === 'files-changed-in-later-layer');
    assert.equal(after?.saving?.bytes, 48_000_000);
  });

  it('redoes a kept finding when a new scan has the same totals (a file moved between top-level folders)', () => {
    const text = `${head}COPY static /srv/static\nRUN chmod -R a+r /srv\n`;
    const before = analyze(text, ENV);
    const moved = { ...scan, topLevel: [{ path: 'static', bytes: 1_000_000, files: 99 }, { path: 'app.py', bytes: 29_001_234, files: 2 }] };
    const after = analyze(text, { context: { hasDockerignore: true, scan: moved } } as unknown as AnalysisEnvironment, {}, before);
    assert.equal(after.findings.find((f) => f.ruleId === 'files-changed-in-later-layer')?.saving?.bytes, 1_000_000);
  });

  it('gives no figure for part of a copy (of one source or several), a copy from a stage or an unfinished scan', () => {
    const none = (text: string, env?: AnalysisEnvironment, said = /\(the size of the copied files/) => {
      const f = finding(text, env);
      assert.ok(f, text);
      assert.equal(f.saving?.bytes, undefined, text);
      assert.match(f.message, said, text);
    };
    // Part of a copy the scan has no figure for: the message names the files the command touches, not the whole copy.
    none(`${head}COPY . .\nRUN chown -R 1000 /app/static/css\n`, undefined, /\(the size of the files it changes, a second time\)\. Copy those files in a COPY of their own with --chown\.$/);
    none(`${head}COPY . .\nRUN chmod +x /app/start.sh\n`, undefined, /\(the size of the files it changes, a second time\)\. Set the mode in the build context \(COPY keeps it\), or copy those files in a COPY of their own with --chmod\.$/);
    none(`${head}COPY app.py static /srv/\nRUN rm /srv/app.py\n`, undefined, /\(the size of the files it deletes\)/);
    none(`FROM python:3.12-slim AS build\nRUN mkdir /out\n${head}COPY --from=build /out /app\nRUN chown -R 1000 /app\n`);
    none(`${head}COPY . .\nRUN chown -R 1000 /app\n`, { context: { scan: { ...scan, complete: false } } } as unknown as AnalysisEnvironment);
    // --exclude leaves out what the scan counted (the estimate said 'about' with the whole context too).
    const excluded = `${head}COPY --exclude=static . .\nRUN chown -R 1000 /app\n`;
    none(excluded);
    assert.equal(estimateImage(buildModel(excluded), ENV)!.layers.find((l) => l.instr.keyword === 'COPY')!.bytes, undefined);
  });
});
