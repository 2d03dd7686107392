import { test } from "node:test";
import assert from "node:assert/strict";
import { permissionHint } from "./permission_hint.ts";

function denoError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

test("`permissionHint()` names the flag to add, in one line", () => {
  const hint = permissionHint(
    denoError(
      "NotCapable",
      'Requires env access to "GRPC_NODE_VERBOSITY", run again with the --allow-env flag',
    ),
  );
  assert.ok(hint);
  assert.match(
    hint,
    /^Deno needs --allow-env \(Requires env access to "GRPC_NODE_VERBOSITY"\); drydock uses --allow-env --allow-read --allow-write --allow-net --allow-sys, or simply: deno run -A /,
  );
  assert.ok(!hint.includes("\n"));
  assert.match(
    permissionHint(
      denoError("PermissionDenied", 'Requires net access to "x", run again with the --allow-net flag'),
    )!,
    /--allow-net/,
  );
});

test("`permissionHint()` ignores other errors", () => {
  assert.equal(permissionHint(new Error("Requires --allow-net")), undefined);
  assert.equal(permissionHint(denoError("NotCapable", "no flag named")), undefined);
  assert.equal(permissionHint("a string"), undefined);
});
