/**
 * A graph that uses every exec and file feature, for golden digests and for
 * comparing the bytes Deno and Bun produce.
 *
 * @module
 */
import { cache, image, scratch, secret, ssh, type State, tmpfs } from "../../mod.ts";

// Built at module level, as a build.ts does: Bun (JavaScriptCore) drops the frame of a
// call in tail position (and turns `const x = …; return x` into one), so a chain
// returned from a function would record its caller's line on Bun only.
const P = { platform: "linux/amd64" } as const;
const tools = image("busybox", P).workdir("/opt").run("mkdir -p tools && echo t > tools/t");
const step = image("busybox", P)
  .env("A", "1")
  .workdir("/app")
  .user("1000:1000")
  .hostname("builder")
  .addHost("db", "10.0.0.5")
  .ulimit("nofile", 1024, 2048)
  .cgroupParent("builds")
  .proxy({ httpProxy: "http://proxy:3128", noProxy: "localhost" })
  .run(["make", "all"], {
    mounts: {
      "/tools": { from: tools, path: "tools", readonly: true },
      "out": scratch(),
      "/root/.cache": cache("make", { sharing: "locked" }),
      "/tmp": tmpfs({ size: "64m" }),
      "/run/secrets/npmrc": { secret: secret("npmrc", { file: "./.npmrc" }), mode: 0o440, uid: 1000 },
    },
    secrets: { TOKEN: secret("token", { env: "TOKEN" }), OPT: { secret: secret("opt"), optional: true } },
    ssh: [ssh(), { agent: ssh("deploy", { keys: ["./key"] }), target: "/run/deploy.sock", optional: true }],
    network: "host",
    security: "insecure",
    ignoreCache: true,
    group: "compile",
    name: "make all",
  });
const rich = scratch()
  .mkdir("/etc/app", { mode: 0o750, chown: "app:app", timestamp: new Date("2020-01-01T00:00:00Z") })
  .mkfile("/etc/app/conf", "a=1\n", { chown: { user: 1, group: "staff" } })
  .rm("/etc/app/*.bak", { allowWildcard: true, allowNotFound: true })
  .copy(step.mount("out"), ".", "/out/", {
    include: ["*.bin"],
    exclude: ["*.tmp"],
    followSymlinks: false,
    contentsOnly: false,
    createDestPath: false,
    allowWildcard: false,
    allowEmptyWildcard: false,
    chown: 0,
    chmod: 0o755,
    timestamp: 0,
  })
  .copy(step.dir("/app"), ["a", "b"], "/app");

/** The same rich graph every time (no unique names, pinned platform). */
export function richGraph(): State {
  return rich;
}
