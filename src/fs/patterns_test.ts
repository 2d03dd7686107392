import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PatternMatcher } from "./patterns.ts";
import { PatternError } from "./pattern_error.ts";
import { globMatchesName, hasWildcards } from "./glob.ts";
import { cleanPath } from "./clean_path.ts";

/** [patterns, path, matched] — from Docker's documented .dockerignore behaviour. */
const cases: [string[], string, boolean][] = [
  // Plain names match the path and everything below it.
  [["secret.txt"], "secret.txt", true],
  [["secret.txt"], "dir/secret.txt", false],
  [["docs"], "docs", true],
  [["docs"], "docs/guide/intro.md", true],
  [["docs"], "docsets/a", false],
  [["docs/"], "docs/a.md", true],
  // `*` stays within one path element.
  [["*.log"], "debug.log", true],
  [["*.log"], "logs/debug.log", false],
  [["*"], "anything", true],
  [["*"], "dir/below", true], // the parent "dir" matches
  [["*/temp*"], "somedir/temporary.txt", true],
  [["*/temp*"], "somedir/temp", true],
  [["*/temp*"], "temp", false],
  [["*/temp*"], "a/b/temp", false],
  [["*/*/temp*"], "a/b/temp.txt", true],
  [["*/*/temp*"], "a/temp.txt", false],
  // `?` is one character, never `/`.
  [["temp?"], "tempa", true],
  [["temp?"], "temp", false],
  [["temp?"], "tempab", false],
  [["a?b"], "a/b", false],
  // `**` is any number of directories, even none.
  [["**/*.go"], "main.go", true],
  [["**/*.go"], "cmd/tool/main.go", true],
  [["**/*.go"], "main.go.txt", false],
  [["**/vendor"], "vendor", true],
  [["**/vendor"], "a/b/vendor/lib.go", true],
  [["**/vendor"], "myvendor", false],
  [["src/**/test"], "src/test", true],
  [["src/**/test"], "src/a/b/test/x", true],
  [["src/**/test"], "lib/src/test", false],
  [["build/**"], "build/out/x.o", true],
  [["build/**"], "build", false], // only what is below it
  [["**"], "any/path/at/all", true],
  [["**.txt"], "a/b/notes.txt", true], // a leading ** is a suffix match
  // Exceptions re-include; the last matching pattern wins.
  [["*.md", "!README.md"], "README.md", false],
  [["*.md", "!README.md"], "CHANGES.md", true],
  [["*.md", "!README*.md", "README-secret.md"], "README-secret.md", true],
  [["*.md", "!README*.md", "README-secret.md"], "README-public.md", false],
  [["*.md", "README-secret.md", "!README*.md"], "README-secret.md", false],
  [["!README.md", "*.md"], "README.md", true], // an exception before the pattern changes nothing
  [["docs", "!docs/README.md"], "docs/README.md", false],
  [["docs", "!docs/README.md"], "docs/other.md", true],
  [["docs/*", "!docs/README.md"], "docs/README.md", false],
  [["**", "!keep"], "keep/inside/file", false],
  [["**", "!keep", "keep/inside"], "keep/inside/file", true],
  // Patterns are cleaned; whitespace around them is trimmed.
  [["./a/../b/"], "b/c", true],
  [["  spaced.txt  "], "spaced.txt", true],
  [["a//b"], "a/b", true],
  [["/abs"], "abs", false], // the matcher keeps the slash; .dockerignore reading drops it
  // Character classes and escapes.
  [["file[0-9].txt"], "file7.txt", true],
  [["file[0-9].txt"], "filex.txt", false],
  [["file[^0-9].txt"], "filex.txt", true],
  [["file[^0-9].txt"], "file7.txt", false],
  [["[abc]"], "b", true],
  [["a\\*b"], "a*b", true],
  [["a\\*b"], "axxb", false],
  [["a\\?"], "a?", true],
  [["a\\[b"], "a[b", true],
  // Regexp characters are literal.
  [["v1.0"], "v1x0", false],
  [["a+b(c)"], "a+b(c)", true],
  [["dist/*.whl"], "dist/pkg-1.0+local-py3-none-any.whl", true],
  [["*.{js,ts}"], "a.js", false],
  [["*.{js,ts}"], "a.{js,ts}", true],
  // Escaped letters mean what they mean to Go's regexp, where moby's patterns end up.
  [["v\\d.txt"], "v7.txt", true],
  [["v\\d.txt"], "vd.txt", false],
  [["a\\sb"], "a b", true],
  [["\\w*"], "_x", true],
  // `^` is an anchor once the pattern has wildcards (moby leaves it unescaped), literal otherwise.
  [["^foo*"], "foobar", true],
  [["^foo*"], "^foobar", false],
  [["a^b"], "a^b", true],
  // Non-ASCII: `?` is one character, even outside the BMP.
  [["caf?"], "café", true],
  [["?.txt"], "😀.txt", true],
  [["ünï*"], "ünïcode", true],
  // Nothing matches without patterns.
  [[], "anything", false],
];

describe("PatternMatcher", () => {
  for (const [patterns, path, expected] of cases) {
    test(`${JSON.stringify(patterns)} ${expected ? "matches" : "does not match"} ${path}`, () => {
      const m = PatternMatcher.from(patterns);
      assert.equal(m.matches(path), expected);
      // The walk's incremental form agrees with the whole-path form.
      let parent;
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) {
        parent = m.matchesWithParent(parts.slice(0, i).join("/"), parent).parent;
      }
      assert.equal(m.matchesWithParent(path, parent).matched, expected);
      assert.equal(m.matchesWithParent(path, undefined).matched, expected);
    });
  }

  test("has at least 40 cases", () => assert.ok(cases.length >= 40));

  for (
    const [bad, why] of [
      ["!", "illegal exclusion"],
      ["[", "unclosed"],
      ["a[b", "unclosed"],
      ["[]", "must be escaped"],
      ["[-a]", "must be escaped"],
      ["[a-]", "must be escaped"],
      ["[z-a]", "out of order"],
      ["abc\\", "trailing backslash"],
      ["a\\e", "unsupported escape \\e"],
    ]
  ) {
    test(`refuses the malformed pattern ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => PatternMatcher.from(["ok", bad]),
        (e: Error) => e instanceof PatternError && e.message.includes(why),
      );
    });
  }

  test("drops empty patterns and records exceptions", () => {
    const m = PatternMatcher.from(["", "  ", "a", "!b"]);
    assert.deepEqual(m.patterns.map((p) => [p.text, p.exclusion]), [["a", false], ["b", true]]);
    assert.equal(m.hasExclusions, true);
    assert.equal(PatternMatcher.from(["a"]).hasExclusions, false);
  });

  test("directoryPart drops a trailing /** and /*", () => {
    const parts = PatternMatcher.from(["a/b/**", "c/*", "d/*/**", "e"]).patterns.map((p) => p.directoryPart);
    assert.deepEqual(parts, ["a/b", "c", "d", "e"]);
  });

  test("parent results from another matcher are refused", () => {
    const { parent } = PatternMatcher.from(["a", "b"]).matchesWithParent("a", undefined);
    assert.throws(() => PatternMatcher.from(["a"]).matchesWithParent("a/x", parent), /another matcher/);
  });
});

describe("cleanPath", () => {
  for (
    const [input, expected] of [
      ["", "."],
      [".", "."],
      ["a/b/", "a/b"],
      ["a//b", "a/b"],
      ["./a/./b", "a/b"],
      ["a/../b", "b"],
      ["a/../../b", "../b"],
      ["../../a", "../../a"],
      ["/../a", "/a"],
      ["/", "/"],
      ["//a//", "/a"],
      ["a/b/../..", "."],
    ]
  ) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () =>
      assert.equal(cleanPath(input), expected));
  }
});

describe("globMatchesName() and hasWildcards()", () => {
  for (
    const [glob, name, expected] of [
      ["lib*.so", "libz.so", true],
      ["lib*.so", "libz.so.1", false],
      ["?.txt", "a.txt", true],
      ["[a-c]x", "bx", true],
      ["[^a-c]x", "bx", false],
      ["a\\*", "a*", true],
      ["a\\*", "ab", false],
      ["**", "anything", true], // just two stars in one element
      ["[", "[", false], // malformed: matches nothing
    ] as const
  ) {
    test(`${JSON.stringify(glob)} ${expected ? "matches" : "does not match"} ${JSON.stringify(name)}`, () => {
      assert.equal(globMatchesName(glob, name), expected);
    });
  }

  test("hasWildcards ignores escaped characters", () => {
    assert.deepEqual(["*.so", "a?", "[x]", "a\\*b", "plain", "a\\[b"].map(hasWildcards), [
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
