/**
 * The analysis entry point: text in, findings out. Runs every registered rule over the shared
 * model, then applies what no rule should have to repeat: ignore comments, configured severities,
 * hand-overs between rules that report the same cost (RawFinding.handOver), and stage awareness (a size smell in a stage whose layers never reach the final image is a
 * hint that says so, not a warning).
 */
import { buildModel, finalStage, type DockerfileModel, type Instr, type Stage } from './model';
import { keepsOtherReading } from './parse';
import { keepsInnerScripts, type InnerScriptPlace } from './innerScript';
import { familyFindings, type FamilyCache } from './families';
import { shownText } from './shell';
import type { AnalysisEnvironment } from './environment';
import type { Finding, Fix, Range, Severity } from './types';
import type { Instruction } from 'dockerfile-ast';
import { carriedCopies, finalCopyOf, type CopyHop, type FinalCopy } from './stageCopies';
import { RULES, ruleById } from '../rules';
import type { Rule, RuleContext } from '../rules/rule';
import { formatCount } from '../sizes/format';

export interface AnalysisSettings {
  /** Per-rule severity override, or 'off'. */
  severities?: Record<string, Severity | 'off'>;
  /** Report only findings whose layers reach the final image. */
  finalStageOnly?: boolean;
  /** Size budget for the final image in bytes (the whole-image estimate reports when it is exceeded). */
  budgetBytes?: number;
  /** The stage the build produces (`docker build --target`), when it is not the last one. */
  target?: string;
}

export interface Analysis {
  /** Why the file was not analysed (too large for the editor to stay responsive), if it was not. */
  skipped?: string;
  model: DockerfileModel;
  findings: Finding[];
  /** Rules that threw on this input (reported once, never fatal). */
  ruleErrors: { ruleId: string; error: string }[];
  settings: AnalysisSettings;
  /** Findings of the 'family' rules per stage family, for the next version's analysis. */
  families?: FamilyCache;
  /** The analysis of the final stage's ONBUILD triggers ({@link triggerAnalysis}), for the next version's. */
  triggers?: Analysis;
  /** When the final stage's ONBUILD triggers were not checked (their copy went past {@link LIMITS}): the first ONBUILD, and why. */
  triggersNotChecked?: { range: Range; message: string };
}

/**
 * Limits past which a file is not analysed. The parser's time grows faster than linearly with
 * stages and with continuation lines in one instruction; real Dockerfiles stay far below these
 * (the largest we know of have a few hundred lines), so hitting one means generated or hostile
 * input, which gets a clear answer instead of a stalled editor.
 */
export const LIMITS = { chars: 1_000_000, stages: 500, continuationLines: 5_000 };

/** Why `text` is beyond the limits, or undefined. One linear pass, no parsing. */
export function beyondLimits(text: string): string | undefined {
  if (text.length > LIMITS.chars) return `the file has ${formatCount(text.length)} characters (limit ${formatCount(LIMITS.chars)})`;
  let stages = 0;
  let run = 0;
  let longest = 0;
  // Without "\r", indexOf finds each line's end (much faster than a look at every character).
  const lfOnly = !text.includes('\r');
  for (let start = 0; start <= text.length; ) {
    let end = lfOnly ? text.indexOf('\n', start) : start;
    if (end < 0) end = text.length;
    else if (!lfOnly) while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    if (end - first >= 4 && startsWithFrom(text, first) && !/\w/.test(text[first + 4] ?? '')) stages++;
    let last = end - 1;
    while (last >= start && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9)) last--;
    const c = last >= start ? text[last] : '';
    run = c === '\\' || c === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
    // "\r\n" is one line break; a lone "\r" is one too.
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  if (stages > LIMITS.stages) return `the file has ${formatCount(stages)} stages (limit ${LIMITS.stages})`;
  if (longest > LIMITS.continuationLines) return `one instruction continues over ${formatCount(longest)} lines (limit ${formatCount(LIMITS.continuationLines)})`;
  return undefined;
}

/** True when `text` has F, R, O, M (any case) at `at` (no string made per line, as a slice would). */
function startsWithFrom(text: string, at: number): boolean {
  return (text.charCodeAt(at) | 32) === 102 && (text.charCodeAt(at + 1) | 32) === 114 && (text.charCodeAt(at + 2) | 32) === 111 && (text.charCodeAt(at + 3) | 32) === 109;
}

/**
 * Analyses a Dockerfile's text. Never throws: a rule that fails is skipped and listed.
 *
 * `previous`, the analysis of an earlier version of the same document, makes the work
 * incremental: only the changed parts of the file are parsed again, and the rules that read one
 * stage family at a time reuse their findings for families whose text did not change. The result
 * is the same as without it (a unit test holds the two equal).
 */
export function analyze(text: string, env: AnalysisEnvironment, settings: AnalysisSettings = {}, previous?: Analysis): Analysis {
  const analysis = analyzeImage(text, env, settings, previous);
  if (analysis.skipped) return analysis;
  const triggers = triggerAnalysis(analysis.model, settings, previous?.triggers);
  if (!triggers) return analysis;
  analysis.triggers = triggers.analysis;
  // The copy holds the file and the triggers again: near the limit it is not analysed, which is said
  // on the first ONBUILD rather than left silent.
  const first = triggers.analysis.skipped && finalStage(analysis.model)?.instructions.find((i) => i.keyword === 'ONBUILD');
  if (first) analysis.triggersNotChecked = { range: first.node.getInstructionRange(), message: 'ONBUILD triggers not checked: the file is too large with them.' };
  if (triggers.findings.length) {
    analysis.findings.push(...triggers.findings);
    analysis.findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }
  return analysis;
}

function analyzeImage(text: string, env: AnalysisEnvironment, settings: AnalysisSettings, previous?: Analysis): Analysis {
  const skipped = beyondLimits(text);
  if (skipped) return notAnalysed(skipped, settings);
  const reuse = previous && !previous.skipped ? previous : undefined;
  let model: DockerfileModel;
  try {
    model = buildModel(text, reuse?.model, settings.target);
  } catch (e) {
    // A parser failure we have not met yet: said at the top of the file, instead of the editor
    // keeping the last version's squiggles with nothing to say why.
    return notAnalysed(`the Dockerfile parser failed on this text (${e instanceof Error ? e.message : String(e)})`, settings);
  }
  const ctx: RuleContext = { model, env, settings };
  const findings: Finding[] = [];
  const ruleErrors: Analysis['ruleErrors'] = [];
  const active = RULES.filter((rule) => settings.severities?.[rule.id] !== 'off' && !isIgnored(rule, model.globalIgnored));
  const byFamily = familyFindings(model, active.filter((rule) => rule.reads === 'family'), settings, reuse?.families, env);
  for (const rule of active) {
    const configured = settings.severities?.[rule.id] as Severity | undefined;
    let raw;
    try {
      raw = rule.reads === 'family' ? byFamily.findings.get(rule.id)! : rule.check(ctx);
    } catch (e) {
      ruleErrors.push({ ruleId: rule.id, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    for (const error of byFamily.errors.get(rule.id) ?? []) ruleErrors.push({ ruleId: rule.id, error });
    for (const r of raw) {
      if (r.instr && isIgnored(rule, r.instr.ignored)) continue;
      const stage = r.stage ?? r.instr?.stage;
      if (r.handOver && shownAt(r.handOver.to, active, handedTo(r.handOver.at, r.instr, stage)) !== (r.handOver.keep === 'if-shown')) continue;
      const carried = rule.scope === 'layers' && stage && !stage.layersInFinal && r.holds !== undefined ? carriedCopies(model, stage, r.holds, r.instr?.stage === stage ? r.instr : undefined) : undefined;
      if (r.onlyIfCarried && !carried) continue;
      const inFinalImage = rule.scope === 'always' || !stage || stage.layersInFinal || carried !== undefined;
      if (!inFinalImage && settings.finalStageOnly) continue;
      // A folder a rule names may hold a `$` kept as text, marked inside the analysis (LITERAL_DOLLAR).
      let message = shownText(r.message);
      let severity: Severity = configured ?? rule.severity;
      if (carried && stage) {
        message += ` Stage ${stageLabel(stage.index, stage.name)} does not reach the final image, but ${carriedText(carried)}.`;
      } else if (!inFinalImage && stage) {
        severity = 'hint';
        // `COPY --from=<stage> / /`: the stage's whole last file system goes into the final image
        // (copy-whole-stage reports it). What was removed before the stage's end does not: a hint.
        const whole = wholeStageCopy(model, stage);
        const of = whole && (whole.stage === stage ? 'its whole file system' : `the whole file system of stage ${stageLabel(whole.stage.index, whole.stage.name)}, which is built on it`);
        message += whole
          ? ` Stage ${stageLabel(stage.index, stage.name)} does not reach the final image as layers, but line ${whole.instr.range.start.line + 1} copies ${of} (${whole.source}): what this leaves there, if still there at the end of the stage, reaches the image.`
          : ` No effect on the final image: stage ${stageLabel(stage.index, stage.name)} does not reach it.`;
      }
      findings.push({ ruleId: rule.id, severity, range: r.range, message, saving: r.saving, inFinalImage, data: r.data });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { model, findings, ruleErrors, settings, families: byFamily.cache };
}

/**
 * Rules not run on ONBUILD triggers: what they read (the build context, the base image, the whole
 * image's size, other stages) is the later build's, which this file does not show.
 */
const NOT_ON_TRIGGERS = new Set(['base-image-not-slim', 'build-tools-in-final-image', 'context-large-paths', 'context-secrets', 'context-without-dockerignore', 'copy-source-ignored', 'copied-archive-extracted', 'copy-whole-stage', 'image-over-budget']);

const TRIGGER_RULES_OFF = Object.fromEntries([...NOT_ON_TRIGGERS].map((id) => [id, 'off' as const]));

/** A later build's environment: its build context is not this one's. */
const TRIGGER_ENV: AnalysisEnvironment = { context: {} };

/** Where a trigger is in the text and in the copy analysed: the copy holds it `shift` characters later. */
interface TriggerSpan {
  /** Offsets in the text of the ONBUILD instruction, of its trigger and of the end of both. */
  keyword: number;
  from: number;
  to: number;
  shift: number;
}

/** A finding on an ONBUILD trigger: the finding of the copy it comes from, with that copy's analysis. */
interface TriggerSource {
  analysis: Analysis;
  finding: Finding;
  span: TriggerSpan;
  /** The text's model, for positions. */
  model: DockerfileModel;
  spans: TriggerSpan[];
  /** Line numbers of the copy quoted in messages, as the text has them (one map per analysis: a message may quote many). */
  quoted: Map<string, string>;
  fix?: { fix: Fix | undefined };
}

/** Findings on ONBUILD triggers, with the analysis (of another text) their fixes come from. */
const triggerSources = new WeakMap<Finding, TriggerSource>();

/** True for a finding on an ONBUILD trigger: its fix changes later images, not this one. */
export function onTrigger(finding: Finding): boolean {
  return triggerSources.has(finding);
}

/**
 * The final stage's ONBUILD triggers run in every build FROM this image, after all of its own
 * instructions: `ONBUILD RUN pip install -r requirements.txt` keeps pip's cache in each such
 * image, unless an ENV below it says otherwise. They are analysed as the instructions they are,
 * in a copy of the text that ends with that stage, where the ONBUILD instructions are blanks, and
 * a stage FROM it that holds copies of them (the keyword a blank, with the comments just above
 * them): the findings on the triggers, from the rules that read the layers only, are put
 * back on the triggers and say where they apply (a line they quote too); their fixes edit the
 * trigger only. A trigger that starts on a later line than its ONBUILD, or a keyword written over
 * several lines, is left out. Triggers of other stages (which run where a later stage builds FROM
 * them) are not analysed.
 */
function triggerAnalysis(model: DockerfileModel, settings: AnalysisSettings, previous?: Analysis): { analysis: Analysis; findings: Finding[] } | undefined {
  const stage = finalStage(model);
  if (!stage) return undefined;
  const spans: TriggerSpan[] = [];
  for (const instr of stage.instructions) {
    if (instr.keyword !== 'ONBUILD') continue;
    const keyword = instr.node.getInstructionRange();
    const trigger = (instr.node as Instruction & { getTriggerRange?(): Range | null }).getTriggerRange?.();
    if (!trigger || keyword.start.line !== keyword.end.line || keyword.end.character - keyword.start.character !== 7 || trigger.start.line !== keyword.start.line) continue;
    spans.push({ keyword: model.lines.offsetAt(keyword.start), from: model.lines.offsetAt(trigger.start), to: model.lines.offsetAt(instr.range.end), shift: 0 });
  }
  if (!spans.length) return undefined;
  const { text: source, lines } = model;
  const last = stage.instructions[stage.instructions.length - 1] ?? stage.fromInstr;
  const eol = lines.eol;
  // The triggers go into a stage built FROM this one, as in the later build: they see its ENVs,
  // USER and WORKDIR, not its ARGs. An unnamed stage is given a name at the end of its FROM line.
  const fromEnd = lines.offsetAt(stage.fromInstr.range.end);
  let text = source.slice(0, fromEnd) + (stage.name ? '' : ' AS onbuild-parent');
  let at = fromEnd;
  for (const span of spans) {
    text += source.slice(at, span.keyword) + source.slice(span.keyword, span.to).replace(/[^\r\n]/g, ' ');
    at = span.to;
  }
  // A blank line after the stage: no comment of it reads as one above the first trigger.
  text += source.slice(at, Math.max(at, lines.offsetAt(last.range.end))) + eol + eol + `FROM ${stage.name ?? 'onbuild-parent'}` + eol;
  for (const span of spans) {
    const line = lines.positionAt(span.keyword).line;
    let first = line;
    while (first > 0 && /^\s*#/.test(lines.lineText(first - 1))) first--;
    const start = lines.lineStart(line);
    text += source.slice(lines.lineStart(first), start);
    span.shift = text.length - start;
    text += source.slice(start, span.keyword) + '       ' + source.slice(span.keyword + 7, span.to) + eol;
  }
  // Off, not only left out below: a finding that hands its cost to one of them shows (RawFinding.handOver).
  const severities = { ...settings.severities, ...TRIGGER_RULES_OFF };
  const analysis = analyzeImage(text, TRIGGER_ENV, { ...settings, severities, budgetBytes: undefined, target: undefined }, previous);
  const findings: Finding[] = [];
  // Both in the order of the text: one pass.
  let k = 0;
  const quoted = new Map<string, string>();
  for (const f of analysis.findings) {
    const start = analysis.model.lines.offsetAt(f.range.start);
    while (k < spans.length && spans[k].to + spans[k].shift <= start) k++;
    const span = spans[k];
    if (!span || start < span.from + span.shift) continue;
    const source: Omit<TriggerSource, 'finding'> = { analysis, span, model, spans, quoted };
    const range = moved(source, f.range);
    const message = `${quotedLines(source, f.message)} (ONBUILD: in each image built FROM this one.)`;
    const finding: Finding = { ...f, range, message, inFinalImage: true };
    triggerSources.set(finding, { ...source, finding: f });
    findings.push(finding);
  }
  return { analysis, findings };
}

/** A range of the copy a trigger finding comes from, in the text (both ends in the same trigger). */
function moved(source: Omit<TriggerSource, 'finding'>, range: Range): Range {
  const copy = source.analysis.model.lines;
  return source.model.lines.range(copy.offsetAt(range.start) - source.span.shift, copy.offsetAt(range.end) - source.span.shift);
}

/** `line N` in a trigger finding's message or fix title, with N a line of the copy: that line in the text. */
function quotedLines(source: Omit<TriggerSource, 'finding'>, message: string): string {
  return message.replace(/\b([Ll]ine) (\d+)\b/g, (_whole, word: string, n: string) => {
    let line = source.quoted.get(n);
    if (line === undefined) source.quoted.set(n, (line = textLine(source, Number(n)) ?? n));
    return `${word} ${line}`;
  });
}

/** Line `n` (from 1) of the copy, as the text numbers it when it is a line of a trigger. */
function textLine(source: Omit<TriggerSource, 'finding'>, n: number): string | undefined {
  const copy = source.analysis.model.lines;
  const offset = copy.lineStart(n - 1);
  const end = copy.lineEndOffset(n - 1);
  // The last trigger that starts on the line or before it (the spans are in the copy's order).
  const { spans } = source;
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].keyword + spans[mid].shift <= end) lo = mid + 1;
    else hi = mid;
  }
  const span = spans[lo - 1];
  if (!span || offset >= span.to + span.shift) return undefined;
  return String(source.model.lines.positionAt(offset - span.shift).line + 1);
}

/**
 * The copies that carry a finding, as the message says them: "line 9 copies /app from it", or
 * through a middle stage "line 5 copies /app/node_modules from it into stage "build", then line 9
 * copies /app from that stage".
 */
function carriedText(hops: CopyHop[]): string {
  return hops
    .map((hop, k) => {
      const holder = k === 0 ? 'it' : 'that stage';
      const from = hop.stage === hop.holder ? holder : `stage ${stageLabel(hop.stage.index, hop.stage.name)}, which is built on ${holder}`;
      const into = k < hops.length - 1 ? `${hop.stage === hop.holder ? '' : ','} into stage ${stageLabel(hop.instr.stage!.index, hop.instr.stage!.name)}` : '';
      return `line ${hop.instr.range.start.line + 1} copies ${hop.source} from ${from}${into}`;
    })
    .join(', then ');
}

/** Per model and stage: the final image's `COPY --from` of that stage's (or a later stage's) whole file system, if any. Asked once per hint. */
const wholeStageCopies = new WeakMap<DockerfileModel, Map<Stage, FinalCopy | undefined>>();
function wholeStageCopy(model: DockerfileModel, stage: Stage): FinalCopy | undefined {
  let known = wholeStageCopies.get(model);
  if (!known) wholeStageCopies.set(model, (known = new Map()));
  if (!known.has(stage)) known.set(stage, finalCopyOf(model, stage, '/'));
  return known.get(stage);
}

/** The result for a text that is not analysed, with the reason shown at the top of the file. */
function notAnalysed(reason: string, settings: AnalysisSettings): Analysis {
  return { skipped: `Not analysed: ${reason}.`, model: buildModel(''), findings: [], ruleErrors: [], settings };
}

/** The instruction a handed-over cost's other finding is on (RawFinding.handOver's `at`). */
function handedTo(at: 'from' | Instr | undefined, instr: Instr | undefined, stage: Stage | undefined): Instr | undefined {
  return at === 'from' ? stage?.fromInstr : at ?? instr;
}

/** True when the findings of rule `id` on `instr` are shown: the rule is active and not ignored there. */
function shownAt(id: string, active: Rule[], instr: Instr | undefined): boolean {
  const rule = active.find((r) => r.id === id);
  return rule !== undefined && !(instr && isIgnored(rule, instr.ignored));
}

function isIgnored(rule: Rule, ids: ReadonlySet<string>): boolean {
  return ids.has(rule.id) || (rule.hadolint !== undefined && ids.has(rule.hadolint));
}

/** What to say when the build target the settings name is no stage of the analysed file (then the last stage is the image). */
export function missingTarget(analysis: Analysis): string | undefined {
  const target = analysis.settings.target;
  if (target === undefined || analysis.skipped !== undefined || finalStage(analysis.model)?.name === target.toLowerCase()) return undefined;
  return `no stage is named "${target}" (the build target): the last stage is taken as the image`;
}

export function stageLabel(index: number, name?: string): string {
  return name ? `"${name}"` : `#${index}`;
}

/**
 * Fixes already worked out, by finding and environment. A finding belongs to one analysis (each
 * analysis makes its own), and a fix depends on that analysis and the environment only. VS Code
 * asks for the code actions at the cursor again and again while the text stays the same (each
 * cursor move near a diagnostic, the light bulb, the problems view), and some fixes parse their
 * RUN again to check the edit (about 0.5 ms at a time).
 */
const knownFixes = new WeakMap<Finding, { env: AnalysisEnvironment; fix: Fix | undefined }>();

const places = new WeakMap<DockerfileModel, InnerScriptPlace[]>();

/** The RUNs of `model` whose commands come from a quoted `-c` script, and the `-c` scripts read among other commands, and where (see core/innerScript.ts). */
function innerScriptPlaces(model: DockerfileModel): InnerScriptPlace[] {
  let known = places.get(model);
  if (!known) {
    known = [];
    for (const instr of model.instructions) {
      const run = instr.run;
      if (run?.inner) {
        const { start, end, quote } = run.inner;
        known.push({ from: model.lines.offsetAt(instr.range.start), to: model.lines.offsetAt(instr.range.end), start: run.docOffset(start), end: run.docOffset(end), quote });
      }
      // Among other commands: the text of the shell's command (`sh -c "..."`) is the part a fix may touch inside the quotes only.
      for (const q of run?.quoted ?? []) known.push({ from: run!.docOffset(q.from), to: run!.docOffset(q.to - 1) + 1, start: run!.docOffset(q.start), end: run!.docOffset(q.end), quote: q.quote });
    }
    places.set(model, known);
  }
  return known;
}

/** The fix for one finding, or undefined when its rule offers none here. Callers must not change it. */
export function fixFor(analysis: Analysis, finding: Finding, env: AnalysisEnvironment): Fix | undefined {
  const trigger = triggerSources.get(finding);
  if (trigger) return triggerFix(trigger);
  const known = knownFixes.get(finding);
  if (known?.env === env) return known.fix;
  const rule = ruleById(finding.ruleId);
  let fix: Fix | undefined;
  try {
    fix = rule?.fix?.(finding, { model: analysis.model, env, settings: analysis.settings });
    // Where the Docker extension's parser reads the lines otherwise than BuildKit, only edits that
    // leave its reading as it was (see keepsOtherReading).
    if (fix && !keepsOtherReading(analysis.model, fix.edits)) fix = undefined;
    // A RUN whose commands were read inside a quoted `-c` script: only edits inside the quotes, with text that means the same there.
    if (fix && !keepsInnerScripts(innerScriptPlaces(analysis.model), analysis.model.lines, fix.edits)) fix = undefined;
  } catch {
    fix = undefined;
  }
  knownFixes.set(finding, { env, fix });
  return fix;
}

/** The fix of a finding on an ONBUILD trigger: its rule's, when it only edits the trigger (not the ONBUILD keyword, no other line, no other file), put back in the text. */
function triggerFix(trigger: TriggerSource): Fix | undefined {
  if (trigger.fix) return trigger.fix.fix;
  let fix = fixFor(trigger.analysis, trigger.finding, TRIGGER_ENV);
  if (fix && (fix.createFiles?.length || fix.editFiles?.length)) fix = undefined;
  const copy = trigger.analysis.model.lines;
  const { from, to, shift } = trigger.span;
  if (fix && !fix.edits.every((e) => copy.offsetAt(e.range.start) >= from + shift && copy.offsetAt(e.range.end) <= to + shift)) fix = undefined;
  if (fix) fix = { ...fix, title: quotedLines(trigger, fix.title), edits: fix.edits.map((e) => ({ ...e, range: moved(trigger, e.range) })) };
  trigger.fix = { fix };
  return fix;
}
