// The @example blocks of the documentation, as a user would paste them: importing `@drydock/core` (resolved
// through deno.json's import map, which names the package's own entry points).
// - Every example reachable from the entry points (`deno doc --json` of them) is written out as a module,
//   type-checked as one graph, and run, all in one `deno test` process. (`deno test --doc` makes a worker per
//   block, each loading the whole package: over two minutes here.)
//   Blocks fenced ```ts no-eval are type-checked only: they build on an engine (`build()`, `buildTargets()`),
//   which tests/integration/ exercises for real. Any other example runs with no engine reachable.
// - Every other example in src/ (internal helpers' docs) is type-checked by `deno check --doc`.
// Deno's tools, Deno pass only (tests/docs/api_docs_test.ts runs the doc lint on both passes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { collectExamples, ENTRY_POINTS } from "../support/doc_examples.ts";
import { explain, ROOT, run } from "../install/support.ts";

const skip = typeof (globalThis as { Deno?: unknown }).Deno === "undefined" && "needs Deno's doc tools";
const DENO = join(ROOT, "node_modules", ".bin", "deno");
// An example that tries to reach an engine fails at once instead of finding a developer's Docker.
const NO_ENGINE = {
  DOCKER_HOST: "unix:///nonexistent/docker.sock",
  BUILDKIT_HOST: undefined,
  DOCKER_CONTEXT: undefined,
  BUILDX_BUILDER: undefined,
};

test("every @example reachable from the entry points type-checks and runs", { skip }, async () => {
  const json = await run(ROOT, DENO, ["doc", "--json", ...ENTRY_POINTS], {}, 120_000);
  assert.equal(json.code, 0, explain(json));
  const examples = collectExamples(JSON.parse(json.stdout), ROOT).filter((e) => /^(ts|js)$/.test(e.lang));
  assert.ok(examples.length > 100, `only ${examples.length} examples found`);
  // Inside the checkout (.tmp/ is git-ignored), so deno.json's import map resolves the package name.
  mkdirSync(join(ROOT, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, ".tmp", "doc-examples-"));
  try {
    const files = examples.map((e, i) => {
      const file = `example_${String(i).padStart(3, "0")}.ts`;
      writeFileSync(join(dir, file), `${e.code}\nexport {};\n`);
      return file;
    });
    // Messages name the example file: add where each one is documented.
    const origins = (text: string) =>
      text.replace(/example_(\d{3})\.ts(?::\d+:\d+)?/g, (m, i) => `${m} (${examples[Number(i)].origin})`);
    writeFileSync(join(dir, "all.ts"), files.map((f) => `import "./${f}";`).join("\n") + "\n");
    const checked = await run(dir, DENO, ["check", "--quiet", "all.ts"], {}, 300_000);
    assert.equal(checked.code, 0, origins(explain(checked)));

    const runs = files.filter((_, i) => !examples[i].attributes.includes("no-eval"));
    const suite = runs.map((f) => `Deno.test("${f}", async () => { await import("./${f}"); });`);
    writeFileSync(join(dir, "examples_test.ts"), suite.join("\n") + "\n");
    const ran = await run(dir, DENO, ["test", "-A", "--no-check", "examples_test.ts"], NO_ENGINE, 300_000);
    assert.equal(ran.code, 0, origins(explain(ran)));
    assert.match(ran.stdout, new RegExp(`ok \\| ${runs.length} passed \\| 0 failed`), origins(ran.stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every @example in src/ type-checks (deno check --doc)", { skip }, async () => {
  const r = await run(ROOT, DENO, ["check", "--doc", "--quiet", ...ENTRY_POINTS, "src/"], {}, 300_000);
  assert.equal(r.code, 0, explain(r));
});

test("deno doc --html writes the API reference of the entry points", { skip }, async () => {
  // A fresh clone has no .tmp/: deno doc makes only the last folder of --output.
  const out = join(mkdtempSync(join(tmpdir(), "drydock-api-")), "api");
  const r = await run(ROOT, DENO, [
    "doc",
    "--html",
    "--name=@drydock/core",
    `--output=${out}`,
    ...ENTRY_POINTS,
  ], {});
  rmSync(dirname(out), { recursive: true, force: true });
  assert.equal(r.code, 0, explain(r));
});
