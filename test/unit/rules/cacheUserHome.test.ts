/**
 * The cache rules and the home of the user a RUN runs as. After `USER node` npm keeps its cache in
 * /home/node/.npm, after `USER app` pip in /home/app/.cache/pip: removing root's folder cleans
 * nothing there. Before, every home was one (`/root/x`, `/home/<anyone>/x` and `~/x` compared
 * equal), so `rm -rf /root/.npm` passed for the node user's cache, and the fixes either named
 * /root or nothing.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { homeOf } from '../../../server/src/core/packageManagers';

const ENV = { context: {} };

function found(text: string, rule: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === rule).map((f) => ({ line: f.range.start.line, fix: fixFor(analysis, f, ENV) }));
}

function lastRunHome(text: string): string | undefined {
  const runs = buildModel(text).instructions.filter((i) => i.run);
  const last = runs[runs.length - 1];
  return homeOf(last, last.run!.commands[0]);
}

describe('cache rules: the home of the user the RUN runs as', () => {
  it('works the home out from USER, the users the file creates, HOME and the base image', () => {
    const cases: [string, string | undefined][] = [
      ['FROM node:20\nRUN npm ci', '/root'],
      ['FROM node:20\nUSER node\nRUN npm ci', '/home/node'],
      ['FROM node:20\nUSER 1000:1000\nRUN npm ci', '/home/node'],
      ['FROM node:20\nUSER node\nUSER root\nRUN npm ci', '/root'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN pip install x', '/home/app'],
      ['FROM python:3.12\nRUN groupadd -r g && useradd -r -g g -u 10001 -d /srv/app app\nUSER 10001:g\nRUN pip install x', '/srv/app'],
      ['FROM python:3.12\nRUN useradd -m app && usermod -d /opt/app app\nUSER app\nRUN pip install x', '/opt/app'],
      ['FROM alpine\nRUN adduser -D -h /data app\nUSER app\nRUN pip install x', '/data'],
      ['FROM alpine\nRUN addgroup -S g && adduser -S -G g app\nUSER app\nRUN pip install x', '/home/app'],
      ['FROM debian\nARG NAME=app\nRUN useradd -m $NAME\nUSER ${NAME}\nRUN pip install x', '/home/app'],
      ['FROM debian\nRUN adduser --system app\nUSER app\nRUN pip install x', undefined],
      ['FROM debian\nRUN useradd -d "$DIR" app\nUSER app\nRUN pip install x', undefined],
      ['FROM python:3.12\nUSER app\nRUN pip install x', undefined],
      ['FROM python:3.12\nUSER 1000\nRUN pip install x', undefined],
      ['FROM python:3.12\nUSER app\nENV HOME=/home/app\nRUN pip install x', '/home/app'],
      ['FROM python:3.12\nUSER app\nRUN HOME=/tmp pip install x', '/tmp'],
      ['FROM python:3.12 AS base\nRUN useradd app\nUSER app\nFROM base\nRUN pip install x', '/home/app'],
      // sudo sets HOME to root's (sudo 1.9.13, Debian's sudoers; core/userSwitch.ts).
      ['FROM python:3.12\nRUN sudo pip install x', '/root'],
    ];
    for (const [text, home] of cases) assert.equal(lastRunHome(text), home, text);
  });

  it("root's folder removed after USER node or USER app: the cache is still reported", () => {
    const kept = [
      ['FROM node:20\nUSER node\nRUN npm ci && rm -rf /root/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nUSER 1000\nRUN npm ci && rm -rf /root/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nUSER node\nRUN --mount=type=cache,target=/root/.npm npm ci\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nRUN npm ci && rm -rf /home/node/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN pip install flask && rm -rf /root/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN uv sync && rm -rf /root/.cache/uv\nCMD ["python"]', 'uv-cache-kept'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN poetry install && rm -rf /root/.cache/pypoetry\nCMD ["python"]', 'poetry-cache-kept'],
      ['FROM node:20\nUSER node\nRUN yarn install && rm -rf /usr/local/share/.cache/yarn\nCMD ["node", "i.js"]', 'yarn-cache-kept'],
      // A user the file does not create: its home is not known, so only `~` or $HOME count.
      ['FROM python:3.12\nUSER app\nRUN pip install flask && rm -rf /home/app/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
      // The install's HOME is not the rm's.
      ['FROM python:3.12\nRUN HOME=/tmp pip install flask && rm -rf ~/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
    ];
    for (const [text, rule] of kept) assert.equal(found(text, rule).length, 1, text);
  });

  it("the user's own folder, or ~ and $HOME, removed: nothing", () => {
    const clean = [
      ['FROM node:20\nUSER node\nRUN npm ci && rm -rf /home/node/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nUSER node\nRUN npm ci && rm -rf ~/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nUSER node\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM node:20\nRUN npm ci && rm -rf /root/.npm\nCMD ["node", "i.js"]', 'npm-cache-kept'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN pip install flask && rm -rf /home/app/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
      ['FROM python:3.12\nUSER app\nRUN pip install flask && rm -rf $HOME/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
      ['FROM python:3.12\nUSER app\nRUN pip install flask && rm -rf ~/.cache/pip\nCMD ["python"]', 'pip-cache-kept'],
      ['FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN uv sync && rm -rf /home/app/.cache/uv\nCMD ["python"]', 'uv-cache-kept'],
    ];
    for (const [text, rule] of clean) assert.deepEqual(found(text, rule), [], text);
  });

  it('the fixes remove the folder of the user the RUN runs as, and none where its home is not known', () => {
    const poetry = (text: string) => found(text, 'poetry-cache-kept')[0]?.fix?.edits[0]?.newText;
    assert.match(poetry('FROM python:3.12\nRUN poetry install\nCMD ["python"]') ?? '', /rm -rf \/root\/\.cache\/pypoetry\/cache /);
    assert.match(poetry('FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN poetry install\nCMD ["python"]') ?? '', /rm -rf \/home\/app\/\.cache\/pypoetry\/cache /);
    assert.equal(poetry('FROM python:3.12\nUSER app\nRUN poetry install\nCMD ["python"]'), undefined);
    const maven = (text: string) => found(text, 'maven-cache-kept')[0]?.fix?.edits[0]?.newText;
    assert.match(maven('FROM maven:3\nRUN useradd -m -d /build b\nUSER b\nRUN mvn package\nCMD ["java", "-jar", "a.jar"]') ?? '', /rm -rf \/build\/\.m2\/repository/);
    const gradle = (text: string) => found(text, 'gradle-cache-kept')[0]?.fix?.edits[0]?.newText;
    assert.match(gradle('FROM gradle:8\nUSER 1000\nRUN useradd x\nRUN gradle build\nCMD ["java", "-jar", "a.jar"]') ?? 'none', /none/);
    const pipenv = (text: string) => found(text, 'pipenv-cache-kept')[0]?.fix?.edits[0]?.newText;
    assert.match(pipenv('FROM python:3.12\nRUN useradd -m app\nUSER app\nRUN pipenv install --system\nCMD ["python"]') ?? '', /rm -rf \/home\/app\/\.cache\/pipenv$/);
  });

  it('maven and gradle name the mount of the user the RUN runs as, ~ where its home is not known', () => {
    const mount = (text: string, rule: string) => /cache mount on (\S+)\.(?: |$)/.exec(analyze(text, ENV).findings.find((f) => f.ruleId === rule)?.message ?? '')?.[1];
    const jar = '\nCMD ["java", "-jar", "a.jar"]';
    assert.equal(mount(`FROM maven:3\nRUN mvn package${jar}`, 'maven-cache-kept'), '/root/.m2');
    assert.equal(mount(`FROM maven:3\nRUN useradd -m -d /build b\nUSER b\nRUN mvn package${jar}`, 'maven-cache-kept'), '/build/.m2');
    assert.equal(mount(`FROM maven:3\nUSER b\nRUN mvn package${jar}`, 'maven-cache-kept'), '~/.m2');
    assert.equal(mount(`FROM maven:3\nUSER b\nRUN mvn package -Dmaven.repo.local=/r${jar}`, 'maven-cache-kept'), '/r');
    assert.equal(mount(`FROM gradle:8\nRUN gradle build${jar}`, 'gradle-cache-kept'), '/root/.gradle');
    assert.equal(mount(`FROM gradle:8\nRUN useradd -m app\nUSER app\nRUN gradle build${jar}`, 'gradle-cache-kept'), '/home/app/.gradle');
    assert.equal(mount(`FROM gradle:8\nUSER 1000\nRUN gradle build${jar}`, 'gradle-cache-kept'), '~/.gradle');
    assert.equal(mount(`FROM gradle:8\nUSER 1000\nRUN gradle build -g /g${jar}`, 'gradle-cache-kept'), '/g');
  });

  it('a later RUN that removes root\'s npm cache does not delete the node user\'s', () => {
    const later = (text: string) => found(text, 'files-changed-in-later-layer').length;
    assert.equal(later('FROM node:20\nUSER node\nRUN npm ci\nRUN rm -rf /root/.npm\nCMD ["node", "i.js"]'), 0);
    assert.equal(later('FROM node:20\nUSER node\nRUN npm ci\nRUN rm -rf /home/node/.npm\nCMD ["node", "i.js"]'), 1);
  });
});
