import { test } from "node:test";
import assert from "node:assert/strict";
import { csvFields } from "./csv_fields.ts";
import { UsageError } from "./usage_error.ts";

test("`csvFields()` splits key=value fields and lower-cases keys", () => {
  assert.deepEqual(csvFields("-o", "Type=local,DEST=./Out"), [["type", "local"], ["dest", "./Out"]]);
  assert.deepEqual(csvFields("-o", "./out"), [["./out", undefined]]);
  assert.deepEqual(csvFields("-o", "name=a=b"), [["name", "a=b"]]);
});

test("`csvFields()` keeps commas and doubled quotes inside quoted fields", () => {
  assert.deepEqual(csvFields("-o", '"name=a:1,a:2",push=true'), [["name", "a:1,a:2"], ["push", "true"]]);
  assert.deepEqual(csvFields("-o", '"annotation.t=say ""hi"""'), [["annotation.t", 'say "hi"']]);
  assert.throws(() => csvFields("-o", '"type=local'), UsageError);
});
