/**
 * copied-archive-extracted gives the archive's size when the scan of the build context measured
 * it (a top-level file the COPY names), as the image estimate counts the COPY layer: "about" the
 * scan's figure. Without such a scan it says what the cost is made of, without a number.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';

const scan = { complete: true, files: 3, bytes: 412_345, topLevel: [{ path: 'app.tar.gz', bytes: 400_448, files: 1 }, { path: 'run.sh', bytes: 11_897, files: 1 }], heavy: [], secrets: [] };
const ENV = { context: { hasDockerignore: true, scan } } as unknown as AnalysisEnvironment;
const finding = (text: string, env: AnalysisEnvironment = ENV) => analyze(text, env).findings.find((f) => f.ruleId === 'copied-archive-extracted');
const HEAD = 'FROM debian:bookworm-slim\n';
const RUN = 'RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz\n';

describe('copied-archive-extracted: the size of a measured archive', () => {
  it('gives the scan\'s bytes for the archive, from a COPY of it alone or among other sources', () => {
    const f = finding(`${HEAD}COPY app.tar.gz /tmp/\n${RUN}`)!;
    assert.equal(f.saving?.bytes, 400_448);
    assert.match(f.saving!.basis, /build context scan/);
    assert.match(f.message, /stays in this COPY layer \(about 400 KB, as the build context scan measured it\)/);
    assert.equal(finding(`${HEAD}COPY run.sh ./app.tar.gz /tmp/\n${RUN}`)!.saving?.bytes, 400_448);
  });

  it('redoes a kept finding when the scan arrives (its contextKey)', () => {
    const text = `${HEAD}COPY app.tar.gz /tmp/\n${RUN}`;
    const before = analyze(text, { context: {} });
    assert.equal(before.findings.find((f) => f.ruleId === 'copied-archive-extracted')?.saving?.bytes, undefined);
    assert.equal(analyze(text, ENV, {}, before).findings.find((f) => f.ruleId === 'copied-archive-extracted')?.saving?.bytes, 400_448);
  });

  it('gives no figure without a finished scan, for an archive the scan did not list, or a COPY with --exclude', () => {
    const none = (text: string, env?: AnalysisEnvironment) => {
      const f = finding(text, env);
      assert.ok(f, text);
      assert.equal(f.saving?.bytes, undefined, text);
      assert.match(f.message, /\(the size of the archive, kept in the COPY layer\)/, text);
    };
    none(`${HEAD}COPY app.tar.gz /tmp/\n${RUN}`, { context: {} });
    none(`${HEAD}COPY app.tar.gz /tmp/\n${RUN}`, { context: { scan: { ...scan, complete: false } } } as unknown as AnalysisEnvironment);
    none(`${HEAD}COPY dist/app.tar.gz /tmp/\n${RUN}`);
    none(`${HEAD}COPY --exclude=*.md app.tar.gz /tmp/\n${RUN}`);
  });
});
