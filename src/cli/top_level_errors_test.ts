import { test } from "node:test";
import assert from "node:assert/strict";
import { DrydockError } from "../core/errors.ts";
import { topLevelReport } from "./top_level_errors.ts";

test("topLevelReport() claims drydock's errors and permission errors, and leaves the rest to the runtime", () => {
  assert.equal(topLevelReport(new Error("a bug")), undefined);
  assert.equal(topLevelReport("thrown string"), undefined);
  assert.deepEqual(topLevelReport(new DrydockError("E_OPTION", "bad option")), {
    text: "error: bad option\n",
    exitCode: 2,
  });
  assert.deepEqual(topLevelReport(new DrydockError("E_SECRET", "no secret")), {
    text: "error: no secret\n",
    exitCode: 1,
  });
  const denied = Object.assign(
    new Error('Requires net access to "x:1", run again with the --allow-net flag'),
    {
      name: "NotCapable",
    },
  );
  const report = topLevelReport(denied);
  assert.equal(report?.exitCode, 2);
  assert.match(report!.text, /^error: Deno needs --allow-net /);
});
