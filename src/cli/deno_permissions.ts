/**
 * Before drydock's dependencies load on Deno: when environment access is not
 * granted, ask for it as a whole (Deno would otherwise first prompt for a
 * variable grpc-js reads when it loads, which means nothing to the user), and
 * say how to skip the prompts. When it stays denied drydock cannot load, and
 * that is reported in one line. Nothing happens on Bun,
 * Node, or Deno with the permission granted.
 *
 * @module
 */
import process from "node:process";
// Imports nothing that loads dependencies: this module must run before them.
import { permissionHint } from "./permission_hint.ts";

interface DenoPermissions {
  permissions: {
    querySync(d: { name: "env" }): { state: string };
    requestSync(d: { name: "env" }): { state: string };
  };
}

const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
if (deno && deno.permissions.querySync({ name: "env" }).state !== "granted") {
  // Deno prompts only on a terminal; elsewhere the request is refused at once.
  if (process.stdin.isTTY && process.stderr.isTTY) {
    process.stderr.write(
      "drydock needs environment access (the engine address, Docker settings). " +
        "To skip these prompts: deno run -P build.ts (the permission set in deno.json) or deno task build.\n",
    );
    deno.permissions.requestSync({ name: "env" });
  }
  if (deno.permissions.querySync({ name: "env" }).state !== "granted") reportPermissionErrors();
}

// The dependencies' loading fails next, before any handler of the CLI exists: report that as the CLI would.
function reportPermissionErrors(): void {
  const report = (e: Event, err: unknown) => {
    const hint = permissionHint(err);
    if (!hint) return;
    e.preventDefault();
    process.stderr.write(`error: ${hint}\n`);
    process.exit(2);
  };
  globalThis.addEventListener("error", (e) => report(e, (e as ErrorEvent).error));
  globalThis.addEventListener("unhandledrejection", (e) => report(e, (e as PromiseRejectionEvent).reason));
}
