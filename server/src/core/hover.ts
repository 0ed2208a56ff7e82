/**
 * Hover content: for the image of a FROM line, the base image's download and unpacked size with
 * the figure's source and date, and its smaller variants with what each saves.
 */
import { instructionAt, type DockerfileModel, type Stage } from './model';
import { rangeContains } from './text';
import type { Position, Range } from './types';
import { estimateBaseImage, formatBytes, smallerAlternatives, type BaseImageEstimate } from '../sizes';
import { EMPTY_ENVIRONMENT, type AnalysisEnvironment } from './environment';
import { describePart, estimateStage, type LayerEstimate } from './imageEstimate';

export interface HoverResult {
  markdown: string;
  range: Range;
}

export function hoverAt(model: DockerfileModel, pos: Position, env: AnalysisEnvironment = EMPTY_ENVIRONMENT): HoverResult | undefined {
  const instr = instructionAt(model, pos.line);
  if (!instr || !instr.stage) return undefined;
  if (instr.keyword === 'RUN' || instr.keyword === 'COPY' || instr.keyword === 'ADD') {
    const keyword = instr.node.getInstructionRange();
    if (!rangeContains(keyword, pos)) return undefined;
    const layer = estimateStage(model, instr.stage, env).layers.find((l) => l.instr === instr);
    return layer && { markdown: layerHover(layer), range: keyword };
  }
  if (instr.keyword !== 'FROM') return undefined;
  const stage = instr.stage;
  if (!rangeContains(stage.from.imageRange, pos)) return undefined;
  return { markdown: baseImageHover(stage), range: stage.from.imageRange };
}

function unpacked(e: BaseImageEstimate): string {
  return e.unpackedMeasured ? formatBytes(e.unpackedBytes) : `${formatBytes(e.unpackedBytes)}*`;
}

/** Markdown for a layer-making instruction: its estimated size and what it is made of. */
export function layerHover(layer: LayerEstimate): string {
  const head = layer.bytes === undefined ? 'not sized' : `${layer.complete ? 'about' : 'at least about'} ${formatBytes(layer.bytes)}`;
  const lines = [`**Layer: ${head}**`, ''];
  if (layer.parts.length === 0) lines.push('Adds no measurable content (metadata, removals or small files only).');
  for (const p of layer.parts) lines.push(`- ${p.label.replace(/[`*_]/g, '\\$&')}: ${describePart(p)} (${p.basis})`);
  if (!layer.inFinalImage) lines.push('', 'This stage\'s layers do not reach the final image.');
  return lines.join('\n');
}

/** Markdown for a FROM image. Exported for tests. */
export function baseImageHover(stage: Stage): string {
  const from = stage.from;
  if (from.stage) return `**${from.raw}** is build stage ${from.stage.name ?? from.stage.index} of this Dockerfile: its size is that stage's size.`;
  if (from.scratch) return '**scratch** is the empty image: 0 bytes. Only what you copy in is shipped.';
  if (!from.image) return `**${from.raw}**: the reference uses a build argument without a default, so the image cannot be known before the build.`;
  const estimate = estimateBaseImage(from.image, from.platform);
  if (!estimate) return `**${from.image}**: no size known. The bundled table covers common official Docker Hub images only.`;
  const lines: string[] = [];
  lines.push(`**${from.image}**: about ${formatBytes(estimate.compressedBytes)} to download, about ${unpacked(estimate)} unpacked (${estimate.platform})`, '');
  lines.push(`${estimate.basis}.`);
  const sources = [...new Set([...estimate.rows, ...(estimate.unpackedFrom ?? [])].map((r) => `${r.sourcePath} (${r.reportedDate})`))];
  if (sources.length > 0) lines.push('', `Source: ${sources.slice(0, 3).join('; ')}${sources.length > 3 ? '; ...' : ''}`);
  const alternatives = smallerAlternatives(from.image, from.platform);
  if (alternatives.length > 0) {
    lines.push('', '**Smaller variants**', '', '| image | download | unpacked | saves (unpacked) |', '|---|---:|---:|---:|');
    for (const alt of alternatives) {
      const guess = alt.estimate.confidence === 'guess' ? ' (guess)' : '';
      lines.push(`| ${alt.reference}${guess} | ${formatBytes(alt.estimate.compressedBytes)} | ${unpacked(alt.estimate)} | about ${formatBytes(alt.savingBytes)} |`);
    }
    const guessed = alternatives.filter((a) => a.estimate.confidence === 'guess').map((a) => `- ${a.reference}: not measured. ${a.estimate.basis}.`);
    const caveats = [...guessed, ...alternatives.filter((a) => a.caveat).map((a) => `- ${a.reference}: ${a.caveat}`)];
    if (caveats.length > 0) lines.push('', ...caveats);
  }
  if (!estimate.unpackedMeasured || alternatives.some((a) => !a.estimate.unpackedMeasured)) {
    // Which ratio: the image's own measured rows where the table has some, else those of images
    // or family with the same C library (openjdk has none: its ratio is that of the measured
    // glibc-based Java JDK rows); those of the asked variant when the download is another's.
    const own = estimate.unpackedMeasured ? [] : [...new Set((estimate.unpackedFrom ?? estimate.rows).filter((r) => !r.uncompressedMeasured).map((r) => r.uncompressedBasis.replace(/^derived: /, '')))];
    lines.push('', `\\* unpacked size derived from the download size with the unpacked/compressed ratio of measured rows of the table${own.length > 0 ? ` (${from.image}: ${own.join('; ')})` : ''}.`);
  }
  return lines.join('\n');
}
