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
 * copies a.txt only, and `RUN ["echo", 1]` fails.
 */
import type { Instr, Stage } from './model';

/**
 * The words of an exec-form instruction as Docker's parser reads them; undefined for shell form,
 * and none for an array that holds anything but strings, which fails the build: nothing runs.
 */
export function execForm(instr: Instr): string[] | undefined {
  return leadingJsonArray(instr.node.getArgumentsContent() ?? '')?.words;
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
