/**
 * `dockerfile-size-hints [files or folders...]`: the editor's analysis for terminals and CI.
 * Same core, same context facts, same configuration files as the language server.
 * Exit codes: 0 nothing at or above the threshold, 1 at least one finding at or above it (or a
 * file that could not be read), 2 usage error.
 */
import * as fs from './sources/fsAsync';
import * as path from 'node:path';
import { analyze, missingTarget } from './core/analyze';
import { contextNotMeasured } from './core/buildContext';
import { combineSettings, parseSize } from './core/config';
import { estimateImage } from './core/imageEstimate';
import { applyEdits, fixAll } from './core/edits';
import { formatGithub, formatJson, formatSarif, formatText, type FileReport } from './core/formats';
import { SEVERITY_ORDER, severityAtLeast, type Severity } from './core/types';
import { loadConfig } from './sources/config';
import { findDockerfiles, isIgnoreFileName } from './sources/files';
import { readFacts, scanOnce } from './sources/workspace';
import type { ContextScanResult } from './sources/context/scan';
import { contextOfIgnoreFile, ignoreFileNotRead, type ContextLayout } from './sources/context/facts';
import { checkDockerignore, ignoreBeyondLimits, ignoreNotEvaluatedMessage } from './core/dockerignore';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `Usage: dockerfile-size-hints [options] [files or folders...]

Finds what makes Docker images big. Folders are searched for Dockerfile, Containerfile,
*.Dockerfile and Dockerfile.*, and for .dockerignore files, which get the editor's checks
(default: the current folder).

Options:
  --format FORMAT        text (default), json, sarif (SARIF 2.1.0) or github (Actions annotations)
  --severity LEVEL       lowest severity that fails the run: error, warning (default), info, hint
  --max-size SIZE        size budget for the final image (e.g. 250MB): an error when the estimate exceeds it
  --fix                  apply the safe fixes (those the editor marks preferred) of the Dockerfiles'
                         findings, some of which create or extend .dockerignore files
  --unsafe-fixes         with --fix, also apply the fixes that need a review (a -slim tag where packages
                         may need a compiler, a split into a builder stage, --omit=dev): a split first,
                         none for a finding in a stage that does not reach the final image
  --build-context DIR    the build context of every Dockerfile (default: a Compose service that builds
                         it, else the folder from the Dockerfile's up to the current one where the
                         files its COPY/ADD name exist, else the Dockerfile's folder), relative to
                         the current folder
  --target STAGE         the stage the build produces, as docker build --target (default: the
                         configuration's target, a Compose service's build target, else the last stage)
  --help-uri URL         base URL of the rule pages for SARIF helpUri (rule id + .md is appended)
  -h, --help             show this help
  --version              print the version

Configuration: the nearest .dockerfile-size-hints.yaml and .hadolint.yaml (ignored, override)
apply, as in the editor.

Exit codes: 0 nothing at or above the threshold, 1 findings at or above it or a file's error (not
analysed, a configuration problem, no stage named as the target, the build context not measured),
2 usage error. A note (ONBUILD triggers too large to check) is information and does not count.`;

interface Options {
  format: Format;
  budgetBytes?: number;
  threshold: Severity;
  fix: boolean;
  /** Also apply the fixes not marked preferred. */
  unsafeFixes: boolean;
  helpUri?: string;
  buildContext?: string;
  target?: string;
  inputs: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const opts: Options = { format: 'text', threshold: 'warning', fix: false, unsafeFixes: false, inputs: [] };
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
    if (a === '--fix') opts.fix = true;
    else if (a === '--unsafe-fixes') opts.unsafeFixes = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (!FORMATS.includes(f as Format)) throw new UsageError(`unknown format "${f}" (${FORMATS.join(', ')})`);
      opts.format = f as Format;
    } else if (a === '--severity' || a.startsWith('--severity=')) {
      const s = value('--severity');
      if (!SEVERITY_ORDER.includes(s as Severity)) throw new UsageError(`unknown severity "${s}" (${SEVERITY_ORDER.join(', ')})`);
      opts.threshold = s as Severity;
    } else if (a === '--max-size' || a.startsWith('--max-size=')) {
      const v = value('--max-size');
      opts.budgetBytes = parseSize(v);
      if (opts.budgetBytes === undefined) throw new UsageError(`cannot read "${v}" as a size such as 250MB`);
    } else if (a === '--build-context' || a.startsWith('--build-context=')) {
      opts.buildContext = value('--build-context');
    } else if (a === '--target' || a.startsWith('--target=')) {
      opts.target = value('--target');
    } else if (a === '--help-uri' || a.startsWith('--help-uri=')) {
      opts.helpUri = value('--help-uri');
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      opts.inputs.push(a);
    }
  }
  if (opts.unsafeFixes && !opts.fix) throw new UsageError('--unsafe-fixes only applies with --fix');
  if (opts.inputs.length === 0) opts.inputs.push('.');
  return opts;
}

/**
 * Analyses (and with `fix`, repairs) each Dockerfile the way the editor does: `'safe'` applies the
 * preferred fixes ("Apply all size fixes"), `'all'` the others too.
 */
export async function analyseFiles(files: string[], fix: false | 'safe' | 'all' = false, budgetBytes?: number, buildContext?: string, target?: string): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  const scans = new Map<string, Promise<ContextScanResult | undefined>>();
  // With fixes, ignore files are read after the Dockerfiles whose fixes may edit them.
  for (const file of fix ? [...files.filter((f) => !isIgnorePath(f)), ...files.filter(isIgnorePath)] : files) {
    try {
      const abs = path.resolve(file);
      let text = await fs.readFile(file, 'utf8');
      // The same context facts as the editor, scan included (awaited here, with the same limits).
      const layout = { workspaceFolders: [process.cwd()], buildContext: buildContext && path.resolve(buildContext) };
      if (isIgnorePath(file)) {
        reports.push(await ignoreReport(file, text, layout, scans));
        continue;
      }
      const [facts, config] = await Promise.all([readFacts(abs, layout, true, scans), loadConfig(abs)]);
      let context = facts;
      const settings = combineSettings({ budgetBytes }, config.hadolint, config.project);
      if (budgetBytes !== undefined) settings.budgetBytes = budgetBytes;
      // The stage built: the option, else the configuration's, else the one Compose builds.
      settings.target = target ?? settings.target ?? facts.buildTarget;
      if (fix) {
        const result = fixAll(text, { context }, settings, { includeUnpreferred: fix === 'all' });
        if (result.text !== text) await fs.writeFile(file, result.text);
        for (const created of result.createFiles) {
          await fs.writeFile(path.join(path.dirname(abs), created.relativePath), created.content, { flag: 'wx' }).catch(() => undefined);
        }
        for (const edited of result.editFiles) {
          const target = path.join(path.dirname(abs), edited.relativePath);
          await fs.writeFile(target, applyEdits(await fs.readFile(target, 'utf8'), edited.edits));
        }
        text = result.text;
        if (result.createFiles.length > 0 || result.editFiles.length > 0) context = await readFacts(abs, layout, true, scans);
      }
      const analysis = analyze(text, { context }, settings);
      const estimate = estimateImage(analysis.model, { context });
      const problems = (config.project?.problems ?? []).map((p) => `configuration: ${config.project!.path}: ${p}`);
      if (analysis.skipped) problems.push(analysis.skipped);
      const noTarget = missingTarget(analysis);
      if (noTarget) problems.push(noTarget);
      const unmeasured = contextNotMeasured(context);
      if (unmeasured) problems.push(unmeasured);
      // Information, as in the editor: the file's own findings are all there.
      const note = analysis.triggersNotChecked && { line: analysis.triggersNotChecked.range.start.line + 1, message: analysis.triggersNotChecked.message };
      reports.push({ file, findings: analysis.findings, estimate, ...(problems.length ? { error: problems.join('; ') } : {}), ...(note ? { note } : {}) });
    } catch (e) {
      reports.push({ file, findings: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  return reports;
}

/** True for a path whose file is an ignore file (`.dockerignore`, `<name>.dockerignore`). */
const isIgnorePath = (file: string) => isIgnoreFileName(path.basename(file));

/**
 * An ignore file's findings, as the editor gives them: the checks that need the context's listing
 * too when a scan of its build context (read with this text) completes within the limits.
 */
async function ignoreReport(file: string, text: string, layout: ContextLayout, scans: Map<string, Promise<ContextScanResult | undefined>>): Promise<FileReport> {
  const notEvaluated = ignoreBeyondLimits(text);
  if (notEvaluated !== undefined) return { file, findings: [], error: ignoreNotEvaluatedMessage(notEvaluated) };
  const [{ dir }, notReadBy] = await Promise.all([contextOfIgnoreFile(path.resolve(file), layout), ignoreFileNotRead(path.resolve(file), layout)]);
  // As in the editor: a file no build reads is not checked against its folder's files.
  const scan = notReadBy ? undefined : await scanOnce(dir, text, scans);
  const listing = scan?.complete && scan.paths ? { context: { files: scan.paths.files, dirs: scan.paths.dirs } } : {};
  return { file, findings: checkDockerignore(text, { ...listing, notReadBy }) };
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
  const reports = await analyseFiles(files, opts.fix && (opts.unsafeFixes ? 'all' : 'safe'), opts.budgetBytes, opts.buildContext, opts.target);
  const render = { text: formatText, json: formatJson, github: formatGithub, sarif: (r: FileReport[]) => formatSarif(r, VERSION, opts.helpUri) }[opts.format];
  const rendered = render(reports);
  if (rendered) out(rendered);
  if (opts.format === 'text') {
    const count = reports.reduce((n, r) => n + r.findings.length, 0);
    const ignores = files.filter(isIgnorePath).length;
    const dockerfiles = files.length - ignores;
    const also = ignores > 0 ? ` and ${ignores} ignore file${ignores === 1 ? '' : 's'}` : '';
    err(`${dockerfiles} Dockerfile${dockerfiles === 1 ? '' : 's'}${also} analysed, ${count} finding${count === 1 ? '' : 's'}.`);
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
