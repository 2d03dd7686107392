import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { expandEnv, resolveTemplate, templateText } from "./env_template.ts";

const known = (vars: Record<string, string>) => (n: string) => vars[n];

describe("expandEnv()", () => {
  test("$NAME and ${NAME} take known values; unset ones are empty", () => {
    assert.deepEqual(expandEnv("$A-${A}/$B.x", known({ A: "1" })), ["1-1/.x"]);
  });

  test(":- and - give the word when unset (:- also when empty)", () => {
    const vars = known({ E: "", S: "s" });
    assert.deepEqual(expandEnv("${U:-d} ${E:-d} ${E-d} ${S:-d} ${U-d}", vars), ["d d  s d"]);
  });

  test(":+ and + give the word when set (:+ only when not empty)", () => {
    const vars = known({ E: "", S: "s" });
    assert.deepEqual(expandEnv("[${U:+w}][${E:+w}][${E+w}][${S:+w}]", vars), ["[][][w][w]"]);
  });

  test("words expand too; \\$ is a literal dollar; a lone $ stays", () => {
    assert.deepEqual(expandEnv("${U:-$S/x} \\$S $ 5$", known({ S: "s" })), ["s/x $S $ 5$"]);
  });

  test("variables only the base image knows stay references, filled in later", () => {
    const t = expandEnv("/app/bin:$PATH:${HOME:-/root}", (n) => n === "A" ? "1" : "base");
    assert.deepEqual(t, ["/app/bin:", { name: "PATH" }, ":", {
      name: "HOME",
      modifier: ":-",
      word: ["/root"],
    }]);
    assert.equal(templateText(t), "/app/bin:${PATH}:${HOME:-/root}");
    assert.equal(resolveTemplate(t, known({ PATH: "/bin" })), "/app/bin:/bin:/root");
  });

  test("a known variable whose default needs the base image keeps the default as a template", () => {
    assert.deepEqual(expandEnv("${E:-$PATH}", (n) => n === "E" ? "" : "base"), [{ name: "PATH" }]);
    assert.deepEqual(expandEnv("${S:+$PATH}", (n) => n === "S" ? "s" : "base"), [{ name: "PATH" }]);
  });

  test("bad substitutions are refused", () => {
    assert.throws(() => expandEnv("${", known({})), /bad substitution/);
    assert.throws(() => expandEnv("${A:-x", known({})), /missing "}"/);
  });
});
