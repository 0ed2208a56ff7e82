/**
 * Commands that follow a shell reserved word (`then`, `else`, `elif`, `do`, `if`, `while`,
 * `until`, `!`, `{`) are commands like any other: the rules find in them what they find after
 * `&&`, and every fix leaves a script `sh -n` accepts, with no empty `then`/`do`/`else` body and
 * no dangling keyword (3e481e9 was a removal that left `then echo a && fi`).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';

const ENV = { context: {} };

/** `rule@line:character` of every finding on the RUN lines (line 1 is the first RUN). */
function found(image: string, run: string, only?: string[]): string[] {
  const text = `FROM ${image}\n${run}\n`;
  return analyze(text, ENV)
    .findings.filter((f) => f.range.start.line >= 1 && (!only || only.includes(f.ruleId)))
    .map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.character}`)
    .sort();
}

function shAccepts(script: string): { ok: boolean; stderr: string } {
  const sh = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return { ok: sh.status === 0, stderr: sh.stderr };
}

/** The text after `rule`'s fix, and every RUN script of it checked by sh -n. */
function fixed(image: string, run: string, rule: string): string | undefined {
  const text = `FROM ${image}\n${run}\n`;
  const analysis = analyze(text, ENV);
  const finding = analysis.findings.find((f) => f.ruleId === rule);
  assert.ok(finding, `no ${rule} in ${run}: ${JSON.stringify(analysis.findings.map((f) => f.ruleId))}`);
  const fix = fixFor(analysis, finding, ENV);
  if (!fix) return undefined;
  const after = applyEdits(text, fix.edits);
  for (const i of buildModel(after).instructions) {
    if (!i.run || i.run.form === 'exec') continue;
    const verdict = shAccepts(i.run.text);
    assert.ok(verdict.ok, `${rule}'s fix "${fix.title}" made a script sh rejects:\n${after}\n${verdict.stderr}`);
  }
  return after.split('\n').slice(1, -1).join('\n');
}

describe('commands after shell reserved words', () => {
  it('the cases of the report: apt-get, pip and apk after then, do and else', () => {
    assert.deepEqual(found('debian:bookworm', 'RUN if [ "$DEV" = 1 ]; then apt-get install -y build-essential; fi', ['apt-recommends']), ['apt-recommends@1:28']);
    assert.deepEqual(found('python:3.12', 'RUN for p in a b; do pip install "$p"; done'), ['pip-cache-kept@1:21']);
    assert.deepEqual(found('alpine:3.20', 'RUN if x; then :; else apk add curl; fi'), ['apk-cache-kept@1:23']);
  });

  it('after {, if, elif, while, until and !', () => {
    assert.deepEqual(found('debian:bookworm', 'RUN { apt-get update; apt-get install -y --no-install-recommends curl; }'), ['apt-lists-kept@1:6']);
    assert.deepEqual(found('alpine:3.20', 'RUN if ! apk add curl; then echo failed; fi'), ['apk-cache-kept@1:9']);
    assert.deepEqual(found('alpine:3.20', 'RUN if [ -f a ]; then :; elif apk add curl; then :; fi'), ['apk-cache-kept@1:30']);
    assert.deepEqual(found('node:20', 'RUN while ! npm ci --omit=dev; do sleep 1; done'), ['npm-cache-kept@1:12']);
    assert.deepEqual(found('python:3.12', 'RUN until pip install flask; do sleep 1; done'), ['pip-cache-kept@1:10']);
    // `! grep ... || apt-get` and a subshell were read before; they stay read.
    assert.deepEqual(found('debian:bookworm', 'RUN ! grep -q x /etc/hosts || apt-get install -y --no-install-recommends curl', ['apt-lists-kept', 'apt-recommends']), []);
    assert.deepEqual(found('node:20', 'RUN ( cd /srv && npm ci --omit=dev )'), ['npm-cache-kept@1:17']);
  });

  it('on lines of their own, in a continued RUN and in a here-document', () => {
    assert.deepEqual(found('debian:bookworm', 'RUN if [ "$DEV" = 1 ]; then \\\n      apt-get update; \\\n    fi'), ['apt-lists-kept@2:6']);
    assert.deepEqual(found('python:3.12', 'RUN <<EOF\nif [ -n "$DEV" ]\nthen\n  pip install flask\nfi\nEOF'), ['pip-cache-kept@4:2']);
  });

  it('a cleanup after a reserved word counts as one', () => {
    assert.deepEqual(found('debian:bookworm', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && if true; then rm -rf /var/lib/apt/lists/*; fi'), []);
  });

  it('fixes that append go after the closing keyword', () => {
    assert.equal(
      fixed('debian:bookworm', 'RUN if [ "$DEV" = 1 ]; then apt-get update; apt-get install -y --no-install-recommends gcc; fi', 'apt-lists-kept'),
      'RUN if [ "$DEV" = 1 ]; then apt-get update; apt-get install -y --no-install-recommends gcc; fi && rm -rf /var/lib/apt/lists/*',
    );
    assert.equal(fixed('python:3.12', 'RUN for p in a b; do pip install "$p"; done', 'pip-cache-kept'), 'RUN for p in a b; do pip install --no-cache-dir "$p"; done');
    assert.equal(fixed('alpine:3.20', 'RUN if x; then :; else apk add curl; fi', 'apk-cache-kept'), 'RUN if x; then :; else apk add --no-cache curl; fi');
    assert.equal(
      fixed('debian:bookworm', 'RUN { apt-get update; apt-get install -y --no-install-recommends curl; }', 'apt-lists-kept'),
      'RUN { apt-get update; apt-get install -y --no-install-recommends curl; } && rm -rf /var/lib/apt/lists/*',
    );
  });

  it('files-changed-in-later-layer reports a change inside an if or a loop, and moves none out of it', () => {
    // A COPY flag or a move into the writing RUN would make the change unconditional. Before, the
    // second form (a command after `;` in the body) had the COPY --chmod fix applied unread.
    const copy = 'COPY entrypoint.sh /usr/local/bin/entrypoint.sh\n';
    for (const run of ['RUN if [ -n "$X" ]; then chmod 755 /usr/local/bin/entrypoint.sh; fi', 'RUN if [ -n "$X" ]; then echo a; chmod 755 /usr/local/bin/entrypoint.sh; fi', 'RUN for f in a; do chmod 755 /usr/local/bin/entrypoint.sh; done']) {
      assert.deepEqual(found('debian:bookworm-slim', copy + run, ['files-changed-in-later-layer']).length, 1, run);
      assert.equal(fixed('debian:bookworm-slim', copy + run, 'files-changed-in-later-layer'), undefined, run);
    }
    // In a group it always runs: the flag is fine there.
    assert.equal(
      fixed('debian:bookworm-slim', `${copy}RUN { echo a; chmod 755 /usr/local/bin/entrypoint.sh; }`, 'files-changed-in-later-layer'),
      'COPY --chmod=755 entrypoint.sh /usr/local/bin/entrypoint.sh\nRUN { echo a; }',
    );
  });

  it('apk-virtual-not-deleted appends no apk del after an apk add that may not run', () => {
    assert.equal(fixed('alpine:3.20', 'RUN if [ -n "$X" ]; then apk add --no-cache --virtual .deps gcc; fi', 'apk-virtual-not-deleted'), undefined);
    assert.equal(fixed('alpine:3.20', 'RUN { apk add --no-cache --virtual .deps gcc; }', 'apk-virtual-not-deleted'), 'RUN { apk add --no-cache --virtual .deps gcc; } && apk del .deps');
  });

  it('a removal never leaves an empty body or a dangling keyword (apk-update-cache-kept)', () => {
    // The update alone in a body: taking it out would leave `then fi` / `{ }` / `if then`; the
    // cleanup is appended instead.
    for (const [run, expected] of [
      ['RUN if true; then apk update; fi; apk add --no-cache curl', 'RUN if true; then apk update; fi; apk add --no-cache curl && rm -rf /var/cache/apk/*'],
      ['RUN { apk update; }; apk add --no-cache curl', 'RUN { apk update; }; apk add --no-cache curl && rm -rf /var/cache/apk/*'],
      ['RUN if apk update; then apk add --no-cache curl; fi', 'RUN if apk update; then apk add --no-cache curl; fi && rm -rf /var/cache/apk/*'],
      ['RUN for r in a; do apk update; done; apk add --no-cache curl', 'RUN for r in a; do apk update; done; apk add --no-cache curl && rm -rf /var/cache/apk/*'],
      ['RUN if x; then :; else apk update; fi; apk add --no-cache curl', 'RUN if x; then :; else apk update; fi; apk add --no-cache curl && rm -rf /var/cache/apk/*'],
      ['RUN ! apk update; apk add --no-cache curl', 'RUN ! apk update; apk add --no-cache curl && rm -rf /var/cache/apk/*'],
      // Not alone in its body: the update goes, the body keeps its other command.
      ['RUN if true; then echo a && apk update; fi; apk add --no-cache curl', 'RUN if true; then echo a; fi; apk add --no-cache curl'],
      ['RUN { apk update; apk add --no-cache curl; }', 'RUN { apk add --no-cache curl; }'],
    ]) {
      assert.equal(fixed('alpine:3.20', run, 'apk-update-cache-kept'), expected, run);
    }
  });
});
