/**
 * Decides whether Docker sends a path of the build context to the builder.
 *
 * Two layers, both as BuildKit applies them while it walks the context:
 * - Matching (per path): patterns are tried in file order. An ordinary pattern is only tried
 *   while the path is still included, an exception (`!`) only while it is excluded, and the last
 *   pattern that matched decides. A pattern that matched a parent directory counts as matching
 *   every path below it, which is how `node_modules` excludes `node_modules/x/y.js`.
 * - Walking (per directory): once a directory is excluded the builder does not look inside it,
 *   unless some exception's text starts with that directory's path plus `/` (`!dir/keep.txt`
 *   under `dir`). An exception that starts with a wildcard (`!**\/keep.txt`) therefore cannot
 *   bring anything back from an excluded directory.
 *
 * Directory results are cached, so deciding for every path of a 100,000-file tree costs one
 * pass over the patterns per path.
 */
import { goClean } from './goText';
import { parseDockerignore, type DockerignoreOptions, type IgnorePattern, type ParsedDockerignore } from './parse';
import { testPattern } from './pattern';

/** The verdict for one path together with what its children need to know. */
export interface MatchState {
  /** Docker's matching verdict for this path itself. */
  excluded: boolean;
  /** Index of the pattern that decided; -1 when no pattern matched. */
  decidedBy: number;
  /**
   * Bit set, one bit per pattern (word i>>5, bit i&31): set when the pattern matched this path or,
   * through the chain, a parent. Read-only; children receive it.
   */
  matched: readonly number[];
}

export interface Decision {
  /** True when the path is not sent to the builder. */
  excluded: boolean;
  /** The pattern that decided (an exception when it re-included the path); absent when none matched. */
  pattern?: IgnorePattern;
  /** Set when the path lies in a directory the builder never enters; `pattern` excluded that directory. */
  skippedDirectory?: string;
}

const DIR_CACHE_LIMIT = 200_000;
const NOTHING_MATCHED: number[] = [];
/** Paths that goClean would change (`.`/`..` segments, `//`, leading or trailing `/`). */
const UNCLEAN = /(?:^|\/)\.\.?(?:\/|$)|\/\/|^\/|\/$/;

export class DockerignoreMatcher {
  readonly hasExceptions: boolean;
  private readonly exceptionPrefixes: string[];
  private readonly dirCache = new Map<string, { state: MatchState; skipped?: string; skippedBy?: number }>();

  constructor(
    readonly patterns: readonly IgnorePattern[],
    private readonly options: DockerignoreOptions = {},
  ) {
    this.exceptionPrefixes = patterns.filter((p) => p.exclusion).map((p) => p.pattern + '/');
    this.hasExceptions = this.exceptionPrefixes.length > 0;
  }

  /**
   * Matches one clean relative path given its parent directory's state (undefined for top-level
   * paths, or when the parent is unknown: then each parent directory is tried like Docker does).
   */
  evaluate(path: string, parent?: MatchState): MatchState {
    const n = this.patterns.length;
    let matched: number[] = NOTHING_MATCHED; // allocated on the first match: most paths match nothing
    let excluded = false;
    let decidedBy = -1;
    let parentDirs: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const p = this.patterns[i];
      let match = parent !== undefined && (parent.matched[i >> 5] & (1 << (i & 31))) !== 0;
      if (!match) {
        if (p.exclusion !== excluded) continue;
        match = testPattern(p.compiled, path);
        if (!match && parent === undefined) {
          parentDirs ??= parentsOf(path);
          for (const dir of parentDirs) {
            if (testPattern(p.compiled, dir)) {
              match = true;
              break;
            }
          }
        }
      }
      if (match) {
        if (matched === NOTHING_MATCHED) matched = new Array<number>((n + 31) >> 5).fill(0);
        matched[i >> 5] |= 1 << (i & 31);
        excluded = !p.exclusion;
        decidedBy = i;
      }
    }
    return { excluded, decidedBy, matched };
  }

  /** Whether the builder looks inside a directory with this state (see the module comment). */
  entersDirectory(dir: string, state: MatchState): boolean {
    if (!state.excluded) return true;
    const prefix = dir + '/';
    return this.exceptionPrefixes.some((e) => e.startsWith(prefix));
  }

  /** The full verdict for a path relative to the context root (`a/b.txt`; `./a//b` is cleaned). */
  decide(relPath: string): Decision {
    const path = this.normalise(relPath);
    if (path === undefined) return { excluded: false };
    let from = 0;
    let parent: MatchState | undefined;
    for (;;) {
      const slash = path.indexOf('/', from);
      if (slash < 0) break;
      const dir = path.slice(0, slash);
      const entry = this.directory(dir, parent);
      if (entry.skipped !== undefined) {
        return { excluded: true, pattern: this.patterns[entry.skippedBy as number], skippedDirectory: entry.skipped };
      }
      parent = entry.state;
      from = slash + 1;
    }
    const state = this.evaluate(path, parent);
    return { excluded: state.excluded, pattern: state.decidedBy >= 0 ? this.patterns[state.decidedBy] : undefined };
  }

  isExcluded(relPath: string): boolean {
    return this.decide(relPath).excluded;
  }

  /** The pattern whose line decided for this path, if any matched. */
  matchingPattern(relPath: string): IgnorePattern | undefined {
    return this.decide(relPath).pattern;
  }

  private directory(dir: string, parent: MatchState | undefined): { state: MatchState; skipped?: string; skippedBy?: number } {
    const cached = this.dirCache.get(dir);
    if (cached) return cached;
    // Only reached for directories whose parents the builder enters (decide stops at a skip).
    const state = this.evaluate(dir, parent);
    const entry = this.entersDirectory(dir, state) ? { state } : { state, skipped: dir, skippedBy: state.decidedBy };
    if (this.dirCache.size >= DIR_CACHE_LIMIT) this.dirCache.clear();
    this.dirCache.set(dir, entry);
    return entry;
  }

  private normalise(relPath: string): string | undefined {
    let p = this.options.windowsPaths ? relPath.replace(/\\/g, '/') : relPath;
    if (p === '' || UNCLEAN.test(p)) p = goClean(p);
    while (p.startsWith('/')) p = p.slice(1);
    if (p === '' || p === '.' || p === '..' || p.startsWith('../')) return undefined;
    return p;
  }
}

/** `a`, `a/b` for `a/b/c`. */
function parentsOf(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** Parses (when given text) and builds a matcher; invalid lines are left out, as reported by the parser. */
export function createDockerignoreMatcher(
  source: string | ParsedDockerignore,
  options: DockerignoreOptions = {},
): DockerignoreMatcher {
  const parsed = typeof source === 'string' ? parseDockerignore(source, options) : source;
  return new DockerignoreMatcher(parsed.patterns, options);
}
