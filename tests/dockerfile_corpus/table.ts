/**
 * The Dockerfile → drydock table (docs/dockerfile-to-drydock.md) as data,
 * each row with the corpus cases that prove it against buildx. The doc is
 * generated from here: `deno run -A tests/dockerfile_corpus/table.ts`.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One row: a Dockerfile form, what build.ts writes, the corpus cases that use it. */
export interface TableRow {
  /** The Dockerfile instruction or flag, as matched in corpus Dockerfiles. */
  readonly dockerfile: string;
  readonly drydock: string;
  readonly cases: readonly string[];
}

export const TABLE: readonly TableRow[] = [
  { dockerfile: "FROM image", drydock: '`image("image")`', cases: ["workdir_chain"] },
  { dockerfile: "FROM scratch", drydock: "`scratch()`", cases: ["workdir_scratch"] },
  {
    dockerfile: "FROM --platform=linux/amd64 image",
    drydock: '`image("image", { platform: "linux/amd64" })`; `$BUILDPLATFORM` is the default',
    cases: ["run_mount_cache_owner"],
  },
  {
    dockerfile: "FROM stage",
    drydock: "the stage's const: `const next = stage.run(...)`",
    cases: ["multi_stage_chain"],
  },
  {
    dockerfile: "ARG NAME=default",
    drydock: '`params({ NAME: z.string().default("default") })`, then `.arg("NAME", p.NAME)` in the stage',
    cases: ["arg_values"],
  },
  {
    dockerfile: "ENV A=1 B=$A",
    drydock:
      '`.env({ A: "1", B: "$A" })` (expands `$VAR`, `${VAR:-x}`, `${VAR:+x}`, the base image\'s env too)',
    cases: ["env_expansion", "env_order"],
  },
  {
    dockerfile: "WORKDIR /app",
    drydock: '`.workdir("/app")` (creates it, relative to the previous)',
    cases: ["workdir_chain", "workdir_user_owned"],
  },
  { dockerfile: "USER app", drydock: '`.user("app")`', cases: ["user_switch"] },
  { dockerfile: "SHELL", drydock: '`.shell(["/bin/sh", "-ec"])`', cases: ["shell_and_forms"] },
  { dockerfile: "RUN cmd", drydock: '`.run("cmd")` (through the current shell)', cases: ["workdir_chain"] },
  { dockerfile: 'RUN ["a", "b"]', drydock: '`.run(["a", "b"])`', cases: ["exec_form"] },
  { dockerfile: "RUN <<EOF", drydock: '`.run("line 1\\nline 2\\n")`', cases: ["heredoc_run"] },
  {
    dockerfile: "RUN <<EOF (starting with #!)",
    drydock: '`.run("/dev/pipes/EOF", { mounts: { "/dev/pipes/": { from: scratch().mkfile("/EOF", script, ' +
      '{ mode: 0o755 }), path: "/", readonly: true } } })`',
    cases: ["heredoc_shebang"],
  },
  {
    dockerfile: "RUN --mount=type=bind",
    drydock: '`mounts: { "/m": { from: ctx, path: "a.txt", readonly: true } }`; `rw` is `discard: true`',
    cases: ["run_mount_bind"],
  },
  {
    dockerfile: "RUN --mount=type=cache",
    drydock:
      '`mounts: { "/c": cache("/id", { sharing }) }` (the frontend\'s ids start with `/`); `uid`/`gid`/`mode` ' +
      'seed it: `{ from: scratch().mkdir("/cache", { mode, parents: false, chown: { user, group } }), path: "/cache" }`',
    cases: ["run_mount_cache", "workdir_mounts", "run_mount_cache_owner"],
  },
  {
    dockerfile: "RUN --mount=type=tmpfs",
    drydock: '`mounts: { "/t": tmpfs() }`',
    cases: ["run_mount_tmpfs"],
  },
  {
    dockerfile: "RUN --mount=type=secret",
    drydock:
      '`mounts: { "/run/secrets/id": { secret: secret("id"), optional: true } }`; `env=` is `secrets: { NAME: ... }`',
    cases: ["run_mount_secret"],
  },
  {
    dockerfile: "RUN --mount=type=ssh",
    drydock: '`ssh: { agent: ssh(), optional: true }`; `id=deploy` is `ssh("deploy")`',
    cases: ["run_mount_ssh"],
  },
  { dockerfile: "RUN --network", drydock: '`.run(cmd, { network: "none" })`', cases: ["run_network"] },
  {
    dockerfile: "RUN --security",
    drydock:
      '`.run(cmd, { security: "insecure" })` (case run_security_insecure: no suite engine grants the ' +
      "`security.insecure` entitlement, so it is not built)",
    cases: [],
  },
  {
    dockerfile: "COPY src dest",
    drydock: '`.copy(ctx, "src", "dest")` with `const ctx = local(".")` (.dockerignore applies)',
    cases: ["copy_destinations", "dockerignore"],
  },
  {
    dockerfile: "COPY --from",
    drydock: '`.copy(stage, "/path", "dest")` (paths from the stage\'s root)',
    cases: ["copy_from_stage", "copy_symlinks"],
  },
  { dockerfile: "COPY --chown", drydock: '`{ chown: "1000:1000" }`', cases: ["copy_chown_chmod"] },
  {
    dockerfile: "COPY --chmod",
    drydock:
      '`{ chmod: 0o640 }`; symbolic `{ chmod: "go-w" }` (applied by Docker 28, ignored by 26.1\'s frontend)',
    cases: ["copy_chown_chmod"],
  },
  {
    dockerfile: "COPY --parents",
    drydock:
      '`.copy(ctx, "/", dest, { include: ["a/b/*.txt"] })` (`x/./a/b` copies from `x`; no engine here has it)',
    cases: [],
  },
  { dockerfile: "COPY --link", drydock: "`{ link: true }`", cases: ["copy_link"] },
  { dockerfile: "COPY --exclude", drydock: '`{ exclude: ["*.bak"] }`', cases: ["copy_exclude"] },
  {
    dockerfile: "COPY *.txt",
    drydock: 'wildcards as written: `.copy(ctx, "*.txt", "/txt/")`',
    cases: ["copy_wildcards"],
  },
  {
    dockerfile: "COPY <<EOF",
    drydock:
      '`.copy(scratch().mkfile("/EOF", text), "/EOF", dest, { followSymlinks: false, contentsOnly: false, allowWildcard: false, allowEmptyWildcard: false })`',
    cases: ["heredoc_copy"],
  },
  { dockerfile: "ADD archive.tar", drydock: "`.copy(ctx, ..., { unpack: true })`", cases: ["add_local"] },
  {
    dockerfile: "ADD https://host/file.txt",
    drydock: '`.copy(http(url, { filename: "file.txt" }), "file.txt", dest, { followSymlinks: false, ' +
      "contentsOnly: false, allowWildcard: false, allowEmptyWildcard: false })` (downloaded as mode 0600)",
    cases: ["add_url"],
  },
  {
    dockerfile: "ADD https://host/repo.git#ref:dir",
    drydock: '`.copy(git(url, { ref: "ref", subdir: "dir" }), "/", dest, { ...the same four options })`',
    cases: ["add_git"],
  },
  {
    dockerfile: "ADD --chmod",
    drydock: "`{ chmod: 0o644 }` (BuildKit 0.8's frontend ignores it on a URL)",
    cases: ["add_url_chmod"],
  },
  { dockerfile: "ADD --chown", drydock: '`{ chown: "1:2" }`', cases: ["add_url_chmod"] },
  {
    dockerfile: "ADD --checksum",
    drydock: '`http(url, { checksum: "sha256:…" })`, `git(url, { checksum })`',
    cases: ["add_url_checksum"],
  },
  {
    dockerfile: "ADD --keep-git-dir",
    drydock: "`git(url, { keepGitDir: true })`",
    cases: ["add_git_keep_dir"],
  },
  { dockerfile: "LABEL", drydock: "`.config({ labels: { ... } })`", cases: ["image_metadata"] },
  { dockerfile: "EXPOSE", drydock: '`.config({ expose: [80, "443/udp"] })`', cases: ["image_metadata"] },
  { dockerfile: "VOLUME", drydock: '`.config({ volumes: ["/data"] })`', cases: ["image_metadata"] },
  { dockerfile: "STOPSIGNAL", drydock: '`.config({ stopSignal: "SIGINT" })`', cases: ["image_metadata"] },
  {
    dockerfile: "CMD",
    drydock: "`.config({ cmd: [...] })` (shell form: `[...shell, text]`)",
    cases: ["entrypoint_cmd", "shell_and_forms"],
  },
  {
    dockerfile: "ENTRYPOINT",
    drydock: "`.config({ entrypoint: [...] })` (clears an inherited CMD)",
    cases: ["entrypoint_cmd", "entrypoint_resets_cmd"],
  },
  {
    dockerfile: "HEALTHCHECK",
    drydock: '`.config({ healthcheck: { test, interval, ... } })`, `"none"`',
    cases: ["healthcheck", "healthcheck_exec_none"],
  },
  {
    dockerfile: "HEALTHCHECK --interval",
    drydock: '`interval: "30s"`',
    cases: ["healthcheck", "healthcheck_exec_none"],
  },
  { dockerfile: "HEALTHCHECK --timeout", drydock: '`timeout: "3s"`', cases: ["healthcheck"] },
  { dockerfile: "HEALTHCHECK --start-period", drydock: '`startPeriod: "5s"`', cases: ["healthcheck"] },
  { dockerfile: "HEALTHCHECK --start-interval", drydock: '`startInterval: "2s"`', cases: ["healthcheck"] },
  { dockerfile: "HEALTHCHECK --retries", drydock: "`retries: 2`", cases: ["healthcheck"] },
  { dockerfile: "ONBUILD", drydock: '`.config({ onbuild: ["RUN ..."] })`', cases: ["onbuild"] },
];

/** The table as Markdown. */
export function renderTable(rows: readonly TableRow[] = TABLE): string {
  const lines = [
    "# Dockerfile → drydock",
    "",
    "Generated from tests/dockerfile_corpus/table.ts (`deno run -A tests/dockerfile_corpus/table.ts`). Each",
    "row names the corpus cases that build the same image as `docker buildx build`, from the same cache",
    "(tests/integration/dockerfile_corpus_test.ts). `drydock convert Dockerfile -o build.ts` writes these for you.",
    "",
    "| Dockerfile | build.ts | proven by |",
    "|---|---|---|",
    ...rows.map((r) =>
      `| \`${r.dockerfile}\` | ${r.drydock.replaceAll("|", "\\|")} | ${
        r.cases.join(", ") || "(not in the corpus)"
      } |`
    ),
    "",
  ];
  return lines.join("\n");
}

/** Where the generated doc lives. */
export const TABLE_DOC = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "docs",
  "dockerfile-to-drydock.md",
);

if (import.meta.main) writeFileSync(TABLE_DOC, renderTable());
