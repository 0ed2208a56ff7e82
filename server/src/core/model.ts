/**
 * The model every rule shares: the Dockerfile parsed once by `dockerfile-ast`, cut into stages,
 * with the stages that reach the final image marked, `ARG` defaults substituted into `FROM`, and
 * every RUN script split into shell commands whose words map back to exact document ranges.
 *
 * Built once per document version; rules must treat it as read-only.
 */
import { DockerfileParser, Instruction as InstructionClass, type Argument, ModifiableInstruction, Run as RunClass, Copy as CopyClass, type Dockerfile, type Instruction, type From, type Run, type Copy, type Env, type Arg, type Property } from 'dockerfile-ast';
import { readRawArguments } from './arguments';
import { installHeredocShortcut } from './parseShortcuts';
import { hiddenContinuation, parseAsBuildKit } from './parse';
import { joinContinuations, LineIndex, ownCopy, runOffset } from './text';
import { LITERAL_DOLLAR, opensHereDocument, scanShell, type ShellCommand, type ShellWord } from './shell';
import { innerScript, scriptCommands, shellOptions, SHELL_NAMES, SHELL_PATH, type InnerScript, type QuotedScript } from './innerScript';
import { leadingJsonArray } from './execForm';
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
  /** True for the stage the build produces: the target stage when one is set and found, else the last. */
  isFinal: boolean;
  /** True when the final image contains this stage's layers or files (FROM chain, COPY --from, RUN --mount=from). */
  reachesFinal: boolean;
  /** True when this stage's filesystem is the base of the final image (its layers are the final image's layers). */
  layersInFinal: boolean;
  /** The defaults of the ARGs declared before the first FROM, which an `ARG NAME` without a default in the stage takes. */
  globalArgs?: ReadonlyMap<string, string>;
  /** The file's escape character (`\\` unless a `# escape=` directive names another). */
  escapeChar?: string;
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
  /**
   * Set when the commands are those of the script the RUN hands to a shell's `-c` (`bash -c
   * "..."`): where that script lies in `text` (see core/innerScript.ts).
   */
  inner?: InnerScript;
  /**
   * Set when some of the commands are those of `-c` scripts among other commands (`sh -c "..." &&
   * echo ok`, also in a here-document): where each script and its shell's command lie in `text`.
   */
  quoted?: QuotedScript[];
  /**
   * Set when the RUN is one shell `-c` command whose script could not be read in place (escapes,
   * `!`, `&`, arguments after it): the script's commands, read from the word the shell receives,
   * offsets in that word. What the RUN runs, for questions about other RUNs (`ranCommands` in commands.ts);
   * no finding or edit may be placed at them.
   */
  hidden?: ShellCommand[];
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
  ignored: ReadonlySet<string>;
  /**
   * Where dockerfile-ast's own reading (and so every tool built on it, such as the Docker
   * extension's language server) ends this instruction although BuildKit goes on (parse.ts): the
   * offset of the first escape character of the escaped blank before that continuation. From
   * there on the two read other instructions. Undefined when they read this one alike.
   */
  hiddenFrom?: number;
}

export interface DockerfileModel {
  text: string;
  lines: LineIndex;
  /** Parsed pieces for the next version's build (see {@link buildModel}); treat as opaque. */
  reuse: ModelReuse;
  escapeChar: string;
  instructions: Instr[];
  stages: Stage[];
  /** Rule ids disabled for the whole file by `# size-hints global ignore=` / `# hadolint global ignore=`. */
  globalIgnored: Set<string>;
}

/** Set on an instruction while the library works out its flags (see below). */
const FLAGS_UNDER_WAY = Symbol('getFlags under way');

/** dockerfile-ast's own `getRawArguments`, kept for the test that compares our reader with it. */
export const libraryRawArguments = (InstructionClass.prototype as unknown as { getRawArguments(this: Instruction): Argument[] }).getRawArguments;

/**
 * dockerfile-ast recomputes an instruction's argument list, argument ranges, argument text and flags
 * from the document on every call (a position lookup per character range), and the library
 * itself and our rules ask for them many times per instruction: together the largest cost in
 * the profile of a 10,000-line file. Instructions never change after their parse (and unchanged
 * pieces keep theirs from one version to the next), so each is computed once per instruction;
 * lists are handed out as copies (callers, the library's own subclasses included, may shift them).
 * The raw argument list, which all the others build on, is read by our own reader
 * (`arguments.ts`: the library's results, with less work and allocation).
 */
{
  const ourRawArguments = function (this: Record<symbol, unknown>) {
    return readRawArguments(this as unknown as Instruction);
  };
  for (const [cls, method, copy] of [
    [InstructionClass, 'getRawArguments', true],
    [InstructionClass, 'getArgumentsRanges', true],
    [InstructionClass, 'getArgumentsContent', false],
    [ModifiableInstruction, 'getFlags', true],
    // The arguments after the flags: the library copies both lists and drops the flags on each call.
    [ModifiableInstruction, 'getArguments', true],
  ] as const) {
    const proto = cls.prototype as unknown as Record<string, (this: Record<symbol, unknown>) => unknown>;
    const cache = Symbol(method);
    const compute = method === 'getRawArguments' ? ourRawArguments : proto[method];
    proto[method] = function (this: Record<symbol, unknown>) {
      if (!(cache in this)) {
        // The library's getFlags asks for getArguments while its own flag list is still empty:
        // arguments worked out then still hold the flags (FROM and HEALTHCHECK asked for their
        // flags first), and are not kept.
        if (method === 'getArguments' && this[FLAGS_UNDER_WAY]) return compute.call(this);
        if (method !== 'getFlags') this[cache] = compute.call(this);
        else {
          this[FLAGS_UNDER_WAY] = true;
          try {
            this[cache] = compute.call(this);
          } finally {
            this[FLAGS_UNDER_WAY] = false;
          }
        }
      }
      const value = this[cache];
      return copy && Array.isArray(value) ? value.slice() : value;
    };
  }
  installHeredocShortcut();
}

/**
 * dockerfile-ast's here-document reader throws on some malformed continuations (an escaped `#` at
 * the start of a continued line after an unescaped newline left it expecting a here-document it
 * never recorded: "Cannot read properties of undefined (reading 'getRange')"), and the model, the
 * build-context rules and the path rules all ask for here-documents. An instruction whose
 * here-documents cannot be read is taken to have none, so the rest of the file is still analysed.
 */
for (const cls of [InstructionClass, RunClass, CopyClass]) {
  const proto = cls.prototype as unknown as { getHeredocs(): unknown[] };
  if (!Object.prototype.hasOwnProperty.call(proto, 'getHeredocs')) continue;
  const original = proto.getHeredocs;
  proto.getHeredocs = function (this: unknown) {
    try {
      return original.call(this);
    } catch {
      return [];
    }
  };
}

/**
 * dockerfile-ast hands each comment to the stage that holds it by asking every stage, and a
 * stage's range is rebuilt for each question: comments x stages range builds per parse, a tenth
 * of opening a 10,000-line file with 450 stages. Comments come in document order and stages hold
 * disjoint, ordered ranges (of their instructions only), so one walk over both gives each stage
 * the same comments (a unit test compares it with the library's own method on many texts).
 */
const dockerfileProto = Object.getPrototypeOf(DockerfileParser.parse('')) as { organizeComments(): void };
/** dockerfile-ast's own method, kept for the test that compares the two. */
export const libraryOrganizeComments = dockerfileProto.organizeComments;
{
  interface Template {
    getRange(): Range;
    addComment(c: unknown): void;
  }
  const proto = dockerfileProto;
  proto.organizeComments = function (this: { getComments(): { getRange(): Range }[]; initialInstructions: Template; buildStages: Template[] }) {
    const initial = this.initialInstructions.getRange();
    const stages = this.buildStages.map((stage) => ({ stage, range: stage.getRange() }));
    let k = 0;
    for (const comment of this.getComments()) {
      const { start, end } = comment.getRange();
      if (inside(end, initial)) {
        this.initialInstructions.addComment(comment);
        continue;
      }
      while (k < stages.length && before(stages[k].range.end, start)) k++;
      if (k < stages.length && inside(start, stages[k].range)) stages[k].stage.addComment(comment);
    }
  };
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  const inside = (p: Range['start'], r: Range) => !before(p, r.start) && !before(r.end, p);
}

/**
 * What a question memoised by {@link perInstruction} may read: the parsed node, its keyword and its
 * RUN script's text, commands and mounts, which an unchanged node keeps from one version to the
 * next. Not its stage or index, nor `run.docOffset`: those can change while the node stays (a
 * stage renamed above it, characters typed on an earlier line).
 */
export type InstructionText = Pick<Instr, 'keyword' | 'node' | 'run'>;

/**
 * Memoises a question about one instruction on its parsed node: unchanged pieces keep their
 * nodes from one version to the next, so rules that must look at every instruction of the file
 * pay only for the new ones. `ask` may read the instruction's node and RUN script only.
 */
export function perInstruction<T>(ask: (instr: InstructionText) => T): (instr: Instr) => T {
  // Kept on the node (a WeakMap entry per node costs the garbage collector more on each edit).
  const key = Symbol('perInstruction');
  return (instr) => {
    const node = instr.node as unknown as Record<symbol, { answer: T } | undefined>;
    let known = node[key];
    if (!known) node[key] = known = { answer: ask(instr) };
    return known.answer;
  };
}

/**
 * A piece of the file parsed on its own: the lines from one FROM up to the next (the first piece
 * holds what comes before the first FROM). Pieces are cached by their text and first line, so an
 * edit re-parses only the piece it touched; see {@link splitPieces}.
 */
interface ParsedPiece {
  /** The parse the nodes come from (shared by the pieces parsed together). */
  ast: Dockerfile;
  nodes: Instruction[];
  /** Each node's range (asking the parser again costs a position lookup per call). */
  ranges: Range[];
  comments: { content: string; line: number }[];
  /** The global ARGs, for the piece that starts at line 0. */
  initialArgs: Arg[];
  /** RUN scripts by node, with offsets in the node's own parsed text. */
  runs: Map<Instruction, RunScript>;
  /** Each RUN's text and the script first made from that text (see {@link ScriptMade}). */
  made: ScriptMade[];
  /** Each node's {@link Instr.hiddenFrom}, as an offset from `base`. */
  hidden: (number | undefined)[];
  /** Offset of the piece's first character in the text it was parsed in. */
  base: number;
  /** Parsed behind blank lines (its parse then holds a text as long as the file up to it). */
  padded: boolean;
}

/**
 * A RUN script as {@link runScript} made it from a RUN's text, where that text then started (`at`,
 * an offset in the text it was parsed in). The script depends only on the RUN's text and the
 * escape character, so a RUN parsed again with the same text (a piece moved by an added line, a
 * RUN repeated) takes it, offsets moved, instead of reading its arguments and shell again; its
 * commands keep what was worked out about them ({@link ShellCommand} facts). Its strings are
 * copies (see {@link ownCopy}): a script kept this way outlives the parse it came from.
 */
interface ScriptMade {
  key: string;
  run: RunScript;
  at: number;
}

/** What a model keeps for the next version of the same document (see {@link buildModel}). */
export interface ModelReuse {
  /** Parsed pieces by first line, with the text and escape character they were parsed from. */
  pieces: Map<number, { text: string; escapeChar: string; piece: ParsedPiece }>;
  /**
   * Pieces of the versions before that this one does not use, kept while a piece in use holds
   * their parse alive anyway (they cost no parse kept, only their own lists): an edit undone (an
   * added line removed again) finds the pieces below it as they were, instead of parsing them again.
   */
  spares: Map<number, { text: string; escapeChar: string; piece: ParsedPiece }>;
  /** How many pieces the last build parsed anew (for tests and the benchmark). */
  parsed: number;
}

/**
 * Parses `text` and builds the shared model. Never throws on malformed input.
 *
 * With `previous` (the model of an earlier version of the same document), only the pieces of the
 * file whose text or first line changed are parsed again; the rest reuse their parse. New pieces
 * are parsed in a text of blank lines up to their first line (with the escape directive, if any),
 * so their positions are the document's own.
 *
 * `target` names the stage the build produces (`docker build --target`); without it, or when no
 * stage has that name, the last stage is the final one.
 */
export function buildModel(text: string, previous?: DockerfileModel, target?: string): DockerfileModel {
  const lines = new LineIndex(text);
  const escapeChar = escapeCharOf(text, lines);
  const starts = splitPieces(lines, escapeChar);
  const old = previous?.reuse.pieces;
  const oldSpares = previous?.reuse.spares;
  const pieces: ModelReuse['pieces'] = new Map();
  const offsets = starts.map((line) => lines.lineStart(line));
  const missing: number[] = [];
  starts.forEach((first, k) => {
    const pieceText = text.slice(offsets[k], k + 1 < starts.length ? offsets[k + 1] : text.length);
    const same = (entry: { text: string; escapeChar: string } | undefined) => entry !== undefined && entry.text === pieceText && entry.escapeChar === escapeChar;
    let hit = old?.get(first);
    if (!same(hit)) hit = oldSpares?.get(first);
    if (hit && same(hit)) pieces.set(first, hit);
    else {
      pieces.set(first, { text: pieceText, escapeChar, piece: undefined as unknown as ParsedPiece });
      missing.push(k);
    }
  });
  // New pieces next to each other are parsed together, behind blank lines up to the first of
  // them (an added line re-parses what follows it in one go). A parse behind padding keeps that
  // padding alive (a text and a line table as long as the file up to it), so once many such
  // parses are kept, or a build would need many, the whole file is parsed once instead.
  const runs: [number, number][] = [];
  for (const k of missing) {
    const last = runs[runs.length - 1];
    if (last && last[1] === k) last[1] = k + 1;
    else runs.push([k, k + 1]);
  }
  const scripts = runs.length > 0 ? madeScripts(old) : undefined;
  const paddedParses = new Set<Dockerfile>();
  for (const entry of pieces.values()) if (entry.piece?.padded) paddedParses.add(entry.piece.ast);
  if (runs.length > MAX_RUNS || paddedParses.size + runs.length > MAX_KEPT_PADDED) {
    // Every piece takes its nodes from the new parse, kept ones too: a node keeps its parse alive,
    // so mixing pieces of several whole parses would hold several copies of the file.
    const whole = parseRange(text, lines, escapeChar, starts, 0, starts.length, scripts);
    starts.forEach((first, k) => pieces.set(first, { text: pieces.get(first)!.text, escapeChar, piece: whole[k] }));
  } else {
    for (const [from, to] of runs) parseRange(text, lines, escapeChar, starts, from, to, scripts).forEach((piece, i) => (pieces.get(starts[from + i])!.piece = piece));
  }
  const reuse: ModelReuse = { pieces, spares: sparePieces(pieces, old, oldSpares), parsed: missing.length };
  return assemble(text, lines, escapeChar, starts.map((first, k) => ({ piece: pieces.get(first)!.piece, offset: offsets[k] })), reuse, target);
}

/**
 * The pieces of `old` and `oldSpares` that `pieces` does not use and whose parse a piece in use
 * keeps alive (see {@link ModelReuse.spares}); the newer one where both have a piece at a line,
 * and no more than `pieces` holds (each costs its lists: ranges, comments, RUN scripts moved).
 */
function sparePieces(pieces: ModelReuse['pieces'], old: ModelReuse['pieces'] | undefined, oldSpares: ModelReuse['spares'] | undefined): ModelReuse['spares'] {
  const spares: ModelReuse['spares'] = new Map();
  if (!old) return spares;
  const used = new Set<ParsedPiece>();
  const alive = new Set<Dockerfile>();
  for (const entry of pieces.values()) {
    used.add(entry.piece);
    alive.add(entry.piece.ast);
  }
  for (const from of [old, oldSpares ?? new Map<number, never>()]) {
    for (const [line, entry] of from) {
      if (spares.size >= pieces.size) return spares;
      if (!used.has(entry.piece) && alive.has(entry.piece.ast) && !spares.has(line)) spares.set(line, entry);
    }
  }
  return spares;
}

/**
 * The scripts of the previous version's RUNs by text: those of the pieces kept (each kept piece is
 * one of `old`'s) and of the pieces about to be parsed again.
 */
function madeScripts(old: ModelReuse['pieces'] | undefined): Map<string, ScriptMade> {
  const byKey = new Map<string, ScriptMade>();
  for (const entry of old?.values() ?? []) for (const made of entry.piece.made) byKey.set(made.key, made);
  return byKey;
}

/** Separate parses in one build, at most; more and the whole file is parsed (see {@link buildModel}). */
const MAX_RUNS = 2;
/** Parses behind padding that a model keeps, at most (see {@link buildModel}). */
const MAX_KEPT_PADDED = 24;

/** The escape character the parser reads from the directives at the top of the file. */
function escapeCharOf(text: string, lines: LineIndex): string {
  let line = 0;
  while (line < lines.lineCount && /^\s*(#.*)?$/.test(lines.lineText(line))) line++;
  if (line === 0) return '\\';
  return DockerfileParser.parse(text.slice(0, lines.offsetAt({ line, character: 0 }))).getEscapeCharacter();
}

/**
 * First lines of the pieces the file is cut into: line 0, then every FROM that starts an
 * instruction. A FROM that might belong to a continued instruction or a heredoc body is never a
 * cut, so every piece parses the same alone as within the whole file. Heredocs are read as
 * dockerfile-ast reads them (see {@link heredocName}); an unclosed one keeps the rest of the file in
 * one piece, and one opened on a line that continues, or on a line with the escape character
 * (which can make or change a marker), stops cutting from there on. So does anything else where
 * the parser's reading is hard to follow (a keyword or ONBUILD's trigger continued on the next
 * line, lone CR line ends in a continued RUN, escape characters in a comment inside one): a
 * missed cut costs a larger parse, a wrong one a wrong model.
 */
export function splitPieces(lines: LineIndex, escapeChar: string): number[] {
  const starts = [0];
  const text = lines.text;
  const escape = escapeChar.charCodeAt(0);
  let continuing = false;
  /** Whether the instruction the line belongs to can open heredocs (RUN, COPY, ADD, or ONBUILD with one of them). */
  let opensHeredocs = false;
  const heredocs: { word: string; tabs: boolean }[] = [];
  for (let l = 0; l < lines.lineCount; l++) {
    const start = lines.lineStart(l);
    const end = lines.lineEndOffset(l);
    if (heredocs.length > 0) {
      const t = text.slice(start, end);
      if ((heredocs[0].tabs ? t.replace(/^\t+/, '') : t) === heredocs[0].word) heredocs.shift();
      continue;
    }
    // The parser skips a byte order mark at the start of the file.
    let first = l === 0 && text.charCodeAt(0) === 0xfeff ? 1 : start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    // The parser continues a line on the escape character followed by spaces and tabs only.
    let last = end - 1;
    while (last > first && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9)) last--;
    if (first === end || text.charCodeAt(first) === 35 /* # */) {
      // A comment inside a continuation: the parser's argument reader takes escape characters in
      // it (each adds the character after it), and one before a lone CR drops a character of the
      // next line; where that can make a marker, we stop cutting.
      if (continuing && opensHeredocs && first < end && (hasCharIn(text, first, last, escape) || (text.charCodeAt(last) === escape && isLoneCR(text, end)))) return starts;
      continue;
    }
    const continued: boolean = continuing;
    // The escape character opening a continued line: the parser skips it and reads a # after it
    // as a comment, which keeps the instruction open; we cannot tell where it ends.
    if (continued && text.charCodeAt(first) === escape) return starts;
    let argsFrom = first;
    if (!continuing) {
      if (l > 0 && isFromAt(text, first, end)) starts.push(l);
      argsFrom = wordEnd(text, first, end);
      const opens = opensHeredocsAt(text, first, argsFrom, last, end, escapeChar);
      // A keyword (or ONBUILD's trigger) that goes on past the line: we do not know which it is.
      if (opens === undefined) return starts;
      opensHeredocs = opens;
    }
    // A line that ends with the escape character (blanks aside) goes on for BuildKit, and the
    // parse follows it there when the parser's own reading ended it (see parse.ts).
    const endsWithEscape = text.charCodeAt(last) === escape;
    continuing = ((continued || endsWithEscape) && continuesAfter(text, argsFrom, end, escape, continued)) || (endsWithEscape && hiddenContinuation(text, start, argsFrom, end, escape).length > 0);
    // The parser's argument reader drops the character after a lone CR that ends a continued line.
    if (continuing && opensHeredocs && isLoneCR(text, end)) return starts;
    if (opensHeredocs && mayHaveMark(text, first, end, escape)) {
      // The parser takes every argument that starts with << (and is longer) as a heredoc marker;
      // with one <<- among them, the terminators of all may be indented with tabs.
      const line = text.slice(first, end);
      // The escape character on such a line can make a marker of what is none here (`\\<<EOF`
      // reads as <<EOF) or change a name; and a marker on a line that continues opens its body
      // later: we cannot tell where the bodies end, so no more cuts. A continued line that starts
      // in column 0 joins its first word to the last word before the escape (a\ / <<X is `a<<X`).
      if (continuing || line.includes(escapeChar) || (continued && first === start)) return starts;
      const words = line.split(/[ \t\r\n]+/).filter((w) => w.length > 2 && w.startsWith('<<'));
      if (words.length === 0) continue;
      // An argument containing -- can be dropped with the flags before it (RUN <<X-- --a).
      if (words.some((w) => w.includes('--'))) return starts;
      const tabs = words.some((w) => w.startsWith('<<-'));
      for (const w of words) {
        const word = heredocName(w);
        if (word === undefined) continue;
        // An empty name never matches a line: the body runs to the end of the file.
        if (word === '') return starts;
        heredocs.push({ word, tabs });
      }
    }
  }
  return starts;
}

/** Keywords whose arguments the parser reads heredocs from (ONBUILD: its trigger's). */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/**
 * Whether the instruction whose first line is `text[first, end)` (last character not a space or
 * tab at `last`) can open heredocs; undefined when its keyword, or ONBUILD's trigger, goes on
 * past the line (the parser joins `RU\` and `N`, and takes ONBUILD's trigger from the next line).
 */
function opensHeredocsAt(text: string, first: number, keywordEnd: number, last: number, end: number, escapeChar: string): boolean | undefined {
  if (keywordEnd > last && last > first && text[last] === escapeChar) return undefined;
  const keyword = text.slice(first, keywordEnd).toUpperCase();
  if (keyword !== 'ONBUILD') return HEREDOC_KEYWORDS.has(keyword);
  let trigger = keywordEnd;
  while (trigger < end && (text.charCodeAt(trigger) === 32 || text.charCodeAt(trigger) === 9)) trigger++;
  const word = text.slice(trigger, wordEnd(text, trigger, end));
  return word.includes(escapeChar) ? undefined : HEREDOC_KEYWORDS.has(word.toUpperCase());
}

/** End of the word at `from` (the first space or tab, or the line's end). */
function wordEnd(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
  return i;
}

/**
 * Whether dockerfile-ast's parser goes on past the line whose arguments are `text[from, end)`: the
 * escape character before the line break, or before spaces and tabs up to it, continues the line;
 * before spaces and then another character it makes the parser skip that character (`a \ \` ends
 * the line, where {@link parseAsBuildKit} makes it go on); inside a continuation (`escaped`), a #
 * after spaces and escape characters only opens a comment, which keeps the instruction open.
 */
function continuesAfter(text: string, from: number, end: number, escape: number, escaped: boolean): boolean {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === escape) {
      if (i + 1 === end) return true;
      const next = text.charCodeAt(i + 1);
      if (next !== 32 && next !== 9) continue;
      let j = i + 2;
      while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (j === end) return true;
      i = j;
    } else if (c === 35 /* # */ && escaped) return true;
    else if (c !== 32 && c !== 9) escaped = false;
  }
  return escaped;
}

function isLoneCR(text: string, lineEnd: number): boolean {
  return text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) !== 10;
}

/**
 * The name of the heredoc a `<<...` argument opens, as dockerfile-ast reads it: after `<<` and an
 * optional `-`, without the double and then single quotes around it (a name that opens a quote
 * it does not close is no heredoc), and none when it starts with `<` (`<<<`).
 */
export function heredocName(word: string): string | undefined {
  let name = word.slice(word.startsWith('<<-') ? 3 : 2);
  for (const quote of ['"', "'"]) {
    if (!name.startsWith(quote)) continue;
    if (!name.endsWith(quote)) return undefined;
    // substring, as the parser: a lone quote stays (its start and end indexes cross).
    name = name.substring(1, name.length - 1);
  }
  return name.startsWith('<') ? undefined : name;
}

/** Whether `text[from, to)` has the character `code` (a bounded scan: indexOf would run past the line). */
function hasCharIn(text: string, from: number, to: number, code: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === code) return true;
  return false;
}

/**
 * Whether `text[from, end)` can hold a heredoc marker as the parser's argument reader reads it:
 * `<<` once escape characters before other characters are dropped (`\<\<EOF` is `<<EOF`), or a
 * `<` before an escape that continues the line (the next line may start with `<`).
 */
function mayHaveMark(text: string, from: number, end: number, escape: number): boolean {
  // Most lines have no < at all (a slice, not indexOf on the text: that would run past the line).
  const at = text.slice(from, end).indexOf('<');
  if (at < 0) return false;
  /** The last character read (escapes dropped), 0 after a space or tab. */
  let prev = 0;
  for (let i = from + at; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c === escape) {
      let j = i + 1;
      while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (j === end) return prev === 60;
      if (j > i + 1) {
        prev = 0;
        continue;
      }
      c = text.charCodeAt(++i);
    }
    if (c === 60 /* < */ && prev === 60) return true;
    prev = c === 32 || c === 9 ? 0 : c;
  }
  return false;
}

/** True when the line part `text[at, end)` starts with the FROM keyword (any case). */
function isFromAt(text: string, at: number, end: number): boolean {
  if (end - at < 4 || text.slice(at, at + 4).toUpperCase() !== 'FROM') return false;
  const next = text.charCodeAt(at + 4);
  return at + 4 === end || next === 32 || next === 9;
}

/**
 * Parses pieces `from` to `to` (exclusive) in one go. Unless they start at line 0, their text is
 * parsed behind blank lines (and the escape directive, if any) up to their first line, so the
 * positions are the document's own.
 */
function parseRange(text: string, lines: LineIndex, escapeChar: string, starts: number[], from: number, to: number, scripts?: Map<string, ScriptMade>): ParsedPiece[] {
  const first = starts[from];
  const body = text.slice(lines.lineStart(first), to < starts.length ? lines.lineStart(starts[to]) : text.length);
  const directive = first > 0 && escapeChar !== '\\' ? `# escape=${escapeChar}` : '';
  const source = first > 0 ? directive + '\n'.repeat(first) + body : body;
  const sourceLines = from === 0 && to === starts.length ? lines : new LineIndex(source);
  const hidden: number[] = [];
  const ast = parseAsBuildKit(source, sourceLines, hidden);
  const shareOf = <T>(items: T[], lineOf: (item: T) => number): T[][] => {
    const out: T[][] = starts.slice(from, to).map(() => []);
    let k = 0;
    for (const item of items) {
      const line = lineOf(item);
      while (from + k + 1 < to && line >= starts[from + k + 1]) k++;
      out[k].push(item);
    }
    return out;
  };
  const all = ast.getInstructions();
  const ranges = all.map((n) => n.getRange());
  const indexes = shareOf(all.map((_, i) => i), (i) => ranges[i].start.line);
  // The first escape character read as a blank within each node (both lists are in order).
  let h = 0;
  const hiddenAt: (number | undefined)[] = hidden.length === 0 ? [] : ranges.map((r) => {
    const from = sourceLines.offsetAt(r.start);
    while (h < hidden.length && hidden[h] < from) h++;
    return h < hidden.length && hidden[h] < sourceLines.offsetAt(r.end) ? hidden[h] : undefined;
  });
  const comments = shareOf(ast.getComments().map(commentOf), (c) => c.line);
  return indexes.map((members, i) => {
    const k = from + i;
    const runs = new Map<Instruction, RunScript>();
    const made: ScriptMade[] = [];
    for (const j of members) {
      const node = all[j];
      if (node.getKeyword().toUpperCase() !== 'RUN') continue;
      const at = sourceLines.offsetAt(ranges[j].start);
      const key = escapeChar + source.slice(at, sourceLines.offsetAt(ranges[j].end));
      const known = scripts?.get(key);
      const entry = known ?? { key, run: runScript(node as Run, sourceLines, escapeChar), at };
      scripts?.set(key, entry);
      made.push(known ? { ...known, key } : entry);
      runs.set(node, movedScript(entry.run, at - entry.at));
    }
    const nodes = members.map((j) => all[j]);
    const base = sourceLines.lineStart(starts[k]);
    const hiddenOf = members.map((j) => {
      const at = hiddenAt[j];
      return at === undefined ? undefined : at - base;
    });
    return { ast, padded: first > 0, nodes, ranges: members.map((j) => ranges[j]), comments: comments[i], initialArgs: k === 0 ? ast.getInitialARGs() : [], runs, made, hidden: hiddenOf, base };
  });
}

function commentOf(c: { getContent(): string | null | undefined; getRange(): Range }): { content: string; line: number } {
  return { content: c.getContent() ?? '', line: c.getRange().start.line };
}

/** Builds the model from parsed pieces: instructions, stages, ignore comments, reachability. */
function assemble(text: string, lines: LineIndex, escapeChar: string, parts: { piece: ParsedPiece; offset: number }[], reuse: ModelReuse, target?: string): DockerfileModel {
  const globalIgnored = new Set<string>();
  const instructions: Instr[] = [];
  const stages: Stage[] = [];
  const stagesByName = new Map<string, Stage>();
  const argDefaults = new Map<string, string>();
  for (const arg of parts[0]?.piece.initialArgs ?? []) recordArg(arg, argDefaults, escapeChar);
  const firstRange = parts.find((p) => p.piece.nodes.length > 0)?.piece.ranges[0];
  const comments = collectComments(
    parts.flatMap((p) => p.piece.comments),
    firstRange?.start.line ?? Number.MAX_SAFE_INTEGER,
    lines,
    globalIgnored,
  );

  let current: Stage | undefined;
  for (const { piece, offset } of parts) {
    const shift = offset - piece.base;
    piece.nodes.forEach((node, n) => {
      const keyword = node.getKeyword().toUpperCase();
      const range = piece.ranges[n];
      const instr: Instr = { keyword, node, range, index: instructions.length, stage: current, ignored: ignoresAbove(range.start.line, comments, lines) };
      const hidden = piece.hidden[n];
      if (hidden !== undefined) instr.hiddenFrom = hidden + offset;
      if (keyword === 'FROM') {
        const from = fromInfo(node as From, argDefaults, stagesByName);
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
          globalArgs: argDefaults,
          escapeChar,
        };
        instr.stage = current;
        stages.push(current);
        if (current.name !== undefined) stagesByName.set(current.name, current);
      } else if (current) {
        current.instructions.push(instr);
        const run = piece.runs.get(node);
        if (run) instr.run = movedScript(run, shift);
      }
      instructions.push(instr);
    });
  }

  markReachability(stages, target);
  return { text, lines, escapeChar, instructions, stages, globalIgnored, reuse };
}

function recordArg(arg: Arg, into: Map<string, string>, escapeChar: string): void {
  const prop = arg.getProperty();
  if (!prop) return;
  const name = prop.getName();
  const value = builderWord(prop, escapeChar);
  if (!name || value === undefined) return;
  // A default is expanded with the ARGs above it (`ARG BASE=python:${PY}`); one it cannot expand is unknown.
  const expanded = substituteArgs(value, into);
  if (expanded == null) into.delete(name);
  else into.set(name, expanded);
}

/**
 * The longest value an expansion gives, in characters: Linux's PATH_MAX (4,096 bytes), so no folder
 * a rule reads from a longer value exists (creating or opening it fails), and the switches and
 * options a Dockerfile sets are far shorter. A value that appends to itself (`ENV PATH=$PATH:/x`,
 * `ARG A=$A/x`) made n values n long when repeated: past this it is set to a value not known.
 */
const LONGEST_VALUE = 4096;

/**
 * An ENV or ARG value as the builder reads it before expanding it (BuildKit's lexer, as the
 * Dockerfile reference's "Environment replacement" describes it): quotes taken off, an escaped
 * character kept as it is, and each `$` that single quotes or the escape character keep as text
 * (`ENV A='$B/x'`, `ENV A=\\$B/x`: the value is `$B/x`) written {@link LITERAL_DOLLAR}, which
 * names no variable: the shell does not expand a variable's value again. In double quotes only
 * `"`, `$` and the escape character are escaped.
 */
function builderWord(prop: Property, escapeChar: string): string | undefined {
  const raw = prop.getUnescapedValue()?.replaceAll(LITERAL_DOLLAR, '');
  if (raw === undefined || raw === null) return undefined;
  let out = '';
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    let ch = raw[i];
    if (quote === "'" ? ch === "'" : ch === '"' || (ch === "'" && !quote)) quote = quote ? '' : ch;
    else if (quote === "'") out += ch === '$' ? LITERAL_DOLLAR : ch;
    else {
      if (ch === escapeChar && i + 1 < raw.length && (!quote || `"$${escapeChar}`.includes(raw[i + 1]))) ch = raw[++i] === '$' ? LITERAL_DOLLAR : raw[i];
      out += ch;
    }
  }
  return out;
}

/**
 * Substitutes `$X`, `${X}`, `${X:-w}`, `${X-w}`, `${X:+w}`, `${X+w}` and the trims `${X%p}`,
 * `${X%%p}`, `${X#p}`, `${X##p}` from `args` (ARG defaults, a shell's variables), as dash and
 * BuildKit do: a word naming variables itself (`${E:-${D}/x}`) is expanded where it is taken; a
 * trim is read where its pattern is plain (text, `*`, `?`). Null when a variable it reads is set to
 * a value not known (null from `args`; no default or alternative is taken for it), a trim's pattern
 * is not plain, or the result is longer than {@link LONGEST_VALUE} and than `raw`; else undefined
 * when one is unknown or another `${...}` form (`${X:=w}`, `${#X}`) is used.
 */
export function substituteArgs(raw: string, args: VariableLookup): string | null | undefined {
  const read = expandWord(raw, 0, 0, args, false);
  return read.notKnown || (read.text.length > LONGEST_VALUE && read.text.length > raw.length) ? null : read.unknown ? undefined : read.text;
}

/** Undefined: unknown; null: set, to a value not known. */
export type VariableLookup = { get(name: string): string | undefined | null };

/**
 * A command's word with the variables `env` gives expanded as {@link substituteArgs} reads a value,
 * each expansion it cannot read left as written (`$NOPE`, `${X%[ab]}`), and so `${NOPE:-w}` where
 * `env` does not know NOPE; HOME stays `$HOME` (paths treat it as `~`). A value's quotes are its own
 * (the builder and the shell took off those of the assignment).
 */
export function expandVars(text: string, env: (name: string) => string | undefined | null): string {
  return expandWord(text, 0, 0, { get: (n) => (n === 'HOME' ? '$HOME' : env(n)) }, true).text;
}

/** {@link substituteArgs} of `raw` from `i`: up to the `}` that closes the word `nested` braces deep (none: to the end); where it stopped. `keep`: {@link expandVars}. */
function expandWord(raw: string, i: number, nested: number, args: VariableLookup, keep: boolean): { text: string; unknown: boolean; notKnown: boolean; end: number } {
  let text = '';
  let unknown = false;
  let notKnown = false;
  // An expansion from `from` not read: null, set to a value not known; else unknown.
  const miss = (from: number, value?: null) => {
    if (value === null) notKnown = true;
    else unknown = true;
    if (keep) text += raw.slice(from, i);
  };
  while (i < raw.length && !(nested && raw[i] === '}')) {
    if (raw[i] !== '$') {
      text += raw[i++];
      continue;
    }
    const from = i;
    NAME.lastIndex = i + 1;
    const bare = NAME.exec(raw);
    if (bare) {
      // (`args` may expand another value, with NAME again.)
      i += 1 + bare[0].length;
      const value = args.get(bare[0]);
      if (value == null) miss(from, value);
      else text += value;
      continue;
    }
    if (raw[i + 1] !== '{') {
      text += raw[i++];
      continue;
    }
    BRACED.lastIndex = i + 2;
    const m = BRACED.exec(raw);
    // Deeper than 20 braces: not read (each level is a call).
    const word = nested < 20 ? expandWord(raw, m ? BRACED.lastIndex : i + 2, nested + 1, args, keep) : { text: '', unknown: true, notKnown: false, end: raw.length };
    i = word.end + 1;
    const op = m?.[2] ?? '';
    // A form not read (or left open): unknown.
    if (!m || word.end >= raw.length || (!op && word.text !== '') || /[=?]/.test(op)) {
      miss(from);
      continue;
    }
    const value = args.get(m[1]);
    // The word where it is taken, its own unknowns with it.
    const take = () => ([text, unknown, notKnown] = [text + word.text, unknown || word.unknown, notKnown || word.notKnown]);
    // Kept, a variable the file does not set may be the base image's (rust's CARGO_HOME): its default is not taken.
    if (value === null || (keep && value === undefined)) miss(from, value);
    else if (op === ':-' || op === '-') {
      if (value !== undefined && (op === '-' || value !== '')) text += value;
      else take();
    } else if (op === ':+' || op === '+') {
      if (value !== undefined && (op === '+' || value !== '')) take();
    } else if (value === undefined || word.unknown) miss(from);
    else if (!op) text += value;
    // A trim whose pattern is not plain text, `*` and `?`: set, to a value not known.
    else if (word.notKnown || value.length > LONGEST_VALUE || /[[\\]/.test(word.text)) miss(from, null);
    else text += trim(value, op, word.text);
  }
  return { text, unknown, notKnown, end: i };
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const BRACED = /([A-Za-z_][A-Za-z0-9_]*)(:?[-+=?]|%%?|##?)?/y;

/**
 * `${value%pattern}` (`%%`, `#`, `##`) for a pattern of text, `*` and `?`: the shortest (doubled:
 * longest) match taken off the end (`#`: the start). The pattern runs as an automaton over the
 * value (both reversed for `%`), every prefix at once: a regular expression per prefix would
 * backtrack without bound on a pattern of many `*`.
 */
function trim(value: string, op: string, pattern: string): string {
  const flip = (s: string) => (op[0] === '%' ? [...s].reverse() : [...s]);
  const [text, pat] = [flip(value), flip(pattern)];
  let best = -1;
  for (let i = 0, on = new Set([0]); on.size > 0; i++) {
    // A `*` may match nothing. (A Set's loop also visits what is added to it.)
    for (const j of on) if (pat[j] === '*') on.add(j + 1);
    if (on.has(pat.length)) best = i;
    if (i === text.length || (best >= 0 && !op[1])) break;
    const next = new Set<number>();
    for (const j of on) next.add(pat[j] === '*' ? j : pat[j] === '?' || pat[j] === text[i] ? j + 1 : -1);
    next.delete(-1);
    on = next;
  }
  return best < 0 ? value : op[0] === '%' ? [...text.slice(best)].reverse().join('') : text.slice(best).join('');
}

/**
 * `earlier`: the stages above the FROM by name, the last of each name (the one a reference to it
 * names). A search of the list per FROM, which copied it too, was quadratic in stages.
 */
function fromInfo(node: From, args: Map<string, string>, earlier: ReadonlyMap<string, Stage>): FromInfo {
  const raw = node.getImage() ?? '';
  const imageRange = node.getImageRange() ?? node.getRange();
  const image = substituteArgs(raw, args) ?? undefined;
  const platformFlag = node.getFlags().find((f) => f.getName().toLowerCase() === 'platform');
  const lower = (image ?? raw).toLowerCase();
  // A FROM names an earlier stage when the whole reference equals a stage name (Docker's rule).
  const stage = earlier.get(lower);
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
function markReachability(stages: Stage[], target?: string): void {
  if (stages.length === 0) return;
  const named = target === undefined ? undefined : stages.find((s) => s.name === target.toLowerCase());
  const final = named ?? stages[stages.length - 1];
  final.isFinal = true;
  const byRef = (ref: string) => stageByRef(stages, ref);
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

/** The stage a `--from=` value names: a stage name or index (an image reference names none). */
export function stageByRef(stages: readonly Stage[], ref: string): Stage | undefined {
  const r = ref.toLowerCase();
  if (/^\d+$/.test(r)) return stages[Number(r)];
  return stages.find((s) => s.name === r);
}

/** The stage at the root of `stage`'s FROM chain: the one that names an image (a FROM names only earlier stages). */
export function rootStage(stage: Stage): Stage {
  while (stage.from.stage) stage = stage.from.stage;
  return stage;
}

/** The stage the build produces (see {@link buildModel}'s `target`). */
export function finalStage(model: DockerfileModel): Stage | undefined {
  return model.stages.find((s) => s.isFinal);
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
    .map((f) => ownCopy(f.getValue() ?? ''));
  const heredocs = node.getHeredocs();
  const args = node.getArguments();
  const text = lines.text;
  // dockerfile-ast gives the words of the bodies as arguments too: the command line's end before them.
  const commandEndOffset = heredocs.length > 0 ? commandEnd(heredocs[0], lines) : undefined;
  const commandWords = commandEndOffset === undefined ? args : args.filter((a) => lines.offsetAt(a.getRange().start) < commandEndOffset);
  const words = heredocs.length > 0 ? commandWords.map((a) => a.getValue()) : undefined;
  if (words && runsFirstBody(words)) {
    // `RUN <<EOF` runs the heredoc body as the script; words map one to one.
    const content = bodyRange(heredocs[0]);
    const start = content ? lines.offsetAt(content.start) : lines.offsetAt(heredocs[0].getNameRange().end);
    const end = content ? heredocBodyEnd(heredocs[0], content, lines) : start;
    const body = ownCopy(text.slice(start, end));
    // A body BuildKit runs as a file, by the interpreter its `#!` line names: no shell commands.
    if (words.length === 1 && runByOtherInterpreter(body)) return { form: 'heredoc', text: body, commands: [], balanced: false, mounts, docOffset: fromOffset(start) };
    const scanned = scanShell(body);
    // Its -c scripts are read in place among its other commands where they can be (one that is
    // the whole body too: the body's text outside it stays the shell's), else for what they run only (hidden).
    const nested = innerScript(scanned.commands, body, false);
    if (nested && 'commands' in nested) {
      const quoted = 'quoted' in nested ? nested.quoted : [{ ...nested.inner, from: scanned.commands[0].start, to: scanned.commands[0].end }];
      return { form: 'heredoc', text: body, commands: nested.commands, balanced: scanned.balanced && nested.balanced, quoted, ...(nested.hidden && { hidden: nested.hidden }), mounts, docOffset: fromOffset(start) };
    }
    return { form: 'heredoc', text: body, commands: scanned.commands, balanced: scanned.balanced, ...nested, mounts, docOffset: fromOffset(start) };
  }
  if (args.length === 0) {
    // The offset, not the parse: a RUN kept from an earlier version must not keep that text alive.
    const end = lines.offsetAt(node.getRange().end);
    return { form: 'shell', text: '', commands: [], balanced: true, mounts, docOffset: fromOffset(end, 0) };
  }
  const first = args[0].getValue();
  // An escaped blank before anything else, continued on the next line (`RUN \ \`), is read as an
  // empty argument that reaches back before the arguments: the script starts at that escaped
  // blank, as BuildKit hands it to the shell.
  const startOffset = lines.offsetAt(first === '' ? args[0].getRange().end : args[0].getRange().start);
  const endOffset = commandEndOffset ?? lines.offsetAt(node.getRange().end);
  const joined = joinContinuations(text, startOffset, endOffset, escapeChar);
  const { starts, docs } = joined;
  const script = ownCopy(joined.script);
  // Exec form when the arguments start with a JSON array, as Docker reads them (leadingJsonArray):
  // the text after the array is dropped, and an array of other values than strings fails the
  // build, so it runs nothing here. Its text and command end at the closing bracket.
  const array = first.startsWith('[') ? leadingJsonArray(script) : undefined;
  if (array) {
    const arrayEnd = runOffset(starts, docs, script.length, endOffset, array.end - 1) + 1;
    // Each string where it is written, read from the joined text: a comment line among the
    // array's lines is no end of it (dockerfile-ast's JSON strings stop there).
    const at = (i: number) => runOffset(starts, docs, script.length, endOffset, i) - startOffset;
    const words = array.words.map((value, k) => ({ value: ownCopy(value), start: at(array.spans[k][0]), end: at(array.spans[k][1] - 1) + 1 }));
    const cmd: ShellCommand = { words, before: '', after: '', conditional: false, start: 0, end: arrayEnd - startOffset };
    const execText = ownCopy(text.slice(startOffset, arrayEnd));
    const nested = innerScript([cmd], execText, true);
    if (nested && 'inner' in nested) return { form: 'exec', text: execText, ...nested, mounts, docOffset: fromOffset(startOffset) };
    return { form: 'exec', text: execText, commands: words.length ? [cmd] : [], balanced: true, ...nested, mounts, docOffset: fromOffset(startOffset) };
  }
  const scanned = scanShell(script);
  const nested = innerScript(scanned.commands, script, false);
  const read = nested && 'commands' in nested ? nested : undefined;
  const fed = heredocs.length > 0 ? shellsFedBodies(scanned.commands, heredocs, lines) : undefined;
  return {
    form: 'shell',
    text: script,
    ...(read ?? nested),
    ...(fed && { hidden: (nested?.hidden ?? read?.commands ?? scanned.commands).flatMap((c) => fed.get(c) ?? [c]) }),
    commands: read?.commands ?? scanned.commands,
    balanced: scanned.balanced && (read?.balanced ?? true),
    mounts,
    docOffset: joinedOffsets(starts, docs, script.length, endOffset),
  };
}

/*
 * The offset functions of RUN scripts are made in functions of their own, so that they hold only
 * their numbers: a closure made in runScript would hold runScript's scope, and with it the line
 * table and text of the parse (a script outlives its parse, see {@link ScriptMade}).
 */

/** Offsets from `start` on, one for one (`step` 0: always `start`). */
function fromOffset(start: number, step = 1): (i: number) => number {
  return (i) => start + i * step;
}

/** The offsets of a script joined from several runs of the document (see {@link joinContinuations}). */
function joinedOffsets(starts: number[], docs: number[], scriptLength: number, past: number): (i: number) => number {
  return (i) => runOffset(starts, docs, scriptLength, past, i);
}

/**
 * `run` with its document offsets moved by `shift`. A function of its own, so the new offset
 * function holds only the script and the shift, not the parse it was called from.
 */
function movedScript(run: RunScript, shift: number): RunScript {
  return shift === 0 ? run : { ...run, docOffset: (i) => run.docOffset(i) + shift };
}

/** Shells that read a script from standard input, with options that keep them doing so (no `-c`). */
const STDIN_SHELLS = new RegExp(`^(?:/(?:usr/)?bin/)?${SHELL_NAMES}$`);

/**
 * Whether a here-document body BuildKit runs as the script (`RUN <<EOF` alone) names another
 * interpreter than a shell on a first line starting with `#!`: BuildKit (dispatchRun, as we know
 * its source) then writes the body to a file and runs that file, which the kernel hands to the
 * interpreter named there, so `#!/usr/bin/env python3` makes it a Python script. It looks at the
 * body as written (a tab before `#!` under `<<-` makes no `#!` line). For `/usr/bin/env` (and
 * busybox) the program is the next word that is no option or assignment (`env -S bash -e`).
 */
function runByOtherInterpreter(body: string): boolean {
  if (!body.startsWith('#!')) return false;
  const eol = body.indexOf('\n');
  const words = body.slice(2, eol < 0 ? body.length : eol).trim().split(/[ \t]+/);
  let k = 0;
  if (/(?:^|\/)(?:env|busybox)$/.test(words[0])) {
    k = 1;
    while (k < words.length && (words[k].startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]))) k++;
  }
  const program = words[k] ?? '';
  return program !== '' && !SHELL_PATH.test(program);
}

/**
 * Whether the first here-document's body is what a RUN runs: BuildKit makes the body the script
 * when the arguments are that one marker (`RUN <<EOF`); otherwise it hands the shell the command
 * line with the bodies after it, as the shell's own here-documents, and a body is the input of its
 * command: a file `cat <<EOF > /x` writes, a Python script. A shell reading it as its script
 * (`RUN bash -e <<EOF`, `RUN <<EOF sh`) runs it all the same, so that reads as the body too.
 */
function runsFirstBody(args: string[]): boolean {
  const markers = args.filter((a) => /^\d*<<[^<]/.test(a));
  if (markers.length !== 1) return false;
  const rest = args.filter((a) => a !== markers[0]);
  if (rest.length === 0) return true;
  if (!STDIN_SHELLS.test(rest[0])) return false;
  return rest.slice(1).every((w, i, ws) => (/^[-+][a-zA-Z]+$/.test(w) && !w.includes('c')) || (ws[i - 1] === '-o' || ws[i - 1] === '+o'));
}

/**
 * The shells of a RUN's command line that read a here-document as their script (`RUN <<CONF cat
 * >/etc/x.conf && <<SCRIPT sh`: no `-c`, no script file, standard input the document), each with
 * the commands of that body ({@link scriptCommands}); undefined when there is none. The k-th
 * here-document of the line is the parser's k-th: none is read where their names differ.
 */
function shellsFedBodies(commands: readonly ShellCommand[], heredocs: ReturnType<Run['getHeredocs']>, lines: LineIndex): Map<ShellCommand, ShellCommand[]> | undefined {
  let fed: Map<ShellCommand, ShellCommand[]> | undefined;
  let k = 0;
  for (const c of commands) {
    for (const r of c.redirects ?? []) {
      if (!opensHereDocument(r)) continue;
      const h = heredocs[k++];
      if (!h || h.getName() !== r.value || !/^0?<<-?$/.test(r.op) || !STDIN_SHELLS.test(c.words[0]?.value ?? '')) continue;
      const opts = shellOptions(c.words, 1);
      if (opts.command || (!opts.stdin && opts.operand < c.words.length)) continue;
      const content = bodyRange(h);
      const body = content ? lines.text.slice(lines.offsetAt(content.start), heredocBodyEnd(h, content, lines)) : '';
      (fed ??= new Map()).set(c, scriptCommands(r.op.endsWith('-') ? body.replace(/^\t+/gm, '') : body));
    }
  }
  return fed;
}

/**
 * The here-document's body as dockerfile-ast gives it, or undefined when it has none: for an
 * unclosed one whose marker line ends the file (`RUN <<EOF` and a line break, the file's last
 * line), the parser gives a body that starts on the marker's line (after its keyword), and the
 * command line read up to the line before it ended before the RUN: no commands, and offsets in
 * the line above, which a RUN of the same text elsewhere does not share.
 */
function bodyRange(heredoc: ReturnType<Run['getHeredocs']>[number]): Range | undefined {
  const content = heredoc.getContentRange();
  return content && content.start.line > heredoc.getStartRange().start.line ? content : undefined;
}

/** Where the command line of a RUN with here-documents ends: the line break before the first body (or its terminator). */
function commandEnd(heredoc: ReturnType<Run['getHeredocs']>[number], lines: LineIndex): number | undefined {
  const next = bodyRange(heredoc)?.start ?? heredoc.getDelimiterRange()?.start;
  return next && next.line > 0 ? lines.lineEndOffset(next.line - 1) : undefined;
}

/**
 * Where a here-document's body ends. After a body line that ends with the escape character,
 * dockerfile-ast reads the terminator line as part of the body (it reports no delimiter), while
 * the builder compares each raw body line with the terminator and stops there: the shell gets the
 * lines before it, the last one continued by its backslash. So a body whose last line is the
 * terminator (with `<<-`, after its leading tabs) ends where that line starts.
 */
function heredocBodyEnd(heredoc: ReturnType<Run['getHeredocs']>[number], content: Range, lines: LineIndex): number {
  const end = lines.offsetAt(content.end);
  if (heredoc.getDelimiterRange() || content.end.line === content.start.line) return end;
  const lastLine = lines.lineStart(content.end.line);
  const chomp = lines.text.startsWith('<<-', lines.offsetAt(heredoc.getStartRange().start));
  const line = lines.text.slice(lastLine, end);
  return (chomp ? line.replace(/^\t+/, '') : line) === heredoc.getName() ? lastLine : end;
}

/**
 * The here-documents of a RUN, COPY or ADD as the builder hands them on, in order: the name, the
 * body (the lines before the terminator, their leading tabs dropped for `<<-`), and whether the
 * marker is quoted (`<<'EOF'`, `<<"EOF"`, `<<\EOF`: no expansion in the body). A marker without a
 * body gives an empty one. `line`: where its body starts (the instruction's arguments from there
 * on are the parser's reading of the bodies).
 */
export function hereDocuments(model: DockerfileModel, instr: Instr): { name: string; body: string; quoted: boolean; line?: number }[] {
  const lines = model.lines;
  return (instr.node as Run).getHeredocs().map((h) => {
    const content = bodyRange(h);
    const marker = model.text.slice(lines.offsetAt(h.getStartRange().start), lines.offsetAt(h.getStartRange().end));
    let body = content ? model.text.slice(lines.offsetAt(content.start), heredocBodyEnd(h, content, lines)) : '';
    if (marker.startsWith('<<-')) body = body.replace(/^\t+/gm, '');
    return { name: h.getName(), body, quoted: /['"\\]/.test(marker), line: content?.start.line };
  });
}

/**
 * Reads `# size-hints ignore=a,b` / `# hadolint ignore=DL3009` comments. Returns the comments by
 * line so an instruction can find those directly above it; global ones go into `globalIgnored`.
 */
function collectComments(parsed: { content: string; line: number }[], firstInstructionLine: number, lines: LineIndex, globalIgnored: Set<string>): Map<number, string[]> {
  const byLine = new Map<number, string[]>();
  // dockerfile-ast reads comments at the very top as parser directives, so take those lines raw.
  const topLines: { content: string; line: number }[] = [];
  for (let line = 0; line < Math.min(firstInstructionLine, lines.lineCount); line++) {
    const m = /^\s*#(.*)$/.exec(lines.lineText(line));
    if (m) topLines.push({ content: m[1], line });
  }
  const comments = [...topLines, ...parsed.filter((c) => c.line >= firstInstructionLine)];
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
function ignoresAbove(line: number, comments: Map<number, string[]>, lines: LineIndex): ReadonlySet<string> {
  if (comments.size === 0) return NO_IDS;
  let out: Set<string> | undefined;
  for (let l = line - 1; l >= 0; l--) {
    const ids = comments.get(l);
    if (ids) ids.forEach((id) => (out ??= new Set()).add(id));
    else if (!/^\s*#/.test(lines.lineText(l))) break;
  }
  return out ?? NO_IDS;
}

/** The ignore list of the instructions (nearly all) without an ignore comment above them. */
const NO_IDS: ReadonlySet<string> = new Set();

/** An ARG of a stage: its name and default as written, else the default of the ARG of that name before the first FROM (undefined when neither gives one). */
export interface StageArg {
  index: number;
  name: string;
  value?: string;
}

/**
 * The ARGs `stage` declares, in order. A RUN sees an ARG declared above it in its own stage as an
 * environment variable (its scope ends with the stage; an ENV of the same name wins over it). One
 * without a default takes the default of the ARG of that name before the first FROM, if any
 * (`ARG NODE_ENV=production`, then `FROM node` and `ARG NODE_ENV`), as the builder does.
 * A default is expanded as BuildKit expands it (`${X}`, `${X:-d}`, `${X:+a}`) with what is in scope
 * above it: the stage's earlier ARGs and the ENVs along its FROM chain (a global ARG only once the
 * stage declares it again); one naming anything else (a build argument without default, an ENV
 * of the base image) stays as written.
 */
export function stageArgs(stage: Stage): StageArg[] {
  return stageScope(stage).args;
}

/** What a stage declares: its ARGs (see {@link stageArgs}), its ENV instructions and the ENV values it leaves to the stages built on it, all expanded. */
interface StageScope {
  args: StageArg[];
  envs: StageEnv[];
  /** What expanding a variable reads at the stage's end (null: set, to a value not known). */
  env: Map<string, string | null>;
  /** By instruction index, the expanded path of each WORKDIR that names a variable (see {@link workdirPath}). */
  workdirs: Map<number, string | undefined>;
}

/** An ENV instruction of a stage: its variables, values expanded (see {@link stageEnvs}). */
export interface StageEnv {
  index: number;
  props: [string, string][];
}

const STAGE_SCOPE = new WeakMap<Stage, StageScope>();
function stageScope(stage: Stage): StageScope {
  let scope = STAGE_SCOPE.get(stage);
  if (scope) return scope;
  const env = new Map(stage.from.stage ? stageScope(stage.from.stage).env : undefined);
  const vars = new Map(env);
  // What a value shows (as written where it is not known) and what expanding it later reads: null
  // when set to a value not known (substituteArgs), so a value that appends to itself stays so.
  const expand = (raw: string): [string, string | null] => {
    const value = substituteArgs(raw, vars);
    return [value ?? raw, value === undefined ? raw : value];
  };
  const args: StageArg[] = [];
  const envs: StageEnv[] = [];
  const workdirs = new Map<number, string | undefined>();
  for (const i of stage.instructions) {
    if (i.keyword === 'WORKDIR') {
      const written = workdirText(i);
      if (written?.variable) workdirs.set(i.index, substituteArgs(written.path, vars) ?? undefined);
    } else if (i.keyword === 'ARG') {
      const prop = (i.node as Arg).getProperty();
      const name = prop?.getName();
      if (!prop || !name) continue;
      const raw = builderWord(prop, stage.escapeChar ?? '\\');
      const global = stage.globalArgs?.get(name);
      const [shown, value] = raw === undefined ? [global, global] : expand(raw);
      args.push({ index: i.index, name, value: shown });
      // An ENV of the same name wins over the ARG.
      if (env.has(name)) continue;
      if (value === undefined) vars.delete(name);
      else vars.set(name, value);
    } else if (i.keyword === 'ENV') {
      // All of one ENV's values are expanded with what was set before it (`ENV A=2 B=$A` gives B the old A).
      const props = (i.node as Env).getProperties().flatMap((p): [string, [string, string | null]][] => (p.getName() ? [[p.getName(), expand(builderWord(p, stage.escapeChar ?? '\\') ?? '')]] : []));
      envs.push({ index: i.index, props: props.map(([name, [shown]]) => [name, shown]) });
      for (const [name, [, value]] of props) {
        env.set(name, value);
        vars.set(name, value);
      }
    }
  }
  scope = { args, envs, env, workdirs };
  STAGE_SCOPE.set(stage, scope);
  return scope;
}

/** A WORKDIR's path as written, quotes around it taken off, and whether the builder expands a variable in it (not between single quotes). */
function workdirText(instr: Instr): { path: string; variable: boolean } | undefined {
  const raw = instr.node.getArgumentsContent()?.trim();
  if (!raw) return undefined;
  const path = raw.replace(/^["']|["']$/g, '');
  return { path, variable: path.includes('$') && !raw.startsWith("'") };
}

/**
 * The path a WORKDIR instruction names, as the builder reads it: quotes around it taken off and
 * `$X`, `${X}`, `${X:-d}` expanded with the stage's ARGs and the ENVs above it, as BuildKit
 * expands a WORKDIR (`ENV APP_HOME /app` then `WORKDIR $APP_HOME`). Undefined when it is empty or
 * names a variable the file does not set (an ARG without default, an ENV of the base image).
 */
export function workdirPath(instr: Instr): string | undefined {
  const written = workdirText(instr);
  if (!written?.variable || !instr.stage) return written?.path;
  return stageScope(instr.stage).workdirs.get(instr.index);
}

/**
 * The ENV instructions of `stage`, in order, with their values expanded as the builder expands
 * them: `${X}`, `${X:-d}`, `${X:+a}` from the stage's ARGs and the ENVs above (along the FROM
 * chain); a value naming anything else (an ENV of the base image) stays as written.
 */
export function stageEnvs(stage: Stage): readonly StageEnv[] {
  return stageScope(stage).envs;
}

/**
 * The ENV values in effect before `instr` in its stage, following the FROM chain to earlier
 * stages, over the defaults of the ARGs its own stage declares above it. Values are expanded as
 * the builder expands them where the file tells what they name ({@link stageEnvs}).
 */
export function envBefore(instr: Instr): Map<string, string> {
  const chain: Stage[] = [];
  for (let s = instr.stage; s; s = s.from.stage) chain.unshift(s);
  const env = new Map<string, string>();
  for (const a of instr.stage ? stageArgs(instr.stage) : []) {
    if (a.index >= instr.index) break;
    if (a.value === undefined) env.delete(a.name);
    else env.set(a.name, a.value);
  }
  for (const s of chain) {
    for (const e of stageEnvs(s)) {
      if (s === instr.stage && e.index >= instr.index) break;
      for (const [name, value] of e.props) env.set(name, value);
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
