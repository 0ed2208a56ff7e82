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
    // The update last: it was kept with the removal appended, and dropped once another fix (as
    // files-changed-in-later-layer's) had put a command after it, so Apply all's result hung on
    // the order of its fixes (fixAllBatch.test, seed 1264263170 with 600 runs).
    ['RUN tar xzf a.tar.gz && apk update', 'RUN tar xzf a.tar.gz'],
    ['RUN apk add curl; apk update', 'RUN apk add --no-cache curl'],
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
    return / \(not yet measured by our bench\)\. (.*) `rm -rf \/var\/cache\/apk\/\*` to the same RUN\.$/.exec(finding?.message ?? '')?.[1];
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

describe('apk add -U / --update fetches its own indexes', () => {
  // `apk add --update curl` (a start of --update-cache, which apk-tools 2's getopt_long accepts) was
  // read as an add using the indexes an earlier `RUN apk update` left: apk-cache-kept said it read
  // them, apk-update-cache-kept withheld its advice because a later add needed its index, and
  // index-update-in-separate-run said it installed from them (as it did for --no-cache and -U adds,
  // which fetch their own). Only -U and --update-cache were known to apk-cache-kept.
  const findings = (add: string) => analyze(`FROM alpine:3.21\nRUN apk update\nRUN apk add ${add} curl\n`, ENV).findings.map((f) => `${f.range.start.line + 1} ${f.ruleId}: ${f.message}`);
  const ownIndexMerge = "3 index-update-in-separate-run: The RUN at line 2 only refreshes apk's index, which this `apk add` does not read (it fetches its own)";
  for (const flag of ['-U', '--update', '--update-cache', '--upd']) {
    it(`apk add ${flag}: its own indexes, nothing read from line 2`, () => {
      const found = findings(flag);
      assert.ok(found.some((f) => f.startsWith('3 apk-cache-kept: apk keeps its package index in /var/cache/apk')), found.join('\n'));
      assert.ok(found.some((f) => /^2 apk-update-cache-kept: .*Nothing after it in this RUN installs with apk: drop it/.test(f)), found.join('\n'));
      assert.ok(found.some((f) => f.startsWith(ownIndexMerge)), found.join('\n'));
      assert.ok(!found.some((f) => f.includes('Reads the apk indexes the RUN at line 2') || f.includes('Installs from the index')), found.join('\n'));
    });
  }
  it('apk add --no-cache reads none of line 2\'s indexes either', () => assert.ok(findings('--no-cache').some((f) => f.startsWith(ownIndexMerge))));
  it('an add without them, or with a start of two options (--up: --update-cache or --upgrade), reads line 2\'s indexes', () => {
    for (const add of ['', '--up']) {
      const found = findings(add);
      assert.ok(found.some((f) => f.startsWith('3 index-update-in-separate-run: Installs from the index refreshed by the RUN at line 2')), `${add}: ${found.join('\n')}`);
      assert.ok(found.some((f) => f.startsWith('3 apk-cache-kept: Reads the apk indexes the RUN at line 2 left')), `${add}: ${found.join('\n')}`);
    }
  });
  it('merged by the fixes, the update goes and the add gets --no-cache', () => {
    let text = 'FROM alpine:3.21\nRUN apk update\nRUN apk add --update curl\n';
    for (let i = 0; i < 4; i++) {
      const analysis = analyze(text, ENV);
      const finding = analysis.findings.find((f) => fixFor(analysis, f, ENV)?.preferred);
      if (!finding) break;
      text = applyEdits(text, fixFor(analysis, finding, ENV)!.edits);
    }
    assert.equal(text, 'FROM alpine:3.21\nRUN apk add --no-cache --update curl\n');
  });
});
