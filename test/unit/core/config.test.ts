import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import { combineSettings, parseHadolintConfig, parseProjectConfig, parseSize } from '../../../server/src/core/config';
import { loadConfig } from '../../../server/src/sources/config';

const NAIVE = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n';
const ids = (settings: Parameters<typeof analyze>[2]) => analyze(NAIVE, { context: {} }, settings).findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('configuration', () => {
  it('parses sizes', () => {
    assert.equal(parseSize('250MB'), 250e6);
    assert.equal(parseSize('1.5 GB'), 1.5e9);
    assert.equal(parseSize('300MiB'), 300 * 1024 * 1024);
    assert.equal(parseSize(1000), 1000);
    assert.equal(parseSize('lots'), undefined);
  });
  it('reads rules, finalStageOnly and budget, and reports problems', () => {
    const c = parseProjectConfig('rules:\n  apt-recommends: off\n  apt-lists-kept: error\n  nope: warning\n  pip-cache-kept: loud\nfinalStageOnly: true\nbudget: 250MB\n');
    assert.deepEqual(c.rules, { 'apt-recommends': 'off', 'apt-lists-kept': 'error' });
    assert.equal(c.finalStageOnly, true);
    assert.equal(c.budgetBytes, 250e6);
    assert.equal(c.problems.length, 2);
    assert.match(parseProjectConfig('rules: [').problems[0], /not valid YAML/);
    assert.deepEqual(parseProjectConfig('budget: 1GB\nbudget: 2GB\n').problems, ['not valid YAML or JSON: duplicated mapping key (2:1)']);
    assert.deepEqual(parseProjectConfig('# all commented out\n'), { problems: [] });
    assert.deepEqual(parseProjectConfig('{"rules": {"apt-recommends": "hint"}}').rules, { 'apt-recommends': 'hint' });
  });
  it("maps .hadolint.yaml's ignored and override onto our rules", () => {
    assert.deepEqual(parseHadolintConfig('ignored:\n  - DL3015\n  - DL9999\noverride:\n  error: [DL3009]\n  style: [DL3042]\n'), {
      'apt-recommends': 'off',
      'apt-lists-kept': 'error',
      'pip-cache-kept': 'hint',
    });
  });
  it('applies settings < .hadolint.yaml < our file', () => {
    const editor = { severities: { 'apt-recommends': 'info' as const, 'apt-lists-kept': 'off' as const } };
    assert.deepEqual(ids(combineSettings(editor, undefined, undefined)), ['apt-recommends:info']);
    assert.deepEqual(ids(combineSettings(editor, { 'apt-recommends': 'off' }, undefined)), []);
    assert.deepEqual(ids(combineSettings(editor, { 'apt-recommends': 'off' }, parseProjectConfig('rules: {apt-recommends: error}'))), ['apt-recommends:error']);
  });
  it('finds the nearest files upwards from the Dockerfile', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsh-config-'));
    fs.mkdirSync(path.join(root, 'svc', 'api'), { recursive: true });
    fs.writeFileSync(path.join(root, '.hadolint.yaml'), 'ignored: [DL3009]\n');
    fs.writeFileSync(path.join(root, 'svc', '.dockerfile-size-hints.yaml'), 'finalStageOnly: true\n');
    const loaded = await loadConfig(path.join(root, 'svc', 'api', 'Dockerfile'));
    assert.equal(loaded.project?.finalStageOnly, true);
    assert.equal(loaded.project?.path, path.join(root, 'svc', '.dockerfile-size-hints.yaml'));
    assert.deepEqual(loaded.hadolint, { 'apt-lists-kept': 'off' });
    fs.rmSync(root, { recursive: true, force: true });
  });
  it('reports only final-image findings with finalStageOnly', () => {
    const text = 'FROM debian AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\nFROM debian\nCOPY --from=build /x /x\n';
    assert.equal(analyze(text, { context: {} }).findings.length, 1);
    assert.equal(analyze(text, { context: {} }, { finalStageOnly: true }).findings.length, 0);
  });
});
