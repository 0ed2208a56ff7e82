/**
 * Maps an image's history back to the Dockerfile that built it. Pure.
 *
 * Every instruction after FROM leaves one history entry (a layer, or 0 B for metadata), in order,
 * and the base image's entries come first. So the entries are matched from the end: the last
 * entry with the final stage's last instruction, and so on up the stage chain (a stage built FROM
 * an earlier stage carries that stage's instructions too), while the keywords agree. What is left
 * above belongs to the base image. An instruction whose text differs from the history is reported
 * as changed since the build; where the history cannot show it, the line is left unconfirmed.
 */
import { joinContinuations } from '../../core/text';
import { leadingJsonArray } from '../../core/execForm';
import { finalStage, type DockerfileModel, type Instr, type Stage } from '../../core/model';
import { normaliseScript, parseCreatedBy, SHELL_PREFIX, type ParsedCreatedBy } from './createdBy';

export interface HistoryEntry {
  createdBy: string;
  /** Bytes the entry's layer adds (0 for metadata), when known. */
  size?: number;
}

export interface MappedLayer {
  /** Index of the history entry (oldest first); -1 for an ONBUILD that BuildKit did not record. */
  entry: number;
  instr: Instr;
  size?: number;
  /** False when the Dockerfile's text no longer matches what the history says was built; undefined when the history cannot tell. */
  sameText?: boolean;
  /** The history's own words, for tooltips. */
  createdBy: string;
}

export interface HistoryMapping {
  /** Matched instructions, in Dockerfile order. */
  layers: MappedLayer[];
  /** History entries before the first matched one: the base image (oldest first, indices 0..baseEntries-1). */
  baseEntries: number;
  baseBytes: number;
  /** Bytes of the matched entries. */
  ownBytes: number;
  /** Instructions of the chain that found no entry (the history is of a different Dockerfile, or an older one). */
  unmatched: Instr[];
  /** The instructions that were expected, in order. */
  expected: Instr[];
}

/** The stages whose instructions make the final image's history, root first. */
export function stageChain(model: DockerfileModel, target?: Stage): Stage[] {
  const chain: Stage[] = [];
  const seen = new Set<Stage>();
  for (let s: Stage | undefined = target ?? finalStage(model); s && !seen.has(s); s = s.from.stage) {
    seen.add(s);
    chain.unshift(s);
  }
  return chain;
}

/** Instructions that leave a history entry. */
export function historyInstructions(model: DockerfileModel, target?: Stage): Instr[] {
  return stageChain(model, target).flatMap((s) => s.instructions.filter((i) => i.keyword !== 'FROM'));
}

/** Maps `history` (oldest first) onto the final stage chain of `model`. */
export function mapHistory(model: DockerfileModel, history: readonly HistoryEntry[], target?: Stage): HistoryMapping {
  const expected = historyInstructions(model, target);
  const layers: MappedLayer[] = [];
  let i = history.length - 1;
  let j = expected.length - 1;
  for (; i >= 0 && j >= 0; i--, j--) {
    const parsed = parseCreatedBy(history[i].createdBy);
    const instr = expected[j];
    if (parsed.keyword !== instr.keyword) {
      if (instr.keyword !== 'ONBUILD') break;
      // BuildKit writes no entry for ONBUILD: match this entry with the instruction above.
      layers.unshift({ entry: -1, instr, createdBy: '(none)' });
      i++;
      continue;
    }
    layers.unshift({ entry: i, instr, size: history[i].size, sameText: sameText(model, instr, parsed), createdBy: history[i].createdBy });
  }
  const baseEntries = i + 1;
  const sum = (xs: readonly { size?: number }[]) => xs.reduce((n, x) => n + (x.size ?? 0), 0);
  return { layers, baseEntries, baseBytes: sum(history.slice(0, baseEntries)), ownBytes: sum(layers), unmatched: expected.slice(0, j + 1), expected };
}

/**
 * True when the whole chain matched and every text the history shows agrees: this image was built
 * from this text, as far as the history tells (lines with `sameText` undefined may differ).
 */
export function isExactBuild(m: HistoryMapping): boolean {
  return m.expected.length > 0 && m.unmatched.length === 0 && m.layers.every((l) => l.sameText !== false);
}

/** An instruction's text after its keyword, continued lines joined as the builders join them. */
export function instructionText(model: DockerfileModel, instr: Instr): string {
  const { lines } = model;
  return joinContinuations(model.text, lines.offsetAt(instr.range.start), lines.offsetAt(instr.range.end), model.escapeChar).script.slice(instr.keyword.length);
}

/**
 * The words a history text is compared by: both builders drop quotes and escapes, write ENV and
 * LABEL as `k=v`, CMD, ENTRYPOINT and SHELL as a Go-quoted argv (the shell in front of a shell
 * form), VOLUME as `[/a /b]`, EXPOSE sorted (BuildKit as `map[80/tcp:{}]`).
 */
const words = (s: string) => normaliseScript(s.replace(/map\[|:\{\}|\/tcp\b|["'\\,=[\]]/g, ' ')).replace(SHELL_PREFIX, '');

function sameText(model: DockerfileModel, instr: Instr, { keyword, text: historyText, sourceKind }: ParsedCreatedBy): boolean | undefined {
  if (keyword === 'RUN') {
    if (!instr.run) return true;
    // Exec form: both builders of dockerd 20.10 write the argv joined with spaces (the JSON as
    // written is accepted too). Compare words. The exec text is kept as written, so its continued
    // lines are joined first, as BuildKit does before it reads the JSON.
    if (instr.run.form === 'exec') {
      const json = joinContinuations(instr.run.text, 0, instr.run.text.length, model.escapeChar).script;
      // The history's script is read without a shell prefix (parseCreatedBy), so an argv that
      // starts with one (`["/bin/bash", "-c", "..."]`) is compared as the same reading gives it.
      const argv = parseCreatedBy((leadingJsonArray(json)?.words ?? []).join(' ')).text;
      return normaliseScript(argv) === normaliseScript(historyText) || normaliseScript(json) === normaliseScript(historyText);
    }
    return normaliseScript(instr.run.text) === normaliseScript(historyText);
  }
  // Flags are not in the history; the classic builder writes COPY/ADD sources as a content hash.
  let ours = words(instructionText(model, instr).replace(/^(\s+--\S+)+/, ''));
  let theirs = words(historyText);
  // A HEALTHCHECK is written as a Go struct, a here-document without its body.
  if (keyword === 'HEALTHCHECK' || ours.includes('<<')) return undefined;
  if (sourceKind) [ours, theirs] = [ours, theirs].map((w) => w.slice(w.lastIndexOf(' ') + 1));
  if (keyword === 'EXPOSE') [ours, theirs] = [ours, theirs].map((w) => w.split(' ').sort().join(' '));
  // A relative WORKDIR is written resolved against the one before (compared on its own line).
  if (keyword === 'WORKDIR' && theirs.endsWith(`/${ours}`)) return true;
  // The builders expand variables in these: compare the text around them, and say no more.
  if (ours.includes('$') && !/^(CMD|ENTRYPOINT|SHELL|ONBUILD|MAINTAINER)$/.test(keyword!)) {
    return new RegExp(`^${ours.split(/\$\{[^}]*\}?|\$\w*/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(theirs) ? undefined : false;
  }
  return ours === theirs;
}
