// The differential suite for wrapping: every Dockerfile of tests/dockerfile_corpus wrapped as
// `dockerfile(local(dir))` must build what `docker buildx build` builds on the same engine: the same
// filesystem, the same image config, the same ops, and every step CACHED after buildx's build.
// Wrapping uses the engine's own frontend, so no engine-forced difference is allowed here.
// DRYDOCK_CORPUS=name1,name2 runs only those cases.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { dockerfile, local } from "../../mod.ts";
import {
  buildxBuild,
  corpusCases,
  corpusEngines,
  differences,
  drydockBuild,
  skipReason,
} from "../support/dockerfile_corpus.ts";

const only = process.env.DRYDOCK_CORPUS?.split(",").filter(Boolean);
const cases = corpusCases().filter((c) => !only || only.includes(c.name));

for (const engine of corpusEngines()) {
  describe(`Dockerfile corpus wrapped with dockerfile() on ${engine.name}`, {
    skip: process.env.DRYDOCK_BUILDX ? false : "DRYDOCK_BUILDX is not set",
  }, () => {
    for (const c of cases) {
      test(`${c.name}: dockerfile(local(dir)) builds what buildx builds, from its cache`, {
        skip: skipReason(c, engine.name) ?? false,
      }, async () => {
        const reference = await buildxBuild(engine, c);
        const wrapped = await drydockBuild(engine, c, dockerfile(local(c.dir)), "wrapped");
        assert.deepEqual(differences(reference, wrapped), []);
      });
    }
  });
}
