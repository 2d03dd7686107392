/**
 * Deno's permission errors, turned into a one-line hint naming the flag to
 * add and the permission set to use instead. `top_level_errors.ts` applies it
 * to errors nobody caught.
 *
 * @module
 */
import process from "node:process";

// What a build needs: env (engine address, Docker config), read/write (contexts, outputs, sockets), net (engine),
// sys (hostname); run only for ssh keys (ssh-agent) and Docker credential helpers.
const ALL_FLAGS = "--allow-env --allow-read --allow-write --allow-net --allow-sys";

/**
 * The hint for a Deno permission error, or `undefined` for any other error.
 *
 * @example
 * ```ts
 * import { permissionHint } from "@drydock/core";
 * const err = Object.assign(new Error('Requires net access to "x:1", run again with the --allow-net flag'), { name: "NotCapable" });
 * permissionHint(err); // 'Deno needs --allow-net (Requires net access to "x:1"); run deno run -P build.ts …'
 * ```
 */
export function permissionHint(err: unknown): string | undefined {
  if (!isPermissionError(err)) return undefined;
  const flag = /--allow-[a-z-]+/.exec(err.message)?.[0];
  if (!flag) return undefined;
  // A variable a dependency reads when it loads means nothing to the user: say what drydock reads it for.
  const what = flag === "--allow-env"
    ? "drydock reads the engine address and Docker settings from the environment"
    : err.message.replace(/,? run again with the --allow-[a-z-]+ flag\.?$/, "");
  const file = process.argv[1] ? process.argv[1].split("/").pop() : "build.ts";
  const run = flag === "--allow-run"
    ? "--allow-run=ssh-agent,ssh-add"
    : `${ALL_FLAGS} (and --allow-run=ssh-agent,ssh-add for ssh keys)`;
  return `Deno needs ${flag} (${what}); run deno run -P ${file} with the permission set in deno.json ` +
    `(drydock init writes one), or grant ${run}`;
}

/**
 * Whether `err` is Deno's error for a missing permission.
 *
 * @example
 * ```ts
 * import { isPermissionError } from "./permission_hint.ts";
 * isPermissionError(Object.assign(new Error("Requires run access"), { name: "NotCapable" })); // true
 * ```
 */
export function isPermissionError(err: unknown): err is Error {
  return err instanceof Error && /^(NotCapable|PermissionDenied)$/.test(err.name);
}
