/**
 * DiagnosticsPublisher (server/src/lsp/diagnostics.ts): which analysis of a document gets
 * published. Real analyses (core's `analyze`); the connection is a recorder and the cache a stand-in
 * whose analyses finish when the test says, so the order in which two of them finish is chosen here.
 */
import * as assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisCache, DocumentAnalysis } from '../../../server/src/lsp/analysisCache';
import { DiagnosticsPublisher } from '../../../server/src/lsp/diagnostics';

const URI = 'file:///project/Dockerfile';
const TEXT = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n';

function analysis(version: number, text = TEXT): DocumentAnalysis {
  const env = { context: {} };
  return { uri: URI, version, kind: 'dockerfile', env, configProblems: [], analysis: analyze(text, env) };
}

/**
 * A cache that keeps one entry per document, as AnalysisCache does: `get` starts an analysis (a
 * promise the test settles) unless the kept one is for the same version; `invalidate` drops it.
 */
class StandInCache {
  private entry: { version: number; result: Promise<DocumentAnalysis>; settle: (a: DocumentAnalysis) => void } | undefined;
  readonly started: { settle: (a: DocumentAnalysis) => void }[] = [];

  get(doc: TextDocument): Promise<DocumentAnalysis> {
    if (this.entry && this.entry.version === doc.version) return this.entry.result;
    let settle!: (a: DocumentAnalysis) => void;
    const result = new Promise<DocumentAnalysis>((resolve) => (settle = resolve));
    this.entry = { version: doc.version, result, settle };
    this.started.push({ settle });
    return result;
  }

  invalidate(): void {
    this.entry = undefined;
  }

  isCurrent(uri: string, version: number): boolean {
    return uri === URI && this.entry?.version === version;
  }

  holds(uri: string, pending: Promise<DocumentAnalysis>): boolean {
    return uri === URI && this.entry?.result === pending;
  }
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setUp(): { publisher: DiagnosticsPublisher; cache: StandInCache; sent: { version?: number; messages: string[] }[] } {
  const sent: { version?: number; messages: string[] }[] = [];
  const connection = {
    sendDiagnostics: (p: { uri: string; version?: number; diagnostics: { message: string }[] }) => {
      sent.push({ version: p.version, messages: p.diagnostics.map((d) => d.message) });
      return Promise.resolve();
    },
    console: { error: (m: string) => assert.fail(m) },
  } as unknown as Connection;
  const cache = new StandInCache();
  return { publisher: new DiagnosticsPublisher(connection, cache as unknown as AnalysisCache), cache, sent };
}

describe('DiagnosticsPublisher', () => {
  const doc = TextDocument.create(URI, 'dockerfile', 5, TEXT);
  // Two analyses of the same version (a file event in between changes the facts, not the text). The
  // second is made of another text here only so that the two publications can be told apart.
  const before = analysis(5);
  const after = analysis(5, TEXT.replace('install -y', 'install -y --no-install-recommends'));

  it('publishes an analysis of the version it was asked for', async () => {
    const { publisher, cache, sent } = setUp();
    publisher.schedule(doc);
    await turns(3);
    assert.equal(cache.started.length, 1);
    cache.started[0].settle(before);
    await turns(3);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].version, 5);
  });

  it('does not publish an analysis made again for the same version (facts changed) over the newer one, when the older finishes last', async () => {
    const { publisher, cache, sent } = setUp();
    publisher.schedule(doc);
    await turns(3);
    // A file event while the first analysis runs: the kept analysis is dropped and the same version
    // is analysed again.
    cache.invalidate();
    publisher.schedule(doc);
    await turns(3);
    assert.equal(cache.started.length, 2);
    const newer = after;
    cache.started[1].settle(newer);
    await turns(3);
    cache.started[0].settle(before);
    await turns(3);
    // Before: both were published, the older one last (its version is the same, which was all that was checked).
    assert.equal(sent.length, 1, `published ${sent.length} times: ${JSON.stringify(sent)}`);
    assert.deepEqual(sent[0].messages, (newer.analysis?.findings ?? []).map((f) => f.message));
  });

  it('publishes nothing for an analysis dropped and not yet replaced', async () => {
    const { publisher, cache, sent } = setUp();
    publisher.schedule(doc);
    await turns(3);
    cache.invalidate();
    cache.started[0].settle(before);
    await turns(3);
    assert.equal(sent.length, 0);
  });
});
