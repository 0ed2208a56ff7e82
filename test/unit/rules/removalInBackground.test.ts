/**
 * A removal run in the background (`rm -rf /var/lib/apt/lists/* &`, in a subshell, a group or a
 * `sh -c` script run so, or before an `&>` that dash reads as `&`) is no cleanup: the script may
 * exit, and the layer be committed, before it has removed anything. One in the foreground after
 * the background list still is, and so is one a `wait` later in the same shell waits for (no
 * operand, or `$!` while it is the last job started).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { runInBackground, scanShell } from '../../../server/src/core/shell';

const ENV = { context: {} };
const INSTALL = 'apt-get update && apt-get install -y --no-install-recommends curl';

function reported(rule: string, text: string): number {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
}

describe('a removal run in the background', () => {
  for (const [run, kept] of [
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* &`, true],
    [`${INSTALL} && (rm -rf /var/lib/apt/lists/* &)`, true],
    [`${INSTALL}; { rm -rf /var/lib/apt/lists/*; } &`, true],
    [`${INSTALL}; (echo x && rm -rf /var/lib/apt/lists/*) & sleep 1 & wait $!`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & wait 4242`, true],
    [`${INSTALL}; (rm -rf /var/lib/apt/lists/* &); wait`, true],
    [`${INSTALL}; wait; rm -rf /var/lib/apt/lists/* &`, true],
    // A wait that may be skipped (dash: `(sleep 1; rm -rf d) & false && wait; ls -d d` lists d).
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & false && wait; echo done`, true],
    // At the end, `false && wait` fails the build: in one that succeeded, the wait ran.
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & false && wait`, false],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & true || wait`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & if [ -n "$CI" ]; then wait; fi`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & exit 0; wait`, true],
    // A wait in a pipeline runs in a subshell with no jobs (dash and bash: `(sleep 1; rm -rf d) & wait | cat; ls -d d` lists d).
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & wait | cat`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & echo x | wait`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & echo x && wait; echo done`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & { echo x && wait; }; echo done`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & echo x && wait`, false],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & { echo x; wait; }; echo done`, false],
    [`${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/*' &`, true],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* &>/dev/null`, true],
    [`${INSTALL}; find /var/lib/apt/lists -type f -delete &`, true],
    [`${INSTALL}; sleep 1 & rm -rf /var/lib/apt/lists/*`, false],
    [`${INSTALL}; (sleep 1 &) ; rm -rf /var/lib/apt/lists/*`, false],
    [`${INSTALL} && rm -rf /var/lib/apt/lists/* >/dev/null`, false],
    // A wait in the same shell has the script wait for the jobs it started (dash, /bin/sh on Debian).
    [`${INSTALL}; (echo x && rm -rf /var/lib/apt/lists/*) & wait`, false],
    [`${INSTALL} && rm -rf /var/lib/apt/lists/* & wait`, false],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & wait $!`, false],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & echo "$!" && wait "$!"`, false],
    [`${INSTALL}; { rm -rf /var/lib/apt/lists/* & } ; wait`, false],
    [`${INSTALL}; (rm -rf /var/lib/apt/lists/* & wait)`, false],
    [`${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/* & wait'`, false],
    [`${INSTALL}; rm -rf /var/lib/apt/lists/* & sleep 1 & wait`, false],
  ] as const) {
    it(`${kept ? 'keeps' : 'removes'} the lists: ${run}`, () => {
      assert.equal(reported('apt-lists-kept', `FROM debian:bookworm-slim\nRUN ${run}\n`), kept ? 1 : 0);
    });
  }

  it('apk: an rm of the cache in the background leaves it', () => {
    assert.equal(reported('apk-cache-kept', 'FROM alpine:3.19\nRUN apk add curl && rm -rf /var/cache/apk/* &\n'), 1);
    assert.equal(reported('apk-cache-kept', 'FROM alpine:3.19\nRUN apk add curl && rm -rf /var/cache/apk/*\n'), 0);
  });

  it('reads each level of groups and subshells as runsWheneverScriptSucceeds does', () => {
    const names = (script: string) => [...runInBackground(scanShell(script).commands)].map((c) => c.words.map((w) => w.value).join(' '));
    assert.deepEqual(names('a && b & c'), ['a', 'b']);
    assert.deepEqual(names('a; ( b; ( c ) ) & d'), ['b', 'c']);
    assert.deepEqual(names('{ a; b; } & c && d'), ['a', 'b', '}']);
    assert.deepEqual(names('a &>log && b'), ['a']);
    assert.deepEqual(names('( a; b & ) && c'), ['a', 'b']); // the group's last command's `&` is taken for the group's, as there
    assert.deepEqual(names('a; b'), []);
    assert.deepEqual(names('a & b & wait $!'), ['a']); // $! is b's
    assert.deepEqual(names('( a & ) ; wait'), ['a']); // the subshell's job, not the script's
    assert.deepEqual(names('a & ( wait )'), ['a']);
  });
});

describe('cache rules: a cleanup run in the background', () => {
  it('leaves the cache: npm cache clean --force &, rm -rf of the registry &', () => {
    assert.equal(reported('npm-cache-kept', 'FROM node:20-slim\nRUN npm ci && npm cache clean --force &\n'), 1);
    assert.equal(reported('npm-cache-kept', 'FROM node:20-slim\nRUN npm ci && npm cache clean --force\n'), 0);
    assert.equal(reported('npm-cache-kept', 'FROM node:20-slim\nRUN npm ci && rm -rf ~/.npm &\n'), 1);
  });
});

describe('pip and go: a cleanup run in the background', () => {
  it('leaves pip\'s cache: pip cache purge &, rm -rf ~/.cache/pip &', () => {
    const from = 'FROM python:3.12-slim\n';
    assert.equal(reported('pip-cache-kept', `${from}RUN pip install flask && pip cache purge &\n`), 1);
    assert.equal(reported('pip-cache-kept', `${from}RUN pip install flask && rm -rf /root/.cache/pip &\n`), 1);
    assert.equal(reported('pip-cache-kept', `${from}RUN pip install flask && pip cache purge\n`), 0);
    assert.equal(reported('pip-cache-kept', `${from}RUN pip install flask && rm -rf /root/.cache/pip\n`), 0);
  });

  it('leaves Go\'s caches: go clean -cache -modcache &, rm -rf of them &', () => {
    const from = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\n';
    assert.equal(reported('go-build-cache-kept', `${from}RUN go build -o /app . && go clean -cache -modcache &\n`), 1);
    assert.equal(reported('go-build-cache-kept', `${from}RUN go build -o /app . && rm -rf /root/.cache/go-build /go/pkg/mod &\n`), 1);
    assert.equal(reported('go-build-cache-kept', `${from}RUN go build -o /app . && go clean -cache -modcache\n`), 0);
    assert.equal(reported('go-build-cache-kept', `${from}RUN go build -o /app . && rm -rf /root/.cache/go-build /go/pkg/mod\n`), 0);
  });
});
