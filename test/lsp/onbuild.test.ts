/**
 * ONBUILD triggers over LSP: their diagnostics, a quick fix that edits the trigger, and the
 * image's "after the fixes" figure, which their fixes do not change (they apply to later images).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits } from '../../server/src/core/edits';
import type { TextEdit } from '../../server/src/core/types';
import { fileUri, LspTestClient } from '../support/lspClient';

const TEXT = [
  'FROM python:3.12-slim',
  'RUN apt-get update && apt-get install -y --no-install-recommends curl',
  'ONBUILD COPY requirements.txt /app/',
  'ONBUILD RUN pip install -r /app/requirements.txt',
  '',
].join('\n');

describe('language server: ONBUILD triggers', function () {
  let client: LspTestClient;
  let dir: string;
  let uri: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-onbuild-'));
    fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n');
    const file = path.join(dir, 'Dockerfile');
    fs.writeFileSync(file, TEXT);
    uri = fileUri(file);
    client = await LspTestClient.start({ rootPath: dir });
    await client.open(uri, TEXT);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the trigger, fixes it in place, and leaves the image figures to the image', async () => {
    const published = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const pip = published.diagnostics.find((d) => d.code === 'pip-cache-kept');
    assert.ok(pip, JSON.stringify(published.diagnostics));
    assert.equal(pip.range.start.line, 3);
    assert.match(pip.message, /\(ONBUILD: in each image built FROM this one\.\)$/);
    assert.equal((pip as { tags?: unknown }).tags, undefined, 'not faded: it costs in the images built on this one');

    const actions = await client.request<{ kind?: string; edit?: { changes?: Record<string, TextEdit[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: pip.range,
      context: { diagnostics: [pip], only: ['quickfix'] },
    });
    const edits = actions.find((a) => a.kind === 'quickfix')?.edit?.changes?.[uri];
    assert.ok(edits, JSON.stringify(actions));
    assert.equal(applyEdits(TEXT, edits), TEXT.replace('pip install -r', 'pip install --no-cache-dir -r'));

    // The apt lists of line 2 are this image's: one fix; the trigger's is not counted.
    const breakdown = await client.request<{ after?: { fixes: number } }>('dockerfileSizeHints/sizeBreakdown', { uri });
    assert.equal(breakdown.after?.fixes, 1, JSON.stringify(breakdown.after));
  });
});
