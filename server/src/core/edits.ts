/**
 * Applying fixes to text: single edits, and "fix everything" in rounds. Each round applies every
 * fix that cannot interfere with another (none of them edits or reads an instruction that another
 * of the round does, but fixes of one rule that stay inside their own commands or append an `rm -f`
 * of a file each; see `selectBatch`), all worked out on the same analysis, then analyses the text
 * once. Each round's analysis starts from the previous one (incremental: only the changed parts
 * are done again). Applying fixes one at a time needed one analysis per fix: on a generated
 * 10,000-line file with 1,169 fixes, about a minute; the rounds need three analyses there, and two
 * for a RUN of 1,000 `apt-get install`s (1,001 with one fix per RUN and round: 53 s of CPU).
 */
import { analyze, fixFor, type Analysis, type AnalysisSettings } from './analyze';
import type { AnalysisEnvironment } from './environment';
import { stageFamilies } from './families';
import type { DockerfileModel, Instr, Stage } from './model';
import { appendToRun } from './commands';
import { firstIndex, LineIndex } from './text';
import { ruleById } from '../rules';
import type { FileCreation, FileEdit, Finding, Fix, Range, TextEdit } from './types';

/**
 * Applies non-overlapping edits; edits at the same position are applied in array order. The
 * result is put together in one pass (a batch of fixAll holds hundreds of edits to a large file).
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const resolved = edits
    .map((e, i) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.i - b.i);
  const parts: string[] = [];
  let done = 0;
  for (const e of resolved) {
    parts.push(text.slice(done, e.start), e.text);
    done = Math.max(done, e.end);
  }
  parts.push(text.slice(done));
  return parts.join('');
}

export interface FixAllResult {
  text: string;
  /** Rule ids of the fixes applied, in order. */
  applied: string[];
  createFiles: FileCreation[];
  /** Edits to files that existed (the ignore file in force), against their original text. */
  editFiles: FileEdit[];
  /** The environment after the fixes (the ignore file's new text, once created or edited). */
  env: AnalysisEnvironment;
  /** The analysis of `text` in `env`, for callers that look at the result (the estimate after the fixes). */
  analysis: Analysis;
  /** False when `maxRounds` or `budgetMs` stopped it with fixes left to apply. */
  complete: boolean;
}

export interface FixAllOptions {
  /**
   * Also apply the fixes their rules mark as not preferred: those that may change what the image
   * does and need a review (a `-slim` tag where native modules may need a compiler, a file split
   * into a builder stage). Off by default, as in the editor's "Apply all size fixes" and the
   * CLI's `--fix`; the CLI's `--unsafe-fixes` turns it on.
   */
  includeUnpreferred?: boolean;
  /**
   * A guard against fixes that undo each other (default 100 rounds). The rounds a file needs grow
   * with the fixes that must follow one another on the same instruction or stage, not with the
   * number of fixes or the length of the file: three for the 1,169 fixes of a generated
   * 10,000-line file.
   */
  maxRounds?: number;
  /** Only the fixes this accepts are applied (the estimate after the fixes needs only those that change the final image). */
  only?: (finding: Finding, fix: Fix) => boolean;
  /** Stop after about this many milliseconds (checked between the steps of a {@link FixAllRun}); the result then says it is not complete. */
  budgetMs?: number;
  /**
   * The analysis of `text` in `env` with `settings`, when the caller has it: the first round
   * starts from it instead of analysing the text again (at 10,000 lines that analysis alone took
   * about 0.9 s, more than the editor's budget for the "after the fixes" estimate).
   */
  analysis?: Analysis;
}

/**
 * The environment after a fix: a created or edited ignore file becomes the one in force, so the
 * next round of analysis sees what the fix did. Created files are recorded in `created`.
 * Exported for the tests that apply fixes one at a time to compare with {@link fixAll}.
 */
export function applyToEnvironment(env: AnalysisEnvironment, fix: Fix, created: FileCreation[]): AnalysisEnvironment {
  let context = env.context;
  const newIgnore = context.newIgnoreFilePath ?? '.dockerignore';
  for (const f of fix.createFiles ?? []) {
    if (created.some((c) => c.relativePath === f.relativePath)) continue;
    created.push({ ...f });
    if (f.relativePath === newIgnore && !context.ignoreFile) context = { ...context, hasDockerignore: true, ignoreFile: { relativePath: f.relativePath, text: f.content } };
  }
  for (const f of fix.editFiles ?? []) {
    if (context.ignoreFile?.relativePath !== f.relativePath) continue;
    const text = applyEdits(context.ignoreFile.text, f.edits);
    context = { ...context, ignoreFile: { relativePath: f.relativePath, text } };
    const fresh = created.find((c) => c.relativePath === f.relativePath);
    if (fresh) fresh.content = text;
  }
  return context === env.context ? env : { ...env, context };
}

/**
 * Applies every preferred fix (every fix with `includeUnpreferred`), in rounds: each round applies
 * a batch of fixes that cannot interfere (see {@link selectBatch}) and re-analyses once. A batch
 * must remove, for each rule, at least as many findings as it applied fixes of that rule; when it
 * does not, it is undone, and the fixes whose findings it left in place are set aside: not offered
 * again until another fix changes the text (as when fixes were applied one at a time, where such a
 * fix was undone), and kept out of batches with other fixes. When it left no finding in place, the
 * batch is tried again in halves, down to single fixes. Stops when no finding has such a fix left,
 * after `maxRounds` rounds or when `budgetMs` is spent (checked between the steps of a
 * {@link FixAllRun}: the result is then the text after the last whole round).
 */
export function fixAll(text: string, env: AnalysisEnvironment, settings: AnalysisSettings = {}, options: FixAllOptions = {}): FixAllResult {
  const deadline = options.budgetMs === undefined ? Infinity : performance.now() + options.budgetMs;
  const run = new FixAllRun(text, env, settings, options);
  while (performance.now() < deadline && !run.step());
  return run.result();
}

/**
 * {@link fixAll} one step at a time, for a caller that spreads the work over time (the editor's
 * "after the fixes" estimate finishes it between other requests). A step is one finding's fix
 * worked out, or one batch applied and its text analysed (the longest step: an incremental
 * analysis of the text the batch changed). {@link result} may be read between any two steps: it
 * is the text after the last whole round, and says whether the run finished.
 */
export class FixAllRun {
  private current: string;
  private currentEnv: AnalysisEnvironment;
  private analysis: Analysis;
  private readonly applied: string[] = [];
  private readonly createFiles: FileCreation[] = [];
  private complete = false;
  private finished = false;
  private readonly steps: Generator<void, void>;

  constructor(
    text: string,
    private readonly env: AnalysisEnvironment,
    settings: AnalysisSettings = {},
    options: Omit<FixAllOptions, 'budgetMs'> = {},
  ) {
    this.current = text;
    this.currentEnv = env;
    this.analysis = options.analysis ?? analyze(text, env, settings);
    this.steps = this.rounds(settings, options);
  }

  /** Does one step; true once the run has finished (nothing left to fix, or `maxRounds` reached). */
  step(): boolean {
    if (!this.finished && this.steps.next().done) this.finished = true;
    return this.finished;
  }

  private *rounds(settings: AnalysisSettings, options: Omit<FixAllOptions, 'budgetMs'>): Generator<void, void> {
    const { includeUnpreferred = false, maxRounds = 100, only } = options;
    /** Findings (by rule and position) not to offer again until the text changes. */
    const skipped = new Set<string>();
    /** The first lines of the instructions that hold a finding whose rule has fixes but not now (until the text changes). */
    const waiting = new Set<number>();
    /** Fixes (by what they change, wherever it is) that once did not remove their finding: only tried alone. */
    const suspects = new Set<string>();
    /** The most fixes the next batch may take: halved after a batch that failed, reset after one that held. */
    let limit = Infinity;
    /** The first lines of instructions where several fixes of one round did not hold: one fix per round there from then on. */
    const noGroup = new Set<number>();
    const { createFiles } = this;
    for (let round = 0; round < maxRounds; round++) {
      const { analysis, current, currentEnv } = this;
      const candidates = yield* applicableFixes(analysis, currentEnv, skipped, waiting, { includeUnpreferred, only });
      if (candidates.length === 0) {
        this.complete = true;
        return;
      }
      const batch = selectBatch(candidates, analysis.model.lines.lineCount, suspects, limit, noGroup);
      const edits = batch.flatMap((c) => c.fix.edits);
      const next = applyEdits(current, edits);
      let nextEnv = currentEnv;
      const envFix = batch.find((c) => touchesFiles(c.fix));
      const created = createFiles.length;
      if (envFix) nextEnv = applyToEnvironment(currentEnv, envFix.fix, createFiles);
      const after = analyze(next, nextEnv, settings, analysis);
      const groups = groupsOf(batch);
      const removed = removedTheirFindings(batch, analysis, after);
      if (groups.length > 0 && !(removed && groupsHeld(groups, batch, analysis, after))) {
        // Several fixes of one instruction did not give what they give one at a time: undone, and
        // from then on one fix per round on those instructions (as before the groups).
        createFiles.length = created;
        for (const g of groups) noGroup.add(g[0].group!.line);
        yield;
        continue;
      }
      if (removed) {
        for (const c of batch) suspects.delete(c.shape);
        this.current = next;
        this.currentEnv = nextEnv;
        this.analysis = after;
        this.applied.push(...batch.map((c) => c.finding.ruleId));
        // The text changed: a finding that had no fix (apt lists a later RUN needed, before a fix
        // merged the two RUNs) may have one now, and one whose fix looped may not loop any more.
        skipped.clear();
        waiting.clear();
        limit = Infinity;
        yield;
        continue;
      }
      // Undone: the analysis of the text before the batch is still `analysis`.
      createFiles.length = created;
      // The fixes whose findings are still there after the batch did not remove them (alone, a fix
      // that removes none is one of these): not again until the text changes, and not again among
      // other fixes, where it would make the whole batch fail. When no finding is still where it
      // was, the batch is tried again in halves.
      const moved = offsetMover(batch);
      const looped = batch.length === 1 ? batch : batch.filter((c) => stillThere(c, moved, after));
      if (looped.length === 0) limit = Math.ceil(batch.length / 2);
      for (const c of looped) {
        skipped.add(c.key);
        suspects.add(c.shape);
      }
      yield;
    }
  }

  /** The text after the rounds done so far, and whether the run is complete. */
  result(): FixAllResult {
    const { env, createFiles, currentEnv } = this;
    // A created ignore file goes out with the text later fixes gave it, and only if the final
    // environment has it (an undone round's creations were dropped when it was undone).
    const finalIgnore = currentEnv.context.ignoreFile;
    const kept = createFiles
      .filter((c) => c.relativePath !== (env.context.newIgnoreFilePath ?? '.dockerignore') || finalIgnore?.relativePath === c.relativePath)
      .map((c) => (!env.context.ignoreFile && finalIgnore?.relativePath === c.relativePath ? { ...c, content: finalIgnore.text } : c));
    const editFiles: FileEdit[] = [];
    const before = env.context.ignoreFile;
    if (before && finalIgnore && finalIgnore.text !== before.text) {
      const lines = new LineIndex(before.text);
      editFiles.push({ relativePath: before.relativePath, edits: [{ range: lines.range(0, before.text.length), newText: finalIgnore.text }] });
    }
    return { text: this.current, applied: [...this.applied], createFiles: kept, editFiles, env: currentEnv, analysis: this.analysis, complete: this.complete };
  }
}

/** A finding with a fix that fixAll may apply in this round. */
interface Candidate {
  finding: Finding;
  fix: Fix;
  /** The finding by rule and position, for `skipped`. */
  key: string;
  /** The fix by what it changes and the text around it, wherever that stands (for `suspects`). */
  shape: string;
  /** The lines the fix reads or writes (see {@link footprints}). */
  lines: [number, number][];
  /**
   * When its instruction holds a finding that has no fix now: the lines of its stage family from
   * its finding's line on (see {@link selectBatch}). Empty otherwise.
   */
  rest: [number, number][];
  /** Offsets in the text of the finding's start and end, and of the fix's edits with how much each adds. */
  at: { start: number; end: number; edits: { start: number; end: number; delta: number }[] };
  /**
   * When the fix reads and writes its finding's instruction only (no other instruction, no file),
   * no finding there waits for a fix, and it is of a kind that may share a round with other fixes
   * there ({@link sharingKind}): that instruction (its first line and offsets), and the kind.
   */
  group?: { line: number; from: number; to: number; kind: 'own' | 'rm' };
}

function touchesFiles(fix: Fix): boolean {
  return (fix.createFiles?.length ?? 0) > 0 || (fix.editFiles?.length ?? 0) > 0;
}

/**
 * The findings of `analysis` whose fixes fixAll may apply now, in the order of the findings. A
 * finding without such a fix, or whose fix would change nothing, goes into `skipped`; one whose
 * rule has fixes but gives none here puts the first line of its instruction into `waiting`. Yields
 * after each fix it works out (a step of {@link FixAllRun}).
 */
function* applicableFixes(
  analysis: Analysis,
  env: AnalysisEnvironment,
  skipped: Set<string>,
  waiting: Set<number>,
  options: Pick<FixAllOptions, 'includeUnpreferred' | 'only'>,
): Generator<void, Candidate[]> {
  const { model } = analysis;
  const { text, lines } = model;
  const footprint = footprints(model);
  const candidates: Candidate[] = [];
  /**
   * The first lines of the instructions that hold a finding whose rule has fixes but which is not
   * applied this round (no fix now, one that removed no finding, one that changes nothing): one
   * at a time, its fix may come (or work) after another fix of that instruction and go before the
   * next, so no two fixes share a round there.
   */
  const held = new Set<number>();
  const hold = (finding: Finding) => ruleById(finding.ruleId)?.fix && held.add(footprint.firstLineOf(finding.range.start.line));
  /**
   * A fix this run never applies (not preferred, or not one `only` takes): its finding holds nothing
   * back. A fix that needs a review is not applied for a finding that costs the final image nothing
   * (a `-slim` builder stage risks its build and saves nothing).
   */
  const unwanted = (finding: Finding, fix: Fix) => (!fix.preferred && !(options.includeUnpreferred && finding.inFinalImage)) || (options.only !== undefined && !options.only(finding, fix));
  /** Per instruction (by its first line), where a cleanup appended to it goes ({@link appendToRun}). */
  const appendPoints = new Map<number, number | undefined>();
  for (const finding of analysis.findings) {
    const key = `${finding.ruleId}@${finding.range.start.line}:${finding.range.start.character}`;
    if (skipped.has(key)) {
      // fixFor keeps what it worked out per finding.
      const fix = fixFor(analysis, finding, env);
      if (!fix || !unwanted(finding, fix)) hold(finding);
      continue;
    }
    yield;
    const fix = fixFor(analysis, finding, env);
    if (!fix && ruleById(finding.ruleId)?.fix) waiting.add(footprint.firstLineOf(finding.range.start.line));
    if (!fix || unwanted(finding, fix)) {
      skipped.add(key);
      if (!fix) hold(finding);
      continue;
    }
    const at = lines.offsetAt(finding.range.start);
    const end = lines.offsetAt(finding.range.end);
    const edits = fix.edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
    if (edits.every((e) => text.slice(e.start, e.end) === e.newText) && !touchesFiles(fix)) {
      skipped.add(key);
      hold(finding);
      continue;
    }
    const shape = JSON.stringify([finding.ruleId, text.slice(at, end), edits.map((e) => [e.start - at, text.slice(e.start, e.end), e.newText]), fix.createFiles, fix.editFiles]);
    const ranges = [finding.range, ...fix.edits.map((e) => e.range)];
    const texts = edits.map((e) => ({ replaced: text.slice(e.start, e.end), newText: e.newText }));
    const spans = footprint.of(ranges, texts);
    const offsets = { start: at, end, edits: edits.map((e) => ({ start: e.start, end: e.end, delta: e.newText.length - (e.end - e.start) })) };
    const line = finding.range.start.line;
    const first = footprint.firstLineOf(line);
    const rest = waiting.has(first) ? footprint.restOfFamily(line) : [];
    const candidate: Candidate = { finding, fix, key, shape, lines: spans, rest, at: offsets };
    const instr = footprint.instrAt(line);
    // The fixes of one ONBUILD's triggers may share a round too: all read its stage's family.
    const own = instr?.keyword === 'ONBUILD' ? footprint.of(ranges, texts, false) : spans;
    if (instr && !touchesFiles(fix) && own.every(([a, b]) => a === first && b === instr.range.end.line)) {
      if (!appendPoints.has(first)) {
        const append = appendToRun(model, instr, 'true');
        appendPoints.set(first, append && lines.offsetAt(append.range.start));
      }
      const kind = sharingKind(offsets, fix, appendPoints.get(first));
      if (kind) candidate.group = { line: first, from: lines.offsetAt(instr.range.start), to: lines.offsetAt(instr.range.end), kind };
    }
    candidates.push(candidate);
  }
  for (const c of candidates) if (c.group && held.has(c.group.line)) c.group = undefined;
  // A fix that adds a stage (a split into a builder and a final stage) goes first: the fixes of
  // the stage that becomes the builder then cost nothing in the final image (see `unwanted`).
  return [...candidates.filter(addsStage), ...candidates.filter((c) => !addsStage(c))];
}

/** A line that starts a FROM instruction (a fix that writes or removes one adds or drops a stage). */
const FROM_LINE = /^[ \t]*from[ \t]/im;

const addsStage = (c: Candidate) => c.fix.edits.some((e) => FROM_LINE.test(e.newText));

/**
 * The lines a fix reads or writes (`of`), from the lines of its finding and its edits: each widened
 * to the instructions it touches; a FROM it touches widens it to every stage of that stage's family
 * (the base image is theirs too: whether `-slim` suits a stage depends on its RUNs); an edit that
 * writes or removes a FROM line, to the whole file (a stage added at the end changes which layers
 * reach the final image everywhere). An ONBUILD widens it to its stage's family too, unless
 * `triggers` is false: its triggers are analysed in a copy holding that stage and the ones before,
 * so a fix of a trigger reads them (a `go clean` its RUN before appends changes the trigger's).
 * `restOfFamily`: the lines of the family of the stage holding
 * a line, from that line on; `firstLineOf`: the first line of the instruction holding a line.
 */
function footprints(model: DockerfileModel): {
  of: (ranges: Range[], edits: { replaced: string; newText: string }[], triggers?: boolean) => [number, number][];
  restOfFamily: (line: number) => [number, number][];
  firstLineOf: (line: number) => number;
  instrAt: (line: number) => Instr | undefined;
} {
  const count = model.lines.lineCount;
  const firstOf = new Int32Array(count + 1).map((_, i) => i);
  const lastOf = new Int32Array(count + 1).map((_, i) => i);
  /** The stage whose FROM instruction covers the line. */
  const fromOf = new Map<number, Stage>();
  /** The stage of the instruction covering the line. */
  const stageOf = new Map<number, Stage>();
  /** The instruction starting on the line. */
  const startsOn = new Map<number, Instr>();
  /** The stage of the ONBUILD instruction covering the line. */
  const onbuildOf = new Map<number, Stage>();
  for (const instr of model.instructions) {
    startsOn.set(instr.range.start.line, instr);
    for (let line = instr.range.start.line; line <= instr.range.end.line && line <= count; line++) {
      firstOf[line] = instr.range.start.line;
      lastOf[line] = instr.range.end.line;
      if (instr.stage && instr === instr.stage.fromInstr) fromOf.set(line, instr.stage);
      if (instr.stage && instr.keyword === 'ONBUILD') onbuildOf.set(line, instr.stage);
      if (instr.stage) stageOf.set(line, instr.stage);
    }
  }
  const family = new Map<Stage, [number, number][]>();
  for (const members of stageFamilies(model)) {
    const spans = members.map((s): [number, number] => [s.fromInstr.range.start.line, (s.instructions[s.instructions.length - 1] ?? s.fromInstr).range.end.line]);
    for (const s of members) family.set(s, spans);
  }
  const clamp = (line: number) => Math.max(0, Math.min(count, line));
  const restOfFamily = (line: number): [number, number][] => {
    const stage = stageOf.get(clamp(line));
    if (!stage) return [];
    return family.get(stage)!.flatMap(([first, last]): [number, number][] => (last < line ? [] : [[Math.max(first, line), last]]));
  };
  const of = (ranges: Range[], edits: { replaced: string; newText: string }[], triggers = true): [number, number][] => {
    if (edits.some((e) => FROM_LINE.test(e.newText) || FROM_LINE.test(e.replaced))) return [[0, count]];
    const out: [number, number][] = [];
    for (const r of ranges) {
      const first = clamp(r.start.line);
      const last = clamp(r.end.line);
      out.push([firstOf[first], lastOf[last]]);
      for (let line = first; line <= last; line++) {
        const stage = fromOf.get(line) ?? (triggers ? onbuildOf.get(line) : undefined);
        if (stage) out.push(...family.get(stage)!);
      }
    }
    return out;
  };
  return { of, restOfFamily, firstLineOf: (line) => firstOf[clamp(line)], instrAt: (line) => startsOn.get(firstOf[clamp(line)]) };
}

/**
 * The fixes to apply together this round: in the order of their findings, each whose lines (see
 * {@link Candidate}) no earlier fix of the round touches, taken or not, and at most `limit`. So no
 * two fixes of a batch edit or read the same instruction, and of two fixes that do, the one whose
 * finding comes first is applied first, as when fixes are applied one at a time in that order
 * (a fix that splits off a builder stage and rewrites a later RUN goes before that RUN's own fix).
 * A fix passed over (its lines were touched) on an instruction that holds a finding without a fix
 * also holds back the rest of its stage family from its finding on: whether that finding has a fix
 * may depend on later instructions of the image (apk-update-cache-kept is not offered while a
 * later RUN runs `apk add` without `--no-cache` and without an update). Taking a fix there first
 * could give that finding a fix before the one passed over is applied, where one at a time it is
 * applied first; after it, that finding's fix may be another (the update is dropped once every
 * `apk add` after it has `--no-cache`, and its cleanup appended before). A fix that creates or
 * edits a file other than the Dockerfile ends the batch: the environment changes with it once,
 * and the fixes before it were worked out in the environment they are applied in. Suspects
 * (fixes that once did not remove their finding) are left out while other fixes are left; then
 * they go together.
 * Several fixes of one instruction go in one round when each reads and writes that instruction
 * only, no finding there waits for a fix or is passed over, and they are the instruction's first
 * fixes in the order of their findings, of one kind (see {@link sharingKind}):
 * one at a time they would be applied in that order, each as worked out before the others. A
 * round with such fixes is kept only when the instruction's other findings are then as before
 * (see {@link groupsHeld}); when not, it is undone, and those instructions take one fix per round
 * from then on (`noGroup`).
 */
function selectBatch(candidates: Candidate[], lineCount: number, suspects: Set<string>, limit: number, noGroup: Set<number>): Candidate[] {
  const pick = (from: Candidate[]) => {
    // Per line: 0 while no fix of the round touched it, a group's number while only that group's
    // fixes did, -1 once another fix did (taken or passed over).
    const owner = new Int32Array(lineCount + 1);
    const groups: ((c: Candidate) => boolean)[] = [];
    const only = (spans: [number, number][], value: number) => spans.every(([first, last]) => owner.subarray(first, last + 1).every((v) => v === value));
    const claim = (spans: [number, number][], value: number) => {
      for (const [first, last] of spans) owner.fill(value, first, last + 1);
    };
    const batch: Candidate[] = [];
    for (const c of from) {
      if (batch.length >= limit) break;
      const place = c.group && !noGroup.has(c.group.line) && !suspects.has(c.shape) ? c.group : undefined;
      if (!only(c.lines, 0)) {
        const id = place ? owner[place.line] : 0;
        if (id > 0 && only(c.lines, id) && groups[id - 1](c)) {
          batch.push(c);
          continue;
        }
        claim(c.lines, -1);
        claim(c.rest, -1);
        continue;
      }
      if (place) {
        groups.push(sharedInstruction(c));
        claim(c.lines, groups.length);
      } else claim(c.lines, -1);
      batch.push(c);
      if (touchesFiles(c.fix)) break;
    }
    return batch;
  };
  const trusted = suspects.size > 0 ? candidates.filter((c) => !suspects.has(c.shape)) : candidates;
  return trusted.length > 0 ? pick(trusted) : pick(candidates);
}

/**
 * The fixes of one round on one instruction (see {@link selectBatch}): of one rule, each edit apart
 * from the others' (not even touching), but for cleanups appended to the instruction's end, which
 * go there in the order of their findings, as one at a time, and must differ.
 */
/**
 * An `rm -f` of one file (a plain or single-quoted name: no glob) appended by {@link appendToRun}
 * in one of its forms: a here-document line, ` && `, or an escaped line break with `&&` before or after it.
 */
const RM_APPENDED = /^(?:(?:\r\n|\r|\n)[ \t]*| && (?:[\\`](?:\r\n|\r|\n)[ \t]*)?| [\\`](?:\r\n|\r|\n)[ \t]*&& )rm -f (?:[A-Za-z0-9_./+-]+|'[^']*')$/;

/**
 * How a fix may share a round with other fixes of its instruction, if it may: two kinds that cannot
 * change each other's findings or fixes.
 * - 'own': every edit inside its finding (a flag after `install`, a package named after the last
 *   one); the findings of the round must then be apart from each other (not even touching).
 * - 'rm': one `rm -f` of one file appended at the instruction's end (`appendAt`), each of another
 *   file and of one rule; they go there in the order of their findings, as one at a time. Without
 *   -r no such rm removes a file another one names, so none makes another's finding go.
 * Two fixes that both append (the same cleanup, or one that covers another's: `go clean -cache
 * -modcache` and `go clean -modcache`), or that remove or change a command (an `apk update`
 * dropped once every `apk add` after it has --no-cache), are of neither kind: one at a time, the
 * first may make the second's finding go, or give it another fix.
 */
function sharingKind(at: Candidate['at'], fix: Fix, appendAt: number | undefined): 'own' | 'rm' | undefined {
  if (at.edits.every((e) => at.start <= e.start && e.end <= at.end)) return 'own';
  const [e] = at.edits;
  return at.edits.length === 1 && e.start === e.end && e.start === appendAt && RM_APPENDED.test(fix.edits[0].newText) ? 'rm' : undefined;
}

/** The fixes of one round on one instruction, from the first (see {@link sharingKind}): a test that takes in each fix that fits. */
function sharedInstruction(first: Candidate): (c: Candidate) => boolean {
  const kind = first.group!.kind;
  /** 'own': the findings taken, as [start, end] offsets sorted by start (they do not overlap: their ends are sorted too). */
  const spans: [number, number][] = [];
  /** 'rm': the texts appended. */
  const appended = new Set<string>();
  const endingAfter = (offset: number) => firstIndex(spans.length, (i) => spans[i][1] >= offset);
  const add = (c: Candidate) => (kind === 'rm' ? appended.add(c.fix.edits[0].newText) : spans.splice(endingAfter(c.at.start), 0, [c.at.start, c.at.end]));
  add(first);
  return (c) => {
    if (c.group!.kind !== kind) return false;
    if (kind === 'rm' ? c.finding.ruleId !== first.finding.ruleId || appended.has(c.fix.edits[0].newText) : spans[endingAfter(c.at.start)]?.[0] <= c.at.end) return false;
    add(c);
    return true;
  };
}

/**
 * True when `after` (the analysis of the text with every fix of `batch` applied) has a finding of
 * `c`'s rule that starts within the text of `c`'s finding, as the batch's edits moved it.
 */
function stillThere(c: Candidate, moved: Mover, after: Analysis): boolean {
  const from = moved(c.at.start, 'start');
  const to = moved(c.at.end, 'end');
  const lines = after.model.lines;
  return after.findings.some((f) => {
    if (f.ruleId !== c.finding.ruleId) return false;
    const at = lines.offsetAt(f.range.start);
    return at >= from && at <= to;
  });
}

/** The fixes of `batch` that share an instruction (see {@link selectBatch}), per instruction. */
function groupsOf(batch: Candidate[]): Candidate[][] {
  const byLine = new Map<number, Candidate[]>();
  for (const c of batch) {
    if (!c.group) continue;
    const list = byLine.get(c.group.line);
    if (list) list.push(c);
    else byLine.set(c.group.line, [c]);
  }
  return [...byLine.values()].filter((g) => g.length > 1);
}

/**
 * True when, on each instruction where `batch` applied several fixes, `after` has the findings
 * `before` had there but those fixes' own, each where the batch's edits moved it (by rule and
 * start), and no other: no fix of the group made or removed a finding that, one at a time, could
 * have come between two of them.
 */
function groupsHeld(groups: Candidate[][], batch: Candidate[], before: Analysis, after: Analysis): boolean {
  const move = offsetMover(batch);
  const starts = (a: Analysis) => a.findings.map((f) => a.model.lines.offsetAt(f.range.start));
  const [was, now] = [starts(before), starts(after)];
  const within = (offsets: number[], from: number, to: number) => {
    const out: number[] = [];
    for (let i = firstIndex(offsets.length, (k) => offsets[k] >= from); i < offsets.length && offsets[i] <= to; i++) out.push(i);
    return out;
  };
  for (const g of groups) {
    const { from, to } = g[0].group!;
    const own = new Set(g.map((c) => c.finding));
    const expected = within(was, from, to).filter((i) => !own.has(before.findings[i])).map((i) => `${before.findings[i].ruleId}@${move(was[i], 'start')}`);
    const found = within(now, move(from, 'start'), move(to, 'end')).map((i) => `${after.findings[i].ruleId}@${now[i]}`);
    if (expected.sort().join('\n') !== found.sort().join('\n')) return false;
  }
  return true;
}

/** Where an offset of the text before a batch's edits is after them (side: see {@link offsetMover}). */
type Mover = (offset: number, side: 'start' | 'end') => number;

/**
 * Where an offset of the text before the edits of `batch` (which do not overlap) is after them.
 * An offset inside text an edit replaced goes to that edit's new text (its start for side
 * 'start', its end for 'end'): a fix that deletes its finding's line left the old length in
 * place, and the range then reached a later finding of the rule. The edits are sorted once and
 * each offset found by binary search (a walk over them all per finding was quadratic).
 */
function offsetMover(batch: Candidate[]): Mover {
  const edits = batch.flatMap((c) => c.at.edits).sort((a, b) => a.end - b.end || a.start - b.start);
  const sums = [0];
  for (const e of edits) sums.push(sums[sums.length - 1] + e.delta);
  // The number of edits that end at or before `offset`.
  const endingBy = (offset: number) => firstIndex(edits.length, (i) => edits[i].end > offset);
  return (offset, side) => {
    const k = endingBy(offset);
    const inside = k < edits.length && edits[k].start < offset ? edits[k] : undefined;
    if (!inside) return offset + sums[k];
    return (side === 'start' ? inside.start : inside.end + inside.delta) + sums[endingBy(inside.start)];
  };
}

/** True when, for each rule with fixes in `batch`, `after` has at least that many fewer findings than `before`. */
function removedTheirFindings(batch: Candidate[], before: Analysis, after: Analysis): boolean {
  const wanted = new Map<string, number>();
  for (const c of batch) wanted.set(c.finding.ruleId, (wanted.get(c.finding.ruleId) ?? 0) + 1);
  const count = (analysis: Analysis, ruleId: string) => analysis.findings.reduce((n, f) => (f.ruleId === ruleId ? n + 1 : n), 0);
  return [...wanted].every(([ruleId, n]) => count(after, ruleId) <= count(before, ruleId) - n);
}
