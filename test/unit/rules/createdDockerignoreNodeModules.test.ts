/**
 * The .dockerignore that context-without-dockerignore creates must draw no warning from the
 * ignore-file checks on the context it was made for. It wrote `node_modules` and then
 * `**\/node_modules`; where the scan found node_modules only at the top (most Node projects), the
 * second line excluded nothing more, and dockerignore-overridden-pattern warned on it: `--fix`,
 * then the same CLI run again, exited 1 on the file it had just written.
 */
import * as assert from 'node:assert/strict';
import { checkDockerignore } from '../../../server/src/core/dockerignore';
import { buildModel } from '../../../server/src/core/model';
import type { ContextScanFacts } from '../../../server/src/core/environment';
import { suggestedDockerignore } from '../../../server/src/rules/context-without-dockerignore';

const DOCKERFILE = 'FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]\n';
const scan = (...folders: string[]): ContextScanFacts => ({
  complete: true,
  files: folders.length + 2,
  bytes: folders.length * 3_000_000 + 100,
  topLevel: [],
  heavy: folders.map((path) => ({ path, bytes: 3_000_000, files: 1, kind: 'dependencies' })),
  secrets: [],
});
const created = (s?: ContextScanFacts) => suggestedDockerignore({ hasDockerignore: false, topLevelNames: ['package.json', 'server.js'], scan: s }, buildModel(DOCKERFILE)).split('\n');

describe('context-without-dockerignore: node_modules lines of the created file', () => {
  it('writes node_modules alone when the scan found it only at the top, and the file then draws no warning', () => {
    const lines = created(scan('node_modules'));
    assert.ok(lines.includes('node_modules'));
    assert.ok(!lines.includes('**/node_modules'));
    const files = ['package.json', 'package-lock.json', 'server.js', 'node_modules/express/index.js'];
    const warnings = checkDockerignore(lines.join('\n'), { context: { files } }).filter((f) => f.severity === 'warning' || f.severity === 'error');
    assert.deepEqual(warnings.map((f) => `${f.ruleId}: ${f.message}`), []);
  });

  it('keeps **/node_modules when the scan found a nested one, or when there is no finished scan', () => {
    assert.ok(created(scan('node_modules', 'packages/api/node_modules')).includes('**/node_modules'));
    assert.ok(created(undefined).includes('**/node_modules'));
    assert.ok(created({ ...scan('node_modules'), complete: false }).includes('**/node_modules'));
  });
});
