/**
 * Incremental rule runs by stage family. A family is a stage that starts from an image (or from
 * nothing we know) together with every stage built FROM it, directly or through others. Rules
 * marked `reads: 'family'` see one family at a time; their findings for a family are kept with the
 * family's text and reused while that text, the stages' numbers and their reachability stay the
 * same (and, for a rule with a `contextKey`, the build-context facts it reads). A keystroke in one
 * stage of a 1,000-line file then re-runs those rules on that stage's
 * family only. When lines were added or removed above a family (every stage of it moved by the
 * same number of lines, and for the first family the instructions before the first FROM too),
 * its kept findings move with it; for rules whose messages quote line
 * numbers (`quotesLines`) the quoted numbers move too, since a family rule can only quote lines
 * of the family it was shown. Findings are moved when they are handed out, not in the cache:
 * each kept result remembers the family's first line it was made at, so an Enter near the top of
 * a file with 45 families and 26 family rules reuses the results as they are instead of copying
 * about 1,200 lists.
 */
import type { DockerfileModel, Instr, Stage } from './model';
import type { AnalysisSettings } from './analyze';
import { EMPTY_ENVIRONMENT, type AnalysisEnvironment } from './environment';
import type { RawFinding, Rule } from '../rules/rule';

/** A finding stored without object references: instruction and stage by position in the family. */
interface StoredFinding extends Omit<RawFinding, 'instr' | 'stage' | 'handOver'> {
  /** [stage position in the family (-1: before the first FROM), instruction position (-1: the FROM)]. */
  instr?: [number, number];
  stage?: number;
  /** RawFinding.handOver, an instruction it names by position as `instr`. */
  handOver?: Omit<NonNullable<RawFinding['handOver']>, 'at'> & { at?: 'from' | [number, number] };
}

interface FamilyEntry {
  /** Everything besides the stages' text and place that the family's findings depend on. */
  signature: string;
  /** The text of the instructions before the first FROM, then of each stage of the family. */
  texts: string[];
  /**
   * The first line of each stage of the family; for the first family, first the line of the
   * instructions before the first FROM, if there are any (its findings on them move with them).
   */
  lines: number[];
  /**
   * Per rule, at its {@link slotOf}: its findings (or error), with the rule's `fileKey` answer
   * they were made under and the first line of the family's first stage then (`line`; findings are
   * handed out moved by the difference to the family's line now). An array, not a Map by rule id:
   * 45 families x 35 rules of a first open at 1,000 lines made about 150 KB of Map tables.
   */
  results: (FamilyResult | undefined)[];
  /** The texts as {@link mentionsAny} reads them, once asked. */
  written?: string;
}

type FamilyResult = ({ findings: StoredFinding[]; line: number } | { error: string }) & { fileKey: string };

/** Each rule id's place in {@link FamilyEntry.results}, given the first time the id is seen (the same for the server's life). */
const slots = new Map<string, number>();
function slotOf(id: string): number {
  let slot = slots.get(id);
  if (slot === undefined) slots.set(id, (slot = slots.size));
  return slot;
}

/** The family entries of one analysis, for the next version's. */
export interface FamilyCache {
  /** By the first line of the family's first stage. */
  entries: Map<number, FamilyEntry>;
  /**
   * Entries of the versions before that this one does not use, newest first, at most
   * {@link SPARE_FAMILIES}: an edit undone (an added line removed again) finds the findings of
   * its family as they were, instead of running the rules on it again.
   */
  spares: FamilyEntry[];
}

/** Spare family entries kept (see {@link FamilyCache.spares}); an edit usually changes one family. */
const SPARE_FAMILIES = 4;

export interface FamilyRun {
  /** Findings per rule id, sorted by position. */
  findings: Map<string, RawFinding[]>;
  /** Errors per rule id (one per family whose check threw). */
  errors: Map<string, string[]>;
  cache: FamilyCache;
  /** How many families ran their checks (the rest reused them): for tests and the benchmark. */
  checked: number;
}

/** Groups the stages into families: each stage goes with the root of its FROM chain. */
export function stageFamilies(model: DockerfileModel): Stage[][] {
  const byRoot = new Map<Stage, Stage[]>();
  for (const stage of model.stages) {
    let root = stage;
    for (let i = 0; i < model.stages.length && root.from.stage; i++) root = root.from.stage;
    const members = byRoot.get(root) ?? [];
    members.push(stage);
    byRoot.set(root, members);
  }
  return [...byRoot.values()];
}

/**
 * When more families than this changed (a first analysis, a paste, lines added near the top),
 * each rule runs once on the whole file and its findings are shared out to the families: one run
 * costs less than hundreds of small ones.
 */
const WHOLE_FILE_AFTER = 4;

/** Runs (or reuses) the family rules on each family of `model`. */
export function familyFindings(model: DockerfileModel, rules: Rule[], settings: AnalysisSettings, previous?: FamilyCache, env: AnalysisEnvironment = EMPTY_ENVIRONMENT): FamilyRun {
  const run: FamilyRun = { findings: new Map(rules.map((r) => [r.id, []])), errors: new Map(), cache: { entries: new Map(), spares: [] }, checked: 0 };
  if (rules.length === 0) return run;
  const prefix = model.instructions.filter((i) => !i.stage);
  const prefixText = textOf(model, prefix);
  const settingsKey = JSON.stringify(settings);
  const families = stageFamilies(model);
  // Kept entries by the text of their first stage, to find a family again after lines moved.
  const byText = new Map<string, FamilyEntry[]>();
  const earlier = previous ? [...previous.entries.values(), ...previous.spares] : [];
  for (const entry of earlier) {
    const same = byText.get(entry.texts[1]);
    if (same) same.push(entry);
    else byText.set(entry.texts[1], [entry]);
  }
  // The earlier entries this version takes up (as they are, or their results for moved stages).
  const used = new Set<FamilyEntry>();
  const entries = families.map((family, k): FamilyEntry => {
    const texts = [prefixText, ...family.map((s) => textOf(model, [s.fromInstr, ...s.instructions]))];
    const lines = family.map((s) => s.fromInstr.range.start.line);
    // The first family holds the findings on the instructions before the first FROM: reused only
    // where those moved as its stages did (a line added between them and the FROM moves the
    // stages only).
    if (k === 0 && prefix.length > 0) lines.unshift(prefix[0].range.start.line);
    // Stage numbers and flags; stage names and images are in the texts, but ARG defaults are not,
    // nor the escape character (a `# escape=` directive changes how the same text parses).
    let signature = `${settingsKey}|${model.escapeChar}`;
    for (const s of family) signature += `|${s.index},${s.from.image},${s.from.stage?.index},${+s.isFinal}${+s.reachesFinal}${+s.layersInFinal}`;
    const candidates = (byText.get(texts[1]) ?? []).filter((e) => e.signature === signature && sameTexts(e.texts, texts));
    // Every stage in place, or every stage moved by the same number of lines.
    const old = candidates.find((e) => e.lines.every((l, i) => l === lines[i])) ?? candidates.find((e) => e.lines.every((l, i) => lines[i] - l === lines[0] - e.lines[0]));
    if (!old) return { signature, texts, lines, results: [] };
    used.add(old);
    // Every stage moved by the same number of lines: the results stay as they are (each knows the
    // line it was made at); the entry records where the family is now. The two entries share
    // their results: what either adds was made for the same texts and signature, and says its line.
    return lines[0] === old.lines[0] ? old : { signature, texts, lines, results: old.results };
  });
  families.forEach((family, k) => run.cache.entries.set(family[0].fromInstr.range.start.line, entries[k]));
  for (const entry of earlier) if (!used.has(entry) && run.cache.spares.length < SPARE_FAMILIES) run.cache.spares.push(entry);
  // The rule's answer to its whole-file question, and the key of the context facts it reads.
  const fileKeys = new Map(rules.map((r) => [r.id, `${r.fileKey?.(model) ?? ''}${r.contextKey ? `\u0000${r.contextKey(env)}` : ''}`]));
  const ruleSlots = rules.map((r) => slotOf(r.id));
  const envOf = (rule: Rule): AnalysisEnvironment => (rule.contextKey ? env : EMPTY_ENVIRONMENT);
  // Findings made under another answer of the rule's whole-file question (or other context facts) are not reused.
  if (previous) {
    for (const entry of entries) {
      for (let r = 0; r < rules.length; r++) {
        const result = entry.results[ruleSlots[r]];
        if (result && result.fileKey !== fileKeys.get(rules[r].id)) entry.results[ruleSlots[r]] = undefined;
      }
    }
  }

  // The results of rules that found nothing, by whole-file answer (see noFindings).
  const empty = new Map<string, FamilyResult>();
  // A rule missing in many families runs once on the whole file, and its findings are shared out.
  const checkedFamilies = new Set<number>();
  let familyOf: Map<Stage, number> | undefined;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    const slot = ruleSlots[r];
    const missing: number[] = [];
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k];
      if (entry.results[slot]) continue;
      // A family that names none of the rule's words gets no findings from it, without running it.
      if (rule.words && !mentionsAny(entry, rule.words)) entry.results[slot] = noFindings(empty, fileKeys.get(rule.id)!);
      else missing.push(k);
    }
    if (missing.length <= WHOLE_FILE_AFTER) continue;
    familyOf ??= new Map(families.flatMap((family, k) => family.map((s): [Stage, number] => [s, k])));
    shareOut(model, rule, slot, envOf(rule), settings, prefix, families, familyOf, entries, fileKeys.get(rule.id)!, missing, empty);
    missing.forEach((k) => checkedFamilies.add(k));
  }
  // Indexed loops: this runs for every family and rule on every analysis (45 x 35 at 1,000 lines),
  // and for...of allocated an iterator and its results each time (about 170 KB per Enter).
  for (let k = 0; k < families.length; k++) {
    const family = families[k];
    const entry = entries[k];
    let view: DockerfileModel | undefined;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      let result = entry.results[ruleSlots[r]];
      if (!result) {
        view ??= familyView(model, prefix, family);
        try {
          // Findings on instructions before the first FROM belong to the first family only.
          const raw = rule.check({ model: view, file: model, env: envOf(rule), settings }).filter((f) => k === 0 || (f.stage ?? f.instr?.stage));
          result = raw.length === 0 ? noFindings(empty, fileKeys.get(rule.id)!) : { findings: raw.map((f) => store(f, prefix, family)), line: entry.lines[0], fileKey: fileKeys.get(rule.id)! };
        } catch (e) {
          result = { error: e instanceof Error ? e.message : String(e), fileKey: fileKeys.get(rule.id)! };
        }
        entry.results[ruleSlots[r]] = result;
      }
      if ('error' in result) run.errors.set(rule.id, [...(run.errors.get(rule.id) ?? []), result.error]);
      else if (result.findings.length > 0) {
        const delta = entry.lines[0] - result.line;
        const quotesLines = rule.quotesLines === true;
        const into = run.findings.get(rule.id)!;
        for (let i = 0; i < result.findings.length; i++) into.push(restore(result.findings[i], prefix, family, delta, quotesLines));
      }
    }
    if (view) checkedFamilies.add(k);
  }
  run.checked = checkedFamilies.size;
  for (const list of run.findings.values()) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return run;
}

/** Runs one rule on the whole file and stores its findings with the families in `into` (by the family of their stage). */
function shareOut(model: DockerfileModel, rule: Rule, slot: number, env: AnalysisEnvironment, settings: AnalysisSettings, prefix: Instr[], families: Stage[][], familyOf: Map<Stage, number>, entries: FamilyEntry[], fileKey: string, into: number[], empty: Map<string, FamilyResult>): void {
  let raw: RawFinding[];
  try {
    raw = rule.check({ model, env, settings });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    for (const k of into) entries[k].results[slot] = { error, fileKey };
    return;
  }
  const shares = new Map<number, StoredFinding[]>();
  for (const f of raw) {
    const stage = f.stage ?? f.instr?.stage;
    const k = stage ? familyOf.get(stage) ?? 0 : 0;
    const share = shares.get(k);
    if (share) share.push(store(f, prefix, families[k]));
    else shares.set(k, [store(f, prefix, families[k])]);
  }
  for (const k of into) {
    const share = shares.get(k);
    entries[k].results[slot] = share ? { findings: share, line: entries[k].lines[0], fileKey } : noFindings(empty, fileKey);
  }
}

/**
 * True when the family's text holds one of `words` (Rule.words). The text is read with line
 * breaks (and the blanks before them), quotes and escape characters (`\` and the backtick) taken
 * out: a program name split by a continuation (`ap\` then `k add`) or quoted in parts (`a"p"k`) is
 * still found. Taking those characters out only joins text, so it can make a word appear but never hide one. A comment line
 * inside a continuation is dropped by Docker and so can split a name too (`ap\`, `# note`, `k
 * add`), but a line that starts with `#` is not always a comment: in a here-document it may go on
 * a quoted string (`echo "` then `#" && apk add curl`). So the text is read twice when it has
 * such lines, with them and without them (lines end at line feeds only: U+2028 is no line break
 * to Docker or the shell, though it is one to a regular expression's `^`).
 */
export function mentionsAny(entry: { texts: string[]; written?: string }, words: readonly string[]): boolean {
  const written = (entry.written ??= readings(entry.texts));
  for (let i = 0; i < words.length; i++) if (written.includes(words[i])) return true;
  return false;
}

/** What {@link mentionsAny} searches: the readings of `texts` joined by line breaks, each without line breaks, one after the other. */
function readings(texts: string[]): string {
  const read = joined(texts, false);
  // Without comment lines too, when there are some (the comment regular expression below matches).
  const plain = read.commentLines ? `${read.text}\n${joined(texts, true).text}` : read.text;
  // An exec-form RUN is JSON, whose \u escapes its parse decodes (`["\u0061pk", "add", "curl"]` runs apk).
  if (!texts.some((t) => t.includes('\\u'))) return plain;
  const decoded = texts.join('\n').replace(COMMENT_LINES, '$1').replace(JSON_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return `${plain}\n${joined([decoded], false).text}`;
}

/**
 * `texts` joined by line breaks, with the line breaks and the blanks before them taken out (Docker's continuation allows
 * blanks after its escape: `ap\ ` then `k add`), and then quotes and escape characters; with
 * `dropComments`, the lines that {@link COMMENT_LINES} matches left out. One pass over the
 * characters into a buffer, and whether the text has comment lines: splitting the text into lines,
 * slicing and joining them and a replacement after that were about 270 KB of garbage per first
 * open at 1,000 lines. A blank is only dropped at a line's end in the text as written: `a "\t`
 * keeps the space before the quote.
 */
function joined(texts: string[], dropComments: boolean): { text: string; commentLines: boolean } {
  let length = 0;
  for (let t = 0; t < texts.length; t++) length += texts[t].length;
  const out = length <= buffer.length ? buffer : length <= KEPT_BUFFER ? (buffer = new Uint16Array(KEPT_BUFFER)) : new Uint16Array(length);
  let m = 0;
  let commentLines = false;
  // Each text's lines, as those of the texts joined by line breaks.
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t];
    const n = text.length;
    for (let start = 0; start <= n; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = n;
      // A comment line: blanks (space or tab) and then `#`.
      let first = start;
      while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
      if (first < end && text.charCodeAt(first) === 35) {
        commentLines = true;
        if (dropComments) {
          start = end + 1;
          continue;
        }
      }
      // Where the output stands after the line's last character that is not a blank.
      let kept = m;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 32 || c === 9) out[m++] = c;
        else if (c === 13) continue;
        else {
          if (c !== 92 && c !== 96 && c !== 39 && c !== 34) out[m++] = c;
          kept = m;
        }
      }
      m = kept;
      start = end + 1;
    }
  }
  return { text: UTF16.decode(out.subarray(0, m)), commentLines };
}

/** {@link joined}'s buffer, kept between calls; a longer text gets one of its own. */
let buffer = new Uint16Array(4096);
/** The longest buffer kept (128 KB): most families' texts are a few thousand characters. */
const KEPT_BUFFER = 65_536;
/**
 * The buffer's characters as a string, in one go. A lone surrogate becomes U+FFFD, one character
 * for one: the words searched for are ASCII, so none appears or goes away. A BOM stays.
 */
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });

const COMMENT_LINES = /(^|\n)[ \t]*#[^\n]*/g;
const JSON_ESCAPE = /\\u([0-9A-Fa-f]{4})/g;

const NO_FINDINGS: readonly StoredFinding[] = Object.freeze([]);

/**
 * The result of a rule that found nothing in a family: one per whole-file answer in an analysis,
 * shared by every family and rule with that answer there. Most family results are empty: of the
 * generated 10,000-line file's 15,960 (35 rules, 456 families), an object and an empty list each
 * were about 1.2 MB of the analysis's heap. A result without findings moves nowhere, so its line
 * does not matter.
 */
function noFindings(shared: Map<string, FamilyResult>, fileKey: string): FamilyResult {
  let result = shared.get(fileKey);
  if (!result) {
    result = Object.freeze({ findings: NO_FINDINGS as StoredFinding[], line: 0, fileKey });
    shared.set(fileKey, result);
  }
  return result;
}

/** The model restricted to one family (and the instructions before the first FROM). */
function familyView(model: DockerfileModel, prefix: Instr[], family: Stage[]): DockerfileModel {
  const instructions = [...prefix, ...family.flatMap((s) => [s.fromInstr, ...s.instructions])].sort((a, b) => a.index - b.index);
  return { ...model, instructions, stages: family };
}

/** The text of `instrs`, from the start of the first one's line: its indentation moves findings on that line. */
function textOf(model: DockerfileModel, instrs: Instr[]): string {
  if (instrs.length === 0) return '';
  const start = model.lines.lineStart(instrs[0].range.start.line);
  const end = model.lines.offsetAt(instrs[instrs.length - 1].range.end);
  return model.text.slice(start, end);
}

function sameTexts(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function store(f: RawFinding, prefix: Instr[], family: Stage[]): StoredFinding {
  const { instr, stage, handOver, ...rest } = f;
  const stored: StoredFinding = rest;
  if (handOver) stored.handOver = { ...handOver, at: handOver.at && handOver.at !== 'from' ? positionOf(handOver.at, prefix, family) : handOver.at };
  if (instr) stored.instr = positionOf(instr, prefix, family);
  if (stage) stored.stage = family.indexOf(stage);
  return stored;
}

function positionOf(instr: Instr, prefix: Instr[], family: Stage[]): [number, number] {
  if (!instr.stage) return [-1, prefix.indexOf(instr)];
  const s = family.indexOf(instr.stage);
  return [s, instr === instr.stage.fromInstr ? -1 : instr.stage.instructions.indexOf(instr)];
}

/** The instruction at a position {@link positionOf} gave. */
function instrAt([s, i]: [number, number], prefix: Instr[], family: Stage[]): Instr {
  return s === -1 ? prefix[i] : i === -1 ? family[s].fromInstr : family[s].instructions[i];
}

/**
 * A stored finding handed out on the current model, `delta` lines further down than it was made
 * (with the line numbers its message quotes moved too, for rules that quote them).
 */
function restore(f: StoredFinding, prefix: Instr[], family: Stage[], delta: number, quotesLines: boolean): RawFinding {
  const raw: RawFinding =
    delta === 0
      ? { range: f.range, message: f.message }
      : {
          range: { start: { line: f.range.start.line + delta, character: f.range.start.character }, end: { line: f.range.end.line + delta, character: f.range.end.character } },
          message: quotesLines ? f.message.replace(/\b([Ll]ine )(\d+)\b/g, (_m, word: string, n: string) => `${word}${Number(n) + delta}`) : f.message,
        };
  if (f.saving) raw.saving = f.saving;
  if (f.holds !== undefined) raw.holds = f.holds;
  if (f.onlyIfCarried) raw.onlyIfCarried = true;
  if (f.handOver) raw.handOver = { ...f.handOver, at: Array.isArray(f.handOver.at) ? instrAt(f.handOver.at, prefix, family) : f.handOver.at };
  if (f.data) raw.data = f.data;
  if (f.instr) raw.instr = instrAt(f.instr, prefix, family);
  if (f.stage !== undefined) raw.stage = family[f.stage];
  return raw;
}
