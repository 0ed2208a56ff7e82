/**
 * Hover content: for the image of a FROM line, the base image's download and unpacked size with
 * the figure's source and date, and its smaller variants with what each saves.
 */
import { instructionAt, type DockerfileModel, type Stage } from './model';
import { rangeContains } from './text';
import type { Position, Range } from './types';
import { estimateBaseImage, formatBytes, smallerAlternatives, type BaseImageEstimate } from '../sizes';

export interface HoverResult {
  markdown: string;
  range: Range;
}

export function hoverAt(model: DockerfileModel, pos: Position): HoverResult | undefined {
  const instr = instructionAt(model, pos.line);
  if (!instr || instr.keyword !== 'FROM' || !instr.stage) return undefined;
  const stage = instr.stage;
  if (!rangeContains(stage.from.imageRange, pos)) return undefined;
  return { markdown: baseImageHover(stage), range: stage.from.imageRange };
}

const CONFIDENCE: Record<BaseImageEstimate['confidence'], string> = {
  exact: 'measured for this tag',
  'same-line': 'estimated from another release of the same version line',
  'same-variant': 'estimated from other versions of the same variant',
  guess: 'a rough guess from related tags',
};

function unpacked(e: BaseImageEstimate): string {
  return e.unpackedMeasured ? formatBytes(e.unpackedBytes) : `${formatBytes(e.unpackedBytes)}*`;
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
  lines.push(`**${from.image}** · ${estimate.platform}`, '');
  lines.push('| | download | unpacked |', '|---|---:|---:|');
  lines.push(`| about | ${formatBytes(estimate.compressedBytes)} | ${unpacked(estimate)} |`, '');
  lines.push(`*${capitalise(CONFIDENCE[estimate.confidence])}.* ${estimate.basis}`);
  const sources = [...new Set(estimate.rows.map((r) => `${r.sourcePath} (${r.reportedDate})`))];
  if (sources.length > 0) lines.push('', `Source: ${sources.slice(0, 3).join('; ')}${sources.length > 3 ? '; ...' : ''}`);
  const alternatives = smallerAlternatives(from.image, from.platform);
  if (alternatives.length > 0) {
    lines.push('', '**Smaller variants**', '', '| image | download | unpacked | saves (unpacked) |', '|---|---:|---:|---:|');
    for (const alt of alternatives) {
      lines.push(`| ${alt.reference} | ${formatBytes(alt.estimate.compressedBytes)} | ${unpacked(alt.estimate)} | about ${formatBytes(alt.savingBytes)} |`);
    }
    const caveats = alternatives.filter((a) => a.caveat).map((a) => `- ${a.reference}: ${a.caveat}`);
    if (caveats.length > 0) lines.push('', ...caveats);
  }
  if (!estimate.unpackedMeasured || alternatives.some((a) => !a.estimate.unpackedMeasured)) {
    lines.push('', '\\* unpacked size derived from the download size with the ratio measured for that image family.');
  }
  return lines.join('\n');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
