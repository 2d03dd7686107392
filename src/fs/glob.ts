/**
 * The glob syntax of `.dockerignore` patterns and fsutil's name globs: Go `filepath.Match` classes and escapes,
 * and the translation of a cleaned pattern to the cheapest way to match it, as moby's `patternmatcher` compiles it.
 *
 * @module
 */
import { PatternError } from "./pattern_error.ts";

/** How a pattern is matched; exact, prefix and suffix patterns avoid a regular expression, as moby's do. */
export type MatchKind =
  | { kind: "exact"; text: string }
  | { kind: "prefix"; prefix: string }
  | { kind: "suffix"; suffix: string }
  | { kind: "regexp"; regexp: RegExp };

/**
 * What Go's `filepath.Match` would reject in a pattern: an unclosed or empty class, a range or class
 * starting with `-` or `]`, a `\` with nothing after it.
 */
export function globSyntaxProblem(pattern: string): string | undefined {
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
export function compile(pattern: string): MatchKind {
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
 * import { globMatchesName } from "./glob.ts";
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
 * import { hasWildcards } from "./glob.ts";
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
