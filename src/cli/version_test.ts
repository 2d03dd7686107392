import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { VERSION } from "./version.ts";

test("VERSION is package.json's and deno.json's version, and both name the same package", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const deno = JSON.parse(readFileSync(new URL("../../deno.json", import.meta.url), "utf8"));
  assert.equal(pkg.version, VERSION);
  assert.equal(deno.version, VERSION);
  assert.equal(deno.name, pkg.name);
  assert.equal(deno.license, pkg.license);
});
