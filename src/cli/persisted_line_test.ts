import { test } from "node:test";
import assert from "node:assert/strict";
import { describePersisted } from "./persisted_line.ts";

const report = {
  id: "npm",
  persist: "localhost/c:npm",
  seeded: false,
  seedSeconds: 0.1,
  size: 1500,
  saveSeconds: 1.25,
  outcome: "saved",
  content: "sha256:0",
} as const;

test("a persisted mount's summary line says its size, seed and save; on several nodes, the saving node", () => {
  assert.equal(
    describePersisted(report),
    "cache npm persisted to localhost/c:npm: 1.5 kB; started empty; saved in 1.3 s",
  );
  assert.equal(
    describePersisted({ ...report, node: { name: "x86", alsoUsedOn: [] } }),
    "cache npm persisted to localhost/c:npm: 1.5 kB; started empty; saved in 1.3 s (from node x86)",
  );
  assert.equal(
    describePersisted({ ...report, outcome: "unchanged", node: { name: "x86", alsoUsedOn: ["arm"] } }),
    "cache npm persisted to localhost/c:npm: 1.5 kB; started empty; unchanged, nothing saved " +
      "(from node x86; arm used it too)",
  );
});
