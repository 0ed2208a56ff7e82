/**
 * Inputs on which a quick fix once did not take (its edit left its finding in place, or added a
 * parse error), found by the property tests (test/unit/hostile/properties.test.ts "each single
 * fix", with DSH_PROPERTY_RUNS=2000 at several seeds). On each, every fix the rule offers must
 * remove its finding and add no error of the peer's validator; these rules now offer none there,
 * and on an input without the trap they still offer one.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { applyEdits } from '../../../server/src/core/edits';
import { addedErrors } from '../../support/peerErrors';

const ENV = { context: {} };

/** Applies each fix `ruleId` offers on `text` alone; returns how many were offered. */
function eachFixTakes(text: string, ruleId: string): number {
  const analysis = analyze(text, ENV);
  const count = (t: string) => analyze(t, ENV).findings.filter((f) => f.ruleId === ruleId).length;
  let offered = 0;
  for (const finding of analysis.findings.filter((f) => f.ruleId === ruleId)) {
    const fix = fixFor(analysis, finding, ENV);
    if (!fix) continue;
    offered++;
    const fixed = applyEdits(text, fix.edits);
    assert.ok(count(fixed) < count(text), `the ${ruleId} fix "${fix.title}" did not remove its finding:\n${fixed}`);
    assert.deepEqual(addedErrors(text, fixed), [], `the ${ruleId} fix added parse errors:\n${fixed}`);
  }
  return offered;
}

/**
 * A rule, inputs on which its fix once did not take (now: no fix), and an input that differs as
 * little as possible on which the fix is still offered and takes.
 */
interface Case {
  rule: string;
  why: string;
  broken: string[];
  fine: string;
}

const lines = (...l: string[]) => [...l, ''].join('\n');
/** An apt RUN continued over lines, with `end` at the end of its second line. */
const aptRun = (sub: string, end: string, last: string) => ['RUN apt-get update \\', `    && apt-get -y ${sub} ${end}`, '        python3 \\', `        make${last}`];
/**
 * An apt RUN whose here-document ends in a backslash: a line added after it joins its last command.
 * (The first trap of this kind, an escaped blank before a continuation, `install \ \`, is none since
 * the model reads such a line as going on, as BuildKit does: test/unit/core/continuations.test.ts.)
 */
const aptHeredoc = ['RUN <<EOT', 'apt-get update', 'apt-get -y install python3 \\', '    make \\', 'EOT'];
const heredoc = (last: string) => lines('FROM debian:bookworm-slim', 'RUN <<EOT', 'set -e', 'curl -fsSLO https://example.com/dist/app.tgz', last, 'EOT');

const CASES: Case[] = [
  {
    rule: 'apt-lists-kept',
    why: 'a here-document whose last line ends in a backslash (the cleanup would join its last command)',
    broken: [lines('FROM debian:bookworm-slim', ...aptHeredoc)],
    fine: lines('FROM debian:bookworm-slim', ...aptRun('install', '\\', '')),
  },
  {
    rule: 'apk-virtual-not-deleted',
    why: 'a group named like an option (`apk del --no-cache` deletes nothing)',
    broken: [lines('FROM alpine:3.21', 'RUN apk add --virtual  --no-cache git')],
    fine: lines('FROM alpine:3.21', 'RUN apk add --virtual .build-deps --no-cache gcc'),
  },
  {
    rule: 'files-changed-in-later-layer',
    why: 'a here-document ending in a backslash in the RUN that wrote the files (the moved rm would join its last command)',
    broken: [lines('FROM debian:bookworm', ...aptHeredoc, 'RUN rm -rf /var/lib/apt/lists/*')],
    fine: lines('FROM debian:bookworm', ...aptRun('install', '\\', ''), 'RUN rm -rf /var/lib/apt/lists/*'),
  },
  {
    rule: 'archive-kept',
    why: 'a heredoc whose last line ends in a backslash (the rm became arguments of that line)',
    broken: [heredoc('tar -xzf app.tgz -C /opt/app \\')],
    fine: heredoc('tar -xzf app.tgz -C /opt/app'),
  },
];

describe('quick fixes take on inputs where they once did not', () => {
  for (const c of CASES) {
    it(`${c.rule}: no fix on ${c.why}`, () => {
      for (const text of c.broken) {
        assert.ok(analyze(text, ENV).findings.some((f) => f.ruleId === c.rule), `no finding: the case proves nothing\n${text}`);
        assert.equal(eachFixTakes(text, c.rule), 0, text);
      }
    });

    it(`${c.rule}: still fixed on the input without it`, () => {
      assert.equal(eachFixTakes(c.fine, c.rule), 1);
    });
  }
});
