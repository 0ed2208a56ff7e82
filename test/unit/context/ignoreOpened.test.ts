import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileSystemContextFacts } from '../../../server/src/sources/workspace';
import { ContextScans } from '../../../server/src/sources/context/scans';

/**
 * An ignore file opened in the editor that the facts read before did not have (a quick fix just
 * created it): the server reads the contexts again then, without waiting for the file watcher.
 * One that the facts already chose, or that another one outranks, changes nothing.
 */
describe('context facts: an ignore file opened in the editor', () => {
  let dir: string;
  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-ignore-opened-')));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine\nCOPY . /src\n');
    fs.writeFileSync(path.join(dir, 'app.Dockerfile'), 'FROM alpine\nCOPY . /src\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const facts = () => new FileSystemContextFacts(new ContextScans(), () => [dir], () => false);

  it('is news when the facts found no ignore file, and not once they are read again', async () => {
    const f = facts();
    assert.equal((await f.factsFor(path.join(dir, 'Dockerfile'))).hasDockerignore, false);
    const ignore = path.join(dir, '.dockerignore');
    fs.writeFileSync(ignore, '');
    try {
      assert.equal(await f.outranksKnown(ignore), true);
      f.invalidate(ignore);
      assert.equal((await f.factsFor(path.join(dir, 'Dockerfile'))).hasDockerignore, true);
      assert.equal(await f.outranksKnown(ignore), false);
    } finally {
      fs.rmSync(ignore);
    }
  });

  it("is news when a Dockerfile's own ignore file outranks the context's, and the context's is not news beside it", async () => {
    const ignore = path.join(dir, '.dockerignore');
    fs.writeFileSync(ignore, 'node_modules\n');
    try {
      const f = facts();
      await f.factsFor(path.join(dir, 'app.Dockerfile'));
      assert.equal(await f.outranksKnown(ignore), false);
      assert.equal(await f.outranksKnown(path.join(dir, 'app.Dockerfile.dockerignore')), true);
      // Another folder's ignore file is nobody's candidate.
      assert.equal(await f.outranksKnown(path.join(dir, 'sub', '.dockerignore')), false);
    } finally {
      fs.rmSync(ignore);
    }
  });

  it('is not news before any Dockerfile was read', async () => {
    assert.equal(await facts().outranksKnown(path.join(dir, '.dockerignore')), false);
  });
});
