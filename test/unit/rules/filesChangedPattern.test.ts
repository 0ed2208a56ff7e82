/**
 * files-changed-in-later-layer: a pattern (`rm -rf /opt/foo*`) changes only the paths it can match
 * and what is below them, and may reach into a written folder whose names match its first ones
 * (`rm -rf /opt/*` after `COPY dir /opt/x/`). It counted as its whole folder (/opt): `COPY a
 * /opt/bar` then `rm -rf /opt/foo*` was reported (found by helper-160), and an `rm` of such a
 * pattern in the writing RUN took its writes as removed. Classes follow dash and bash (tried on a
 * scratch tree): `[!a]` matches no `/`, and a `[` whose `]` is past a `/` is itself.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const reported = (text: string) => analyze(`FROM debian:bookworm-slim\n${text}`, ENV).findings.filter((f) => f.ruleId === 'files-changed-in-later-layer').length;

describe('files-changed-in-later-layer: a pattern changes only what it can match', () => {
  for (const [text, count] of [
    ['COPY a /opt/bar\nRUN rm -rf /opt/foo*', 0],
    ['COPY a /opt/bar\nRUN chmod -R 755 /opt/foo*', 0],
    ['COPY a /opt/bar\nRUN cd /opt && rm -rf foo?', 0],
    ['COPY a /opt/foo1\nRUN rm -rf /opt/foo*', 1],
    ['COPY a /opt/foo1\nRUN cd /opt && rm -rf foo?', 1],
    ['COPY a /opt/foo1/x\nRUN rm -rf /opt/foo*', 1],
    ['COPY dir /opt/x/\nRUN rm -rf /opt/*', 1],
    ['COPY d /opt/x\nRUN rm -rf /opt/x/*', 1],
    ['COPY d /opt/app\nRUN rm -rf /opt/*/cache', 1],
    ['COPY d /opt/app\nRUN chmod -R 755 /opt/a*/bin', 1],
    ['COPY a.txt /opt/app.txt\nRUN rm -rf /opt/*/cache', 0],
    ['COPY a /opt/ab\nRUN rm -rf /opt/[!a]b', 0],
    ['COPY a /opt/bb\nRUN rm -rf /opt/[!a]b', 1],
    ['COPY a /opt/a/b\nRUN rm -rf /opt/a[!x]b', 0],
    ['COPY a /opt/a/x\nRUN rm -rf /opt/[a/]x', 0],
    ['COPY a /opt/bar\nRUN rm -rf /opt/[z-a]*', 0],
    // A pattern in the writing RUN removes only what it matches: the later rm deletes the rest.
    ['RUN curl -fsSLo /opt/bar https://example.com/bar && rm -rf /opt/foo*\nRUN rm /opt/bar', 1],
    ['RUN curl -fsSLo /opt/foo1 https://example.com/foo1 && rm -rf /opt/foo*\nRUN rm /opt/foo1', 0],
    ['RUN curl -fsSLo /opt/x/a https://example.com/a && rm -rf /opt/x/*\nRUN rm -rf /opt/x', 0],
  ] as const) {
    it(`${text.replace(/\n/g, ', ')}: ${count ? 'reported' : 'not reported'}`, () => assert.equal(reported(text), count));
  }

  it("an archive a later RUN's pattern does not match stays archive-kept's finding; one it matches is this rule's", () => {
    const count = (rm: string) => {
      const text = `FROM debian:bookworm-slim\nRUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz && tar -xzf /tmp/a.tgz -C /opt\nRUN ${rm}\n`;
      return ['archive-kept', 'files-changed-in-later-layer'].map((id) => analyze(text, ENV).findings.filter((f) => f.ruleId === id).length);
    };
    assert.deepEqual(count('rm -rf /tmp/foo*'), [1, 0]);
    assert.deepEqual(count('rm -rf /tmp/a*'), [0, 1]);
  });

  it('a pattern of many `*` is matched against a long written name in linear time', () => {
    const started = process.cpuUsage();
    assert.equal(reported(`COPY a /opt/${'a'.repeat(400)}\nRUN rm -rf /opt/${'*a'.repeat(40)}b`), 0);
    const used = process.cpuUsage(started);
    assert.ok(used.user + used.system < 2_000_000, `${used.user + used.system} µs`);
  });
});
