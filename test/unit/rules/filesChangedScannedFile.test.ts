/**
 * files-changed-in-later-layer on a COPY source that may be a file or a folder (`COPY Gemfile
 * ./`, `COPY app /srv/app`: no extension, no trailing slash). A folder's content lands in the
 * destination, a file at dest/<name> (or at the destination). When the build-context scan found
 * the source to be a file, a change elsewhere in the destination (`rm -rf node_modules` after
 * Rails's `COPY Gemfile Gemfile.lock ./`) touches nothing it copied, and a change of the file
 * itself is reported and gets COPY's flag.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { buildModel } from '../../../server/src/core/model';
import { RULES } from '../../../server/src/rules';
import { ruleFixes } from '../../support/ruleFixes';
import { assertLinear } from '../../support/ruleTiming';

const RULE = 'files-changed-in-later-layer';
const scan = (topLevel: object[], files: string[] = [], dirs: string[] = []) =>
  ({ context: { hasDockerignore: true, scan: { complete: true, files: 3, bytes: 9_000, topLevel, heavy: [], secrets: [], listing: { files, dirs } } } }) as unknown as AnalysisEnvironment;
const entry = (path: string, isDirectory: boolean) => ({ path, bytes: 3_000, files: 1, isDirectory });
const FILES = scan([entry('Gemfile', false), entry('Gemfile.lock', false), entry('app', false), entry('config', true)], ['Gemfile', 'Gemfile.lock', 'app', 'config/settings'], ['config']);
const FOLDERS = scan([entry('app', true)], ['app/node_modules/x'], ['app', 'app/node_modules']);
const HEAD = 'FROM debian:bookworm-slim\nWORKDIR /rails\n';
const found = (text: string, env: AnalysisEnvironment) => analyze(text, env).findings.filter((f) => f.ruleId === RULE).map((f) => f.range.start.line);

describe('files-changed-in-later-layer: a COPY source the scan found to be a file', () => {
  it('touches nothing else in the destination', () => {
    assert.deepEqual(found(`${HEAD}COPY Gemfile Gemfile.lock ./\nRUN rm -rf node_modules\n`, FILES), []);
    assert.deepEqual(found(`${HEAD}COPY app /srv/app\nRUN rm -rf /srv/app/cache\n`, FILES), []);
    // A file below the context's top, known from the listing.
    assert.deepEqual(found(`${HEAD}COPY config/settings /etc/app/\nRUN rm -rf /etc/app/cache\n`, FILES), []);
  });

  it('is still the file a change of it, or of a folder above it, touches', () => {
    assert.deepEqual(found(`${HEAD}COPY Gemfile Gemfile.lock ./\nRUN rm -rf /rails\n`, FILES), [3]);
    assert.deepEqual(found(`${HEAD}COPY Gemfile Gemfile.lock ./\nRUN rm -f Gemfile\n`, FILES), [3]);
    assert.deepEqual(found(`${HEAD}COPY app /srv/app\nRUN chmod 600 /srv/app\n`, FILES), [3]);
    assert.deepEqual(found(`${HEAD}COPY config/settings /etc/app/\nRUN rm -rf /etc/app/cache\n`.replace('COPY', 'ADD'), FILES), [3], 'ADD unpacks an archive, whatever its name');
    assert.deepEqual(found(`${HEAD}COPY config/settings /etc/app/\nRUN rm -rf /etc/app/settings\n`, FILES), [3]);
  });

  it('reads a folder, or a source the scan does not know, as before', () => {
    for (const env of [FOLDERS, { context: {} }]) {
      assert.deepEqual(found(`${HEAD}COPY app ./\nRUN rm -rf node_modules\n`, env), [3], JSON.stringify(env));
      // A non-recursive change of what may be a folder's entry is not reported.
      assert.deepEqual(found(`${HEAD}COPY app /srv/app\nRUN chmod 600 /srv/app\n`, env), [], JSON.stringify(env));
    }
  });

  it('reads Gemfile, Makefile and the like as files without a scan', () => {
    assert.deepEqual(found(`${HEAD}COPY Gemfile Gemfile.lock ./\nRUN rm -rf node_modules\n`, { context: {} }), []);
    assert.deepEqual(found(`${HEAD}COPY Makefile ./\nRUN rm -rf build\n`, { context: {} }), []);
  });

  it('gets COPY --chmod for the file alone, and no flag on a COPY of several sources', () => {
    assert.deepEqual(ruleFixes(`${HEAD}COPY app /srv/app\nRUN chmod 600 /srv/app\n`, RULE, FILES), [`${HEAD}COPY --chmod=600 app /srv/app\n`]);
    // The flag would make Gemfile.lock (or b.py) 755 too.
    assert.deepEqual(ruleFixes(`${HEAD}COPY Gemfile Gemfile.lock ./\nRUN chmod 755 Gemfile\n`, RULE, FILES), [undefined]);
    assert.deepEqual(ruleFixes(`${HEAD}COPY a.py b.py /app/\nRUN chmod 755 /app/a.py\n`, RULE, FILES), [undefined]);
  });

  it('stays linear: copies of scanned files into one folder, each followed by a change below it', function () {
    this.timeout(120_000);
    const files = Array.from({ length: 3000 }, (_, i) => `d/f${i}`);
    const env = scan([entry('d', true)], files, ['d']);
    const rule = RULES.find((r) => r.id === RULE)!;
    const make = (n: number) => `FROM debian:bookworm-slim\n${Array.from({ length: n }, (_, i) => `COPY d/f${i} /app/\nRUN rm -rf /app/x${i}\n`).join('')}`;
    assertLinear(RULE, make, buildModel, (model) => assert.equal(rule.check({ model, env, settings: {} } as Parameters<typeof rule.check>[0]).length, 0));
  });
});
