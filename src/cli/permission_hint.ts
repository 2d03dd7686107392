/**
 * Deno's permission errors, turned into a one-line hint naming the flag to
 * add. `top_level_errors.ts` applies it to errors nobody caught.
 *
 * @module
 */
import process from "node:process";

// What a build needs: env (grpc-js settings), read/write (contexts, outputs, pipes), net (engine), sys (hostname).
const ALL_FLAGS = "--allow-env --allow-read --allow-write --allow-net --allow-sys";

/**
 * The hint for a Deno permission error, or `undefined` for any other error.
 *
 * @example
 * ```ts
 * import { permissionHint } from "./permission_hint.ts";
 * const err = Object.assign(new Error('Requires net access to "x:1", run again with the --allow-net flag'), { name: "NotCapable" });
 * permissionHint(err); // 'Deno needs --allow-net (Requires net access to "x:1"); drydock uses --allow-env … or simply: deno run -A …'
 * ```
 */
export function permissionHint(err: unknown): string | undefined {
  if (!(err instanceof Error) || !/^(NotCapable|PermissionDenied)$/.test(err.name)) return undefined;
  const flag = /--allow-[a-z-]+/.exec(err.message)?.[0];
  if (!flag) return undefined;
  const what = err.message.replace(/,? run again with the --allow-[a-z-]+ flag\.?$/, "");
  const file = process.argv[1] ? process.argv[1].split("/").pop() : "build.ts";
  return `Deno needs ${flag} (${what}); drydock uses ${ALL_FLAGS}, or simply: deno run -A ${file}`;
}
