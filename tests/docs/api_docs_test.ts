// The public API's documentation, checked with Deno's own tools (the deno binary from node_modules/.bin, so
// these run in the Bun pass too): `deno doc --lint` of the entry points finds nothing, every public function
// and method shows an @example, and every example imports the package by its name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  collectExamples,
  type DocJson,
  ENTRY_POINTS,
  foreignImports,
  functionsWithoutExample,
} from "../support/doc_examples.ts";
import { explain, ROOT, run } from "../install/support.ts";

const DENO = join(ROOT, "node_modules", ".bin", "deno");

test("deno doc --lint of the entry points finds no problem", async () => {
  const r = await run(ROOT, DENO, ["doc", "--lint", ...ENTRY_POINTS], {}, 120_000);
  // One line per problem (kind and place) first; the whole output after.
  const problems = [...r.stderr.matchAll(/^error\[([\w-]+)\]: (.*)\n\s*--> (\S+)/gm)]
    .map((m) => `${m[3].replace(ROOT, "")}: ${m[1]}: ${m[2]}`);
  assert.deepEqual(problems, [], problems.join("\n"));
  assert.equal(r.code, 0, explain(r));
});

let json: Promise<DocJson> | undefined;
function docJson(): Promise<DocJson> {
  json ??= run(ROOT, DENO, ["doc", "--json", ...ENTRY_POINTS], {}, 120_000).then((r) => {
    assert.equal(r.code, 0, explain(r));
    return JSON.parse(r.stdout);
  });
  return json;
}

test("every public function and method has an @example", async () => {
  assert.deepEqual(functionsWithoutExample(await docJson(), ROOT), []);
});

test("every @example imports the package by its name, never a path", async () => {
  const examples = collectExamples(await docJson(), ROOT);
  assert.ok(examples.length > 100, `only ${examples.length} examples found`);
  const foreign = examples.flatMap((e) => foreignImports(e.code).map((s) => `${e.origin}: ${s}`));
  assert.deepEqual(foreign, []);
});
