/**
 * A RUN sees the ARGs its stage declares above it as environment variables, with their defaults
 * when the build passes no value: `ARG NODE_ENV=production` makes `npm ci` leave the
 * devDependencies out, `ARG PIP_NO_CACHE_DIR=1` turns pip's cache off. An ARG's scope ends with
 * its stage, and an ENV of the same name wins over it whatever the order.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel, stageArgs, stageEnvs } from '../../../server/src/core/model';

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

  it('expands ${...} in a default with the ARGs and ENVs in scope above it, as BuildKit does', () => {
    // Docker 20.10's BuildKit, 'ARG X' (no value), 'ARG Y=', then the defaults below: a RUN's env
    // printed PIP_NO_CACHE_DIR=1 for ${X:-1}, Z= for ${Y:+alt}, V=xy for x${G}y while the global
    // G was not declared in the stage, xglobaly after 'ARG G', and D=1e for ${E} after 'ENV E=${PIP_NO_CACHE_DIR}e'.
    assert.deepEqual(pip('ARG X\nARG PIP_NO_CACHE_DIR=${X:-1}'), []);
    assert.deepEqual(pip('ARG Y=\nARG PIP_NO_CACHE_DIR=${Y}'), ['pip-cache-kept']);
    assert.deepEqual(pip('ARG Y=\nARG PIP_NO_CACHE_DIR=${Y:+1}'), ['pip-cache-kept']);
    assert.deepEqual(pip('ARG Y=1\nARG PIP_NO_CACHE_DIR=${Y:+on}'), []);
    assert.deepEqual(pip('ARG Y=\nARG PIP_NO_CACHE_DIR=$Y'), ['pip-cache-kept']);
    assert.deepEqual(pip('ENV E=\nARG PIP_NO_CACHE_DIR=${E}'), ['pip-cache-kept']);
    assert.deepEqual(ids('ARG OFF=\nFROM python:3.12-slim\nARG OFF\nARG PIP_NO_CACHE_DIR=${OFF}\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    // npm's cache where the cache mount is: nothing stays in the layer.
    assert.deepEqual(ids('FROM node:22-slim\nARG X\nARG npm_config_cache=${X:-/tmp/npm}\nCOPY package*.json ./\nRUN --mount=type=cache,target=/tmp/npm npm ci --omit=dev\n', 'npm-cache-kept'), []);
    // A name the file does not give (a build argument without default, the base image's ENV) leaves the default as written.
    const [arg] = stageArgs(buildModel('FROM python:3.12-slim\nARG PIP_NO_CACHE_DIR=${FROM_BASE}\n').stages[0]);
    assert.equal(arg.value, '${FROM_BASE}');
  });

  it('expands ${...} in an ENV value as well, with what was set before that ENV', () => {
    // BuildKit expands ENV values like ARG defaults (D=1e above); one ENV's values all see what was set before it.
    assert.deepEqual(pip('ARG NOCACHE=\nENV PIP_NO_CACHE_DIR=$NOCACHE'), ['pip-cache-kept']);
    assert.deepEqual(pip('ARG NOCACHE=1\nENV PIP_NO_CACHE_DIR=$NOCACHE'), []);
    assert.deepEqual(pip('ARG X\nENV PIP_NO_CACHE_DIR=${X:+1}'), ['pip-cache-kept']);
    assert.deepEqual(pip('ENV A=\nENV A=1 PIP_NO_CACHE_DIR=$A'), ['pip-cache-kept']);
    assert.deepEqual(ids('FROM python:3.12-slim AS base\nENV OFF=\nFROM base\nENV PIP_NO_CACHE_DIR=${OFF}\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(npm('ARG NODE_ENV=production\nENV NODE_ENV=${NODE_ENV}'), []);
    // An ENV naming what the file does not give (the base image's own ENV) stays as written.
    const [env] = stageEnvs(buildModel('FROM python:3.12-slim\nENV P=${PYTHON_VERSION}/x Q=$P\n').stages[0]);
    assert.deepEqual(env.props, [['P', '${PYTHON_VERSION}/x'], ['Q', '$P']]);
  });

  it('only counts ARGs of the same stage declared above the RUN', () => {
    assert.deepEqual(ids('FROM python:3.12-slim AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(ids('ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim\nRUN pip install flask\n', 'pip-cache-kept'), ['pip-cache-kept']);
    assert.deepEqual(ids('FROM python:3.12-slim\nRUN pip install flask\nARG PIP_NO_CACHE_DIR=1\n', 'pip-cache-kept'), ['pip-cache-kept']);
  });
});
