/**
 * The cache rules that advise a cache mount, for a command run as a user other than root. BuildKit
 * makes the mount root's (mode 0755), so following the advice as written
 * (`--mount=type=cache,target=/home/app/.cache/go-build` after `USER app`) failed the build with
 * permission denied: the message now says to give the mount the user's `uid=` (the number where
 * the file tells it, from a numeric USER or the `useradd -u`/`adduser -u` that created the user).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const message = (text: string, rule: string) => analyze(text, ENV).findings.find((f) => f.ruleId === rule)?.message ?? '';
const GO = 'RUN go build -o /tmp/app .\n';

describe('cache rules: a cache mount advised under a user other than root', () => {
  it('go-build-cache-kept: the uid of USER, numeric or created with -u; else the user named', () => {
    const cases: [string, RegExp][] = [
      ['FROM golang:1.22\nUSER 1000\n', /cache mounts on [^.]+\. Cache mounts are root's: add `uid=1000`\.$/],
      ['FROM golang:1.22\nUSER 1000:1000\n', /add `uid=1000`\.$/],
      ['FROM golang:1.22\nRUN useradd -m -u 10001 app\nUSER app\n', /\/home\/app\/\.cache\/go-build\. Cache mounts are root's: add `uid=10001`\.$/],
      ['FROM golang:1.22-alpine\nRUN adduser -D -u 1001 app\nUSER app:app\n', /add `uid=1001`\.$/],
      ['FROM golang:1.22\nRUN adduser --system --uid 999 app\nUSER app\n', /add `uid=999`\.$/],
      ['FROM golang:1.22\nRUN useradd -m app\nUSER app\n', /Cache mounts are root's: add `uid=` of app\.$/],
      ['FROM golang:1.22\nARG U=builder\nUSER $U\n', /add `uid=` of builder\.$/],
    ];
    for (const [head, expected] of cases) assert.match(message(head + GO, 'go-build-cache-kept'), expected, head);
  });

  it('says nothing of it as root (no USER, USER root or 0, a USER undone, sudo)', () => {
    for (const head of ['FROM golang:1.22\n', 'FROM golang:1.22\nUSER root\n', 'FROM golang:1.22\nUSER 0:0\n', 'FROM golang:1.22\nUSER app\nUSER root\n']) {
      const m = message(head + GO, 'go-build-cache-kept');
      assert.match(m, /cache mounts on/, head);
      assert.doesNotMatch(m, /uid/, head);
    }
  });

  it('takes the user a switch runs the command as (gosu), over the RUN\'s', () => {
    assert.match(message('FROM golang:1.22\nRUN useradd -u 2000 app\nRUN gosu app go build -o /tmp/app .\n', 'go-build-cache-kept'), /add `uid=2000`\.$/);
    assert.doesNotMatch(message('FROM golang:1.22\nUSER 1000\nRUN sudo go build -o /tmp/app .\n', 'go-build-cache-kept'), /uid/);
  });

  it('is said by every cache rule that advises a mount (the node image\'s node user is uid 1000), and by none that does not', () => {
    const mounts: [string, string][] = [
      ['FROM eclipse-temurin:21-jdk\nRUN useradd -m -u 1001 app\nUSER app\nRUN ./gradlew --no-daemon build\n', 'gradle-cache-kept'],
      ['FROM maven:3.9-eclipse-temurin-21\nUSER 1001\nRUN mvn -B package\n', 'maven-cache-kept'],
      ['FROM python:3.12\nUSER 1001\nRUN uv pip install --system x\n', 'uv-cache-kept'],
      ['FROM node:22\nUSER node\nRUN yarn set version berry && yarn config set nodeLinker node-modules && yarn install\n', 'yarn-berry-cache-kept'],
      ['FROM oven/bun:1\nUSER 1000\nRUN bun install\n', 'bun-cache-kept'],
    ];
    for (const [text, rule] of mounts) assert.match(message(text, rule), /cache mount[\s\S]*\. Cache mounts are root's: add `uid=100[01]`\.$/, rule);
    const npm = message('FROM node:22\nUSER node\nRUN npm ci\n', 'npm-cache-kept');
    assert.ok(npm);
    assert.doesNotMatch(npm, /uid/);
  });
});
