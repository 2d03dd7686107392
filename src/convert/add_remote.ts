/**
 * ADD of a URL or a git repository to `.copy(http(...) | git(...), ...)`, as the Dockerfile frontend lowers
 * them: the download (named after the URL's last segment) copied as one file, or the checkout's root copied
 * into the destination; neither follows symlinks, copies a directory's contents or matches wildcards.
 *
 * @module
 */
import { posix } from "node:path";
import type { ConvertContext } from "./context.ts";
import { js } from "./words.ts";

/** The frontend's copy options for a remote source. */
const AS_IS = [
  "followSymlinks: false",
  "contentsOnly: false",
  "allowWildcard: false",
  "allowEmptyWildcard: false",
];

/**
 * Whether an ADD source is remote: a URL (`http(s)://`) or a git repository
 * (`git://`, `git@host:`, or a URL whose path ends in `.git`).
 *
 * @example
 * ```ts
 * import { remoteKind } from "./add_remote.ts";
 * remoteKind("https://example.com/repo.git#v1"); // "git"
 * remoteKind("https://example.com/a.tgz"); // "http"
 * remoteKind("a.tgz"); // undefined
 * ```
 */
export function remoteKind(src: string): "http" | "git" | undefined {
  if (/^git:\/\/|^git@[^:]+:/.test(src)) return "git";
  if (!/^https?:\/\//.test(src)) return undefined;
  return /\.git$/.test(new URL(src.split("#")[0]).pathname) ? "git" : "http";
}

/** What an ADD of one remote source needs besides its source. */
export interface RemoteAdd {
  readonly src: string;
  /** The destination as a JS expression. */
  readonly dest: string;
  /** `--chown`/`--chmod`/`--link` options already written. */
  readonly options: readonly string[];
  readonly checksum?: string;
  readonly keepGitDir?: boolean;
}

/**
 * The `.copy(...)` call of an ADD of a URL or git repository, or a TODO.
 *
 * @example
 * ```ts
 * // remoteCopy(ctx, { src: "https://example.com/a.txt", dest: '"/a/"', options: [] });
 * // { call: '.copy(http("https://example.com/a.txt", { filename: "a.txt" }), "a.txt", "/a/", { ... })' }
 * ```
 */
export function remoteCopy(ctx: ConvertContext, add: RemoteAdd): { call: string } | { todo: string } {
  if (/\$/.test(add.src)) return { todo: "a variable in an ADD URL" };
  const opts = `{ ${[...AS_IS, ...add.options].join(", ")} }`;
  if (remoteKind(add.src) === "git") {
    ctx.imports.add("git");
    const [remote, fragment = ""] = add.src.split("#", 2);
    const [ref, subdir] = fragment.split(":", 2);
    const gitOpts = [
      ...(ref ? [`ref: ${js(ref)}`] : []),
      ...(subdir ? [`subdir: ${js(subdir)}`] : []),
      ...(add.keepGitDir ? ["keepGitDir: true"] : []),
      ...(add.checksum ? [`checksum: ${js(add.checksum)}`] : []),
    ];
    const source = `git(${js(remote)}${gitOpts.length ? `, { ${gitOpts.join(", ")} }` : ""})`;
    return { call: `.copy(${source}, "/", ${add.dest}, ${opts})` };
  }
  if (add.keepGitDir) return { todo: "--keep-git-dir on a URL that is not a git repository" };
  ctx.imports.add("http");
  // As the frontend: the URL path's last segment, or a fixed name when it has none.
  const base = posix.basename(new URL(add.src).pathname);
  const filename = base && base !== "/" && base !== "." ? base : "__unnamed__";
  const httpOpts = [`filename: ${js(filename)}`, ...(add.checksum ? [`checksum: ${js(add.checksum)}`] : [])];
  return {
    call: `.copy(http(${js(add.src)}, { ${httpOpts.join(", ")} }), ${js(filename)}, ${add.dest}, ${opts})`,
  };
}
