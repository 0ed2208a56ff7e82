/**
 * A removal takes a cache only when it removes the whole folder: the folder, a parent, its
 * contents (`dir/*`) or a pattern naming one of them. A folder inside it leaves the rest:
 * `rm -rf /var/lib/apt/lists/partial` removes apt's download staging folder, empty after
 * `apt-get update` (seen on Debian bookworm: partial/ 4 KB, the lists 19.9 MB), and keeps every list.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { lastCovering, pathCovers } from '../../../server/src/core/commands';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const ENV = { context: {} };

function reported(rule: string, text: string): number {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
}

describe('a removal takes a cache only when it takes the whole folder', () => {
  it('pathCovers: the folder, a parent, its contents or a pattern naming one of them; nothing inside', () => {
    for (const removed of ['/var/lib/apt/lists', '/var/lib/apt/lists/', '/var/lib/apt/lists/*', '/var/lib/apt/lists/**', '"/var/lib/apt/lists/*"', '/var/lib/apt', '/var/lib/apt/*', '/var/lib/apt/l*', '/var/lib/apt/lis?s', '/var/lib/apt/[l]ists', '/var/*/apt']) {
      assert.ok(pathCovers(removed, '/var/lib/apt/lists'), removed);
    }
    for (const removed of ['/var/lib/apt/lists/partial', '/var/lib/apt/lists/partial/*', '/var/lib/apt/lists/.', '/var/lib/apt/lists/*.lz4', '/var/lib/apt/lists/*/x', '/var/lib/apt/listsx', '/var/lib/apt/[!l]ists', '/var/lib/apt[!x]lists', '/var/lib/[a/]pt/lists', '/var/lib/apt/[z-a]ists']) {
      assert.ok(!pathCovers(removed, '/var/lib/apt/lists'), removed);
    }
  });

  it('pathCovers: `*` matches as a plain RegExp of the pattern does, without its backtracking (`*a*a*a...b`)', () => {
    // The plain RegExp, name by name: `*` any text within a name, `?` one character of it.
    const plain = (glob: string, path: string) => {
      const names = path.split('/');
      const count = glob.split('/').length;
      return names.length >= count && new RegExp(`^${glob.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`).test(names.slice(0, count).join('/'));
    };
    let seed = 5;
    const pick = (parts: string[]) => parts[(seed = (seed * 48271) % 2147483647) % parts.length];
    const made = (parts: string[]) => `/c/${Array.from({ length: 1 + (seed % 7) }, () => pick(parts)).join('')}a`;
    for (let i = 0; i < 4000; i++) {
      const [glob, path] = [made(['a', 'b', 'ab', '*', '?', '/', '*a*']), made(['a', 'b', 'ab', 'ba', '/'])];
      assert.equal(pathCovers(glob, path), plain(glob, path), `${glob} ${path}`);
    }
    const started = process.cpuUsage();
    assert.equal(pathCovers(`/c/${'*a'.repeat(40)}b`, `/c/${'a'.repeat(400)}`), false);
    const used = process.cpuUsage(started);
    assert.ok(used.user + used.system < 1_000_000, `${used.user + used.system} µs`);
  });

  it('lastCovering finds the last path that covers a folder as testing each with pathCovers does', () => {
    const removed = ['/var/lib/apt/lists', '/var/lib/apt/lists/', '/var/lib/apt/lists/*', '"/var/lib/apt/lists/*"', '/var/lib/apt', '/var/lib/apt/l*', '/var/lib/apt/lis?s', '/var/lib/apt/[l]ists', '/var/*/apt', '/var/lib/apt/lists/partial', '/var/lib/apt/[!l]ists', '/var/lib/apt/listsx', '/', '~', '//', '~/.cache', '$HOME/.cache/*', '/root/.cache', '/root/.c*', '~*', '*', '*/pip', '[/]root', '/root//.cache', '/c/1', '/c/1/', '/c/*/x', '/c/[', 'c/1', '.npm*', '/c[!x]1', '/c/[!]1]', '/c/[]1]*', '/c/[1/]x', '/c/*1*', '/c/?*[1]*'];
    const dirs = ['/var/lib/apt/lists', '/var/lib/apt', '/', '~', '~/.cache/pip', '/root/.cache/pip', '/root/.cache', '//x', '/c/1', '/c/1/x', '/c/[', 'c/1/x', '.npm', '/root//.cache/pip', '"/c/1"'];
    for (const home of [undefined, '/root']) {
      // In the order they run, the same paths twice: the later place is the one found.
      const paths = [...removed, ...removed.slice(0, 9)].map((path, at) => ({ at, path }));
      const last = lastCovering(paths, home);
      for (const dirHome of [undefined, '/root', '/home/app']) {
        for (const dir of dirs) {
          const scanned = paths.reduce((found, r) => (pathCovers(r.path, dir, { handled: home, dir: dirHome }) ? r.at : found), -1);
          assert.equal(last(dir, dirHome), scanned, `${dir} (home ${home}, ${dirHome})`);
        }
      }
    }
    // And on paths made of parts with and without wildcards (the same every run).
    const parts = ['a', 'b', 'ab', '*', 'a*', '?', '[ab]', '[!a]', '.', '', '~', '$HOME', '**', '.*'];
    let seed = 7;
    const pick = () => parts[(seed = (seed * 48271) % 2147483647) % parts.length];
    const made = (count: number) => Array.from({ length: count }, (_, i) => (i % 3 ? '/' : '') + Array.from({ length: 1 + (i % 4) }, pick).join('/'));
    const paths = made(300).map((path, at) => ({ at, path }));
    const last = lastCovering(paths, '/root');
    for (const dir of made(300)) assert.equal(last(dir), paths.reduce((found, r) => (pathCovers(r.path, dir, { handled: '/root' }) ? r.at : found), -1), dir);
    // Patterns with texts before, between and after their wildcards (and classes), filed by their start, end and a text between; names those match.
    parts.push('x*a', 'a?b', '*b', 'xa', 'x?', 'ab*ab', '?*?', 'x*ab*a', 'a*b?a*b', '[a]*b*[!b]', 'a[', '[a/', ']b*', 'xaba', 'xabbab', 'aabab', 'abba');
    const patterns = made(600).map((path, at) => ({ at, path }));
    const lastOf = lastCovering(patterns, '/root');
    for (const dir of made(600)) assert.equal(lastOf(dir), patterns.reduce((found, r) => (pathCovers(r.path, dir, { handled: '/root' }) ? r.at : found), -1), dir);
  });

  for (const [rm, kept] of [
    ['/var/lib/apt/lists/partial', true],
    ['/var/lib/apt/lists/partial/*', true],
    ['/var/lib/apt/lists/.', true],
    ['/var/lib/apt/lists/*', false],
    ['/var/lib/apt', false],
    // Patterns that name every list file (each is <site>_<path>_<file>) take them; *.lz4 leaves InRelease.
    ['/var/lib/apt/lists/*_*', false],
    ['/var/lib/apt/lists/*.lz4', true],
    ['/var/lib/apt/lists/*_InRelease /var/lib/apt/lists/*.lz4', false],
  ] as const) {
    it(`apt-lists-kept, apt-clean-keeps-lists and the estimate: rm -rf ${rm} ${kept ? 'keeps' : 'removes'} the lists`, () => {
      const text = `FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean && rm -rf ${rm}\n`;
      assert.equal(reported('apt-lists-kept', text), kept ? 1 : 0);
      assert.equal(reported('apt-clean-keeps-lists', text), kept ? 1 : 0);
      const parts = estimateImage(buildModel(text), ENV)!.layers[0].parts.map((p) => p.label);
      assert.equal(parts.includes('apt lists left in the layer'), kept);
    });
  }

  for (const [rule, from, run, count] of [
    ['apk-cache-kept', 'alpine:3.21', 'apk add curl && rm -rf /var/cache/apk/APKINDEX.00000000.tar.gz', 1],
    ['apk-cache-kept', 'alpine:3.21', 'apk add curl && rm -rf /var/cache/apk/*', 0],
    ['apk-cache-kept', 'alpine:3.21', 'apk add curl && rm -f /var/cache/apk/APKINDEX.*', 0],
    ['apk-cache-kept', 'alpine:3.21', 'apk add curl && rm -f /var/cache/apk/*.tar.gz', 0],
    ['apk-cache-kept', 'alpine:3.21', 'apk add curl && rm -f /var/cache/apk/*.apk', 1],
    ['apk-update-cache-kept', 'alpine:3.21', 'apk update && apk add --no-cache curl && rm -rf /var/cache/apk/APKINDEX.00000000.tar.gz', 1],
    ['apk-update-cache-kept', 'alpine:3.21', 'apk update && apk add --no-cache curl && rm -rf /var/cache/apk/*', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf /root/.cache/pip/http', 1],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf /root/.cache/pip', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf /root/.cache', 0],
    // npm's tarballs and documents are in ~/.npm/_cacache: removing it is removing the cache; _logs is not.
    ['npm-cache-kept', 'node:22-slim', 'npm install -g typescript && rm -rf /root/.npm/_logs', 1],
    ['npm-cache-kept', 'node:22-slim', 'npm install -g typescript && rm -rf /root/.npm/_cacache', 0],
    ['npm-cache-kept', 'node:22-slim', 'npm install -g typescript && rm -rf ~/.npm', 0],
    // yarn 1.22 keeps its cache in <folder>/v6, the folder `yarn cache dir` prints.
    ['yarn-cache-kept', 'node:22-slim', 'yarn global add typescript && rm -rf /usr/local/share/.cache/yarn/v6/.tmp', 1],
    ['yarn-cache-kept', 'node:22-slim', 'yarn global add typescript && rm -rf /usr/local/share/.cache/yarn/v6', 0],
    ['yarn-cache-kept', 'node:22-slim', 'yarn global add typescript && rm -rf /usr/local/share/.cache/yarn', 0],
  ] as const) {
    it(`${rule}: ${run} (${count})`, () => assert.equal(reported(rule, `FROM ${from}\nRUN ${run}\n`), count));
  }

  for (const [target, kept] of [
    ['/var/lib/apt/lists/partial', true],
    ['/var/lib/apt/lists', false],
    ['/var/lib/apt', false],
  ] as const) {
    it(`a cache mount on ${target} ${kept ? 'keeps' : 'takes'} the lists`, () => {
      const text = `FROM debian:bookworm\nRUN --mount=type=cache,target=${target} apt-get update && apt-get install -y --no-install-recommends curl\n`;
      assert.equal(reported('apt-lists-kept', text), kept ? 1 : 0);
      const parts = estimateImage(buildModel(text), ENV)!.layers[0].parts.map((p) => p.label);
      assert.equal(parts.includes('apt lists left in the layer'), kept);
    });
  }
});
