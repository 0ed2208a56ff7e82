/**
 * The model every rule shares: the Dockerfile parsed once by `dockerfile-ast`, cut into stages,
 * with the stages that reach the final image marked, `ARG` defaults substituted into `FROM`, and
 * every RUN script split into shell commands whose words map back to exact document ranges.
 *
 * Built once per document version; rules must treat it as read-only.
 */
import { DockerfileParser, Instruction as InstructionClass, type Dockerfile, type Instruction, type From, type Run, type Copy, type Env, type Arg } from 'dockerfile-ast';
import { LineIndex } from './text';
import { scanShell, type ShellCommand, type ShellWord } from './shell';
import type { Range } from './types';

export interface FromInfo {
  /** The image reference as written, e.g. `python:${PY}-slim`. */
  raw: string;
  /** The reference with ARG defaults substituted (`python:3.12-slim`); undefined if an ARG has no default. */
  image?: string;
  /** Range of the image reference on the FROM line. */
  imageRange: Range;
  /** `--platform` value as written, if any. */
  platform?: string;
  /** The earlier stage this FROM names, when it names one. */
  stage?: Stage;
  /** True for `FROM scratch`. */
  scratch: boolean;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased as Docker compares it; undefined when unnamed. */
  name?: string;
  from: FromInfo;
  /** Instructions after FROM up to the next FROM (FROM itself excluded). */
  instructions: Instr[];
  fromInstr: Instr;
  /** True for the last stage (the image `docker build` produces without `--target`). */
  isFinal: boolean;
  /** True when the final image contains this stage's layers or files (FROM chain, COPY --from, RUN --mount=from). */
  reachesFinal: boolean;
  /** True when this stage's filesystem is the base of the final image (its layers are the final image's layers). */
  layersInFinal: boolean;
}

export interface RunScript {
  form: 'shell' | 'exec' | 'heredoc';
  /** The script as the shell would see it (continuations and comment lines removed). */
  text: string;
  commands: ShellCommand[];
  /** `--mount` flag values, e.g. `type=cache,target=/root/.cache/pip`. */
  mounts: string[];
  /** False when a quote, backquote or `$(` is left open: nothing may be appended safely. */
  balanced: boolean;
  /** Document offset of script offset `i`. */
  docOffset(i: number): number;
}

export interface Instr {
  /** Upper-case keyword, e.g. `RUN`. */
  keyword: string;
  node: Instruction;
  range: Range;
  /** Index of the instruction in the whole file. */
  index: number;
  /** Undefined only for instructions before the first FROM (global ARGs). */
  stage?: Stage;
  run?: RunScript;
  /** Rule ids disabled for this instruction by a comment just above it. */
  ignored: Set<string>;
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  ast: Dockerfile;
  escapeChar: string;
  instructions: Instr[];
  stages: Stage[];
  /** Rule ids disabled for the whole file by `# size-hints global ignore=` / `# hadolint global ignore=`. */
  globalIgnored: Set<string>;
}

/**
 * dockerfile-ast recomputes an instruction's argument list from the text on every call (a
 * position lookup per character range), and the library itself and our rules ask for it many
 * times per instruction: it was the largest single cost in the profile of a 10,000-line file.
 * Instructions never change after their parse, so the list is computed once per instruction and
 * handed out as a copy (callers, the library's own subclasses included, may shift it).
 */
{
  const CACHE = Symbol('rawArguments');
  type WithCache = { [CACHE]?: unknown[] };
  const proto = InstructionClass.prototype as unknown as { getRawArguments(this: WithCache): unknown[] };
  const original = proto.getRawArguments;
  proto.getRawArguments = function (this: WithCache) {
    const cached = this[CACHE] ?? (this[CACHE] = original.call(this));
    return cached.slice();
  };
}

/** Parses `text` and builds the shared model. Never throws on malformed input. */
export function buildModel(text: string): DockerfileModel {
  const ast = DockerfileParser.parse(text);
  const lines = new LineIndex(text);
  const escapeChar = ast.getEscapeCharacter();
  const globalIgnored = new Set<string>();
  const instructions: Instr[] = [];
  const stages: Stage[] = [];
  const argDefaults = new Map<string, string>();
  for (const arg of ast.getInitialARGs()) recordArg(arg, argDefaults);

  const comments = collectComments(ast, lines, globalIgnored);

  let current: Stage | undefined;
  ast.getInstructions().forEach((node, index) => {
    const keyword = node.getKeyword().toUpperCase();
    const range = node.getRange();
    const instr: Instr = { keyword, node, range, index, stage: current, ignored: ignoresAbove(range.start.line, comments, lines) };
    if (keyword === 'FROM') {
      const from = fromInfo(node as From, argDefaults, stages);
      const stageName = (node as From).getBuildStage()?.toLowerCase();
      current = {
        index: stages.length,
        name: stageName || undefined,
        from,
        instructions: [],
        fromInstr: instr,
        isFinal: false,
        reachesFinal: false,
        layersInFinal: false,
      };
      instr.stage = current;
      stages.push(current);
    } else if (current) {
      current.instructions.push(instr);
      if (keyword === 'RUN') instr.run = runScript(node as Run, lines, escapeChar);
    }
    instructions.push(instr);
  });

  markReachability(stages);
  return { text, lines, ast, escapeChar, instructions, stages, globalIgnored };
}

function recordArg(arg: Arg, into: Map<string, string>): void {
  const prop = arg.getProperty();
  if (!prop) return;
  const name = prop.getName();
  const value = prop.getValue();
  if (name && value !== null && value !== undefined) into.set(name, value);
}

/** Substitutes `$X`, `${X}`, `${X:-d}` and `${X-d}` from global ARG defaults; undefined when one is unknown. */
export function substituteArgs(raw: string, args: Map<string, string>): string | undefined {
  let unknown = false;
  const out = raw.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, op, word, bare) => {
    const name = braced ?? bare;
    const value = args.get(name);
    if (op === ':-' || op === '-') return value !== undefined && (op === '-' || value !== '') ? value : word;
    if (op === ':+' || op === '+') return value !== undefined && (op === '+' || value !== '') ? word : '';
    if (value === undefined) {
      unknown = true;
      return '';
    }
    return value;
  });
  return unknown ? undefined : out;
}

function fromInfo(node: From, args: Map<string, string>, earlier: Stage[]): FromInfo {
  const raw = node.getImage() ?? '';
  const imageRange = node.getImageRange() ?? node.getRange();
  const image = substituteArgs(raw, args);
  const platformFlag = node.getFlags().find((f) => f.getName().toLowerCase() === 'platform');
  const lower = (image ?? raw).toLowerCase();
  // A FROM names an earlier stage when the whole reference equals a stage name (Docker's rule).
  const stage = earlier.slice().reverse().find((s) => s.name !== undefined && s.name === lower);
  return {
    raw,
    image,
    imageRange,
    platform: platformFlag?.getValue() ?? undefined,
    stage,
    scratch: !stage && lower === 'scratch',
  };
}

/** Marks which stages the final image depends on: FROM chains, `COPY --from`, `RUN --mount=from=`. */
function markReachability(stages: Stage[]): void {
  if (stages.length === 0) return;
  const final = stages[stages.length - 1];
  final.isFinal = true;
  const byRef = (ref: string): Stage | undefined => {
    const r = ref.toLowerCase();
    if (/^\d+$/.test(r)) return stages[Number(r)];
    return stages.find((s) => s.name === r);
  };
  // Layers: the FROM chain of the final stage.
  for (let s: Stage | undefined = final; s && !s.layersInFinal; s = s.from.stage) s.layersInFinal = true;
  // Files: anything the final stage (or its chain) copies from, transitively.
  const queue: Stage[] = [final];
  while (queue.length > 0) {
    const s = queue.pop()!;
    if (s.reachesFinal) continue;
    s.reachesFinal = true;
    if (s.from.stage) queue.push(s.from.stage);
    for (const instr of s.instructions) {
      for (const ref of stageReferences(instr)) {
        const target = byRef(ref);
        if (target && target.index < s.index) queue.push(target);
      }
    }
  }
}

/** Stage names or indexes an instruction reads from (`COPY --from=x`, `RUN --mount=from=x`). */
export function stageReferences(instr: Instr): string[] {
  const refs: string[] = [];
  if (instr.keyword === 'COPY' || instr.keyword === 'ADD') {
    const from = (instr.node as Copy).getFlags().find((f) => f.getName().toLowerCase() === 'from');
    const v = from?.getValue();
    if (v) refs.push(v);
  }
  if (instr.run) {
    for (const m of instr.run.mounts) {
      const from = /(?:^|,)from=([^,]+)/.exec(m);
      if (from) refs.push(from[1]);
    }
  }
  return refs;
}

/** Builds the shell view of a RUN: the script text with continuations removed, and its commands. */
function runScript(node: Run, lines: LineIndex, escapeChar: string): RunScript {
  const mounts = node
    .getFlags()
    .filter((f) => f.getName().toLowerCase() === 'mount')
    .map((f) => f.getValue() ?? '');
  const heredocs = node.getHeredocs();
  const args = node.getArguments();
  const text = lines.text;
  if (heredocs.length > 0) {
    // `RUN <<EOF` runs the heredoc body as the script; words map one to one.
    const content = heredocs[0].getContentRange();
    const start = content ? lines.offsetAt(content.start) : lines.offsetAt(heredocs[0].getNameRange().end);
    const end = content ? lines.offsetAt(content.end) : start;
    const body = text.slice(start, end);
    const scanned = scanShell(body);
    return { form: 'heredoc', text: body, commands: scanned.commands, balanced: scanned.balanced, mounts, docOffset: (i) => start + i };
  }
  if (args.length === 0) return { form: 'shell', text: '', commands: [], balanced: true, mounts, docOffset: () => lines.offsetAt(node.getRange().end) };
  const startOffset = lines.offsetAt(args[0].getRange().start);
  const endOffset = lines.offsetAt(node.getRange().end);
  const first = args[0].getValue();
  if (first.startsWith('[')) {
    const words = execWords(node, lines);
    const cmd: ShellCommand = { words, before: '', after: '', start: 0, end: endOffset - startOffset };
    return { form: 'exec', text: text.slice(startOffset, endOffset), commands: words.length ? [cmd] : [], balanced: true, mounts, docOffset: (i) => i };
  }
  const { script, map } = joinContinuations(text, startOffset, endOffset, escapeChar);
  const scanned = scanShell(script);
  return {
    form: 'shell',
    text: script,
    commands: scanned.commands,
    balanced: scanned.balanced,
    mounts,
    docOffset: (i) => (i < map.length ? map[i] : endOffset),
  };
}

/** Exec-form words, with document offsets, for `RUN ["a", "b"]`. */
function execWords(node: Run, lines: LineIndex): ShellWord[] {
  const json = node as unknown as { getJSONStrings?: () => { getValue(): string; getRange(): Range }[] };
  const strings = json.getJSONStrings?.() ?? [];
  return strings.map((s) => {
    const start = lines.offsetAt(s.getRange().start);
    const end = lines.offsetAt(s.getRange().end);
    // The parser's own value keeps the quotes and drops spaces; the source text is a JSON string.
    let value: string;
    try {
      value = String(JSON.parse(lines.text.slice(start, end)));
    } catch {
      value = s.getValue().replace(/^"|"$/g, '');
    }
    return { value, start, end };
  });
}

/**
 * Removes Dockerfile line continuations (escape char + newline) and the comment or empty lines
 * Docker drops inside a continued instruction, keeping a map from script offsets to the document.
 */
export function joinContinuations(text: string, start: number, end: number, escapeChar: string): { script: string; map: number[] } {
  let script = '';
  const map: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (c === escapeChar) {
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j >= end || text[j] === '\n' || text[j] === '\r') {
        // Continuation: skip the line break, then any comment-only or blank lines Docker drops.
        if (text[j] === '\r') j++;
        if (text[j] === '\n') j++;
        for (;;) {
          let k = j;
          while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
          if (k < end && text[k] === '#') {
            while (k < end && text[k] !== '\n') k++;
            j = k + 1;
            continue;
          }
          if (k < end && (text[k] === '\n' || text[k] === '\r') && k > j - 1) {
            // A blank line inside a continuation is ignored by Docker (with a warning).
            j = text[k] === '\r' && text[k + 1] === '\n' ? k + 2 : k + 1;
            continue;
          }
          break;
        }
        // Keep a separating blank so words on both sides stay apart, as the shell sees them.
        script += ' ';
        map.push(i);
        i = j;
        continue;
      }
    }
    script += c;
    map.push(i);
    i++;
  }
  return { script, map };
}

/**
 * Reads `# size-hints ignore=a,b` / `# hadolint ignore=DL3009` comments. Returns the comments by
 * line so an instruction can find those directly above it; global ones go into `globalIgnored`.
 */
function collectComments(ast: Dockerfile, lines: LineIndex, globalIgnored: Set<string>): Map<number, string[]> {
  const byLine = new Map<number, string[]>();
  // dockerfile-ast reads comments at the very top as parser directives, so take those lines raw.
  const firstInstructionLine = ast.getInstructions()[0]?.getRange().start.line ?? Number.MAX_SAFE_INTEGER;
  const topLines: { content: string; line: number }[] = [];
  for (let line = 0; line < Math.min(firstInstructionLine, lines.lineCount); line++) {
    const m = /^\s*#(.*)$/.exec(lines.lineText(line));
    if (m) topLines.push({ content: m[1], line });
  }
  const comments = [
    ...topLines,
    ...ast.getComments().map((c) => ({ content: c.getContent() ?? '', line: c.getRange().start.line })).filter((c) => c.line >= firstInstructionLine),
  ];
  for (const { content, line } of comments) {
    const m = /^\s*(size-hints|hadolint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+)/.exec(content);
    if (!m) continue;
    const ids = m[3].split(/[,\s]+/).filter(Boolean).map((s) => (m[1] === 'hadolint' ? s.toUpperCase() : s));
    if (m[2]) ids.forEach((id) => globalIgnored.add(id));
    else byLine.set(line, ids);
  }
  return byLine;
}

/** Rule ids named by ignore comments on the lines directly above `line` (blank lines end the block). */
function ignoresAbove(line: number, comments: Map<number, string[]>, lines: LineIndex): Set<string> {
  const out = new Set<string>();
  if (comments.size === 0) return out;
  for (let l = line - 1; l >= 0; l--) {
    const ids = comments.get(l);
    if (ids) ids.forEach((id) => out.add(id));
    else if (!/^\s*#/.test(lines.lineText(l))) break;
  }
  return out;
}

/**
 * The ENV values in effect before `instr` in its stage, following the FROM chain to earlier
 * stages. Values are taken as written (no expansion).
 */
export function envBefore(instr: Instr): Map<string, string> {
  const chain: Stage[] = [];
  for (let s = instr.stage; s; s = s.from.stage) chain.unshift(s);
  const env = new Map<string, string>();
  for (const s of chain) {
    for (const i of s.instructions) {
      if (s === instr.stage && i.index >= instr.index) break;
      if (i.keyword !== 'ENV') continue;
      for (const p of (i.node as Env).getProperties()) {
        const name = p.getName();
        if (name) env.set(name, p.getValue() ?? '');
      }
    }
  }
  return env;
}

/** Every RUN instruction of the file that sits in a stage, in order: the walk most rules make. */
export function runInstructions(model: DockerfileModel): (Instr & { run: RunScript; stage: Stage })[] {
  return model.instructions.filter((i): i is Instr & { run: RunScript; stage: Stage } => i.run !== undefined && i.stage !== undefined);
}

export type { ShellCommand, ShellWord };
export { type Dockerfile, type Instruction };

/** The instruction whose range covers `line`, if any. */
export function instructionAt(model: DockerfileModel, line: number): Instr | undefined {
  let lo = 0;
  let hi = model.instructions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = model.instructions[mid].range;
    if (line < r.start.line) hi = mid - 1;
    else if (line > r.end.line) lo = mid + 1;
    else return model.instructions[mid];
  }
  return undefined;
}
