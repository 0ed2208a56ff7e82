/**
 * Two searches dockerfile-ast makes while it parses, skipped where they cannot find anything. Each
 * reads an instruction's whole argument list, a position for every argument (our reader,
 * arguments.ts, does the reading), although an instruction whose text was parsed before keeps its
 * findings and is mostly never asked for its arguments again. Measured on an Enter and its undo in
 * a 1,000-line file (2026-12-03, the sampling heap profiler): the first was 557 of the 2,372 KB an
 * analysis allocated, the second 237 of the 1,910 KB left.
 *
 * 1. The bracket search. RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD and VOLUME share `JSONInstruction`'s
 *    constructor, which asks for the raw text of the arguments and walks it for the brackets and
 *    strings of an exec form. Every one it finds starts at a `[` in the text after the keyword:
 *    the arguments are made of that text's characters (escapes and line continuations only drop
 *    characters), and the walk makes nothing before it has met a `[`. Without a `[` there, the
 *    constructor ends with no opening bracket, no closing bracket and no JSON strings, which is
 *    also where it stops when the raw argument text is null. So the first call of
 *    `getRawArgumentsContent` on an instruction, which is the constructor's (nothing else can reach
 *    the object before), answers null for such an instruction; every later call answers as the
 *    library does.
 * 2. The here-document search. For each line that ends an instruction, the parser builds a
 *    throw-away instruction and, for RUN, COPY and ADD (also as an ONBUILD's trigger), looks for
 *    arguments starting with `<<`. Without a `<` after the keyword there is none. So while the
 *    library parses, a RUN, COPY or ADD with neither `<` nor `[` after its keyword answers
 *    `getArguments` with an empty list, not kept: only the library's own code runs during a
 *    parse, and for such an instruction only the here-document search asks (with a `[`, the
 *    bracket search asks too, and needs the real list).
 *
 * `test/unit/core/parseShortcuts.test.ts` holds the results equal to the library's own on the rule
 * fixtures and on generated and random Dockerfiles: instructions, ranges, here-documents,
 * brackets, strings, raw text, arguments and flags.
 */
import { DockerfileParser, JSONInstruction, ModifiableInstruction } from 'dockerfile-ast';

interface Fields {
  document: { getText(): string; offsetAt(position: unknown): number };
  range: { end: unknown };
  instructionRange: { end: unknown };
  instruction: string;
  [ASKED]?: true;
}

/** Set on an instruction once its constructor has asked for its raw argument text. */
const ASKED = Symbol('raw argument text asked');
/** The instructions the parser searches for here-documents. */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
/** Whether the keyword, as written (any case), is one of HEREDOC_KEYWORDS; upper case, as usual, costs no new string. */
const isHeredocKeyword = (keyword: string): boolean => HEREDOC_KEYWORDS.has(keyword) || (keyword.length <= 4 && HEREDOC_KEYWORDS.has(keyword.toUpperCase()));

/** The here-document search's answer when it cannot find one (it only iterates over the list; frozen all the same). */
const NO_ARGUMENTS = Object.freeze([]) as unknown as unknown[];

let on = true;
/** How deep in DockerfileParser.parse we are. */
let parsing = 0;

const BRACKET = 0x5b; // [
const LESS = 0x3c; // <

/** Whether the text after the instruction's keyword holds the character `code` (read in place: this runs for every instruction a parse makes). */
function after(node: Fields, code: number): boolean {
  const { document } = node;
  const text = document.getText();
  for (let i = document.offsetAt(node.instructionRange.end), end = document.offsetAt(node.range.end); i < end; i++) if (text.charCodeAt(i) === code) return true;
  return false;
}

const parser = DockerfileParser as { parse(content: string): ReturnType<typeof DockerfileParser.parse> };
const libraryParse = parser.parse;
parser.parse = (content: string) => {
  parsing++;
  try {
    return libraryParse(content);
  } finally {
    parsing--;
  }
};

const jsonProto = JSONInstruction.prototype as unknown as { getRawArgumentsContent(this: Fields): string | null };
const libraryRawArgumentsContent = jsonProto.getRawArgumentsContent;
jsonProto.getRawArgumentsContent = function (this: Fields): string | null {
  if (this[ASKED] !== undefined) return libraryRawArgumentsContent.call(this);
  this[ASKED] = true;
  return on && !after(this, BRACKET) ? null : libraryRawArgumentsContent.call(this);
};

/**
 * Puts the here-document shortcut in front of `getArguments` as it is now (model.ts calls this once
 * it has put its memoised methods in place, so that the empty answer is never kept).
 */
export function installHeredocShortcut(): void {
  const proto = ModifiableInstruction.prototype as unknown as { getArguments(this: Fields): unknown[] };
  const getArguments = proto.getArguments;
  proto.getArguments = function (this: Fields): unknown[] {
    if (on && parsing > 0 && isHeredocKeyword(this.instruction) && !after(this, LESS) && !after(this, BRACKET)) return NO_ARGUMENTS;
    return getArguments.call(this);
  };
}

/** Turns both shortcuts off (`false`: what is parsed from then on is parsed as the library parses it) or on again. For tests. */
export function parseShortcuts(enabled: boolean): void {
  on = enabled;
}
