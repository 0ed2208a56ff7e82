/**
 * Report formats for the CLI: compiler-like text, JSON, SARIF 2.1.0 (code-scanning uploads) and
 * GitHub Actions workflow annotations. Pure functions over analysed files.
 */
import type { Finding, Severity } from './types';
import { describeEstimate, nothingSized, type StageEstimate } from './imageEstimate';
import { RULES } from '../rules';
import { DOCKERIGNORE_RULES } from './dockerignore';
import type { Rule } from '../rules/rule';

export interface FileReport {
  /** Path as given on the command line (relative paths stay relative). */
  file: string;
  findings: Finding[];
  /** The final image's estimate, when the file has a stage. */
  estimate?: StageEstimate;
  /** Why the file, or part of what it needs, could not be analysed: fails the run. */
  error?: string;
  /**
   * Said about the file at a line, neither a finding nor a failure (information, as the editor
   * shows it): the ONBUILD triggers not checked. Does not count for the exit code.
   */
  note?: { line: number; message: string };
}

function estimateJson(e: StageEstimate) {
  return {
    // The sized bytes; with an unsized base they are the layers' only, and `sized` is false.
    bytes: e.knownBytes,
    complete: e.complete,
    sized: !nothingSized(e),
    summary: describeEstimate(e),
    base: e.base && { reference: e.base.reference, bytes: e.base.bytes, basis: e.base.basis },
    layers: e.layers.map((l) => ({
      line: l.instr.range.start.line + 1,
      instruction: l.instr.keyword,
      bytes: l.bytes,
      complete: l.complete,
      parts: l.parts,
    })),
  };
}

export function formatText(reports: FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    if (r.error) lines.push(`${r.file}: error: ${r.error}`);
    if (r.note) lines.push(`${r.file}:${r.note.line}: note: ${r.note.message}`);
    for (const f of r.findings) lines.push(`${r.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${f.message}`);
    if (r.estimate) lines.push(`${r.file}: final image ${describeEstimate(r.estimate)}`);
  }
  return lines.join('\n');
}

export function formatJson(reports: FileReport[]): string {
  return JSON.stringify(
    reports.map((r) => ({
      file: r.file,
      ...(r.error ? { error: r.error } : {}),
      ...(r.note ? { note: r.note } : {}),
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
      ...(r.estimate ? { estimate: estimateJson(r.estimate) } : {}),
    })),
    null,
    2,
  );
}

/** A report's path as a SARIF artifact URI: forward slashes, no leading ./ . */
const sarifUri = (file: string) => file.split('\\').join('/').replace(/^\.\//, '');

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** The rule's documentation as markdown, the same text as docs/rules/<id>.md's main sections. */
export function ruleHelpMarkdown(rule: Rule): string {
  const d = rule.docs;
  return [d.summary, '', d.why, '', '**Incorrect**', '```dockerfile', d.incorrect, '```', '', '**Correct**', '```dockerfile', d.correct, '```', '', `**Size impact**: ${d.sizeImpact}`, '', `**Quick fix**: ${d.fix}`].join('\n');
}

export function formatSarif(reports: FileReport[], version: string, helpBase?: string): string {
  // The .dockerignore checks follow the Dockerfile rules (their pages: docs/dockerignore.md).
  const ignoreRules = Object.entries(DOCKERIGNORE_RULES).map(([id, r]) => ({ id, shortDescription: { text: r.title }, defaultConfiguration: { level: SARIF_LEVEL[r.severity] }, properties: { tags: ['docker', 'dockerignore'] } }));
  const index = new Map([...RULES.map((r) => r.id), ...ignoreRules.map((r) => r.id)].map((id, i) => [id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockerfile-size-hints',
            version,
            rules: [
              ...RULES.map((r) => ({
                id: r.id,
                name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
                shortDescription: { text: r.title },
                fullDescription: { text: r.docs.summary },
                ...(helpBase ? { helpUri: `${helpBase.replace(/\/$/, '')}/${r.id}.md` } : {}),
                help: { text: `${r.docs.summary} ${r.docs.why}`, markdown: ruleHelpMarkdown(r) },
                defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
                properties: { tags: ['docker', 'image-size'], ...(r.hadolint ? { hadolint: r.hadolint } : {}) },
              })),
              ...ignoreRules,
            ],
          },
        },
        results: reports.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: sarifUri(r.file) },
                  region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
                },
              },
            ],
            properties: { inFinalImage: f.inFinalImage, ...(f.saving ? { saving: f.saving } : {}) },
          })),
        ),
        invocations: [
          {
            executionSuccessful: reports.every((r) => !r.error),
            toolExecutionNotifications: reports.flatMap((r) => [
              ...(r.error ? [{ level: 'error', message: { text: `${r.file}: ${r.error}` } }] : []),
              ...(r.note ? [{ level: 'note', message: { text: `${r.file}:${r.note.line}: ${r.note.message}` }, locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(r.file) }, region: { startLine: r.note.line } } }] }] : []),
            ]),
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

const GH_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function ghProperty(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: `::warning file=...,line=...::message`. */
export function formatGithub(reports: FileReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    if (r.error) lines.push(`::error file=${ghProperty(r.file)}::${ghData(r.error)}`);
    if (r.note) lines.push(`::notice file=${ghProperty(r.file)},line=${r.note.line}::${ghData(r.note.message)}`);
    for (const f of r.findings) {
      const props = [
        `file=${ghProperty(r.file)}`,
        `line=${f.range.start.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `endColumn=${f.range.end.character + 1}`,
        `title=${ghProperty(f.ruleId)}`,
      ];
      lines.push(`::${GH_LEVEL[f.severity]} ${props.join(',')}::${ghData(f.message)}`);
    }
  }
  return lines.join('\n');
}
