/**
 * `.dockerignore`-style path patterns, matched the way moby's `patternmatcher` does (the library behind
 * `.dockerignore`, BuildKit's local include/exclude patterns and fsutil's walker):
 *
 * - `*` matches any run of characters except `/`, `?` one character except `/`, `[a-z]` / `[^a-z]` a
 *   character class, `\` escapes the next character;
 * - `**` matches any number of directories, including none (`**\/x`, `a/**\/b`, `a/**`);
 * - a pattern also matches everything below a directory it matches (`docs` matches `docs/README.md`);
 * - a pattern starting with `!` is an exception: it re-includes what earlier patterns matched; the last
 *   pattern that matches a path decides;
 * - patterns are trimmed and cleaned like Go's `filepath.Clean` (`./a/../b/` is `b`).
 *
 * moby compiles patterns to Go regular expressions without escaping everything, and that shows; this
 * follows it: an escaped letter means what it means to Go's regexp (`\d` a digit, `\e` an error), and
 * `^` in a pattern with wildcards is an anchor. One known difference: `*` or `?` inside `[...]` are
 * literal class members here (Go turns them into nested regexp syntax).
 *
 * @module
 */
import { cleanPath } from "./clean_path.ts";
import { compile, globSyntaxProblem, type MatchKind } from "./glob.ts";
import { PatternError } from "./pattern_error.ts";

/** One parsed pattern. */
export class Pattern {
  /** The cleaned pattern, without a leading `!`. */
  readonly text: string;
  /** Whether it started with `!` (an exception that re-includes). */
  readonly exclusion: boolean;
  readonly #matcher: MatchKind;

  /** @internal Made by {@link PatternMatcher.from}. */
  constructor(text: string, exclusion: boolean) {
    this.text = text;
    this.exclusion = exclusion;
    this.#matcher = compile(text);
  }

  /**
   * Whether this pattern alone matches `path` itself (parents are not considered).
   *
   * @example
   * ```ts
   * import { PatternMatcher } from "@drydock/core/spec";
   * const [p] = PatternMatcher.from(["**\/*.go"]).patterns;
   * p.match("cmd/main.go"); // true
   * ```
   */
  match(path: string): boolean {
    const m = this.#matcher;
    switch (m.kind) {
      case "exact":
        return path === m.text;
      case "prefix":
        return path.startsWith(m.prefix);
      case "suffix":
        // `**\/foo` also matches `foo` at the top.
        return path.endsWith(m.suffix) || (m.suffix.startsWith("/") && path === m.suffix.slice(1));
      case "regexp":
        return m.regexp.test(path);
    }
  }

  /** The pattern without a trailing `/**` or `/*`: the directory it is about, for pruning walks. */
  get directoryPart(): string {
    let text = this.text;
    if (text.endsWith("/**")) text = text.slice(0, -3);
    if (text.endsWith("/*")) text = text.slice(0, -2);
    return text;
  }
}

/**
 * Per-pattern results for a directory, handed to its children so they need not re-match the parent's
 * path (moby's `MatchInfo`). Opaque.
 */
export interface ParentMatch {
  /** Whether each pattern, by index, matched the directory or one of its parents. */
  readonly matched: readonly boolean[];
}

/**
 * A list of patterns, matched in order: the last pattern that matches a path (or one of its parent
 * directories) decides whether it is matched.
 *
 * @example
 * ```ts
 * import { PatternMatcher } from "@drydock/core/spec";
 * const ignore = PatternMatcher.from(["node_modules", "*.log", "!keep.log"]);
 * ignore.matches("node_modules/x/index.js"); // true
 * ignore.matches("debug.log"); // true
 * ignore.matches("keep.log"); // false
 * ```
 */
export class PatternMatcher {
  /** The parsed patterns, in order; empty ones left out. */
  readonly patterns: readonly Pattern[];
  /** Whether any pattern is an exception (`!`). */
  readonly hasExclusions: boolean;

  private constructor(patterns: Pattern[]) {
    this.patterns = patterns;
    this.hasExclusions = patterns.some((p) => p.exclusion);
  }

  /**
   * Parses patterns: each is trimmed, empty ones are dropped, a leading `!` makes an exception, and the
   * rest is cleaned. Throws {@link PatternError} for a malformed pattern.
   *
   * @example
   * ```ts
   * import { PatternMatcher } from "@drydock/core/spec";
   * PatternMatcher.from([" ./src/../docs/ ", "!docs/keep.md"]).patterns.map((p) => p.text); // ["docs", "docs/keep.md"]
   * ```
   */
  static from(patterns: readonly string[]): PatternMatcher {
    const parsed: Pattern[] = [];
    for (const raw of patterns) {
      let p = raw.trim();
      if (p === "") continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith("!")) {
        if (p.length === 1) throw new PatternError('illegal exclusion pattern: "!"');
        exclusion = true;
        p = p.slice(1);
      }
      const problem = globSyntaxProblem(p);
      if (problem !== undefined) throw new PatternError(`invalid pattern ${JSON.stringify(raw)}: ${problem}`);
      try {
        parsed.push(new Pattern(p, exclusion));
      } catch (e) {
        if (e instanceof PatternError) {
          throw new PatternError(`invalid pattern ${JSON.stringify(raw)}: ${e.message}`);
        }
        throw e;
      }
    }
    return new PatternMatcher(parsed);
  }

  /**
   * Whether `path` (relative, `/`-separated) or one of its parent directories is matched and not
   * re-included by a later exception (moby's `MatchesOrParentMatches`).
   *
   * @example
   * ```ts
   * import { PatternMatcher } from "@drydock/core/spec";
   * PatternMatcher.from(["docs", "!docs/README.md"]).matches("docs/README.md"); // false
   * ```
   */
  matches(path: string): boolean {
    const parents = parentPaths(path);
    let matched = false;
    for (const pattern of this.patterns) {
      // An inclusion cannot change an already matched path, nor an exception an unmatched one.
      if (pattern.exclusion !== matched) continue;
      if (pattern.match(path) || parents.some((p) => pattern.match(p))) matched = !pattern.exclusion;
    }
    return matched;
  }

  /**
   * Like {@link matches}, but reuses the results of the parent directory, for walks that visit parents
   * before children (moby's `MatchesUsingParentResults`). Pass `undefined` for top-level entries; keep the
   * returned `parent` for a directory's children.
   *
   * @example
   * ```ts
   * import { PatternMatcher } from "@drydock/core/spec";
   * const m = PatternMatcher.from(["build"]);
   * const dir = m.matchesWithParent("build", undefined);
   * m.matchesWithParent("build/out.o", dir.parent).matched; // true
   * ```
   */
  matchesWithParent(
    path: string,
    parent: ParentMatch | undefined,
  ): { matched: boolean; parent: ParentMatch } {
    const known = parent?.matched;
    if (known !== undefined && known.length !== this.patterns.length) {
      // A bug in drydock, not a user's mistake: a plain Error, reported with its stack.
      throw new Error("matchesWithParent: the parent results belong to another matcher");
    }
    const results: boolean[] = new Array(this.patterns.length).fill(false);
    let matched = false;
    let parents: string[] | undefined;
    this.patterns.forEach((pattern, i) => {
      let match = known?.[i] ?? false;
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.match(path);
        // Without the parent's results, check the parents as matches() does.
        if (!match && known === undefined) {
          parents ??= parentPaths(path);
          match = parents.some((p) => pattern.match(p));
        }
      }
      results[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { matched, parent: { matched: results } };
  }
}

/** `a/b/c` → `["a", "a/b"]`. */
function parentPaths(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) out.push(path.slice(0, i));
  return out;
}
