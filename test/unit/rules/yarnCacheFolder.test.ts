/**
 * Where yarn classic caches, as yarn-cache-kept reads it. Measured with yarn 1.22.22 (`yarn cache
 * dir`, from npm) as root and as a user `app` (HOME=/home/app):
 *   - root: /usr/local/share/.cache/yarn/v6, whatever HOME is (HOME=/tmp/hh too); app: /home/app/.cache/yarn/v6;
 *   - yarn reads every variable that starts with `yarn_` or `npm_config_` in any case:
 *     `yarn_cache_folder=/tmp/yc2` gave /tmp/yc2/v6, `npm_config_cache_folder=/tmp/yc3` /tmp/yc3/v6,
 *     `NPM_CONFIG_CACHE_FOLDER=/tmp/NPMU` /tmp/NPMU/v6, as root and as app;
 *   - the `yarn_` one wins over the `npm_config_` one (YARN_CACHE_FOLDER=/tmp/UP with
 *     npm_config_cache_folder=/tmp/npm: /tmp/UP/v6) and over XDG_CACHE_HOME
 *     (XDG_CACHE_HOME=/tmp/xdg with yarn_cache_folder=/tmp/low: /tmp/low/v6);
 *   - `yarn config set cache-folder /tmp/cfgset` writes the .yarnrc of yarn's home (root's:
 *     /usr/local/share/.yarnrc; app's: $HOME/.yarnrc), and yarn then caches in /tmp/cfgset/v6, also
 *     with XDG_CACHE_HOME set; a variable still wins (yarn_cache_folder=/tmp/envlow: /tmp/envlow/v6).
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const RULE = 'yarn-cache-kept';

const findings = (text: string) => analyze(text, ENV).findings.filter((f) => f.ruleId === RULE);

describe('yarn-cache-kept: the folder yarn 1 caches in', () => {
  for (const [before, run, count] of [
    // yarn_cache_folder and npm_config_cache_folder, in any case, name the folder as YARN_CACHE_FOLDER does.
    ['ENV yarn_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV yarn_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 1],
    ['ENV Yarn_Cache_Folder=/tmp/yarn-cache', 'yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV npm_config_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV NPM_CONFIG_CACHE_FOLDER=/tmp/yarn-cache', 'yarn install && rm -rf /tmp/yarn-cache/v6', 0],
    ['ENV NPM_CONFIG_CACHE_FOLDER=/tmp/yarn-cache', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 1],
    ['ENV X=1', 'yarn_cache_folder=/tmp/yarn-cache yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV yarn_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf $(yarn cache dir)', 0],
    ['ENV yarn_cache_folder=/tmp/yarn-cache\nUSER node', 'yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV yarn_cache_folder=/tmp/yarn-cache\nUSER node', 'yarn install && rm -rf ~/.cache/yarn', 1],
    ['ENV XDG_CACHE_HOME=/cache\nENV yarn_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf /tmp/yarn-cache', 0],
    ['ENV XDG_CACHE_HOME=/cache\nENV yarn_cache_folder=/tmp/yarn-cache', 'yarn install && rm -rf /cache/yarn', 1],
    // The yarn_ variable wins over the npm_config_ one.
    ['ENV YARN_CACHE_FOLDER=/a\nENV npm_config_cache_folder=/b', 'yarn install && rm -rf /a', 0],
    ['ENV YARN_CACHE_FOLDER=/a\nENV npm_config_cache_folder=/b', 'yarn install && rm -rf /b', 1],
    // npm's own cache variable is not yarn's.
    ['ENV npm_config_cache=/tmp/npm-cache', 'yarn install && rm -rf /tmp/npm-cache', 1],
    // As root, yarn 1 takes its home to be /usr/local/share: ~/.cache/yarn is not its cache.
    ['ENV X=1', 'yarn install && rm -rf ~/.cache/yarn', 1],
    ['ENV X=1', 'yarn install && rm -rf /root/.cache/yarn', 1],
    ['ENV X=1', 'yarn install && rm -rf $HOME/.cache/yarn', 1],
    ['ENV X=1', 'yarn install && rm -rf /usr/local/share/.cache/yarn', 0],
    ['ENV X=1', 'yarn install && rm -rf ~/.cache', 1],
    ['USER node', 'yarn install && rm -rf ~/.cache/yarn', 0],
    ['ENV XDG_CACHE_HOME=/root/.cache', 'yarn install && rm -rf ~/.cache/yarn', 0],
    // `yarn config set cache-folder` moves it for later installs of the same user, below the variables.
    ['ENV X=1', 'yarn config set cache-folder /tmp/yc && yarn install && rm -rf /tmp/yc', 0],
    ['ENV X=1', 'yarn config set cache-folder /tmp/yc && yarn install && rm -rf /usr/local/share/.cache/yarn', 1],
    ['RUN yarn config set cache-folder /tmp/yc', 'yarn install && rm -rf /tmp/yc', 0],
    ['ENV XDG_CACHE_HOME=/cache\nRUN yarn config set cache-folder /tmp/yc', 'yarn install && rm -rf /tmp/yc', 0],
    ['ENV yarn_cache_folder=/v\nRUN yarn config set cache-folder /tmp/yc', 'yarn install && rm -rf /tmp/yc', 1],
    ['ENV X=1', 'yarn install && yarn config set cache-folder /tmp/yc && rm -rf /tmp/yc', 1],
    ['RUN yarn config set cache-folder /tmp/yc\nUSER node', 'yarn install && rm -rf /tmp/yc', 1],
    ['USER node\nRUN yarn config set cache-folder /tmp/yc', 'yarn install && rm -rf /tmp/yc', 0],
    ['USER node\nRUN yarn config set cache-folder /tmp/yc\nUSER root', 'yarn install && rm -rf /tmp/yc', 1],
  ] as const) {
    it(`${before.replace('\n', ', ')}: RUN ${run} ${count ? 'keeps' : 'removes'} the cache`, () => {
      assert.equal(findings(`FROM node:20\n${before}\nRUN ${run}\n`).length, count);
    });
  }

  it('a cache mount on the folder yarn_cache_folder names keeps the cache out', () => {
    assert.equal(findings('FROM node:20\nENV yarn_cache_folder=/c\nRUN --mount=type=cache,target=/c yarn install\n').length, 0);
  });

  it('the message names the folder yarn_cache_folder, npm_config_cache_folder or yarn config set gives', () => {
    assert.match(findings('FROM node:20\nRUN yarn config set cache-folder /tmp/cs\nRUN yarn install\n')[0]?.message ?? '', /cache \(\/tmp\/cs\)/);
    assert.match(findings('FROM node:20\nENV yarn_cache_folder=/tmp/yc\nRUN yarn install\n')[0]?.message ?? '', /cache \(\/tmp\/yc\)/);
    assert.match(findings('FROM node:20\nENV npm_config_cache_folder=/tmp/nc\nRUN yarn install\n')[0]?.message ?? '', /cache \(\/tmp\/nc\)/);
  });
});
