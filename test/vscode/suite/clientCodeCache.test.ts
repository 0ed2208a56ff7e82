/**
 * The client loads the language client library through a V8 code cache in the extension's global
 * storage (client/src/clientLibrary.ts). In this extension host: activation reports what the
 * cache did, the caches are written after the client has started, and this host's V8 accepts
 * them (what the next activation will read). The loader itself (damaged and unwritable folders,
 * stale files) is tested with fresh Node processes in test/unit/build/codeCacheLoader.test.ts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { cacheAccepted } from '../../../server/src/codeCacheLoader';
import { extensionId, waitFor } from './helpers';
import { print } from './index';

interface Api {
  clientCodeCache(): { folder: string; state: string; files: Record<string, string> };
}

describe('code cache of the language client library', () => {
  it('is used or written at activation, and accepted by this extension host', async () => {
    const extension = vscode.extensions.getExtension<Api>(extensionId);
    assert.ok(extension, `extension ${extensionId} not found`);
    const cache = (await extension.activate()).clientCodeCache();
    print(`      client code cache: ${cache.state} (${Object.values(cache.files).join(', ')}) in ${cache.folder}`);
    // A fresh profile (code-server's runner) has none; a kept one (test-electron's) may hold this build's caches.
    assert.ok(['none', 'accepted', 'rejected'].includes(cache.state), cache.state);
    const files = Object.keys(cache.files);
    assert.ok(files.some((f) => f.endsWith(`${path.sep}lc.js`)), `cached files: ${files.join(', ')}`);
    assert.ok(files.every((f) => f.startsWith(path.join(extension.extensionPath, 'dist') + path.sep)), files.join(', '));
    // The caches are written a second after the client has started; each must be one this V8 takes.
    for (const file of files) {
      const stem = path.relative(path.join(extension.extensionPath, 'dist'), file).replace(/[\\/]/g, '_');
      const suffix = `-${process.version}-${process.arch}.cache`;
      const cacheFile = await waitFor(`the cache of ${stem} in ${cache.folder}`, () => {
        const names = fs.existsSync(cache.folder) ? fs.readdirSync(cache.folder).filter((n) => n.startsWith(`${stem}-`) && n.endsWith(suffix)) : [];
        return names.length === 1 ? path.join(cache.folder, names[0]) : undefined;
      }, 30_000);
      assert.ok(cacheAccepted(file, cacheFile), `${cacheFile} rejected by this extension host's V8`);
    }
  });
});
