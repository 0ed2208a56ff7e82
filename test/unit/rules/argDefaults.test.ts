/**
 * A RUN sees the ARGs its stage declares above it as environment variables, with their defaults
 * when the build passes no value: `ARG NODE_ENV=production` makes `npm ci` leave the
 * devDependencies out, `ARG PIP_NO_CACHE_DIR=1` turns pip's cache off. An ARG's scope ends with
 * its stage, and an ENV of the same name wins over it whatever the order.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ids = (text: string, rule: string) => analyze(text, { context: {} }).findings.map((f) => f.ruleId).filter((id) => id === rule);
const npm = (lines: string) => ids(`FROM node:22-slim\n${lines}\nCOPY package.json ./\nRUN npm ci && npm cache clean --force\nCMD ["node", "index.js"]\n`, 'npm-dev-dependencies');
const pip = (lines: string) => ids(`FROM python:3.12-slim\n${lines}\nRUN pip install flask\n`, 'pip-cache-kept');

describe('ARG defaults as the environment of RUN', () => {
  it('ARG NODE_ENV=production keeps the devDependencies out, as ENV does', () => {
    assert.deepEqual(npm('ARG NODE_ENV=production'), []);
    assert.deepEqual(npm('ARG NODE_ENV="production"'), []);
    assert.deepEqual(npm('ENV NODE_ENV=production'), []);
    assert.deepEqual(npm(''), ['npm-dev-dependencies']);
  });

  it('ARG PIP_NO_CACHE_DIR=1 turns the pip cache off', () => {
    assert.deepEqual(pip('ARG PIP_NO_CACHE_DIR=1'), []);
    assert.deepEqual(pip('ARG PIP_NO_CACHE_DIR'), ['pip-cache-kept']);
  });

  it('an ENV of the same name wins over the ARG, before or after it', () => {
    assert.deepEqual(npm('ARG NODE_ENV=production\nENV NODE_ENV=development'), ['npm-dev-dependencies']);
    assert.deepEqual(npm('ENV NODE_ENV=development\nARG NODE_ENV=production'), ['npm-dev-dependencies']);
  });

  it('a bare ARG in the stage takes the default of the ARG of that name before the first FROM', () => {
    // Docker: "to use the default value of an ARG declared before the first FROM, use an ARG
    // instruction without a value inside of a build stage".
    assert.deepEqual(ids('ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install flask\n', 'pip-cache-kept'), []);
    assert.deepEqual(ids('ARG NODE_ENV=production\nFROM node:22-slim\nARG NODE_ENV\nCOPY package.json ./\nRUN npm ci && npm cache clean --force\n', 'npm-dev-dependencies'), []);
    // Its own default wins, and a global ARG of another name gives nothing.
    assert.deepEqual(ids('ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(ids('ARG OTHER=1\nFROM python:3.12-slim\nARG PIP_NO_CACHE_DIR\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
  });

  it('only counts ARGs of the same stage declared above the RUN', () => {
    assert.deepEqual(ids('FROM python:3.12-slim AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(ids('ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(ids('FROM python:3.12-slim\nRUN pip install flask\nARG PIP_NO_CACHE_DIR=1\n', 'pip-cache-kept'), ['pip-cache-kept']);
  });
});
