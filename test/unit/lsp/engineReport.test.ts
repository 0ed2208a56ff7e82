/**
 * The words of the engine features (server/src/lsp/engineReport.ts) on hand-made layers and
 * histories written the way dockerd 20.10 writes them (BuildKit).
 */
import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { findWastedSpace, mapHistory, type LayerFiles } from '../../../server/src/sources/engine';
import { layerHints, layerOwners, wastedReport } from '../../../server/src/lsp/engineReport';

const layer = (files: [string, number][], deleted: string[] = []): LayerFiles => ({ files: new Map(files), deleted, opaque: [] });
const BASE = [
  { createdBy: '/bin/sh -c #(nop) ADD file:abc in / ', emptyLayer: false },
  { createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', emptyLayer: true },
];

describe('engine report', () => {
  for (const escape of ['\\', '`']) {
    it(`quotes a continued instruction as the builder reads it, with its flags (escape ${escape})`, () => {
      const head = escape === '`' ? '# escape=`\n' : '';
      const model = buildModel(`${head}FROM debian\nCOPY --chmod=644 big.bin ${escape}\n    # the payload\n    /opt/\nRUN rm ${escape}\n  /opt/big.bin\n`);
      const history = [...BASE, { createdBy: 'COPY big.bin /opt/ # buildkit', emptyLayer: false }, { createdBy: 'RUN /bin/sh -c rm   /opt/big.bin # buildkit', emptyLayer: false }];
      const wasted = findWastedSpace([layer([['bin/sh', 10]]), layer([['opt/big.bin', 1000]]), layer([], ['opt/big.bin'])]);
      const report = wastedReport(model, 'app:1', 'chosen by tag', wasted, layerOwners(model, history, 3), 'now');
      const line = (n: number) => n + (head ? 1 : 0);
      assert.ok(report.markdown.includes(`| line ${line(2)} \`COPY --chmod=644 big.bin /opt/\` | line ${line(5)} \`RUN rm /opt/big.bin\` |`), report.markdown);
    });
  }

  it('says on the hint when the history cannot show whether a line changed', () => {
    const model = buildModel('FROM debian\nENV PATH=/opt/bin:$PATH\nCMD ["app"]\n');
    const history = [...BASE, { createdBy: 'ENV PATH=/opt/bin:/usr/bin:/bin' }, { createdBy: 'CMD ["app"]' }];
    const inspect = { id: 'sha256:ab', repoTags: [], size: 1, created: '', labels: {}, layers: [] };
    const hints = layerHints(model, mapHistory(model, history), 'app:1', inspect, 'chosen by tag');
    const tooltip = (line: number) => hints.find((h) => h.line === line)?.tooltip ?? '';
    assert.match(tooltip(1), /cannot show whether this line changed/);
    assert.doesNotMatch(tooltip(2), /cannot show|differs/);
    const edited = buildModel('FROM debian\nENV PATH=/srv/bin:$PATH\nCMD ["app"]\n');
    assert.deepEqual(layerHints(edited, mapHistory(edited, history), 'app:1', inspect, 'chosen by tag').filter((h) => h.line === 1).map((h) => h.label), ['0 B · changed since this build']);
  });
});
