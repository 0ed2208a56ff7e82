/**
 * files-changed-in-later-layer keeps its finding but offers no COPY flag and no move into the
 * writing RUN for a change that a built image may not have had: one whose running hangs on an
 * earlier command's success that the script tolerates (`test -d x && chmod ... ; echo done`,
 * `[ -f x ] && chown ... || true`), one after an `exit` or `exec`, in the background or in a
 * function body. A RUN fails when its script exits non-zero (`/bin/sh -c`, no `set -e`), so the
 * status of the script's last AND-OR list is what a successful build vouches for: `a && chmod`
 * as the whole RUN (or `a || b && chmod`) did run the chmod, and keeps its fixes.
 */
import * as assert from 'node:assert/strict';
import { ruleFixes as fixesOf } from '../../support/ruleFixes';

const ruleFixes = (text: string) => fixesOf(text, 'files-changed-in-later-layer');

const COPY = 'FROM debian:bookworm-slim\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\n';
/** A RUN-written file, with an instruction between so that no merge is offered either. */
const CURL = 'FROM debian:bookworm-slim\nRUN curl -fsSLo /usr/local/bin/tool https://example.com/tool\nENV A=1\n';

describe('files-changed-in-later-layer: changes a successful build may have skipped', () => {
  const ep = '/usr/local/bin/entrypoint.sh';
  const tool = '/usr/local/bin/tool';

  it('keeps the finding and offers no COPY flag when a tolerated failure can skip the change', () => {
    for (const run of [
      `RUN test -n "$X" && chmod 755 ${ep}; echo done`,
      `RUN test -f ${ep} && chown 1000 ${ep} || true`,
      `RUN <<EOF\ntest -n "$X" && chmod 755 ${ep}\necho done\nEOF`,
      `RUN test -n "$X" && chmod 755 ${ep} &`,
      `RUN test -n "$X" || exit 0; chmod 755 ${ep}`,
      `RUN exec echo hi; chmod 755 ${ep}`,
      `RUN test -n "$X" && { echo a; chmod 755 ${ep}; }; echo done`,
      `RUN test -n "$X" || { echo a && chmod 755 ${ep}; }`,
      `RUN ! { test -n "$X" && chmod 755 ${ep}; }`,
      `RUN ! { chmod 755 ${ep} && echo ok; }`,
      `RUN setup() { echo a; chmod 755 ${ep}; }; echo b`,
      `RUN <<EOF\nsetup()\n{\n  chmod 755 ${ep}\n}\nEOF`,
      // In a case item whose pattern list holds the word esac, or whose in is on the next line.
      `RUN <<EOF\ncase "$X" in (esac)\n  echo configuring\n  chmod 755 ${ep}\n  ;;\nesac\nEOF`,
      `RUN <<EOF\ncase "$X" in a|esac)\n  echo configuring\n  chmod 755 ${ep}\nesac\nEOF`,
      `RUN <<EOF\ncase "$X"\nin a)\n  echo configuring\n  chmod 755 ${ep}\nesac\nEOF`,
    ]) {
      assert.deepEqual(ruleFixes(COPY + run + '\n'), [undefined], run);
    }
  });

  it('moves nothing into the writing RUN in those cases', () => {
    for (const run of [
      `RUN grep -q foo /etc/x && chmod 755 ${tool}; true`,
      `RUN <<EOF\ngrep -q foo /etc/x && chmod 755 ${tool}\necho done\nEOF`,
      `RUN grep -q foo /etc/x && chmod 755 ${tool} && echo ok || echo skipped`,
      `RUN grep -q foo /etc/x || ( echo a && chmod 755 ${tool} )`,
      `RUN ! ( grep -q foo /etc/x && chmod 755 ${tool} )`,
      `RUN grep -q foo /etc/x && return 0; chmod 755 ${tool}`,
      // Under `!` the build succeeded only if the group failed: the chmod may have failed.
      `RUN ! { chmod 755 ${tool} && echo ok; }`,
    ]) {
      assert.deepEqual(ruleFixes(CURL + run + '\n'), [undefined], run);
    }
  });

  it('moves no chown by name above the useradd that makes the name', () => {
    const writer = `FROM debian:bookworm-slim\nRUN curl -fsSLo ${tool} https://example.com/tool\n`;
    assert.deepEqual(ruleFixes(`${writer}RUN useradd -l app\nENV A=1\nRUN chown app ${tool}\n`), [undefined]);
    // Here the merge keeps the order.
    assert.deepEqual(ruleFixes(`${writer}RUN useradd -l app && chown app ${tool}\n`), [`${writer.slice(0, -1)} && \\\n    useradd -l app && chown app ${tool}\n`]);
    assert.deepEqual(ruleFixes(`${writer}RUN useradd -l app\nENV A=1\nRUN chown 1000 ${tool}\n`), [
      `${writer.slice(0, -1)} && chown 1000 ${tool}\nRUN useradd -l app\nENV A=1\n`,
    ]);
  });

  it('moves no command that reads a variable an instruction between sets', () => {
    // In the writing RUN, MODE is not set yet: `chmod /usr/local/bin/tool` fails the build.
    const writer = `FROM debian:bookworm-slim\nRUN curl -fsSLo ${tool} https://example.com/tool\n`;
    for (const [between, run] of [
      ['ENV MODE=755', `RUN chmod $MODE ${tool} && echo ok`],
      ['ARG MODE=755', `RUN chmod \${MODE} ${tool}`],
      ['ENV MODE=755', `RUN bash -c 'chmod $MODE ${tool} && echo ok'`],
    ]) {
      assert.deepEqual(ruleFixes(`${writer}${between}\n${run}\n`), [undefined], run);
    }
  });

  it('merges no RUN whose failure the merged script would tolerate', () => {
    // Merged after `curl ... &&`, a failed download would go on to `true` and pass (or the download
    // would run in the background with the chmod).
    const writer = `FROM debian:bookworm-slim\nRUN curl -fsSLo ${tool} https://example.com/tool\n`;
    for (const run of [`RUN grep -q foo /etc/x && chmod 755 ${tool}; true`, `RUN grep -q foo /etc/x && chmod 755 ${tool} || true`, `RUN chmod 755 ${tool} || true`, `RUN chmod 755 ${tool} &`]) {
      assert.deepEqual(ruleFixes(`${writer}${run}\n`), [undefined], run);
    }
    // All `&&`: a failed download still fails the build.
    assert.deepEqual(ruleFixes(`${writer}RUN cd /tmp && chmod 755 ${tool} && echo ok\n`), [`${writer.slice(0, -1)} && \\\n    cd /tmp && chmod 755 ${tool} && echo ok\n`]);
  });

  it('keeps the fixes when the build vouches for the change', () => {
    // The script's status is its last list's: when that list fails, the RUN fails.
    assert.deepEqual(ruleFixes(`${COPY}RUN test -n "$X" && chmod 755 ${ep}\n`), [`FROM debian:bookworm-slim\nCOPY --chmod=755 entrypoint.sh ${ep}\nRUN test -n "$X"\n`]);
    assert.deepEqual(ruleFixes(`${COPY}RUN echo a || echo b && chmod 755 ${ep}\n`), [`FROM debian:bookworm-slim\nCOPY --chmod=755 entrypoint.sh ${ep}\nRUN echo a || echo b\n`]);
    assert.deepEqual(ruleFixes(`${COPY}RUN test -n "$X"; chmod 755 ${ep}; echo done\n`), [`FROM debian:bookworm-slim\nCOPY --chmod=755 entrypoint.sh ${ep}\nRUN test -n "$X"; echo done\n`]);
    // An exec that only redirects ends nothing.
    assert.deepEqual(ruleFixes(`${COPY}RUN exec >/dev/null; chmod 755 ${ep}; echo done\n`), [`FROM debian:bookworm-slim\nCOPY --chmod=755 entrypoint.sh ${ep}\nRUN exec >/dev/null; echo done\n`]);
    assert.deepEqual(ruleFixes(`${CURL}RUN grep -q foo /etc/x && chmod 755 ${tool}\n`), [
      `FROM debian:bookworm-slim\nRUN curl -fsSLo ${tool} https://example.com/tool && chmod 755 ${tool}\nENV A=1\nRUN grep -q foo /etc/x\n`,
    ]);
    // A group or subshell that must succeed runs what its own last list vouches for.
    assert.deepEqual(ruleFixes(`${CURL}RUN grep -q foo /etc/x && { echo a; chmod 755 ${tool}; echo b; }\n`), [
      `FROM debian:bookworm-slim\nRUN curl -fsSLo ${tool} https://example.com/tool && chmod 755 ${tool}\nENV A=1\nRUN grep -q foo /etc/x && { echo a; echo b; }\n`,
    ]);
  });
});
