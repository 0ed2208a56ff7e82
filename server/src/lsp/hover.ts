/** LSP hover: the core's markdown, plus the registry's exact figures for a FROM image when allowed. */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { hoverAt } from '../core/hover';
import { dockerignoreHover } from '../core/dockerignore';
import { instructionAt } from '../core/model';
import type { DocumentAnalysis } from './analysisCache';
import type { RegistryHover } from './registryHover';
import type { EngineFeatures } from './engineFeatures';
import type { ServerSettings } from './settings';

export async function hover(doc: DocumentAnalysis, position: Position, registry?: { hover: RegistryHover; settings: ServerSettings; trusted: boolean; engine?: EngineFeatures }): Promise<Hover | null> {
  if (doc.ignore) {
    const { text, stats, scanning, unmeasured, notEvaluated, notReadBy } = doc.ignore;
    const found = dockerignoreHover(text, position.line, stats, { scanning, unmeasured, notEvaluated, notReadBy });
    return found ? { contents: { kind: MarkupKind.Markdown, value: found.markdown }, range: found.range } : null;
  }
  const model = doc.analysis?.model;
  const result = model && hoverAt(model, position, doc.env);
  if (!result) return null;
  let markdown = result.markdown;
  const instr = registry && instructionAt(model, position.line);
  const stage = instr?.keyword === 'FROM' ? instr.stage : undefined;
  if (registry && stage?.from.image && !stage.from.stage && !stage.from.scratch) {
    const [extra, local] = await Promise.all([
      registry.hover.section(stage.from.image, stage.from.platform, registry.settings, registry.trusted),
      registry.engine?.hoverSection(stage.from.image, registry.settings, registry.trusted),
    ]);
    if (extra) markdown = `${extra}\n\n---\n\n${markdown}`;
    if (local) markdown = `${local}\n\n${markdown}`;
  }
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: result.range };
}
