/**
 * SizeRefresh (server/src/lsp/sizeRefresh.ts): when the client is told to ask again for the
 * CodeLens and the size of a document that has no new version. Real analyses (core's `analyze`)
 * with and without a measured `COPY . .`; the connection is a recorder.
 */
import * as assert from 'node:assert/strict';
import type { Connection, InitializeParams } from 'vscode-languageserver/node';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import type { DocumentAnalysis } from '../../../server/src/lsp/analysisCache';
import { MAX_WAIT_MS, SizeRefresh } from '../../../server/src/lsp/sizeRefresh';

const TEXT = 'FROM debian:bookworm-slim\nWORKDIR /app\nCOPY . .\n';

function analysis(uri: string, version: number, env: AnalysisEnvironment): DocumentAnalysis {
  return { uri, version, kind: 'dockerfile', env, configProblems: [], analysis: analyze(TEXT, env) };
}
const unmeasured = (uri: string, version = 1) => analysis(uri, version, { context: {} });
const measured = (uri: string, version = 1, hasDockerignore?: boolean) => analysis(uri, version, { context: { copySizes: { 2: 300_000_000 }, hasDockerignore } });

/** A SizeRefresh on a recording connection, for a client that supports both messages. */
function setUp(): { refresh: SizeRefresh; sent: string[]; busy: { now: boolean } } {
  const sent: string[] = [];
  const connection = {
    sendRequest: (type: { method: string }) => {
      sent.push(type.method);
      return Promise.resolve(null);
    },
    sendNotification: (method: string, p: { uri: string; version: number }) => {
      sent.push(`${method} ${p.uri} ${p.version}`);
      return Promise.resolve();
    },
  } as unknown as Connection;
  const busy = { now: false };
  const refresh = new SizeRefresh(connection, () => busy.now);
  refresh.init({ capabilities: { workspace: { codeLens: { refreshSupport: true } }, experimental: { sizeChanged: true } } } as unknown as InitializeParams);
  return { refresh, sent, busy };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SizeRefresh', () => {
  it('an analysis of the same version with other figures, replacing the one the client was answered from: one refresh once no analysis is being made', async () => {
    const { refresh, sent, busy } = setUp();
    refresh.answered(unmeasured('a'));
    refresh.answered(unmeasured('b'));
    busy.now = true;
    refresh.analysed(measured('a'));
    await turn();
    assert.deepEqual(sent, [], 'nothing while another analysis is being made');
    refresh.analysed(measured('b'));
    busy.now = false;
    refresh.settled();
    await turn();
    assert.deepEqual(sent, ['workspace/codeLens/refresh', 'dockerfileSizeHints/sizeChanged a 1', 'dockerfileSizeHints/sizeChanged b 1']);
  });

  it('the same figures before the fixes but other findings (a .dockerignore now exists): the figures after the fixes may change, so a refresh', async () => {
    const { refresh, sent } = setUp();
    refresh.answered(measured('a', 1, false));
    refresh.analysed(measured('a', 1, true));
    refresh.settled();
    await turn();
    assert.deepEqual(sent, ['workspace/codeLens/refresh', 'dockerfileSizeHints/sizeChanged a 1']);
  });

  it('nothing when the figures the client shows stay, it was never answered, or the analysis is of another version', async () => {
    const { refresh, sent } = setUp();
    refresh.answered(measured('a'));
    refresh.analysed(measured('a')); // made again with the same figures
    refresh.analysed(measured('never-asked'));
    refresh.answered(unmeasured('c', 1));
    refresh.analysed(measured('c', 2)); // an edit: the editor asks by itself
    refresh.settled();
    await turn();
    assert.deepEqual(sent, []);
  });

  it('queued (the work on the estimate after the fixes dropped): one notification per document, a CodeLens refresh when one may change', async () => {
    const { refresh, sent } = setUp();
    refresh.queue({ uri: 'a', version: 3 }, false);
    refresh.queue({ uri: 'a', version: 3 }, false);
    await turn();
    assert.deepEqual(sent, ['dockerfileSizeHints/sizeChanged a 3'], 'no CodeLens refresh when the lenses cannot change; one notification');
    refresh.queue({ uri: 'b', version: 1 }, true);
    refresh.forget('b');
    refresh.queue({ uri: 'c', version: 1 }, true);
    await turn();
    assert.deepEqual(sent.slice(1), ['workspace/codeLens/refresh', 'dockerfileSizeHints/sizeChanged c 1']);
  });

  it('sends what is queued after MAX_WAIT_MS when an analysis never settles', async () => {
    const { refresh, sent, busy } = setUp();
    busy.now = true; // an analysis that hangs
    const queued = performance.now();
    refresh.queue({ uri: 'a', version: 1 }, true);
    await turn();
    assert.deepEqual(sent, []);
    while (sent.length === 0 && performance.now() - queued < MAX_WAIT_MS + 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(sent, ['workspace/codeLens/refresh', 'dockerfileSizeHints/sizeChanged a 1']);
    assert.ok(performance.now() - queued >= MAX_WAIT_MS - 1, `sent after ${performance.now() - queued} ms`);
  });
});
