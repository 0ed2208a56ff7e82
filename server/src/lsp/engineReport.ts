/**
 * Words and figures for what the local engine told us: the FROM hover section, the inlay hints
 * with each layer's real size, and the wasted-space document. No I/O here; engineFeatures.ts
 * fetches, this file formats.
 */
import { finalStage, type DockerfileModel, type Instr } from '../core/model';
import { formatBytes, formatCount } from '../sizes';
import type { ConfigHistoryEntry, HistoryMapping, ImageInspect, WastedSpace } from '../sources/engine';
import { instructionText, mapHistory } from '../sources/engine';

export interface LayerHint {
  line: number;
  character: number;
  label: string;
  tooltip: string;
}

const bytes = (n: number) => `${formatBytes(n)} (${formatCount(n)} bytes)`;

export function hoverSection(image: string, inspect: ImageInspect, address: string): string {
  const id = inspect.id.replace(/^sha256:/, '').slice(0, 12);
  const created = inspect.created ? `, created ${inspect.created.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC')}` : '';
  return `**Exact, from the local engine**: ${bytes(inspect.size)} unpacked for \`${image}\` (image \`${id}\`${created}; ${address}).`;
}

/** The instruction as the builder reads it (continued lines joined, comment lines dropped), shortened. */
function firstLine(model: DockerfileModel, instr: Instr): string {
  const text = `${instr.keyword}${instructionText(model, instr)}`.replace(/\s+/g, ' ').trim();
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

/**
 * One hint at the end of each instruction found in the image's history (its layer's size, 0 B for
 * metadata), and one on the FROM line of the final stage with the image's total.
 */
export function layerHints(model: DockerfileModel, mapping: HistoryMapping, image: string, inspect: ImageInspect, how: string): LayerHint[] {
  const hints: LayerHint[] = [];
  const source = `from the local engine, image \`${image}\` (${how})`;
  for (const l of mapping.layers) {
    const end = l.instr.range.end;
    const size = l.size ?? 0;
    const changed = l.sameText === false ? ' · changed since this build' : '';
    hints.push({
      line: end.line,
      character: end.character,
      label: `${size === 0 ? '0 B' : formatBytes(size)}${changed}`,
      tooltip: `Layer size ${bytes(size)}, exact, ${source}.\nHistory: ${l.createdBy.slice(0, 300)}${changed ? '\nThis line differs from what the image was built from: rebuild for current figures.' : l.sameText ? '' : '\nThe history cannot show whether this line changed since this build.'}`,
    });
  }
  const final = finalStage(model);
  if (final) {
    const end = final.fromInstr.range.end;
    const missing = mapping.unmatched.length ? ` · ${mapping.unmatched.length} instruction${mapping.unmatched.length === 1 ? '' : 's'} not in its history` : '';
    hints.push({
      line: end.line,
      character: end.character,
      label: `${image}: ${formatBytes(inspect.size)} (base ${formatBytes(mapping.baseBytes)} + ${formatBytes(mapping.ownBytes)} from this file)${missing}`,
      tooltip: [
        `Image total ${bytes(inspect.size)} unpacked, exact, ${source}.`,
        `Base image layers: ${bytes(mapping.baseBytes)} in ${mapping.baseEntries} history entries.`,
        `This Dockerfile's instructions: ${bytes(mapping.ownBytes)} in ${mapping.layers.length} entries.`,
        ...(mapping.unmatched.length ? [`Not found in the history (the image was built from other instructions): ${mapping.unmatched.map((i) => `line ${i.range.start.line + 1}`).join(', ')}.`] : []),
      ].join('\n'),
    });
  }
  return hints;
}

export interface WastedRow {
  path: string;
  bytes: number;
  how: 'deleted' | 'overwritten';
  /** 0-based lines of the instructions; undefined when the layer belongs to the base image. */
  writtenLine?: number;
  hiddenLine?: number;
}

export interface WastedReport {
  image: string;
  totalBytes: number;
  files: WastedRow[];
  markdown: string;
}

/** Which instruction (if any) wrote each layer: the k-th layer is the k-th history entry that is not `empty_layer`. */
export function layerOwners(model: DockerfileModel, history: readonly ConfigHistoryEntry[], layerCount: number): (Instr | undefined)[] {
  const mapping = mapHistory(model, history.map((h) => ({ createdBy: h.createdBy })));
  const byEntry = new Map(mapping.layers.map((l) => [l.entry, l.instr]));
  const owners: (Instr | undefined)[] = [];
  history.forEach((h, entry) => {
    if (!h.emptyLayer) owners.push(byEntry.get(entry));
  });
  // An image whose config lists fewer history entries than layers (hand-made images): unknown owners.
  while (owners.length < layerCount) owners.push(undefined);
  return owners;
}

const MAX_ROWS = 200;

export function wastedReport(model: DockerfileModel, image: string, how: string, wasted: WastedSpace, owners: readonly (Instr | undefined)[], when: string): WastedReport {
  const fromLine = (finalStage(model)?.fromInstr.range.start.line ?? 0) + 1;
  const where = (layer: number) => {
    const instr = owners[layer];
    return instr ? `line ${instr.range.start.line + 1} \`${firstLine(model, instr).replace(/`/g, "'")}\`` : `the base image (layer ${layer + 1}, below FROM on line ${fromLine})`;
  };
  const files: WastedRow[] = wasted.files.map((f) => ({
    path: `/${f.path}`,
    bytes: f.bytes,
    how: f.how,
    ...(owners[f.writtenBy] ? { writtenLine: owners[f.writtenBy]!.range.start.line } : {}),
    ...(owners[f.hiddenBy] ? { hiddenLine: owners[f.hiddenBy]!.range.start.line } : {}),
  }));
  // Totals per pair of instructions first: that is what a user changes.
  const pairs = new Map<string, { written: number; hidden: number; bytes: number; count: number }>();
  for (const f of wasted.files) {
    const key = `${f.writtenBy}>${f.hiddenBy}`;
    const p = pairs.get(key) ?? { written: f.writtenBy, hidden: f.hiddenBy, bytes: 0, count: 0 };
    p.bytes += f.bytes;
    p.count++;
    pairs.set(key, p);
  }
  const md: string[] = [`# Wasted space in \`${image}\``, ''];
  md.push(`Exact, from the local engine (${how}), ${when}: **${bytes(wasted.totalBytes)}** in ${wasted.files.length} file${wasted.files.length === 1 ? '' : 's'} that one layer stores and a later layer deletes or replaces. The image still carries them: they are downloaded and unpacked with it.`);
  md.push('');
  if (wasted.files.length === 0) {
    md.push('Nothing: no layer deletes or replaces a file an earlier layer wrote.');
  } else {
    md.push('## By instruction', '', '| bytes | files | written by | hidden by |', '|---:|---:|---|---|');
    for (const p of [...pairs.values()].sort((a, b) => b.bytes - a.bytes)) md.push(`| ${formatBytes(p.bytes)} | ${p.count} | ${where(p.written)} | ${where(p.hidden)} |`);
    md.push('', `## Files${files.length > MAX_ROWS ? ` (the largest ${MAX_ROWS} of ${files.length})` : ''}`, '', '| bytes | file | how | written by | hidden by |', '|---:|---|---|---|---|');
    wasted.files.slice(0, MAX_ROWS).forEach((f, i) => md.push(`| ${formatCount(f.bytes)} | \`${files[i].path.replace(/[`|]/g, '?')}\` | ${f.how} | ${where(f.writtenBy)} | ${where(f.hiddenBy)} |`));
    md.push('', 'To get the space back, delete files in the same RUN that creates them, and set modes and owners while copying (`COPY --chmod=600 --chown=app ...`) instead of in a later RUN.');
  }
  return { image, totalBytes: wasted.totalBytes, files, markdown: md.join('\n') + '\n' };
}
