/**
 * Shell patterns as dash (Debian's sh, the shell of RUN there) expands them, tried with dash 0.5.12
 * in a scratch folder and with `case`: `*`, `?` and a class match no `.` that starts a name unless
 * the pattern's name starts with one (`rm -rf /root/*` leaves /root/.cache); `[[:alpha:]]` is a
 * POSIX class; a backwards range (`z-a`) holds nothing, the rest of its class still counts; a
 * backslashed or quoted `*` is itself. A non-recursive chmod changes only the entries it matches.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { globReaches, pathCovers } from '../../../server/src/core/commands';

const ENV = { context: {} };
const reported = (rule: string, text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;

describe('shell patterns as dash expands them', () => {
  it('matches a name that starts with a dot only when the pattern name starts with one', () => {
    for (const [glob, name, dash] of [
      ['*', '.cache', false], ['?cache', '.cache', false], ['[.]cache', '.cache', false], ['[!a]cache', '.cache', false], ['[[:punct:]]a', '.a', false],
      ['.*', '.cache', true], ['.[!.]*', '.cache', true], ['.c*', '.cache', true], ['a\\b', 'a\\b', true], ['*', 'cache', true], ['a*', 'a.b', true], ['*b', 'a.b', true],
    ] as const) assert.equal(globReaches(glob, name), dash, `${glob} ${name}`);
  });

  it('reads POSIX classes, backwards ranges and escapes as dash does', () => {
    // Each answer is dash's `case NAME in GLOB)`.
    for (const [glob, name, dash] of [
      ['[[:alpha:]]', 'b', true], ['[[:alpha:]]', '1', false], ['[![:digit:]]', 'b', true], ['[[:digit:]x]', 'x', true], ['[[:alpha:]]', ':]', false],
      ['[[:foo:]]', 'f]', true], ['[[:foo:]]', 'f', false], ['[z-ab]', 'b', true], ['[z-ab]', 'z', false], ['[z-a]', 'a', false], ['[!z-a]', 'q', true],
      ['[a-]', '-', true], ['[]a]', ']', true], ['[!]a]', 'b', true], ['\\*', '*', true], ['\\*', 'a', false], ['a\\?', 'ab', false], ['\\[a]', '[a]', true],
      ['[\\]]', ']', true], ['[[.a.]]', 'a', false], ['[X-[]', 'Z', true], ['[x-[]', 'Z', false], ['[[:upper:][:digit:]]', '7', true],
    ] as const) assert.equal(globReaches(glob, name), dash, `${glob} ${name}`);
  });

  it('reads a long pattern without a crash, and a name of many `[` in linear time', () => {
    // 10,000 `*a` threw "Invalid regular expression" when first tested (it ended the analysis).
    assert.equal(globReaches(`/a/${'*a'.repeat(10_000)}b`, '/a/b'), false);
    const started = process.cpuUsage();
    assert.equal(globReaches(`/a/${'['.repeat(20_000)}x`, '/a/b'), false);
    assert.equal(globReaches(`/a/${'[\\]'.repeat(7_000)}`, '/a/b'), false);
    const used = process.cpuUsage(started);
    assert.ok(used.user + used.system < 3_000_000, `${used.user + used.system} µs`);
  });

  it('pathCovers: `dir/*` empties dir and takes what its `*` matches, not its dot-names; `/*` takes everything else', () => {
    for (const [removed, dir, covers] of [
      ['/root/*', '/root/.cache/pip', false], ['/root/*', '/root', true], ['/root/*', '/root/go/pkg', true], ['/root/.*', '/root/.cache', true], ['~/*', '~/.npm', false], ['~/.npm/*', '~/.npm', true],
      ['/*', '/opt/x', true], ['/*', '/.x/y', false], ['/', '/opt/x', false], ['/var/lib/apt/[[:alpha:]]ists', '/var/lib/apt/lists', true], ['/var/lib/apt/[z-al]ists', '/var/lib/apt/lists', true],
    ] as const) assert.equal(pathCovers(removed, dir), covers, `${removed} ${dir}`);
  });

  it("pip's cache in /root/.cache stays after `rm -rf /root/*`", () => {
    assert.equal(reported('pip-cache-kept', 'FROM python:3.12-slim\nRUN pip install requests && rm -rf /root/*\n'), 1);
    assert.equal(reported('pip-cache-kept', 'FROM python:3.12-slim\nRUN pip install requests && rm -rf /root/.cache/*\n'), 0);
  });

  it('a quoted or backslashed `*` in an rm operand is a name, not a pattern', () => {
    const pip = (rm: string) => reported('pip-cache-kept', `FROM python:3.12-slim\nRUN pip install requests && rm -rf ${rm}\n`);
    assert.deepEqual(["'/root/.cache/pip/*'", '/root/.cache/pip/\\*', '"/root/.cache/pip/*"', '"/root/.cache/pip"/*', '/root/.cache/pi[p]', "/root/.cache/pi'[p]'"].map(pip), [1, 1, 1, 0, 0, 1]);
  });

  for (const [text, count] of [
    ["COPY a /opt/x\nRUN rm -rf '/opt/*'", 0],
    ['COPY a /opt/x\nRUN rm -rf /opt/\\*', 0],
    ['COPY a /opt/x\nRUN rm -rf "/opt/"*', 1],
    ["COPY a /opt/x\nRUN chmod -R 755 '/opt/?'", 0],
    ['COPY a /opt/.x\nRUN rm -rf /opt/*', 0],
    ['COPY a /opt/x\nRUN rm -rf /opt/*', 1],
    // The writing RUN's `rm -rf /*` removes what it wrote outside dot-folders.
    ['RUN curl -fsSLo /opt/bar https://example.com/bar && rm -rf /*\nRUN rm /opt/bar', 0],
    ['RUN curl -fsSLo /.x/bar https://example.com/bar && rm -rf /*\nRUN rm /.x/bar', 1],
    // Non-recursive: the entries matched, not what is below them.
    ['COPY d /opt/app/\nRUN chmod 755 /opt/*', 0],
    ['RUN curl -fsSLo /opt/app.bin https://example.com/a\nRUN chmod 755 /opt/*', 1],
    ['RUN curl -fsSLo /opt/app.bin https://example.com/a\nRUN chmod 755 /opt/*.sh', 0],
    ['COPY d /opt/app/\nRUN chmod 755 /opt/*/run.sh', 1],
    ['COPY d /opt/app/\nRUN chmod -R 755 /opt/*', 1],
  ] as const) {
    it(`files-changed-in-later-layer: ${text.replace(/\n/g, ', ')}: ${count ? 'reported' : 'not reported'}`, () => assert.equal(reported('files-changed-in-later-layer', `FROM debian:bookworm-slim\n${text}`), count));
  }
});
