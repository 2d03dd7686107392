// Imports flow one way: each src/ folder may import only the folders listed here (its README.md says the same).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  proto: [],
  dsl: ["core"],
  llb: ["core", "dsl", "proto"],
  fs: ["core", "proto"],
  transport: ["core", "proto"],
  session: ["core", "proto", "fs", "transport"],
  gateway: ["core", "proto", "fs", "transport"],
  progress: ["core", "proto"],
  solve: ["core", "dsl", "llb", "proto", "fs", "transport", "session", "gateway", "progress"],
  cli: ["core", "dsl", "llb", "fs", "transport", "session", "gateway", "progress", "solve", "convert"],
  convert: ["core"],
};

/** The relative module specifiers a file imports or re-exports, comments and strings' contents aside. */
function importsOf(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "") // block comments, JSDoc examples included
    .replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const p of patterns) for (const m of code.matchAll(p)) found.push(m[1]);
  return found.filter((s) => s.startsWith("."));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(e.name) && !/_test\.ts$|_test_util\.ts$/.test(e.name) ? [path] : [];
  });
}

/** Every import from one src/ folder into another, as `file -> target`. */
function edges(): { file: string; from: string; to: string; target: string }[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = relative(SRC, file).split("/")[0];
    return importsOf(readFileSync(file, "utf8")).map((spec) => {
      const target = relative(SRC, resolve(dirname(file), spec));
      return {
        file: relative(SRC, file),
        from,
        to: target.startsWith("..") ? target : target.split("/")[0],
        target,
      };
    }).filter((e) => e.to !== e.from);
  });
}

test("every src/ folder is listed with the folders it may import", () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.sort(), Object.keys(ALLOWED).sort());
});

test("imports flow one way: no src/ folder imports one it may not", () => {
  const wrong = edges()
    .filter((e) => !(ALLOWED[e.from] ?? []).includes(e.to))
    .map((e) =>
      `src/${e.file} imports ${e.target} (${e.from} may import: ${ALLOWED[e.from]?.join(", ") || "nothing"})`
    );
  assert.deepEqual(wrong, []);
});

test("the import reader sees real imports and skips examples in comments", () => {
  const source = [
    "/**",
    ' * import { image } from "../../mod.ts";',
    " */",
    'import { a } from "./a.ts";',
    "import {",
    "  b,",
    '} from "../b.ts";',
    'export { c } from "./c.ts";',
    'import "./side_effect.ts";',
    'const lazy = await import("./lazy.ts");',
    'import { z } from "zod";',
  ].join("\n");
  assert.deepEqual(importsOf(source), ["./a.ts", "../b.ts", "./c.ts", "./side_effect.ts", "./lazy.ts"]);
});

test("each src/ folder opens with a README.md naming what it may import", () => {
  for (const folder of Object.keys(ALLOWED)) {
    const readme = readFileSync(join(SRC, folder, "README.md"), "utf8");
    for (const allowed of ALLOWED[folder]) {
      assert.match(readme, new RegExp(`\`${allowed}\``), `src/${folder}`);
    }
  }
});
