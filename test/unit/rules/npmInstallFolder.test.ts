/**
 * The build context's package.json and lockfile size an `npm install` only when npm runs where the
 * COPY put them. `COPY . .` and then `RUN cd frontend && npm install` (or `WORKDIR
 * /app/frontend`) installs frontend/package.json: the root's package.json, with its prettier and
 * husky, is not what is installed, and naming its devDependencies there says something false.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { parseNpmManifest } from '../../../server/src/sources/context/npmManifest';

const rootManifest = parseNpmManifest('{"name":"root","private":true,"devDependencies":{"prettier":"^3.0.0","nodemon":"^3.0.0"}}')!;
const env: AnalysisEnvironment = { context: { npmManifest: rootManifest } };
const devFinding = (dockerfile: string) => analyze(dockerfile, env).findings.find((f) => f.ruleId === 'npm-dev-dependencies');

/** Installs whose package.json is not the one the context's top holds. */
const OTHER_FOLDER = [
  'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN cd frontend && npm install\n',
  'FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY frontend/package.json frontend/\nWORKDIR /app/frontend\nRUN npm install\n',
  'FROM node:20-slim\nCOPY package.json /srv/\nWORKDIR /app\nRUN npm install\n',
  'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm install --prefix frontend\n',
];
/** Installs in the folder the context's package.json was copied to. */
const SAME_FOLDER = [
  'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\n',
  'FROM node:20-slim\nCOPY . /app\nRUN cd /app && npm install\n',
  'FROM node:20-slim\nCOPY package.json /app/\nWORKDIR /app\nRUN npm install\n',
  'FROM node:20-slim\nWORKDIR /app\nCOPY package.json /app/package.json\nRUN npm install\n',
  'FROM node:20-slim\nWORKDIR /app\nCOPY ["package.json", "./"]\nRUN npm install\n',
  'FROM node:20-slim AS deps\nWORKDIR /app\nCOPY package.json ./\nFROM deps\nRUN npm install\n',
];

describe('npm rules read the context package.json only where npm runs in the folder it was copied to', () => {
  it('does not name the root devDependencies for an install in another folder', () => {
    for (const dockerfile of OTHER_FOLDER) {
      const f = devFinding(dockerfile);
      assert.ok(f, dockerfile);
      assert.doesNotMatch(f.message, /prettier/, dockerfile);
      assert.match(f.message, /small TypeScript service/, dockerfile);
    }
  });

  it('still names them where npm runs in the copy\'s folder: ./, a cd to it, a later WORKDIR, a copy to a file name, an earlier stage', () => {
    for (const dockerfile of SAME_FOLDER) {
      assert.match(devFinding(dockerfile)?.message ?? '', /prettier, nodemon/, dockerfile);
    }
  });
});
