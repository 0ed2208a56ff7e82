/**
 * Findings for `.dockerignore` files. Pure: the caller passes the text and, optionally, a listing
 * of the build context (for "matches nothing" and "re-includes nothing", which depend on what is
 * there). Each finding may carry one quick fix; fixes are offered only where they cannot change
 * what Docker sends (removing a line that provably has no effect, turning an intended comment
 * into a real one).
 */
import type { LineIndex } from '../text';
import type { Finding, Fix, Severity } from '../types';
import { DockerignoreMatcher, type MatchState } from './matcher';
import { parseDockerignore, type DockerignoreOptions, type IgnorePattern } from './parse';
import { testPattern } from './pattern';
import { ECOSYSTEMS } from './ecosystems';

export type DockerignoreRuleId =
  | 'dockerignore-invalid-pattern'
  | 'dockerignore-hash-in-pattern'
  | 'dockerignore-unmatchable-pattern'
  | 'dockerignore-unsupported-pattern'
  | 'dockerignore-redundant-pattern'
  | 'dockerignore-overridden-pattern'
  | 'dockerignore-useless-exception'
  | 'dockerignore-matches-nothing'
  | 'dockerignore-not-read';

/** Default severity and a one-line title per rule; docs/dockerignore.md explains each. */
export const DOCKERIGNORE_RULES: Record<DockerignoreRuleId, { severity: Severity; title: string }> = {
  'dockerignore-invalid-pattern': { severity: 'error', title: 'Docker rejects this line and the build fails' },
  'dockerignore-hash-in-pattern': { severity: 'warning', title: 'A # that is not at the start of the line is part of the pattern' },
  'dockerignore-unmatchable-pattern': { severity: 'warning', title: 'The pattern can never match a path in the build context' },
  'dockerignore-unsupported-pattern': { severity: 'info', title: 'This extension cannot evaluate the pattern' },
  'dockerignore-redundant-pattern': { severity: 'warning', title: 'The line repeats an earlier one and has no effect' },
  'dockerignore-overridden-pattern': { severity: 'warning', title: 'A later line undoes everything this line does' },
  'dockerignore-useless-exception': { severity: 'warning', title: 'The exception re-includes nothing' },
  'dockerignore-matches-nothing': { severity: 'hint', title: 'The pattern matches nothing in the build context right now' },
  'dockerignore-not-read': { severity: 'warning', title: 'No build reads this file: the Dockerfiles beside it are built with another context' },
};

export interface DockerignoreFinding extends Finding {
  ruleId: DockerignoreRuleId;
  fix?: Fix;
}

/** What the build context holds, as paths relative to its root with `/` separators. */
export interface ContextListing {
  files: readonly string[];
  /** Directories, needed only for empty ones: every parent of a file counts as a directory. */
  dirs?: readonly string[];
}

/** A Dockerfile beside a `.dockerignore` whose build context is another folder, so its build does not read that file. */
export interface BuiltElsewhere {
  /** The Dockerfile's name (it lies beside the ignore file). */
  dockerfile: string;
  /** Its build context, relative to the ignore file's folder, `/`-separated (`..`). */
  context: string;
  /** What named or inferred that context (`compose.yaml service api`, `inferred as the workspace root: ...`). */
  how: string;
}

export interface DockerignoreCheckOptions extends DockerignoreOptions {
  context?: ContextListing;
  /**
   * Every Dockerfile beside this `.dockerignore`, when each is known to be built with another
   * context and no build is known to use this folder as its context: then no build reads the file.
   */
  notReadBy?: readonly BuiltElsewhere[];
}

/**
 * Why no build reads the file, and where Docker reads one instead (measured with Docker 20.10's
 * classic builder and BuildKit: `docker build -f docker/Dockerfile .` reads `./.dockerignore`,
 * never `docker/.dockerignore`; BuildKit reads `docker/Dockerfile.dockerignore` first).
 */
function notReadMessage(by: readonly BuiltElsewhere[]): string {
  const one = by[0];
  const at = (dir: string) => (dir === '.' ? '.dockerignore' : `${dir}/.dockerignore`);
  const builds = by.map((b) => `\`${b.dockerfile}\` is built with the context \`${b.context}\` (${b.how})`).join('; ');
  return (
    `No build reads this .dockerignore: ${builds}. Docker reads the ignore file at the root of the build context (\`${at(one.context)}\`), ` +
    `or \`${one.dockerfile}.dockerignore\` beside the Dockerfile, which BuildKit reads first and the classic builder never does. Move these lines to one of those files.`
  );
}

/** The finding that no build reads the file, on its first line (`firstLine`), when `by` says so. */
export function notReadFindings(firstLine: string, by: readonly BuiltElsewhere[] | undefined): DockerignoreFinding[] {
  if (!by?.length) return [];
  const ruleId = 'dockerignore-not-read';
  return [{ ruleId, severity: DOCKERIGNORE_RULES[ruleId].severity, range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } }, message: notReadMessage(by), inFinalImage: true }];
}

/** All findings for one ignore file, sorted by position. */
export function checkDockerignore(text: string, options: DockerignoreCheckOptions = {}): DockerignoreFinding[] {
  const steps = checkDockerignoreInSteps(text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * About how much work (a path walked, or a pattern tested against a path) one step of
 * `checkDockerignoreInSteps` does: a few milliseconds.
 */
export const CHECK_STEP = 4096;

/**
 * The same findings as `checkDockerignore`, computed in steps: the generator yields after about
 * `CHECK_STEP` units of work on the listing, and returns the findings. A caller with an event
 * loop runs a few steps at a time and lets other work in between: checking a long ignore file
 * against a listing of 100,000 paths takes hundreds of milliseconds of CPU. Without a listing it
 * does not yield.
 */
export function* checkDockerignoreInSteps(text: string, options: DockerignoreCheckOptions = {}): Generator<void, DockerignoreFinding[], void> {
  const parsed = parseDockerignore(text, options);
  const { lines, patterns } = parsed;
  const out: DockerignoreFinding[] = [];
  const add = (ruleId: DockerignoreRuleId, p: { range: Finding['range'] }, message: string, fix?: Fix, data?: Record<string, unknown>) =>
    out.push({ ruleId, severity: DOCKERIGNORE_RULES[ruleId].severity, range: p.range, message, inFinalImage: true, fix, data });
  const lineLabel = (p: IgnorePattern) => `line ${p.line + 1} (\`${p.text}\`)`;

  for (const e of parsed.errors) add('dockerignore-invalid-pattern', e, e.message, undefined, { code: e.code });
  out.push(...notReadFindings(lines.lineText(0), options.notReadBy));
  checkHashes(lines, new Set(parsed.commentLines), out);

  const settled = new Set<number>(); // patterns already reported as having no effect
  // Counts and indexes that keep the checks below linear in the number of lines (an ignore file
  // of 20,000 lines took 2 s per keystroke when each line was compared with every earlier one).
  const exceptionsBefore = [0];
  for (const p of patterns) exceptionsBefore.push(exceptionsBefore[exceptionsBefore.length - 1] + (p.exclusion ? 1 : 0));
  /** Patterns with index in (i, j) that are exceptions. */
  const exceptionsBetween = (i: number, j: number) => exceptionsBefore[j] - exceptionsBefore[i + 1];
  const exceptionTexts = new Set(patterns.filter((q) => q.exclusion).map((q) => q.pattern));
  // Any exception also lets the builder walk into excluded directories its text starts with
  // (matcher.ts), which another exception may need to re-include something there. Removing one
  // is only offered when no exception with another text exists.
  const removalFix = (p: IgnorePattern) => (p.exclusion && exceptionTexts.size > 1 ? undefined : removeLineFix(lines, p));
  /** Why removing exception `p` may still change something, when the removal fix is withheld for it. */
  const walkNote = (p: IgnorePattern) =>
    p.exclusion && exceptionTexts.size > 1 ? ' As an exception it may still let the builder look inside excluded folders that another exception needs, so removing it may change what the builder receives.' : '';
  for (const p of patterns) {
    const why = unmatchable(p.pattern);
    if (why) {
      settled.add(p.index);
      add('dockerignore-unmatchable-pattern', p, `\`${p.text}\` ${why}, so it never matches.`, removalFix(p));
    }
    if (p.compiled.kind === 'broken' && p.compiled.reason === 'unsupported') {
      settled.add(p.index);
      add('dockerignore-unsupported-pattern', p, `Docker turns this pattern into a regexp that this extension does not evaluate (${p.compiled.message}); its effect is not shown.`);
    }
  }

  /** Earlier indexes of each pattern text, in file order. */
  const seen = new Map<string, number[]>();
  for (let j = 0; j < patterns.length; j++) {
    const b = patterns[j];
    const same = seen.get(b.pattern) ?? [];
    seen.set(b.pattern, same);
    decide(j, same);
    same.push(j);
  }

  /** Reports pattern `j` when it has no effect, or the earlier one with the same text that it undoes. */
  function decide(j: number, same: readonly number[]): void {
    const b = patterns[j];
    if (settled.has(j)) return;
    if (b.exclusion && j - exceptionsBefore[j] === 0) {
      settled.add(j);
      add('dockerignore-useless-exception', b, `\`${b.text}\` re-includes nothing: no earlier line excludes anything.${walkNote(b)}`, removalFix(b));
      return;
    }
    for (let s = same.length - 1; s >= 0; s--) {
      const i = same[s];
      if (settled.has(i)) continue;
      const a = patterns[i];
      if (a.exclusion === b.exclusion) {
        // Same pattern, same polarity: the later line has no effect unless a line in between
        // switched the opposite way (then it re-applies the first one).
        const between = j - i - 1;
        const opposite = a.exclusion ? between - exceptionsBetween(i, j) : exceptionsBetween(i, j);
        if (opposite === 0) {
          settled.add(j);
          add('dockerignore-redundant-pattern', b, `\`${b.text}\` repeats ${lineLabel(a)} and has no effect.`, removalFix(b));
        }
      } else {
        // The same pattern later with the opposite sign decides every path this one decides.
        settled.add(i);
        const verb = b.exclusion ? 're-includes' : 'excludes again';
        // Removing an exclusion also stops the later exception from applying below the folders it
        // matched (children inherit both matches), where any other line above the exception may
        // exclude something (`a/*` before `a`): the removal is offered only when none reaches that deep.
        const deeper = !a.exclusion && patterns.slice(0, j).some((q) => q !== a && !q.exclusion && reachesBelow(q.pattern, a.pattern));
        // When removing it may change something, the message says so instead of "no effect".
        const undone = `${lineLabel(b)} ${verb} everything it matches`;
        const message = deeper
          ? `\`${a.text}\` is undone where it matches: ${undone}. Another line above the exception reaches below the folders it matches, where removing it may change what the builder receives.`
          : walkNote(a)
            ? `\`${a.text}\` is undone where it matches: ${undone}.${walkNote(a)}`
            : `\`${a.text}\` has no effect: ${undone}.`;
        add('dockerignore-overridden-pattern', a, message, deeper ? undefined : removalFix(a));
      }
      break;
    }
  }

  if (options.context) yield* checkAgainstContext(patterns, options, settled, lineLabel, add);
  return out.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}

/**
 * Whether `q` may match a path below one that `p` matches. Without `**` a pattern matches paths
 * of exactly as many segments as it has, so `q` reaches below `p` only with more segments (or a `**`).
 */
function reachesBelow(q: string, p: string): boolean {
  if (q.includes('**') || p.includes('**')) return true;
  return q.split('/').length > p.split('/').length;
}

/** Why a cleaned pattern cannot match a relative path inside the context, if it cannot. */
function unmatchable(pattern: string): string | undefined {
  if (pattern === '..' || pattern.startsWith('../')) return 'points outside the build context';
  if (pattern === '/') return 'names the context root itself, which Docker never matches';
  if (pattern === '.') return 'is the context root itself, which Docker never matches';
  return undefined;
}

/** `  # note` (indented) and `foo # note`: Docker reads both as patterns. */
function checkHashes(lines: LineIndex, comments: Set<number>, out: DockerignoreFinding[]): void {
  const rule = DOCKERIGNORE_RULES['dockerignore-hash-in-pattern'];
  // A lone CR ends a line for the editor but not for Docker, which splits on LF only: a line next
  // to one is part of a longer Docker line, and editing it as a line of its own would break that.
  const loneCr = (offset: number) => lines.text.charCodeAt(offset) === 13 && lines.text.charCodeAt(offset + 1) !== 10;
  for (let line = 0; line < lines.lineCount; line++) {
    if (comments.has(line)) continue;
    const start = lines.lineStart(line);
    if ((start > 0 && loneCr(start - 1)) || loneCr(start + lines.lineText(line).length)) continue;
    const t = lines.lineText(line);
    const indented = /^[ \t]+#/.exec(t);
    if (indented) {
      const hash = indented[0].length - 1;
      out.push({
        ruleId: 'dockerignore-hash-in-pattern',
        severity: rule.severity,
        range: { start: { line, character: hash }, end: { line, character: t.trimEnd().length } },
        message: `This line is a pattern, not a comment: Docker treats \`#\` as a comment only in the first column, so it excludes paths named \`${t.trim()}\`.`,
        inFinalImage: true,
        fix: {
          title: 'Make it a comment (remove the indentation)',
          edits: [{ range: { start: { line, character: 0 }, end: { line, character: hash } }, newText: '' }],
          preferred: true,
        },
      });
      continue;
    }
    const inline = /\S([ \t]+)#/.exec(t);
    if (!inline || /^[ \t]*$/.test(t.slice(0, inline.index + 1))) continue;
    const patternEnd = inline.index + 1;
    const hash = patternEnd + inline[1].length;
    const comment = t.slice(hash).trimEnd();
    const indent = /^[ \t]*/.exec(t)?.[0] ?? '';
    // Only when what stays is a line Docker accepts: not from `! # note` (a lone `!`) or
    // `foo\ # note` (the backslash escapes the space; a line ending in `\` is rejected).
    const keepsPattern = parseDockerignore(t.slice(0, patternEnd)).errors.length === 0;
    out.push({
      ruleId: 'dockerignore-hash-in-pattern',
      severity: rule.severity,
      range: { start: { line, character: patternEnd }, end: { line, character: t.trimEnd().length } },
      message: `\`${comment}\` is part of the pattern, not a comment: Docker matches paths named \`${t.trim()}\` and the intended \`${t.slice(indent.length, patternEnd)}\` is not excluded.`,
      inFinalImage: true,
      ...(keepsPattern && {
        fix: {
          title: 'Move the comment to its own line',
          edits: [
            {
              range: { start: { line, character: 0 }, end: { line, character: t.length } },
              newText: comment + lines.eol + t.slice(0, patternEnd),
            },
          ],
          preferred: true,
        },
      }),
    });
  }
}

/** Deletes a whole line, including its line break. */
/**
 * Removes the whole line Docker read the pattern from, with one line break. Docker's lines end at
 * LF only, so a line holding a lone CR is one line for Docker and several for the editor; the
 * edit is made on text offsets for that reason. No fix when removing the first line would bring a
 * byte order mark to the start of the file (Docker drops it there, which changes the next line).
 */
function removeLineFix(lines: LineIndex, pattern: { range: Finding['range'] }): Fix | undefined {
  const text = lines.text;
  const from = lines.lineStart(pattern.range.start.line);
  const lf = text.indexOf('\n', lines.offsetAt(pattern.range.end));
  let start = from;
  let end = lf < 0 ? text.length : lf + 1;
  if (lf < 0 && from > 0) {
    // The last line: take the line break before it instead.
    start = text.charCodeAt(from - 2) === 13 && text.charCodeAt(from - 1) === 10 ? from - 2 : from - 1;
    end = text.length;
  }
  if (start === 0 && text.charCodeAt(end) === 0xfeff) return undefined;
  return { title: 'Remove this line', edits: [{ range: { start: lines.positionAt(start), end: lines.positionAt(end) }, newText: '' }], preferred: true };
}

/**
 * Walks the listing like the builder (parents before children, excluded directories skipped
 * unless an exception names a path inside) and counts, per pattern, the paths it decides.
 * Yields about every `CHECK_STEP` units of work.
 */
function* checkAgainstContext(
  patterns: readonly IgnorePattern[],
  options: DockerignoreCheckOptions,
  settled: Set<number>,
  lineLabel: (p: IgnorePattern) => string,
  add: (ruleId: DockerignoreRuleId, p: IgnorePattern, message: string) => void,
): Generator<void, void, void> {
  const listing = options.context as ContextListing;
  const matcher = new DockerignoreMatcher(patterns, options);
  // Work done since the last step; `due(units)` adds to it and says when to yield.
  let work = 0;
  const due = (units: number): boolean => {
    work += units;
    if (work < CHECK_STEP) return false;
    work = 0;
    return true;
  };
  const dirs = new Set<string>(listing.dirs ?? []);
  for (const f of listing.files) {
    for (let i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
    if (due(1)) yield;
  }
  const paths = [...new Set([...listing.files, ...dirs])].sort();
  yield;
  const decider = new Int32Array(paths.length);
  const decides = new Uint32Array(patterns.length);
  const entries = new Map<string, { state?: MatchState; skippedBy?: number; skippedDir?: string }>();
  const hiddenBy = new Map<number, string>(); // exception index -> a skipped dir hiding a match
  const exceptions = patterns.filter((p) => p.exclusion);

  for (let k = 0; k < paths.length; k++) {
    const path = paths[k];
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? undefined : entries.get(path.slice(0, slash));
    if (parent?.skippedBy !== undefined) {
      decider[k] = parent.skippedBy;
      if (dirs.has(path)) entries.set(path, parent);
      for (const p of exceptions) {
        if (!hiddenBy.has(p.index) && testPattern(p.compiled, path)) hiddenBy.set(p.index, parent.skippedDir as string);
      }
      if (due(1 + exceptions.length)) yield;
      continue;
    }
    // The matcher may test every pattern against the path.
    if (due(patterns.length)) yield;
    const state = matcher.evaluate(path, parent?.state);
    decider[k] = state.decidedBy;
    if (state.decidedBy >= 0) decides[state.decidedBy]++;
    if (dirs.has(path)) {
      entries.set(path, matcher.entersDirectory(path, state) ? { state } : { state, skippedBy: state.decidedBy, skippedDir: path });
    }
  }

  for (const p of patterns) {
    if (settled.has(p.index) || decides[p.index] > 0) continue;
    let first = -1;
    for (let k = 0; k < paths.length && first < 0; k++) {
      if (testPattern(p.compiled, paths[k])) first = k;
      if (due(1)) yield;
    }
    const hidden = p.exclusion ? hiddenBy.get(p.index) : undefined;
    if (p.exclusion && (hidden !== undefined || first >= 0)) {
      const reason =
        hidden !== undefined
          ? `the builder never looks inside \`${hidden}\` (excluded by ${lineLabel(patterns[decider[paths.indexOf(hidden)]])}), because this exception does not start with \`${hidden}/\``
          : `what it matches is not excluded when this line is reached, or is excluded again later (\`${paths[first]}\`)`;
      add('dockerignore-useless-exception', p, `\`${p.text}\` re-includes nothing right now: ${reason}.`);
    } else if (first < 0) {
      // An exception for a path that is not there yet (`!target/app.jar` before the first build)
      // is the same harmless safeguard as a pattern for one: a hint, not a warning that fails CI.
      // The entries of a created .dockerignore guard against what tools write later (`.git` before
      // `git init`, `node_modules` before `npm install`): not even a hint, as other tools' lists.
      if (!p.exclusion && ECOSYSTEMS.some((e) => e.entries.includes(p.pattern))) continue;
      add('dockerignore-matches-nothing', p, `\`${p.text}\` matches nothing in the build context right now.`);
    } else {
      const other = decider[first];
      const by = other >= 0 && other !== p.index ? ` (\`${paths[first]}\` is decided by ${lineLabel(patterns[other])})` : '';
      add('dockerignore-overridden-pattern', p, `\`${p.text}\` excludes nothing: every path it matches is excluded by an earlier line or re-included by a later one${by}.`);
    }
  }
}
