import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { OptionError } from "./errors.ts";
import { validate } from "./validate.ts";

describe("validate()", () => {
  test("empty options give a fresh empty object every time", () => {
    const schema = z.strictObject({ name: z.string().optional() });
    const first = validate("run", "", schema, {}, undefined);
    const second = validate("run", "", schema, {}, undefined);
    assert.deepEqual(second, {});
    assert.notEqual(first, second);
  });

  test("a schema that rejects empty options rejects them every time", () => {
    const schema = z.strictObject({ name: z.string() });
    for (let i = 0; i < 2; i++) {
      assert.throws(() => validate("run", "", schema, {}, undefined), OptionError);
    }
  });

  test("defaults a schema fills into empty options are kept", () => {
    const schema = z.strictObject({ n: z.number().default(3) });
    assert.deepEqual(validate("f", "", schema, {}, undefined), { n: 3 });
    assert.deepEqual(validate("f", "", schema, {}, undefined), { n: 3 });
  });

  test("non-empty options are still checked after empty ones passed", () => {
    const schema = z.strictObject({ name: z.string().optional() });
    validate("run", "", schema, {}, undefined);
    assert.throws(() => validate("run", "", schema, { name: 1 }, undefined), /name/);
    assert.throws(() => validate("run", "", schema, { other: true }, undefined), OptionError);
  });
});
