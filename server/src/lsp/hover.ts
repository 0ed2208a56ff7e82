/** LSP hover: delegates to the core and wraps the markdown. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { hoverAt } from '../core/hover';
import type { DocumentAnalysis } from './analysisCache';

export function hover(doc: DocumentAnalysis, position: Position): Hover | null {
  const model = doc.analysis?.model;
  const result = model && hoverAt(model, position, doc.env);
  return result ? { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: result.range } : null;
}
