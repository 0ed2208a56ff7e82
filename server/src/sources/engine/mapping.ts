/**
 * Maps an image's history back to the Dockerfile that built it. Pure.
 *
 * Every instruction after FROM leaves one history entry (a layer, or 0 B for metadata), in order,
 * and the base image's entries come first. So the entries are matched from the end: the last
 * entry with the final stage's last instruction, and so on up the stage chain (a stage built FROM
 * an earlier stage carries that stage's instructions too), while the keywords agree. What is left
 * above belongs to the base image. A RUN whose script, or a COPY/ADD whose destination, differs
 * from the history is reported as changed since the build.
 */
import { joinContinuations, type DockerfileModel, type Instr, type Stage } from '../../core/model';
import { normaliseScript, parseCreatedBy } from './createdBy';

export interface HistoryEntry {
  createdBy: string;
  /** Bytes the entry's layer adds (0 for metadata), when known. */
  size?: number;
}

export interface MappedLayer {
  /** Index of the history entry (oldest first). */
  entry: number;
  instr: Instr;
  size?: number;
  /** False when the Dockerfile's text no longer matches what the history says was built. */
  sameText: boolean;
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
  for (let s: Stage | undefined = target ?? model.stages[model.stages.length - 1]; s && !seen.has(s); s = s.from.stage) {
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
    if (parsed.keyword !== instr.keyword) break;
    layers.unshift({ entry: i, instr, size: history[i].size, sameText: sameText(instr, parsed.keyword, parsed.text, model.escapeChar), createdBy: history[i].createdBy });
  }
  const baseEntries = i + 1;
  const sum = (xs: readonly { size?: number }[]) => xs.reduce((n, x) => n + (x.size ?? 0), 0);
  return { layers, baseEntries, baseBytes: sum(history.slice(0, baseEntries)), ownBytes: sum(layers), unmatched: expected.slice(0, j + 1), expected };
}

/** True when the whole chain matched and every compared text agrees: this image was built from this text. */
export function isExactBuild(m: HistoryMapping): boolean {
  return m.expected.length > 0 && m.unmatched.length === 0 && m.layers.every((l) => l.sameText);
}

function sameText(instr: Instr, keyword: string, historyText: string, escapeChar: string): boolean {
  if (keyword === 'RUN') {
    if (!instr.run) return true;
    // Exec form: both builders of dockerd 20.10 write the argv joined with spaces (the JSON as
    // written is accepted too). Compare words. The exec text is kept as written, so its continued
    // lines are joined first, as BuildKit does before it reads the JSON.
    if (instr.run.form === 'exec') {
      const json = joinContinuations(instr.run.text, 0, instr.run.text.length, escapeChar).script;
      // The history's script is read without a shell prefix (parseCreatedBy), so an argv that
      // starts with one (`["/bin/bash", "-c", "..."]`) is compared as the same reading gives it.
      const argv = parseCreatedBy(execArgv(json).join(' ')).text;
      return normaliseScript(argv) === normaliseScript(historyText) || normaliseScript(json) === normaliseScript(historyText);
    }
    return normaliseScript(instr.run.text) === normaliseScript(historyText);
  }
  if (keyword === 'COPY' || keyword === 'ADD') {
    const args = instr.node.getArguments().map((a) => a.getValue());
    const dest = args[args.length - 1];
    const historyDest = historyText.split(/\s+/).pop();
    // A destination with a variable is expanded in the history; it cannot be compared.
    return dest === undefined || historyDest === undefined || dest.includes('$') || dest === historyDest;
  }
  return true;
}

/** The argv of an exec-form instruction (`["a", "b c"]`); empty when it is not valid JSON. */
function execArgv(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : [];
  } catch {
    return [];
  }
}
