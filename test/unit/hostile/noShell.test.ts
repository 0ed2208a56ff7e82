/**
 * Security, read from the source: no shell is ever started with a document's text. The only
 * process our code starts is a Docker credential helper (server/src/sources/registry/
 * credentials.ts), with execFile, a fixed argument and no shell; nothing else in the server or
 * the client may import child_process. (test/lsp/noShell.test.ts checks the same at run time.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const ALLOWED = new Map([['server/src/sources/registry/credentials.ts', new Set(['execFile'])]]);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [rel] : [];
  });
}

describe('security: no shell with document text (source)', () => {
  const files = [...sources('server/src'), ...sources('client/src')];

  it(`reads the server and client sources (${files.length} files)`, () => {
    assert.ok(files.length > 50 && files.includes('server/src/sources/registry/credentials.ts'), files.join(', '));
  });

  it('uses child_process only where allowed, and only its execFile', () => {
    const found = new Map<string, string[]>();
    for (const file of files) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      if (!/child_process/.test(text)) continue;
      // Imported or required (the call may be deferred): which of its functions the file calls.
      const called = [...text.matchAll(/\b(execFileSync|execFile|execSync|exec|spawnSync|spawn|fork)\s*\(/g)].map((m) => m[1]);
      found.set(file, [...new Set(called)]);
    }
    for (const [file, names] of found) {
      const allowed = ALLOWED.get(file);
      assert.ok(allowed, `${file} uses child_process: ${names.join(', ') || 'see the file'}`);
      for (const n of names) assert.ok(allowed.has(n), `${file} calls ${n}`);
    }
    assert.deepEqual([...found.keys()], [...ALLOWED.keys()], 'the credential helper call should be found: has the check gone blind?');
    assert.deepEqual(found.get('server/src/sources/registry/credentials.ts'), ['execFile']);
  });

  it('the credential helper runs without a shell, with a fixed action as its only argument', () => {
    const text = fs.readFileSync(path.join(ROOT, 'server/src/sources/registry/credentials.ts'), 'utf8');
    assert.doesNotMatch(text, /shell\s*:/, 'no shell option at all (execFile defaults to none)');
    const calls = [...text.matchAll(/execFile\(\s*([^,]+),\s*\[([^\]]*)\]/g)];
    assert.equal(calls.length, 1, 'one execFile call');
    assert.equal(calls[0][1].trim(), '`docker-credential-${helper}`');
    assert.equal(calls[0][2].trim(), 'action');
    // The helper name comes from the user's Docker config and must be a plain file name.
    assert.match(text, /if \(!HELPER_NAME\.test\(helper\)\) return/);
  });
});
