/**
 * A removal whose operand names the cache folder another way: a command substitution the tool
 * prints it with (yarn 1.22.22 as root: /usr/local/share/.cache/yarn/v6; `npm config get cache`:
 * ~/.npm; pnpm 9: ~/.local/share/pnpm/store/v3; pip: ~/.cache/pip; measured), a variable whose
 * value is known, or a `find` that deletes all the folder holds.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const ENV = { context: {} };

function reported(rule: string, text: string): number {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === rule).length;
}

describe('a removal that names the cache folder indirectly', () => {
  for (const [rule, from, run, count] of [
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf "$(yarn cache dir)"', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf "$(yarn cache dir)"/*', 0],
    ['yarn-cache-kept', 'node:20\nUSER node', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache dir)/x', 1],
    // After `yarn config set cache-folder /yc`, yarn 1.22.22 caches in /yc/v6 and `yarn cache dir` prints it (measured as nobody).
    ['yarn-cache-kept', 'node:20', 'yarn config set cache-folder /yc && yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20\nRUN yarn config set cache-folder /yc', 'yarn install && rm -rf "$(yarn cache dir)"/*', 0],
    ['yarn-cache-kept', 'node:20\nRUN yarn config set cache-folder /yc', 'yarn install && yarn cache clean', 0],
    ['yarn-cache-kept', 'node:20\nRUN yarn config set cache-folder /yc', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 1],
    ['yarn-cache-kept', 'node:20\nRUN yarn config set cache-folder /yc\nUSER node', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install --cache-folder /c && rm -rf $(yarn cache dir)', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install && gosu node rm -rf $(yarn cache dir)', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install && rm -rf $(yarn cache list)', 1],
    ['pnpm-store-kept', 'node:20', 'pnpm install && rm -rf $(pnpm store path)', 0],
    ['pnpm-store-kept', 'node:20', 'pnpm install --store-dir /s && rm -rf $(pnpm store path)', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && rm -rf $(npm config get cache)', 0],
    ['npm-cache-kept', 'node:20', 'npm ci && HOME=/x rm -rf $(npm config get cache)', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && rm -rf x$(npm config get cache)', 1],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV PIP_CACHE_DIR=/p', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install --cache-dir /p flask && rm -rf "$(pip cache dir)"', 1],
    // pip 23.2: python3 -m pip cache dir, python -m pip cache dir and pip3 cache dir print the same folder.
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(python3 -m pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'python -m pip install flask && rm -rf $(python -m pip cache dir)/*', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(python3.12 -m pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(python3 -m pip cache list)"', 1],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && rm -rf "$(python3 -m pipx cache dir)"', 1],
    // XDG_CACHE_HOME moves pip's (pip 23.2: /cache/pip) and yarn 1.22's (/cache/yarn/v6) default cache.
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && rm -rf /cache/pip', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && rm -rf /root/.cache/pip', 1],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && rm -rf ~/.cache/pip', 1],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && pip cache purge', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && PIP_CACHE_DIR=/p pip cache purge', 1],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'XDG_CACHE_HOME=/x pip install flask && rm -rf /cache/pip', 1],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=', 'pip install flask && rm -rf /root/.cache/pip', 0],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=/cache', 'yarn install && rm -rf /cache/yarn', 0],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=/cache', 'yarn install && rm -rf /cache/yarn/v6', 0],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=/cache', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 1],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=/cache\nUSER node', 'yarn install && rm -rf /cache/yarn', 0],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=/cache\nUSER node', 'yarn install && rm -rf ~/.cache/yarn', 1],
    ['yarn-cache-kept', 'node:20\nENV XDG_CACHE_HOME=', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 0],
    // An empty PIP_CACHE_DIR or YARN_CACHE_FOLDER is none too (pip 23.2.1: /root/.cache/pip, or
    // /cache/pip with XDG_CACHE_HOME=/cache; yarn 1.22.22 as root: /usr/local/share/.cache/yarn/v6).
    ['pip-cache-kept', 'python:3.12-slim\nENV PIP_CACHE_DIR=', 'pip install flask && rm -rf /root/.cache/pip', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'PIP_CACHE_DIR= pip install flask && rm -rf /cache/pip', 0],
    ['pip-cache-kept', 'python:3.12-slim\nENV PIP_CACHE_DIR=""', 'pip install flask && rm -rf "$(pip cache dir)"', 0],
    ['yarn-cache-kept', 'node:20\nENV YARN_CACHE_FOLDER=', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 0],
    ['yarn-cache-kept', 'node:20\nENV YARN_CACHE_FOLDER=', 'yarn install && rm -rf $(yarn cache dir)', 0],
    // A find that deletes all the cache folder holds (the apt lists' reading, 3bee823).
    ['npm-cache-kept', 'node:20', 'npm ci && find ~/.npm -delete', 0],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -mindepth 1 -delete', 0],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -mindepth 1 -maxdepth 1 -exec rm -rf {} +', 0],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -name "*.json" -delete', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -type f', 1],
    ['npm-cache-kept', 'node:20', 'find /root/.npm -delete && npm ci', 1],
    ['npm-cache-kept', 'node:20\nUSER node', 'npm ci && find /root/.npm -delete', 1],
    ['npm-cache-kept', 'node:20\nENV C=/root/.npm', 'npm ci && find $C -mindepth 1 -delete', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find /root/.cache/pip -mindepth 1 -delete', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find ~/.cache/pip -type f -exec rm -f {} +', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find /root/.cache/pip -mindepth 2 -delete', 1],
    ['pip-cache-kept', 'python:3.12-slim\nENV XDG_CACHE_HOME=/cache', 'pip install flask && find /root/.cache/pip -delete', 1],
    ['yarn-cache-kept', 'node:20', 'yarn install && find /usr/local/share/.cache/yarn -mindepth 1 -exec rm -rf {} +', 0],
    ['yarn-cache-kept', 'node:20', 'yarn install && find /usr/local/share/.cache/yarn -name "*.tgz" -delete', 1],
    // -maxdepth stops a find from going down: -delete then fails on a non-empty subfolder and -type f
    // or an rm without -r leaves the files below it (GNU find 4.9: pip's http/ and wheels/ stay).
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find /root/.cache/pip -maxdepth 1 -type f -delete', 1],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask; find /root/.cache/pip -mindepth 1 -maxdepth 1 -delete', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -maxdepth 1 -exec rm -f {} +', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -maxdepth 1 -type f -exec rm -rf {} +', 1],
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -maxdepth 3 -delete', 1],
    // -depth (which -delete implies) changes only the order: GNU find 4.9 leaves nothing.
    ['npm-cache-kept', 'node:20', 'npm ci && find /root/.npm -depth -delete', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find /root/.cache/pip -depth -mindepth 1 -exec rm -rf {} \\;', 0],
    ['pip-cache-kept', 'python:3.12-slim', 'pip install flask && find /root/.cache/pip -depth -name "*.whl" -delete', 1],
  ] as const) {
    it(`${rule}: ${run} (${from.replace('\n', ', ')})`, () => {
      assert.equal(reported(rule, `FROM ${from}\nRUN ${run}\n`), count);
    });
  }

  const UPDATE = 'apt-get update && apt-get install -y --no-install-recommends curl && apt-get clean';
  for (const [before, cleanup, kept] of [
    ['ENV LISTS=/var/lib/apt/lists', 'rm -rf $LISTS/*', false],
    ['ENV LISTS=/var/lib/apt/lists', 'rm -rf "${LISTS}"', false],
    ['ARG LISTS=/var/lib/apt/lists', 'rm -rf ${LISTS}/*', false],
    ['ENV APT=/var/lib/apt', 'rm -rf $APT/lists/*', false],
    ['ENV LISTS=/var/lib/apt/lists/partial', 'rm -rf $LISTS', true],
    ['ENV LISTS=/var/lib/apt/lists', 'LISTS=/tmp/x; rm -rf $LISTS/*', true],
    ['ENV X=1', 'rm -rf $LISTS/*', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 1 -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 1 -maxdepth 1 -exec rm -rf {} +', false],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -exec rm -f {} \\;', false],
    ['ENV X=1', 'find /var/lib/apt -type f -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists -name "*.lz4" -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -mindepth 2 -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -maxdepth 0 -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type d -delete', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f', true],
    ['ENV X=1', 'find /var/lib/apt/lists -type f -exec echo {} +', true],
    // The lists are files in the folder itself: a find that stays at its top takes them.
    ['ENV X=1', 'find /var/lib/apt/lists -maxdepth 1 -type f -delete', false],
    ['ENV X=1', 'find /var/lib/apt/lists/partial -delete', true],
  ] as const) {
    it(`apt-lists-kept, apt-clean-keeps-lists and the estimate: ${before}, ${cleanup} ${kept ? 'keeps' : 'removes'} the lists`, () => {
      const text = `FROM debian:bookworm\n${before}\nRUN ${UPDATE} && ${cleanup}\n`;
      assert.equal(reported('apt-lists-kept', text), kept ? 1 : 0);
      assert.equal(reported('apt-clean-keeps-lists', text), kept ? 1 : 0);
      const parts = estimateImage(buildModel(text), ENV)!.layers.flatMap((l) => l.parts.map((p) => p.label));
      assert.equal(parts.includes('apt lists left in the layer'), kept);
    });
  }

  // The apk index rules read an rm operand with variables as apt-lists-kept does (removalPath, envFor).
  for (const [before, run, kept] of [
    ['ENV C=/var/cache/apk', 'apk add curl && rm -rf $C/*', false],
    ['ENV C=/var/cache/apk', 'apk add curl && rm -rf "${C}"', false],
    ['ARG C=/var/cache/apk', 'apk add curl && rm -rf ${C}/*', false],
    ['ENV V=/var', 'apk add curl && rm -rf $V/cache/apk/*', false],
    ['ENV C=/var/cache/apk', 'C=/tmp/x; apk add curl && rm -rf $C/*', true],
    ['ENV C=/var/cache/apk', 'rm -rf $C/* && apk add curl', true],
    ['ENV X=1', 'apk add curl && rm -rf $C/*', true],
    ['ENV X=1', 'apk add curl && find /var/cache/apk -type f -delete', false],
  ] as const) {
    it(`apk-cache-kept: ${before}, RUN ${run} ${kept ? 'keeps' : 'removes'} the index`, () => {
      assert.equal(reported('apk-cache-kept', `FROM alpine:3.20\n${before}\nRUN ${run}\n`), kept ? 1 : 0);
    });
  }

  it('apk-cache-kept: an index removed through a variable is not read by a later RUN', () => {
    const text = 'FROM alpine:3.20\nENV C=/var/cache/apk\nRUN apk update && apk add --no-cache curl && rm -rf $C/*\nRUN apk add jq\n';
    assert.deepEqual(analyze(text, ENV).findings.filter((f) => f.ruleId === 'apk-cache-kept').map((f) => [f.range.start.line, /^Reads/.test(f.message)]), [[3, false]]);
    assert.equal(reported('apk-update-cache-kept', 'FROM alpine:3.20\nENV C=/var/cache/apk\nRUN apk update && apk add --no-cache curl && rm -rf $C/*\n'), 0);
  });

  it('the messages of pip-cache-kept and yarn-cache-kept name the folder XDG_CACHE_HOME moves the cache to', () => {
    const message = (rule: string, text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === rule)?.message ?? '';
    assert.match(message('pip-cache-kept', 'FROM python:3.12-slim\nENV XDG_CACHE_HOME=/cache\nRUN pip install flask\n'), /cache \(\/cache\/pip\)/);
    assert.match(message('pip-cache-kept', 'FROM python:3.12-slim\nRUN pip install flask\n'), /cache \(~\/\.cache\/pip\)/);
    assert.match(message('yarn-cache-kept', 'FROM node:20\nENV XDG_CACHE_HOME=/cache\nRUN yarn install\n'), /cache \(\/cache\/yarn\)/);
    assert.match(message('yarn-cache-kept', 'FROM node:20\nRUN yarn install\n'), /cache \(\/usr\/local\/share\/\.cache\/yarn\)/);
    assert.match(message('yarn-cache-kept', 'FROM node:20\nUSER node\nRUN yarn install\n'), /cache \(~\/\.cache\/yarn\)/);
    assert.match(message('pip-cache-kept', 'FROM python:3.12-slim\nENV PIP_CACHE_DIR=\nRUN pip install flask\n'), /cache \(~\/\.cache\/pip\)/);
    assert.match(message('yarn-cache-kept', 'FROM node:20\nENV YARN_CACHE_FOLDER=\nRUN yarn install\n'), /cache \(\/usr\/local\/share\/\.cache\/yarn\)/);
  });
});
