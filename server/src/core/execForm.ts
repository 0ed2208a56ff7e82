/**
 * How Docker reads a CMD, ENTRYPOINT or SHELL as exec form, and the command an image starts; RUN,
 * COPY and ADD read their JSON form the same way (leadingJsonArray).
 * Checked on 2026-12-04 by building `FROM scratch` Dockerfiles with dockerd 20.10.24 (Debian's
 * docker.io, its private engine in test/support/engine) and `docker image inspect`:
 * - arguments that start with `[` and hold a JSON array of strings are exec form, and what follows
 *   the array is dropped (`CMD ["a", "b"] x` starts a, b: the parser decodes one JSON value);
 * - an array holding anything else (`CMD ["a", 1]`) fails the build ("arrays must be comprised of
 *   strings only");
 * - anything else, `CMD ['a']` too, is shell form: `["/bin/sh", "-c", text]`, or the SHELL's words;
 * - the container runs ENTRYPOINT then CMD (`ENTRYPOINT ["sh", "-c"]` and `CMD ["./gradlew bootRun"]`
 *   start `sh -c './gradlew bootRun'`), and an ENTRYPOINT set in a stage drops the CMD it inherits.
 * RUN, COPY and ADD read the same way (same engine, classic builder and BuildKit, on a debootstrap
 * bookworm image): `RUN ["/bin/echo", "a"] && touch /z` leaves no /z, `COPY ["a.txt", "/d/"] b.txt`
 * copies a.txt only, and `RUN ["echo", 1]` fails. A comment line among the continued lines of an
 * array is dropped, as in any continued instruction: `CMD ["a", \` + `  # note` + `  "b"]` gave
 * Cmd ["a","b"], and a RUN and a SHELL so continued ran bash (same engine, both builders).
 */
import type { Instruction } from 'dockerfile-ast';
import type { Instr, Stage } from './model';
import { joinContinuations, LineIndex, runOffset } from './text';
import type { Position, Range } from './types';

/**
 * The words of an exec-form instruction as Docker's parser reads them ({@link jsonForm});
 * undefined for shell form, and none for an array that holds anything but strings, which fails
 * the build: nothing runs.
 */
export function execForm(instr: Instr): string[] | undefined {
  // Asked again for every later CMD and RUN; a node's words do not change (its place may: not kept).
  const node = instr.node;
  if (!words.has(node)) words.set(node, jsonForm(node)?.words);
  return words.get(node);
}

const words = new WeakMap<Instruction, string[] | undefined>();

/**
 * The JSON form of an instruction (`CMD ["a", "b"]`, `COPY ["a", "/d/"]`, a RUN's after its
 * flags) as Docker reads it: the arguments joined over continuation lines, the comment and blank
 * lines among them dropped (joinContinuations), and the array they start with (leadingJsonArray).
 * dockerfile-ast's argument text keeps an indented comment line among them (`"bash", \` then
 * `  # note`), which made no array of it. `ranges` holds each string's place in the document,
 * `end` the position past the closing bracket. Undefined when the arguments start with no JSON
 * array; no words for one that holds anything but strings.
 */
export function jsonForm(node: Instruction): { words: string[]; ranges: Range[]; end: Position } | undefined {
  const args = node.getArguments();
  if (!args[0]?.getValue().startsWith('[')) return undefined;
  // Offsets in the instruction's own text; positions in the document.
  const text = node.getTextContent();
  const origin = node.getRange().start;
  const lines = new LineIndex(text);
  const position = (offset: number): Position => {
    const p = lines.positionAt(offset);
    return p.line === 0 ? { line: origin.line, character: origin.character + p.character } : { line: origin.line + p.line, character: p.character };
  };
  const first = args[0].getRange().start;
  const start = lines.offsetAt({ line: first.line - origin.line, character: first.character - (first.line === origin.line ? origin.character : 0) });
  // The escape character of the file (`# escape=`), as dockerfile-ast keeps it on each instruction.
  const joined = joinContinuations(text, start, text.length, (node as unknown as { escapeChar: string }).escapeChar);
  const array = leadingJsonArray(joined.script);
  if (!array) return undefined;
  const at = (i: number) => position(runOffset(joined.starts, joined.docs, joined.script.length, text.length, i));
  // Past a character: the next one on its line (a string may end on another line than it starts).
  const after = (i: number) => ({ line: at(i).line, character: at(i).character + 1 });
  return { words: array.words, ranges: array.spans.map(([from, to]) => ({ start: at(from), end: after(to - 1) })), end: after(array.end - 1) };
}

/**
 * The JSON array `text` starts with (after blanks), read as Docker's parser reads the arguments of
 * CMD, ENTRYPOINT, SHELL, RUN, COPY and ADD: one JSON value is decoded and the text after it is
 * dropped. `end` is the offset in `text` just past the closing bracket; `words` is empty for an
 * array holding anything but strings (the build fails), else `spans` holds where each is written
 * (from its opening quote to past its closing one). Undefined when no JSON array starts there
 * (`RUN [ -f x ]`, `CMD ['a']`): Docker reads shell form.
 */
export function leadingJsonArray(text: string): { words: string[]; end: number; spans: [number, number][] } | undefined {
  const from = text.length - text.trimStart().length;
  if (text[from] !== '[') return undefined;
  // The end of the first JSON value: the bracket that closes the array, strings skipped.
  let depth = 0;
  const spans: [number, number][] = [];
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 1) spans.push([start, i + 1]);
    } else if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && --depth === 0) {
      let words: unknown;
      try {
        words = JSON.parse(text.slice(from, i + 1));
      } catch {
        return undefined;
      }
      if (!Array.isArray(words)) return undefined;
      return words.every((w) => typeof w === 'string') ? { words, end: i + 1, spans } : { words: [], end: i + 1, spans: [] };
    }
  }
  return undefined;
}

/**
 * What a container of `stage`'s image starts: the ENTRYPOINT and then the CMD in effect along its
 * FROM chain, a shell-form one as the SHELL then in effect (`/bin/sh -c`) given its text.
 * Undefined when the Dockerfile sets neither (the base image's are not known here).
 */
export function containerCommand(stage: Stage): string[] | undefined {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.from.stage) chain.unshift(s);
  let shell = ['/bin/sh', '-c'];
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  for (const s of chain) {
    let cmdSet = false;
    for (const i of s.instructions) {
      if (i.keyword === 'SHELL') shell = execForm(i) ?? shell;
      if (i.keyword !== 'CMD' && i.keyword !== 'ENTRYPOINT') continue;
      const words = execForm(i) ?? [...shell, i.node.getArgumentsContent() ?? ''];
      if (i.keyword === 'CMD') [cmd, cmdSet] = [words, true];
      else [entrypoint, cmd] = [words, cmdSet ? cmd : undefined];
    }
  }
  return entrypoint || cmd ? [...(entrypoint ?? []), ...(cmd ?? [])] : undefined;
}
