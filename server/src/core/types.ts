/**
 * Value types shared by the analysis core, the rules and the size model.
 * Positions are zero-based and count UTF-16 code units, exactly like LSP, so the language
 * server can pass them through untouched and the CLI adds one for humans.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** Severity order, most severe first; used for thresholds (`--severity`, exit codes). */
export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export function severityAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A number of bytes the model is sure about only roughly, with what it rests on. */
export interface SizeEstimate {
  /** Best single figure in bytes, or undefined when the model has no basis for one. */
  bytes?: number;
  /** Human-readable basis: which measurement, table row or model produced the figure. */
  basis: string;
}

export interface Finding {
  ruleId: string;
  /** Effective severity after stage awareness and configuration. */
  severity: Severity;
  range: Range;
  /** One sentence that says what is wrong and what it costs. */
  message: string;
  /** What fixing it would save, when the model can say. */
  saving?: SizeEstimate;
  /** False when the finding sits in a stage that does not reach the final image. */
  inFinalImage: boolean;
  /** Rule-private data the rule's fix reads back (kept JSON-serialisable for LSP round trips). */
  data?: Record<string, unknown>;
}

/** A file the fix wants created next to the Dockerfile (for example a `.dockerignore`). */
export interface FileCreation {
  /** Path relative to the Dockerfile's folder. */
  relativePath: string;
  content: string;
}

/** Edits to another existing file than the one analysed (for example the ignore file in force). */
export interface FileEdit {
  /** Path relative to the Dockerfile's folder, `/`-separated. */
  relativePath: string;
  edits: TextEdit[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  createFiles?: FileCreation[];
  editFiles?: FileEdit[];
  /** True when this fix is the obvious one for the finding (VS Code marks it preferred). */
  preferred?: boolean;
}
