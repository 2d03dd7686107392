import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FLAGS } from "./flags.ts";
import { helpText, listText, optionsText } from "./help.ts";
import { describeParam } from "./params.ts";

const targets = [
  { name: "app", description: "the runtime image", isDefault: true },
  { name: "test", isDefault: false },
];

test("`helpText()` lists targets, parameters and every built-in flag", () => {
  const text = helpText("build.ts", targets, [
    describeParam("appVersion", z.string().default("dev").describe("version baked into the image")),
    describeParam("level", z.enum(["low", "high"])),
  ]);
  assert.match(text, /^Usage: build\.ts \[options\] \[target\.\.\.\]\n/);
  assert.match(text, /\n {2}app {3}the runtime image \(default\)\n {2}test\n/);
  assert.match(text, /--app-version STRING\n +version baked into the image \(default: "dev"\)\n/);
  assert.match(text, /--level low\|high +\(required\)\n/);
  for (const f of FLAGS) assert.ok(text.includes(`--${f.name}`), `--${f.name} is in the help`);
  for (const line of text.split("\n")) assert.ok(line.length <= 110, `line fits 110 columns: ${line}`);
});

test("`helpText()` leaves out the parameters section when none are declared", () => {
  assert.doesNotMatch(helpText("build.ts", targets, []), /Parameters/);
});

test("`listText()` aligns descriptions and marks the default", () => {
  assert.equal(listText(targets), "  app   the runtime image (default)\n  test\n");
});

test("README's CLI reference is the generated options text", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  assert.ok(
    readme.includes("```\n" + optionsText() + "```\n"),
    "README.md must contain optionsText() in a code block (regenerate the CLI reference section):\n" +
      optionsText(),
  );
});
