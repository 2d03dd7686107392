#!/usr/bin/env node
/**
 * The `drydock` command of the npm package:
 *
 *   drydock init [dir]                 writes a starter build.ts, deno.json, package.json, .dockerignore
 *   drydock <build.ts> [args...]       runs a build.ts as the program (same flags: --target, --help, ...)
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { formatError } from "./report.ts";
import { init } from "./init.ts";
import { installTopLevelErrorHandler } from "./top_level_errors.ts";
import { UsageError } from "./usage_error.ts";
import { VERSION } from "./version.ts";

const USAGE = `Usage:
  drydock init [dir]            write a starter build.ts, deno.json, package.json and .dockerignore
  drydock <build.ts> [args...]  run a build.ts (its own flags: --target, --help, --list, ...)
`;

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === undefined || command === "--help" || command === "-h") {
    process.stdout.write(USAGE);
  } else if (command === "--version") {
    process.stdout.write(`drydock ${VERSION}\n`);
  } else if (command === "init") {
    const dir = resolve(rest[0] ?? ".");
    const written = init(dir);
    const kept = written.includes("package.json") ? "" : " (kept the existing package.json)";
    process.stdout.write(`drydock init: wrote ${written.join(", ")} in ${dir}${kept}\n${nextSteps()}`);
  } else if (command.startsWith("-")) {
    throw new UsageError(`unknown option ${command}\n${USAGE}`);
  } else {
    await runFile(resolve(command), rest);
  }
} catch (err) {
  process.stderr.write(err instanceof UsageError ? `error: ${err.message}\n` : formatError(err));
  process.exitCode = err instanceof UsageError ? 2 : 1;
}

// The build.ts becomes the program: it sees itself as argv[1] and its own arguments after it.
async function runFile(file: string, args: string[]): Promise<void> {
  if (/\.[cm]?tsx?$/.test(file)) await ensureTypeScript(file);
  process.argv.splice(1, process.argv.length - 1, file, ...args);
  installTopLevelErrorHandler();
  await import(pathToFileURL(file).href);
}

// Deno and Bun run TypeScript; Node 22.6+ strips types; older Node needs a loader (tsx) in the project.
async function ensureTypeScript(file: string): Promise<void> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const features = process.features as { typescript?: unknown };
  if (g.Deno || g.Bun || features.typescript) return;
  try {
    const { register } = await import("tsx/esm/api" as string) as { register: () => void };
    register();
  } catch {
    throw new UsageError(
      `this Node (${process.version}) cannot run ${file} (TypeScript). Use: deno run -P build.ts, bun build.ts, ` +
        "or install tsx in the project (npm install -D tsx) and run this again",
    );
  }
}

function nextSteps(): string {
  return `Next:
  deno install && deno task build     (Deno: the permission set in deno.json, no -A)
  bun install && bun build.ts         (Bun)
  npm install && npx tsx build.ts     (Node 20+, with: npm install -D tsx)
`;
}
