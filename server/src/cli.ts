/**
 * `dockerfile-size-hints [files or folders...]`: the editor's analysis for terminals and CI.
 * Exit codes: 0 no finding at or above the threshold, 1 at least one, 2 usage error.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyze } from './core/analyze';
import type { Finding, Severity } from './core/types';
import { SEVERITY_ORDER, severityAtLeast } from './core/types';
import { readFacts } from './sources/workspace';
import { findDockerfiles } from './sources/files';

const USAGE = `Usage: dockerfile-size-hints [options] [files or folders...]

Finds what makes Docker images big. Folders are searched for Dockerfile, Containerfile,
*.Dockerfile and Dockerfile.* (default: the current folder).

Options:
  --format text|json     output format (default: text)
  --severity LEVEL       lowest severity that fails the run: error, warning, info, hint
                         (default: warning)
  -h, --help             show this help
  --version              print the version

Exit codes: 0 nothing at or above the threshold, 1 findings at or above it, 2 usage error.`;

interface Options {
  format: 'text' | 'json';
  threshold: Severity;
  inputs: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const opts: Options = { format: 'text', threshold: 'warning', inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--version') return 'version';
    if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (f !== 'text' && f !== 'json') throw new UsageError(`unknown format "${f}" (text, json)`);
      opts.format = f;
    } else if (a === '--severity' || a.startsWith('--severity=')) {
      const s = value('--severity');
      if (!SEVERITY_ORDER.includes(s as Severity)) throw new UsageError(`unknown severity "${s}" (${SEVERITY_ORDER.join(', ')})`);
      opts.threshold = s as Severity;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      opts.inputs.push(a);
    }
  }
  if (opts.inputs.length === 0) opts.inputs.push('.');
  return opts;
}

export interface FileReport {
  file: string;
  findings: Finding[];
  error?: string;
}

/** Analyses each Dockerfile the way the editor does (same core, same context facts). */
export async function analyseFiles(files: string[]): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    try {
      const text = await fs.readFile(file, 'utf8');
      const context = await readFacts(path.resolve(file));
      reports.push({ file, findings: analyze(text, { context }).findings });
    } catch (e) {
      reports.push({ file, findings: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  return reports;
}

export function formatText(reports: FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    if (r.error) lines.push(`${r.file}: error: ${r.error}`);
    for (const f of r.findings) lines.push(`${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${f.message}`);
  }
  return lines.join('\n');
}

export function formatJson(reports: FileReport[]): string {
  return JSON.stringify(
    reports.map((r) => ({
      file: r.file,
      ...(r.error ? { error: r.error } : {}),
      findings: r.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        line: f.range.start.line + 1,
        column: f.range.start.character + 1,
        endLine: f.range.end.line + 1,
        endColumn: f.range.end.character + 1,
        message: f.message,
        inFinalImage: f.inFinalImage,
        ...(f.saving ? { saving: f.saving } : {}),
      })),
    })),
    null,
    2,
  );
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n'), err: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<number> {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`dockerfile-size-hints: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    out(USAGE);
    return 0;
  }
  if (opts === 'version') {
    out(VERSION);
    return 0;
  }
  const { files, missing } = await findDockerfiles(opts.inputs);
  if (missing.length > 0) {
    err(`dockerfile-size-hints: no such file or folder: ${missing.join(', ')}`);
    return 2;
  }
  const reports = await analyseFiles(files);
  if (opts.format === 'json') out(formatJson(reports));
  else {
    const text = formatText(reports);
    if (text) out(text);
    const count = reports.reduce((n, r) => n + r.findings.length, 0);
    err(`${files.length} Dockerfile${files.length === 1 ? '' : 's'} analysed, ${count} finding${count === 1 ? '' : 's'}.`);
  }
  const failing = reports.some((r) => r.error || r.findings.some((f) => severityAtLeast(f.severity, opts.threshold)));
  return failing ? 1 : 0;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'development';

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`dockerfile-size-hints: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
