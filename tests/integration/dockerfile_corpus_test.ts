// The differential suite: every Dockerfile of tests/dockerfile_corpus built with `docker buildx build`,
// then with drydock on the same engine three ways: its hand-written build.ts, its converted build.ts, and the
// Dockerfile wrapped as `dockerfile(local(dir))`; the exported filesystems, the image configs and the cache
// (every drydock step CACHED after buildx) must agree. Differences an engine forces are listed in
// tests/dockerfile_corpus/engine_differences.ts, and nowhere else; wrapping uses the engine's own frontend,
// so none is allowed for it.
// The Deno pass runs every engine; the Bun pass runs the newest (definitions are byte-identical on both
// runtimes, tests/definition_runtimes_test.ts, so the other engines would repeat the same requests).
// DRYDOCK_CORPUS=name1,name2 runs only those cases.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { dockerfile, local } from "../../mod.ts";
import {
  buildxBuild,
  convertedCase,
  corpusCases,
  corpusEngines,
  defaultState,
  differences,
  drydockBuild,
  handWritten,
  skipReason,
} from "../support/dockerfile_corpus.ts";
import { allowedDifferences } from "../dockerfile_corpus/engine_differences.ts";
import { startCorpusServer } from "../support/corpus_server.ts";

const only = process.env.DRYDOCK_CORPUS?.split(",").filter(Boolean);
const cases = corpusCases().filter((c) => !only || only.includes(c.name));
const buildx = process.env.DRYDOCK_BUILDX;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const engines = corpusEngines().filter((e) => !isBun || e.name === "dk28");

// ADD <url> and ADD <git> cases fetch from it.
let stopServer: (() => Promise<void>) | undefined;
before(async () => {
  stopServer = await startCorpusServer();
});
after(() => stopServer?.());

test("the corpus has at least 30 cases, and the converter translates every line of each", async () => {
  assert.ok(corpusCases().length >= 30, `${corpusCases().length} cases`);
  for (const c of cases) {
    const { todos } = await convertedCase(c);
    assert.deepEqual(todos, [], c.name);
  }
});

for (const engine of engines) {
  describe(
    `Dockerfile corpus on ${engine.name}`,
    { skip: buildx ? false : "DRYDOCK_BUILDX is not set" },
    () => {
      for (const c of cases) {
        test(
          `${c.name}: hand-written, converted and wrapped, drydock builds what buildx builds, from its cache`,
          {
            skip: skipReason(c, engine.name) ?? false,
          },
          async () => {
            const reference = await buildxBuild(engine, c);
            const allowed = new Set(allowedDifferences(c.name, engine.name));
            const hand = await drydockBuild(engine, c, defaultState(await handWritten(c)), "hand");
            assert.deepEqual(
              differences(reference, hand).filter((d) => !allowed.has(d)),
              [],
              "hand-written build.ts",
            );
            const { module } = await convertedCase(c);
            const converted = await drydockBuild(engine, c, defaultState(module), "converted");
            assert.deepEqual(
              differences(reference, converted).filter((d) => !allowed.has(d)),
              [],
              "converted build.ts",
            );
            const wrapped = await drydockBuild(engine, c, dockerfile(local(c.dir)), "wrapped");
            assert.deepEqual(differences(reference, wrapped), [], "dockerfile(local(dir))");
          },
        );
      }
    },
  );
}
