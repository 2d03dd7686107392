// docs/dockerfile-to-drydock.md is generated from tests/dockerfile_corpus/table.ts and checked against the
// corpus: each row's cases use what the row names, and every instruction and flag the corpus uses has a row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderTable, TABLE, TABLE_DOC } from "./dockerfile_corpus/table.ts";
import { CORPUS_DIR, corpusCases } from "./support/dockerfile_corpus.ts";

const dockerfileOf = (name: string) => readFileSync(join(CORPUS_DIR, name, "Dockerfile"), "utf8");

/** The instruction keywords and `KEYWORD --flag` forms a Dockerfile uses (heredoc bodies skipped). */
function formsOf(text: string): Set<string> {
  const forms = new Set<string>();
  let heredoc: string | undefined;
  for (const line of text.split("\n")) {
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const m = /^([A-Z]+)\s+((?:--[a-z-]+(?:=\S*)?\s+)*)(.*)$/.exec(line);
    if (!m) continue;
    forms.add(m[1]);
    for (const f of m[2].matchAll(/--([a-z-]+)(?:=(\S*))?/g)) {
      forms.add(`${m[1]} --${f[1]}`);
      if (f[1] === "mount") {
        forms.add(`${m[1]} --mount=type=${/type=([a-z]+)/.exec(f[2] ?? "")?.[1] ?? "bind"}`);
      }
    }
    heredoc = /<<-?["']?([A-Za-z0-9_]+)/.exec(m[3])?.[1];
  }
  return forms;
}

/** The keyword and flag a table row is about: `COPY --from`, `RUN --mount=type=cache`, `HEALTHCHECK`. */
function formOfRow(dockerfile: string): string {
  const m = /^([A-Z]+)(?:\s+(--[a-z-]+(?:=type=[a-z]+)?))?/.exec(dockerfile)!;
  return m[2] ? `${m[1]} ${m[2]}` : m[1];
}

test("docs/dockerfile-to-drydock.md is the rendered table", () => {
  assert.equal(readFileSync(TABLE_DOC, "utf8"), renderTable());
});

test("each row's corpus cases use what the row names", () => {
  const names = new Set(corpusCases().map((c) => c.name));
  for (const row of TABLE) {
    for (const c of row.cases) {
      assert.ok(names.has(c), `${row.dockerfile}: no corpus case ${c}`);
      assert.ok(
        formsOf(dockerfileOf(c)).has(formOfRow(row.dockerfile)),
        `${c} does not use ${row.dockerfile}`,
      );
    }
  }
});

test("every instruction and flag the corpus uses has a row", () => {
  const rows = new Set(TABLE.map((r) => formOfRow(r.dockerfile)));
  const missing = new Set<string>();
  for (const c of corpusCases()) {
    for (const form of formsOf(dockerfileOf(c.name))) {
      // A RUN --mount row per type covers the flag itself.
      if (form === "RUN --mount") continue;
      if (!rows.has(form)) missing.add(`${form} (${c.name})`);
    }
  }
  assert.deepEqual([...missing], []);
});
