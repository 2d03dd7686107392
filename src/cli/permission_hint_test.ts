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
    /^Deno needs --allow-env \(drydock reads the engine address and Docker settings from the environment\); run deno run -P \S+ with the permission set in deno\.json \(drydock init writes one\), or grant --allow-env --allow-read --allow-write --allow-net --allow-sys \(and --allow-run=ssh-agent,ssh-add for ssh keys\)$/,
  );
  assert.ok(!hint.includes("GRPC_NODE_VERBOSITY"), "a dependency's variable means nothing to the user");
  assert.ok(!hint.includes("\n"));
  assert.match(
    permissionHint(
      denoError("PermissionDenied", 'Requires net access to "x", run again with the --allow-net flag'),
    )!,
    /--allow-net/,
  );
});

test("`permissionHint()` for a missing --allow-run names ssh-agent", () => {
  const hint = permissionHint(
    denoError("NotCapable", 'Requires run access to "ssh-agent", run again with the --allow-run flag'),
  );
  assert.match(hint!, /^Deno needs --allow-run \(Requires run access to "ssh-agent"\); run deno run -P /);
  assert.match(hint!, /grant --allow-run=ssh-agent,ssh-add$/);
});

test("`permissionHint()` ignores other errors", () => {
  assert.equal(permissionHint(new Error("Requires --allow-net")), undefined);
  assert.equal(permissionHint(denoError("NotCapable", "no flag named")), undefined);
  assert.equal(permissionHint("a string"), undefined);
});
