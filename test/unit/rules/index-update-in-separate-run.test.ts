/**
 * index-update-in-separate-run merges `RUN apt-get update` into the installing RUN after it
 * (mergeIntoPreviousRun). Joined by `&&`, the update's status decides the installing RUN's first
 * list only: `apt-get update && apt-get install -y x || true` goes on to `true` after a failed
 * update, and `...; echo done` to `echo done`, so a build that failed on the update would pass
 * (and install from no index). Such RUNs keep the finding and get no merge.
 */
import * as assert from 'node:assert/strict';
import { ruleFixes as fixesOf } from '../../support/ruleFixes';

const HEAD = 'FROM debian:bookworm-slim\nRUN apt-get update\n';
const ruleFixes = (run: string) => fixesOf(`${HEAD}${run}\n`, 'index-update-in-separate-run');

describe('index-update-in-separate-run: no merge that would tolerate a failed update', () => {
  it('keeps the finding and merges nothing', () => {
    for (const run of [
      'RUN apt-get install -y x || true',
      'RUN apt-get install -y x; echo done',
      'RUN apt-get install -y x &',
      'RUN apt-get install -y x && rm -rf /var/lib/apt/lists/* || echo failed',
    ]) {
      assert.deepEqual(ruleFixes(run), [undefined], run);
    }
  });

  it('merges a RUN that is one list joined by &&', () => {
    assert.deepEqual(ruleFixes('RUN apt-get install -y x && rm -rf /var/lib/apt/lists/*'), [
      'FROM debian:bookworm-slim\nRUN apt-get update && \\\n    apt-get install -y x && rm -rf /var/lib/apt/lists/*\n',
    ]);
  });
});
