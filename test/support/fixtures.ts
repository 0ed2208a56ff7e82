/**
 * Reads rule fixtures: real Dockerfiles with expected-finding markers.
 *
 * Marker lines (removed before analysis):
 *   `#> <rule-id> <severity>`   expects a finding of that rule starting on the line above
 *   `#! no-dockerignore [names...]` (first lines) the build context has no ignore file and holds
 *                                  these top-level names
 *   `#! budget 250MB`              the size budget setting
 *   `#! dockerignore <line>`       one line of the `.dockerignore` in force (repeat for more lines)
 *   `#! scan <json>`               what a scan of the context measured (ContextScanFacts, defaults filled)
 * Beside `<name>.Dockerfile`, `<name>.fixed.Dockerfile` is the text after applying every fix,
 * and `<name>.fixed.dockerignore` the ignore file the fixes create.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisEnvironment } from '../../server/src/core/environment';
import type { AnalysisSettings } from '../../server/src/core/analyze';
import { parseSize } from '../../server/src/core/config';

export interface Expected {
  line: number;
  ruleId: string;
  severity: string;
}

export interface Fixture {
  name: string;
  file: string;
  text: string;
  expected: Expected[];
  env: AnalysisEnvironment;
  settings: AnalysisSettings;
  fixed?: string;
  fixedDockerignore?: string;
}

export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

export function parseFixture(file: string): Fixture {
  const raw = fs.readFileSync(file, 'utf8');
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  const kept: string[] = [];
  const expected: Expected[] = [];
  let env: AnalysisEnvironment = { context: { hasDockerignore: true, topLevelNames: [] } };
  const settings: AnalysisSettings = {};
  for (const line of raw.split(eol)) {
    const marker = /^\s*#>\s*(\S+)\s+(\S+)\s*$/.exec(line);
    const directive = /^#!\s*no-dockerignore\b(.*)$/.exec(line);
    const budget = /^#!\s*budget\s+(\S+)\s*$/.exec(line);
    const ignoreLine = /^#!\s*dockerignore(?: (.*))?$/.exec(line);
    const scan = /^#!\s*scan\s+(\{.*\})\s*$/.exec(line);
    if (ignoreLine) {
      const text = (env.context.ignoreFile?.text ?? '') + (ignoreLine[1] ?? '') + '\n';
      env = { context: { ...env.context, hasDockerignore: true, ignoreFile: { relativePath: '.dockerignore', text } } };
    } else if (scan) env = { context: { ...env.context, scan: { complete: true, files: 0, bytes: 0, topLevel: [], heavy: [], secrets: [], ...JSON.parse(scan[1]) } } };
    else if (budget) settings.budgetBytes = parseSize(budget[1]);
    else if (marker) expected.push({ line: kept.length - 1, ruleId: marker[1], severity: marker[2] });
    else if (directive) env = { context: { ...env.context, hasDockerignore: false, topLevelNames: directive[1].trim().split(/\s+/).filter(Boolean) } };
    else kept.push(line);
  }
  const base = file.replace(/\.Dockerfile$/, '');
  const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);
  return {
    name: path.relative(FIXTURES_DIR, file),
    file,
    text: kept.join(eol),
    expected,
    env,
    settings,
    fixed: read(`${base}.fixed.Dockerfile`),
    fixedDockerignore: read(`${base}.fixed.dockerignore`),
  };
}

/** All fixture Dockerfiles under a folder (not the `.fixed` outputs). */
export function fixtureFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtureFiles(p));
    else if (e.name.endsWith('.Dockerfile') && !e.name.endsWith('.fixed.Dockerfile')) out.push(p);
  }
  return out.sort();
}
