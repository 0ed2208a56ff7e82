/**
 * pip-cache-kept and installs of local wheel files: pip caches no wheel it installs from a file
 * (pip 23.2.1, PIP_CACHE_DIR pointing at an empty folder: `pip install /wheels/*.whl` and
 * `pip install --no-index --find-links /wheels name` of a wheel built beforehand left no cache
 * folder), and with --no-index it fetches nothing from an index. Such installs were reported with
 * "roughly the download size again". Anything that may still download (the dependencies of a wheel
 * without --no-index, a URL) or build a wheel pip caches (a local sdist) is still reported.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const reported = (run: string) => analyze(`FROM python:3.12-slim\nRUN ${run}\n`, ENV).findings.some((f) => f.ruleId === 'pip-cache-kept');

describe('pip-cache-kept: installs of local wheels', () => {
  for (const run of [
    'pip install --no-index /wheels/*.whl',
    'pip install --no-index /wheels/*',
    'pip install --no-index --find-links /wheels flask gunicorn',
    'pip install --no-index --find-links=/wheels -r requirements.txt',
    'python -m pip install --find-links file:///wheels --no-index --prefix /install -r requirements.txt',
    // The project's own wheel, built from the folder: pip 23.2.1 caches it only where the folder's
    // URL reads as name-version (_should_cache), and it is no download.
    'pip install --no-index --find-links /wheels .',
    'pip install --no-index -e .',
  ]) it(`does not report ${run}`, () => assert.equal(reported(run), false));

  for (const run of [
    // The wheel's dependencies come from the index (with --no-deps they would not: left reported).
    'pip install /wheels/*.whl',
    'pip install --no-deps /wheels/*.whl',
    'pip install dist/app-1.0-py3-none-any.whl',
    'pip install --find-links /wheels flask',
    // pip builds it and caches the wheel.
    'pip install --no-index /src/app-1.0.tar.gz',
    // Downloaded whatever --no-index says.
    'pip install --no-index https://example.com/app-1.0-py3-none-any.whl',
    'pip install --no-index --find-links https://example.com/wheels flask',
    'pip install --no-deps -r requirements.txt',
  ]) it(`reports ${run}`, () => assert.equal(reported(run), true));
});
