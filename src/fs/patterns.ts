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
import { DrydockError } from "../core/errors.ts";
import { cleanPath } from "./clean_path.ts";

/** A pattern that cannot be parsed (unclosed `[`, a trailing `\`, a bare `!`...). */
export class PatternError extends DrydockError {
  override name = "PatternError";
  constructor(message: string) {
    super("E_PATTERN", message);
  }
}

/** How a pattern is matched; exact, prefix and suffix patterns avoid a regular expression, as moby's do. */
type MatchKind =
  | { kind: "exact"; text: string }
  | { kind: "prefix"; prefix: string }
  | { kind: "suffix"; suffix: string }
  | { kind: "regexp"; regexp: RegExp };

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
   * import { PatternMatcher } from "./patterns.ts";
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
  readonly matched: readonly boolean[];
}

/**
 * A list of patterns, matched in order: the last pattern that matches a path (or one of its parent
 * directories) decides whether it is matched.
 *
 * @example
 * ```ts
 * import { PatternMatcher } from "./patterns.ts";
 * const ignore = PatternMatcher.from(["node_modules", "*.log", "!keep.log"]);
 * ignore.matches("node_modules/x/index.js"); // true
 * ignore.matches("debug.log"); // true
 * ignore.matches("keep.log"); // false
 * ```
 */
export class PatternMatcher {
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
   * import { PatternMatcher } from "./patterns.ts";
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
   * import { PatternMatcher } from "./patterns.ts";
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
   * import { PatternMatcher } from "./patterns.ts";
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

/**
 * What Go's `filepath.Match` would reject in a pattern: an unclosed or empty class, a range or class
 * starting with `-` or `]`, a `\` with nothing after it.
 */
function globSyntaxProblem(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "\\") {
      if (i + 1 >= chars.length) return "trailing backslash";
      i++;
    } else if (c === "[") {
      const end = parseClass(chars, i);
      if (typeof end === "string") return end;
      i = end.end;
    }
  }
  return undefined;
}

/** A parsed `[...]`: its JS regexp source and the index of its closing `]`. */
interface ParsedClass {
  readonly source: string;
  readonly end: number;
}

/** Parses the class starting at `chars[start] === "["` with Go `filepath.Match` syntax. */
function parseClass(chars: readonly string[], start: number): ParsedClass | string {
  let i = start + 1;
  let source = "[";
  if (chars[i] === "^") {
    source += "^";
    i++;
  }
  let ranges = 0;
  for (;;) {
    if (i >= chars.length) return "unclosed character class";
    if (chars[i] === "]" && ranges > 0) return { source: source + "]", end: i };
    const lo = classChar(chars, i);
    if (typeof lo === "string") return lo;
    i = lo.next;
    source += escapeInClass(lo.char);
    if (chars[i] === "-") {
      const hi = classChar(chars, i + 1);
      if (typeof hi === "string") return hi;
      // Go's filepath.Match accepts it, but moby's regexp compilation then fails.
      if (hi.char.codePointAt(0)! < lo.char.codePointAt(0)!) {
        return `range ${lo.char}-${hi.char} is out of order`;
      }
      i = hi.next;
      source += "-" + escapeInClass(hi.char);
    }
    ranges++;
  }
}

/** One (possibly escaped) class member, as Go's `getEsc` reads it. */
function classChar(chars: readonly string[], i: number): { char: string; next: number } | string {
  const c = chars[i];
  if (c === undefined) return "unclosed character class";
  if (c === "-" || c === "]") return `"${c}" must be escaped in a character class`;
  if (c !== "\\") return { char: c, next: i + 1 };
  const escaped = chars[i + 1];
  if (escaped === undefined) return "trailing backslash";
  return { char: escaped, next: i + 2 };
}

/** Characters with a meaning in a JS regexp (with the `u` flag), outside and inside a class. */
const REGEXP_SYNTAX = new Set(Array.from("^$\\.*+?()[]{}|/"));
const CLASS_SYNTAX = new Set(Array.from("\\]-^["));

function escapeLiteral(c: string): string {
  return REGEXP_SYNTAX.has(c) ? `\\${c}` : c;
}

function escapeInClass(c: string): string {
  return CLASS_SYNTAX.has(c) ? `\\${c}` : c;
}

/** Go (RE2) escapes of a letter or digit, in JS `u`-mode syntax; other characters are literal. */
const GO_ESCAPES: Record<string, string> = {
  d: "[0-9]",
  D: "[^0-9]",
  s: "[\\t\\n\\f\\r ]",
  S: "[^\\t\\n\\f\\r ]",
  w: "[0-9A-Za-z_]",
  W: "[^0-9A-Za-z_]",
  b: "\\b",
  B: "\\B",
  A: "(?<![^])",
  z: "(?![^])",
  a: "\\x07",
  f: "\\f",
  t: "\\t",
  n: "\\n",
  r: "\\r",
  v: "\\v",
};

/** What `\c` in a pattern means to Go's regexp, where moby's escapes end up. */
function goRegexpEscape(c: string): string {
  if (!/^[0-9A-Za-z]$/.test(c)) return escapeLiteral(c);
  const mapped = GO_ESCAPES[c];
  // Go fails such a pattern when it is first matched; refuse it when it is parsed.
  if (mapped === undefined) throw new PatternError(`unsupported escape \\${c}`);
  return mapped;
}

/**
 * Translates a cleaned, valid pattern the way moby's `Pattern.compile` does, choosing the cheapest match
 * kind: exact (no wildcards), prefix (`dir/**`), suffix (`**\/name`), else a regular expression. Go's `.`
 * does not match a newline; `[^\n]` stands for it here because JS's `.` also skips `\r` and U+2028/9.
 */
function compile(pattern: string): MatchKind {
  const chars = Array.from(pattern);
  let source = "^";
  let kind: MatchKind["kind"] = "exact";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "*") {
      if (chars[i + 1] === "*") {
        const first = i === 0;
        i++;
        if (chars[i + 1] === "/") i++; // `**/` is `**`
        if (i + 1 >= chars.length) {
          // A trailing `**` matches everything below, as in .gitignore.
          if (kind === "exact") kind = "prefix";
          else {
            source += "[^\\n]*";
            kind = "regexp";
          }
        } else {
          source += "(?:[^\\n]*/)?"; // any number of directories, even none
          kind = "regexp";
        }
        if (first) kind = "suffix";
      } else {
        source += "[^/]*";
        kind = "regexp";
      }
    } else if (c === "?") {
      source += "[^/]";
      kind = "regexp";
    } else if (c === "\\") {
      source += goRegexpEscape(chars[++i]);
      kind = "regexp";
    } else if (c === "^") {
      source += "^"; // moby leaves it unescaped: an anchor once the pattern is a regexp
    } else if (c === "[") {
      const parsed = parseClass(chars, i) as ParsedClass; // validated by globSyntaxProblem
      source += parsed.source;
      i = parsed.end;
      kind = "regexp";
    } else {
      source += escapeLiteral(c);
    }
  }
  switch (kind) {
    case "exact":
      return { kind, text: pattern };
    case "prefix":
      return { kind, prefix: pattern.slice(0, -2) };
    case "suffix":
      return { kind, suffix: pattern.slice(2) };
    case "regexp":
      return { kind, regexp: new RegExp(source + "$", "u") };
  }
}

/**
 * Go's `filepath.Match` for one path element: `*`, `?`, `[...]` and `\` escapes, where `**` is just two
 * stars. A malformed glob matches nothing (fsutil ignores the error where it uses this).
 *
 * @example
 * ```ts
 * import { globMatchesName } from "./patterns.ts";
 * globMatchesName("lib*.so", "libz.so"); // true
 * globMatchesName("[", "["); // false: malformed
 * ```
 */
export function globMatchesName(glob: string, name: string): boolean {
  if (globSyntaxProblem(glob) !== undefined) return false;
  const chars = Array.from(glob);
  let source = "^";
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "\\") source += escapeLiteral(chars[++i]);
    else if (c === "[") {
      const parsed = parseClass(chars, i) as ParsedClass;
      source += parsed.source;
      i = parsed.end;
    } else source += escapeLiteral(c);
  }
  return new RegExp(source + "$", "u").test(name);
}

/**
 * Whether a path element has unescaped wildcards (`*`, `?`, `[`), as fsutil decides before globbing.
 *
 * @example
 * ```ts
 * import { hasWildcards } from "./patterns.ts";
 * hasWildcards("*.so"); // true
 * hasWildcards("a\\*b"); // false
 * ```
 */
export function hasWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "\\") i++;
    else if (c === "*" || c === "?" || c === "[") return true;
  }
  return false;
}
