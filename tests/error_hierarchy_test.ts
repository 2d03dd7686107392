import { test } from "node:test";
import assert from "node:assert/strict";
import * as drydock from "../mod.ts";

test("every error class drydock exports is a DrydockError, with a code", () => {
  const errorClasses = Object.entries(drydock).filter(([, v]) =>
    typeof v === "function" && v.prototype instanceof Error
  ) as [string, new (...args: never[]) => Error][];
  assert.ok(errorClasses.length >= 10, errorClasses.map(([n]) => n).join(", "));
  for (const [name, cls] of errorClasses) {
    assert.ok(cls === drydock.DrydockError || cls.prototype instanceof drydock.DrydockError, name);
  }
});
