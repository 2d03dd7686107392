/**
 * A graph that uses every source option and composition, for comparing the
 * bytes Deno and Bun produce.
 *
 * @module
 */
import { diff, git, http, image, local, merge, scratch, secret, ssh, type State } from "../../mod.ts";

// Built at module level, as a build.ts does (see rich_graph.ts on Bun's tail calls).
const P = { platform: "linux/amd64" } as const;
const base = image("busybox", { ...P, resolveMode: "pull" });
const ctx = local("/srv/ctx", {
  include: ["src/**", "a<b&c"],
  exclude: ["**/*.log"],
  followPaths: ["src"],
  sharedKeyHint: "ctx",
});
const repo = git("https://example.com/team/app.git", {
  ref: "v1",
  subdir: "docs",
  keepGitDir: true,
  authTokenSecret: secret("gh", { env: "GH_TOKEN" }),
});
const viaSsh = git("git@example.com:team/app.git", {
  knownSshHosts: "example.com ssh-ed25519 AAAA",
  sshSocket: ssh(),
});
const tool = http("https://example.com/tool.tgz", {
  checksum: `sha256:${"ab".repeat(32)}`,
  filename: "tool.tgz",
  chmod: 0o755,
  chown: { uid: 1, gid: 2 },
});
const built = base.copy(ctx, "src", "/src").run("make");
const sources = merge([
  base,
  scratch().copy(repo, ".", "/docs").copy(viaSsh, ".", "/ssh").copy(tool, "tool.tgz", "/opt/"),
  diff(base, built),
]);

/** The same graph every time (no unique names, pinned platform). */
export function sourcesGraph(): State {
  return sources;
}
