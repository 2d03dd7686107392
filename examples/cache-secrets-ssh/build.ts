// Cache mounts, secrets and ssh: what `RUN --mount=type=cache|secret|ssh` does.
//   API_TOKEN=... deno run -P build.ts        API_TOKEN=... bun build.ts
import { build, cache, image, secret, ssh } from "@drydock/core";

// A secret from this machine's environment: sent through the session, never in the LLB, logs or image.
const token = secret("api_token", { env: "API_TOKEN" });
// The ssh agent of this machine ($SSH_AUTH_SOCK); optional, so the build also runs without one.
const agent = ssh();

const app = image("busybox:latest")
  .workdir("/app")
  // A cache mount survives between builds (like a package manager's download cache).
  .run("date >> /var/cache/app/runs.log && wc -l < /var/cache/app/runs.log > cached-runs.txt", {
    mounts: { "/var/cache/app": cache("example-downloads", { sharing: "locked" }) },
  })
  // The secret as an env var for this step only; only a fact about it leaves the step.
  .run('test -n "$API_TOKEN" && echo "token of ${#API_TOKEN} characters" > token.txt', {
    secrets: { API_TOKEN: token },
  })
  // The secret as a file, mounted at a path for this step only.
  .run("wc -c < /run/secrets/api_token > token-file.txt", { mounts: { "/run/secrets/api_token": token } })
  // The agent's socket is $SSH_AUTH_SOCK in the step (`git clone git@...` would use it).
  .run('if [ -S "$SSH_AUTH_SOCK" ]; then echo forwarded; else echo none; fi > ssh.txt', {
    ssh: { agent, optional: true },
  });

await build({
  app: {
    state: app.dir("/app"),
    output: { type: "local", dest: "out" },
    description: "the step results, in ./out",
  },
}, { default: "app" });
