/**
 * Files looked for in a folder and its parents are read all at once (server/src/sources/readFirst.ts);
 * the order of the candidates still decides, whichever read finishes first.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { folderAndParents, readAll, readFirst } from '../../../server/src/sources/readFirst';
import { loadConfig } from '../../../server/src/sources/config';
import { resolveBuildContext } from '../../../server/src/sources/context/facts';
import { writeFiles } from '../../support/contextTree';

describe('reading the first file of a list, all at once', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-readfirst-'));
    writeFiles(root, {
      'a.txt': 'a',
      'c.txt': 'c',
      'deep/er/keep': '',
      '.dockerfile-size-hints.json': '{"finalStageOnly": false}',
      'deep/.dockerfile-size-hints.json': '{"finalStageOnly": true}',
      'deep/.dockerfile-size-hints.yaml': 'budget: 250MB\n',
      'deep/er/.dockerfile-size-hints.yml/keep': '',
      // Two Compose files build the same Dockerfile with different contexts: the nearer one decides.
      'compose.yaml': 'services:\n  web:\n    build:\n      context: ./far\n      dockerfile: ../svc/docker/web.Dockerfile\n',
      'svc/compose.yaml': 'services:\n  web:\n    build:\n      context: ./near\n      dockerfile: ../docker/web.Dockerfile\n',
      'svc/docker/web.Dockerfile': 'FROM alpine\n',
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('answers the first readable file in the order given, skipping absent files and folders', async () => {
    const at = (n: string) => path.join(root, n);
    assert.deepEqual(await readFirst([at('b.txt'), at('c.txt'), at('a.txt')]), { path: at('c.txt'), text: 'c' });
    assert.deepEqual(await readFirst([at('deep'), at('a.txt')]), { path: at('a.txt'), text: 'a' });
    assert.equal(await readFirst([at('b.txt'), at('deep')]), undefined);
    assert.deepEqual((await readAll([at('c.txt'), at('b.txt'), at('a.txt')])).map((f) => f.text), ['c', 'a']);
  });

  it('lists a folder and its parents, nearest first, up to the stop folder', () => {
    const deep = path.join(root, 'deep', 'er');
    assert.deepEqual(folderAndParents(deep, root), [deep, path.join(root, 'deep'), root]);
    const all = folderAndParents(deep);
    assert.equal(all.at(-1), path.parse(root).root);
    assert.deepEqual(folderAndParents(deep, ''), all, 'an empty stop folder does not stop');
    assert.equal(folderAndParents(deep, undefined, 2).length, 2);
  });

  it('finds the nearest configuration, the first name first within a folder', async () => {
    // deep/er has a folder named like a configuration file: skipped. deep has two names: .yaml before .json.
    const loaded = await loadConfig(path.join(root, 'deep', 'er', 'Dockerfile'));
    assert.equal(loaded.project?.path, path.join(root, 'deep', '.dockerfile-size-hints.yaml'));
    assert.equal(loaded.project?.budgetBytes, 250e6);
    assert.equal((await loadConfig(path.join(root, 'deep', 'er', 'Dockerfile'), path.join(root, 'deep', 'er'))).project, undefined, 'not above the stop folder');
  });

  it('answers with the nearest file without waiting for a read above it that never ends (a FIFO)', async function () {
    if (process.platform === 'win32') {
      console.log('      skipped: FIFOs (mkfifo) are POSIX only');
      return this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-readfirst-fifo-'));
    const fifos = [path.join(dir, '.dockerfile-size-hints.yaml'), path.join(dir, 'compose.yaml')];
    try {
      writeFiles(dir, {
        'a/b/.dockerfile-size-hints.yaml': 'budget: 100MB\n',
        'a/b/compose.yaml': 'services:\n  web:\n    build:\n      context: ./ctx\n      dockerfile: ../Dockerfile\n',
        'a/b/Dockerfile': 'FROM alpine\n',
      });
      // A FIFO blocks a read until something writes to it: the old code waited for every read.
      for (const f of fifos) execFileSync('mkfifo', [f]);
      const df = path.join(dir, 'a', 'b', 'Dockerfile');
      const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still waiting after 3 s')), 3_000))]);
      assert.equal((await within(loadConfig(df))).project?.budgetBytes, 100e6);
      assert.equal((await within(resolveBuildContext(df, { workspaceFolders: [] }))).dir, path.join(dir, 'a', 'b', 'ctx'));
    } finally {
      // Lets the blocked reads end (a writer opens and closes each FIFO), so no thread stays blocked.
      for (const f of fifos) {
        try {
          fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
        } catch {
          // no reader left on it
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the build context from the nearest Compose file that builds the Dockerfile', async () => {
    const df = path.join(root, 'svc', 'docker', 'web.Dockerfile');
    assert.deepEqual(await resolveBuildContext(df, { workspaceFolders: [root] }), { dir: path.join(root, 'svc', 'near'), via: 'compose', detail: 'compose.yaml service web' });
    fs.renameSync(path.join(root, 'svc', 'compose.yaml'), path.join(root, 'svc', 'compose.yaml.off'));
    try {
      assert.equal((await resolveBuildContext(df, { workspaceFolders: [root] })).dir, path.join(root, 'far'));
    } finally {
      fs.renameSync(path.join(root, 'svc', 'compose.yaml.off'), path.join(root, 'svc', 'compose.yaml'));
    }
  });
});
