/**
 * files-changed-in-later-layer's COPY flag fix for a source that may be a file or a folder
 * (`COPY app /app`: no trailing slash, no extension). Which command stays depends on it (a folder
 * keeps a non-recursive change on itself, which COPY does not make on a folder that exists), so
 * without other knowledge no fix is offered; when the build-context scan found the source to be a
 * folder, the fix is the one `COPY app/ /app/` gets, and a file gets the one `COPY app.py /app.py` gets.
 */
import * as assert from 'node:assert/strict';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { ruleFixes } from '../../support/ruleFixes';

const RULE = 'files-changed-in-later-layer';
const scanWith = (topLevel: object[]) => ({ context: { hasDockerignore: true, scan: { complete: true, files: 3, bytes: 250_018, topLevel, heavy: [], secrets: [] } } }) as unknown as AnalysisEnvironment;
const FOLDER = scanWith([{ path: 'app', bytes: 250_018, files: 2, isDirectory: true }]);
const FILE = scanWith([{ path: 'app', bytes: 250_018, files: 1, isDirectory: false }]);
const UNSAID = scanWith([{ path: 'app', bytes: 250_018, files: 2 }]);
const HEAD = 'FROM debian:bookworm-slim\n';

describe('files-changed-in-later-layer: a COPY source the scan found to be a folder', () => {
  it('gets COPY --chmod / --chown, the folder itself keeping a non-recursive change', () => {
    assert.deepEqual(ruleFixes(`${HEAD}COPY app /opt/app\nRUN chmod -R 750 /opt/app\n`, RULE, FOLDER), [`${HEAD}COPY --chmod=750 app /opt/app\nRUN chmod 750 /opt/app\n`]);
    assert.deepEqual(ruleFixes(`${HEAD}COPY ./app /opt/app\nRUN chown -R 1000:1000 /opt/app\n`, RULE, FOLDER), [`${HEAD}COPY --chown=1000:1000 ./app /opt/app\nRUN chown 1000:1000 /opt/app\n`]);
    // Into a folder (`/opt/`): a folder's content lands in it.
    assert.deepEqual(ruleFixes(`${HEAD}COPY app /opt/\nRUN chmod -R 750 /opt\n`, RULE, FOLDER), [`${HEAD}COPY --chmod=750 app /opt/\nRUN chmod 750 /opt\n`]);
  });

  it('keeps the safety checks of a copied folder', () => {
    // A system directory, whose other files the recursive chmod changed too.
    assert.deepEqual(ruleFixes(`${HEAD}COPY app /usr/local/lib/app\nRUN chmod -R 750 /usr/local/lib/app\n`, RULE, FOLDER), [undefined]);
    // Something else written below the destination before.
    assert.deepEqual(ruleFixes(`${HEAD}COPY conf.ini /opt/app/conf.ini\nCOPY app /opt/app\nRUN chmod -R 750 /opt/app\n`, RULE, FOLDER).at(-1), undefined);
  });

  it('offers no fix without a scan, or when the scan did not say', () => {
    for (const env of [{ context: {} }, UNSAID]) {
      assert.deepEqual(ruleFixes(`${HEAD}COPY app /opt/app\nRUN chmod -R 750 /opt/app\n`, RULE, env), [undefined], JSON.stringify(env));
    }
  });

  it('gives a file the flag, the command going (filesChangedScannedFile)', () => {
    assert.deepEqual(ruleFixes(`${HEAD}COPY app /opt/app\nRUN chmod -R 750 /opt/app\n`, RULE, FILE), [`${HEAD}COPY --chmod=750 app /opt/app\n`]);
  });
});
