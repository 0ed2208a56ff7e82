/**
 * ContextScans while a document changes quickly (an ignore file being typed): superseded scans
 * are aborted, scans asked for in a burst are replaced before they start, and an analysis of an
 * old version that finished waiting does not take the document's interest back to its text.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContextScans } from '../../../server/src/sources/context/scans';

describe('ContextScans while an ignore file is typed', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-scans-typing-'));
    for (let d = 0; d < 20; d++) {
      fs.mkdirSync(path.join(root, `d${d}`));
      for (let f = 0; f < 50; f++) fs.writeFileSync(path.join(root, `d${d}`, `f${f}.txt`), 'x');
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a burst of texts superseding a running scan starts one more scan, for the last text, once the document settled', async () => {
    const done: string[] = [];
    const scans = new ContextScans({ settleMs: 40, onDone: (dir) => done.push(dir) });
    scans.state(root, 'a\n', 'doc');
    for (const text of ['ab\n', 'abc\n', 'abcd\n', 'abcde\n']) scans.state(root, text, 'doc');
    assert.deepEqual(scans.stats, { started: 1, finished: 0, aborted: 0, replaced: 3 }, 'the first scan is still running; the texts after it wait');
    const last = await scans.wait(root, 'abcde\n', 'doc');
    assert.equal(last.state, 'done');
    assert.deepEqual(scans.stats, { started: 2, finished: 1, aborted: 1, replaced: 3 });
    assert.deepEqual(done, [root], 'only the last scan is announced');
    scans.dispose();
  });

  it('a new text after the scan finished is scanned at once (small contexts keep answering in the first analysis)', async () => {
    const scans = new ContextScans({ settleMs: 10_000 });
    await scans.wait(root, 'a\n', 'doc');
    // A window longer than the test may run: only the scan's end ends the wait (or no wait at
    // all, for a scan that waits to start). Before, 5 s of wall time decided it.
    const next = scans.within(root, 'ab\n', 'doc', 60_000);
    assert.equal(scans.stats.started, 2, 'the scan of the new text started when it was asked for, not after settleMs');
    assert.equal((await next).state, 'done');
    assert.deepEqual(scans.stats, { started: 2, finished: 2, aborted: 0, replaced: 0 });
    scans.dispose();
  });

  it('within() answers at once for a scan that waits for its requester to settle', async () => {
    const scans = new ContextScans({ settleMs: 10_000 });
    scans.state(root, 'a\n', 'doc');
    const asked = Date.now();
    const next = await scans.within(root, 'ab\n', 'doc', 5_000);
    assert.equal(next.state, 'running');
    assert.ok(Date.now() - asked < 1_000, `waited ${Date.now() - asked} ms for a scan that had not started`);
    scans.dispose();
  });

  it('an old version that finished waiting does not take the interest back to its text', async () => {
    const scans = new ContextScans({ settleMs: 0 });
    const old = scans.within(root, 'v1\n', 'doc', 20);
    scans.state(root, 'v2\n', 'doc'); // the next version asks while the first one waits
    assert.equal((await old).state, 'running', 'the old scan was dropped: its analysis answers without figures');
    assert.equal((await scans.wait(root, 'v2\n', 'doc')).state, 'done');
    // Before: the old analysis asked again after its wait, which restarted the scan of v1 and
    // aborted v2's (4 scans started for 2 versions).
    assert.deepEqual(scans.stats, { started: 2, finished: 1, aborted: 1, replaced: 0 });
    scans.dispose();
  });

  it('announces only the documents answered "running", not one that got the finished scan from within()', async () => {
    const announced: string[][] = [];
    const scans = new ContextScans({ onDone: (_dir, requesters) => announced.push(requesters) });
    // An open: the first analysis waits and gets the figures. Announcing it as well analysed the
    // document a second time, the first analysis dropped unpublished.
    assert.equal((await scans.within(root, 'a\n', 'waited', 60_000)).state, 'done');
    assert.deepEqual(announced, [[]]);
    // A document told "running" (its analysis went without figures) is analysed again; one
    // waiting in within() at the end is answered there.
    assert.equal(scans.state(root, 'b\n', 'told').state, 'running');
    const waiting = scans.within(root, 'b\n', 'waiting', 60_000);
    assert.equal((await scans.wait(root, 'b\n', 'told')).state, 'done');
    assert.equal((await waiting).state, 'done');
    assert.deepEqual(announced, [[], ['told']]);
    // Timed out in within(): told "running", so announced.
    const short = await scans.within(root, 'c\n', 'short', 0);
    assert.equal(short.state, 'running');
    await scans.wait(root, 'c\n', 'other');
    assert.deepEqual(announced.at(-1), ['short']);
    scans.dispose();
  });

  it('announces a document answered at once while its scan waited to settle, and the documents told "running" by a scan that failed', async () => {
    const announced: string[][] = [];
    const scans = new ContextScans({ settleMs: 20, onDone: (_dir, requesters) => announced.push(requesters) });
    scans.state(root, 'a\n', 'typed');
    // Superseded while running: the next scan waits to settle, and within() does not wait for it
    // (nor counts the document as waiting in it), so its end must announce the document.
    assert.equal((await scans.within(root, 'ab\n', 'typed', 60_000)).state, 'running');
    assert.equal((await scans.wait(root, 'ab\n', 'typed')).state, 'done');
    assert.deepEqual(announced, [['typed']], 'the aborted first scan announces nothing; the second announces the document');
    // A scan that fails: the document told "running" is analysed again (its analysis then says why
    // there are no figures); the one waiting in within() gets the failure from that call.
    const missing = path.join(root, 'no-such-folder');
    assert.equal(scans.state(missing, undefined, 'told').state, 'running');
    const failed = await scans.within(missing, undefined, 'waiting', 60_000);
    assert.equal(failed.state, 'failed');
    assert.deepEqual(announced.at(-1), ['told']);
    // Closed while its analysis waits in within(): the scan is aborted and nobody is announced.
    const count = announced.length;
    const closing = scans.within(root, 'c\n', 'closed', 60_000);
    scans.release('closed');
    assert.equal((await closing).state, 'running');
    assert.equal(announced.length, count);
    scans.dispose();
  });

  it('a closed document drops the scan that waits for it to settle', async () => {
    const scans = new ContextScans({ settleMs: 20 });
    const first = scans.wait(root, 'a\n', 'doc');
    const waiting = scans.wait(root, 'ab\n', 'doc');
    scans.release('doc');
    await Promise.all([first, waiting]);
    assert.deepEqual(scans.stats, { started: 1, finished: 0, aborted: 1, replaced: 1 });
    scans.dispose();
  });
});
