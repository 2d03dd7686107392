/**
 * Whether a drydock call was made from the program's entry point (a build.ts
 * run with `deno run` / `bun`) or from a module another program imported.
 *
 * @module
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import type { SourceLocation } from "../core/location.ts";

/**
 * True when `location` is in the file the runtime was started with.
 *
 * @example
 * ```ts
 * import { isEntryPoint } from "./entry_point.ts";
 * isEntryPoint({ file: "/elsewhere/lib.ts", line: 1, column: 1 }); // false
 * ```
 */
export function isEntryPoint(location: SourceLocation | undefined): boolean {
  const main = process.argv[1];
  if (!location || !main) return false;
  try {
    return realpathSync(resolve(main)) === realpathSync(location.file);
  } catch {
    return false;
  }
}
