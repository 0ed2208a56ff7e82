/**
 * dockerfile-ast's instructions with an exec form (RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME)
 * share one constructor, `JSONInstruction`'s, which looks for the form's brackets and strings
 * while the document is parsed: it asks for the raw text of the instruction's arguments, which
 * reads the whole argument list with a position for every argument, and then walks that text.
 * That was about a quarter of what an Enter in a 1,000-line file allocated (2026-12-03), made
 * for every such instruction the parse makes, although an instruction whose text was parsed
 * before keeps its findings and is mostly never asked for its arguments again.
 *
 * Every bracket and string the constructor can find starts at a `[` in the text after the
 * keyword: the arguments are made of that text's characters (escapes and line continuations only
 * drop characters), and the walk makes nothing before it has met a `[`. Without a `[` there, the
 * constructor ends with no opening bracket, no closing bracket and no JSON strings, which is also
 * where it stops when the raw argument text is null. So the first call of `getRawArgumentsContent`
 * on an instruction, which is the constructor's (nothing else can reach the object before), answers
 * null for such an instruction; every later call answers as the library does. An instruction with
 * a `[` after its keyword is built as before. `test/unit/core/jsonInstructions.test.ts` holds the
 * two equal on the rule fixtures and on generated and random Dockerfiles.
 */
import { JSONInstruction } from 'dockerfile-ast';

/** Set on an instruction once its constructor has asked for its raw argument text. */
const ASKED = Symbol('raw argument text asked');

interface Fields {
  document: { getText(): string; offsetAt(position: unknown): number };
  range: { end: unknown };
  instructionRange: { end: unknown };
  [ASKED]?: true;
}

const proto = JSONInstruction.prototype as unknown as { getRawArgumentsContent(this: Fields): string | null };
/** The library's own method. */
export const libraryRawArgumentsContent = proto.getRawArgumentsContent;
let skipping = true;

proto.getRawArgumentsContent = function (this: Fields): string | null {
  if (this[ASKED] === undefined) {
    this[ASKED] = true;
    const { document } = this;
    if (skipping && !document.getText().substring(document.offsetAt(this.instructionRange.end), document.offsetAt(this.range.end)).includes('[')) return null;
  }
  return libraryRawArgumentsContent.call(this);
};

/** Turns the shortcut off (`false`: instructions parsed from then on are built as the library builds them) or on again. For tests. */
export function skipBracketSearch(on: boolean): void {
  skipping = on;
}
