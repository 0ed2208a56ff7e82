/**
 * The CLI: the same findings as the core, compiler-like text, JSON, and stable exit codes.
 * One test runs the shipped bundle the way a user does.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../../server/src/cli';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s + '\n'), (s) => (err += s + '\n'));
  return { code, out, err };
}

describe('CLI', () => {
  it('prints path:line:col severity rule-id message and exits 1 on warnings', async () => {
    const r = await run([path.join(EXAMPLES, 'python-naive')]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.length >= 4);
    for (const l of lines) assert.match(l, /^.+Dockerfile:\d+:\d+ (error|warning|info|hint) [a-z-]+ .+$/);
    assert.match(r.out, /:2:6 warning base-image-not-slim /);
  });
  it('exits 0 on the optimised example (hints only) and honours --severity', async () => {
    const r = await run([path.join(EXAMPLES, 'optimised-multistage')]);
    assert.equal(r.code, 0, r.out);
    assert.ok(!/ warning /.test(r.out));
    const strict = await run(['--severity', 'hint', path.join(EXAMPLES, 'optimised-multistage')]);
    assert.equal(strict.code, r.out.trim() ? 1 : 0);
  });
  it('writes JSON', async () => {
    const r = await run(['--format', 'json', path.join(EXAMPLES, 'node-app')]);
    const parsed = JSON.parse(r.out);
    assert.equal(parsed.length, 1);
    assert.ok(parsed[0].findings.every((f: { line: number; ruleId: string }) => f.line >= 1 && f.ruleId));
  });
  it('exits 2 on usage errors', async () => {
    assert.equal((await run(['--format', 'xml'])).code, 2);
    assert.equal((await run(['--bogus'])).code, 2);
    assert.equal((await run([path.join(EXAMPLES, 'does-not-exist')])).code, 2);
  });
  it('runs as the shipped bundle', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), EXAMPLES], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /python-naive\/Dockerfile:\d+:\d+ warning apt-lists-kept/);
    assert.match(r.stderr, /4 Dockerfiles analysed/);
  });
});
