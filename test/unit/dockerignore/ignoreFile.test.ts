import * as assert from 'node:assert/strict';
import { chooseIgnoreFile, ignoreFileCandidates } from '../../../server/src/core/dockerignore';

describe('dockerignore: which ignore file applies', () => {
  it('lists the Dockerfile-specific file first', () => {
    assert.deepEqual(
      ignoreFileCandidates('/w/docker/app.Dockerfile', '/w').map((c) => c.path),
      ['/w/docker/app.Dockerfile.dockerignore', '/w/.dockerignore'],
    );
  });
  const table: Array<[string, string, string[], string | undefined]> = [
    ['/w/Dockerfile', '/w', ['/w/.dockerignore'], '/w/.dockerignore'],
    ['/w/Dockerfile', '/w', ['/w/Dockerfile.dockerignore', '/w/.dockerignore'], '/w/Dockerfile.dockerignore'],
    ['/w/build/prod.Dockerfile', '/w', ['/w/build/prod.Dockerfile.dockerignore', '/w/.dockerignore'], '/w/build/prod.Dockerfile.dockerignore'],
    ['/w/build/Dockerfile', '/w', ['/w/build/.dockerignore'], undefined], // only the context root's .dockerignore counts
    ['/w/build/Dockerfile', '/w/', ['/w/.dockerignore'], '/w/.dockerignore'],
    ['C:\\w\\Dockerfile', 'C:\\w', ['C:\\w\\Dockerfile.dockerignore'], 'C:\\w\\Dockerfile.dockerignore'],
    ['Dockerfile', '.', ['./.dockerignore'], './.dockerignore'],
  ];
  for (const [dockerfile, context, existing, want] of table) {
    it(`${dockerfile} in ${context} with [${existing.join(', ')}] -> ${want}`, () => {
      assert.equal(chooseIgnoreFile(dockerfile, context, existing)?.path, want);
      assert.equal(chooseIgnoreFile(dockerfile, context, (p) => existing.includes(p))?.path, want);
    });
  }
});
