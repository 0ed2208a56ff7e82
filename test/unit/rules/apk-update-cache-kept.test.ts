/**
 * apk-update-cache-kept's removal of `apk update` (when every later apk command needs no stored
 * index) must leave a script the shell accepts, whatever operators stand around the update.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';

const ENV = { context: {} };
const RULE = 'apk-update-cache-kept';

function fixed(run: string): string | undefined {
  const text = `FROM alpine:3.21\n${run}\n`;
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === RULE);
  assert.ok(finding, `no ${RULE} on ${run}`);
  const fix = fixFor(analysis, finding, ENV);
  return fix && applyEdits(text, fix.edits).split('\n')[1];
}

describe('apk-update-cache-kept: dropping the update', () => {
  for (const [run, expected] of [
    // Found by a shell-syntax judge over random RUN scripts: the update and the `;` after it went,
    // leaving `then echo a && fi`.
    ['RUN if true; then echo a && apk update; fi; apk add --no-cache curl', 'RUN if true; then echo a; fi; apk add --no-cache curl'],
    ['RUN echo a && apk update; apk add --no-cache curl', 'RUN echo a; apk add --no-cache curl'],
    ['RUN apk update && apk add --no-cache curl', 'RUN apk add --no-cache curl'],
    ['RUN set -e; apk update; apk add --no-cache curl', 'RUN set -e; apk add --no-cache curl'],
    ['RUN echo a && apk update && apk add --no-cache curl', 'RUN echo a && apk add --no-cache curl'],
  ]) {
    it(`${run} -> ${expected}`, () => {
      const after = fixed(run);
      assert.equal(after, expected);
      const script = after!.slice('RUN '.length);
      const sh = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
      assert.equal(sh.status, 0, `sh -n rejects ${script}: ${sh.stderr}`);
    });
  }
});

describe('apk-update-cache-kept: the advice fits what the RUN runs after the update', () => {
  // 'With `apk add --no-cache` the update is not needed' was said with no apk add at all, before
  // an apk upgrade that reads the index, and with an apk add (without --no-cache) in a -c script.
  const advice = (run: string) => {
    const finding = analyze(`FROM alpine:3.21\n${run}\n`, ENV).findings.find((f) => f.ruleId === RULE);
    return / \(their size is not yet measured by our bench\)\. (.*) `rm -rf \/var\/cache\/apk\/\*` to the same RUN\.$/.exec(finding?.message ?? '')?.[1];
  };

  it('reads the commands after the update, those of a -c script too', () => {
    assert.deepEqual(
      ['RUN apk update && pip install x', 'RUN apk update && apk upgrade', 'RUN apk update && sh -c "apk add curl"', 'RUN apk update && apk add --no-cache curl'].map(advice),
      [
        'Nothing after it in this RUN installs with apk: drop it or add',
        '`apk upgrade` after it reads them: add',
        'Drop it and use `apk add --no-cache` (it fetches its own index), or add',
        'With `apk add --no-cache` the update is not needed; drop it or add',
      ],
    );
  });

  it('names what dropping the update rests on', () => {
    const text = 'FROM alpine:3.21\nRUN apk update && pip install x\n';
    const analysis = analyze(text, ENV);
    assert.equal(fixFor(analysis, analysis.findings.find((f) => f.ruleId === RULE)!, ENV)?.title, 'Drop apk update (nothing after it uses its index)');
  });
});
