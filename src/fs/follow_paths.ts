/**
 * `followpaths`: paths the engine asks to see through symlinks. Each symlink on the way (and a wildcard
 * last element's symlinks) is resolved inside the context, and the link and its target both become
 * include paths, as fsutil's `FollowLinks` does.
 *
 * @module
 */
import { lstat, readdir, readlink } from "node:fs/promises";
import { Buffer } from "node:buffer";
import { cleanPath } from "./clean_path.ts";
import { globMatchesName, hasWildcards } from "./glob.ts";
import { ifExists } from "./walk.ts";

/**
 * Resolves `paths` in the directory `root` into include paths: every path itself, and, where a symlink is
 * on the way, the symlink and the path through its target (absolute targets are taken inside `root`).
 * Sorted bytewise, without paths below another. `undefined` means "everything" (a path was `.`).
 * Nothing outside `root` is read.
 *
 * @example
 * ```ts
 * import { resolveFollowPaths } from "./follow_paths.ts";
 * // With ctx/current -> releases/v2 and ctx/releases/v2/app.bin:
 * // await resolveFollowPaths("ctx", ["current/app.bin"]); // ["current", "releases/v2/app.bin"]
 * ```
 */
export async function resolveFollowPaths(
  root: string,
  paths: readonly string[],
): Promise<string[] | undefined> {
  const resolver = new SymlinkResolver(root);
  for (const p of paths) await resolver.append(p);
  return dedupePaths([...resolver.resolved].sort(compareBytes));
}

/**
 * Drops paths below an earlier path of a sorted list; `undefined` if one is `.` (everything). fsutil also
 * applies it to unsorted lists, with the same effect on adjacent entries only.
 *
 * @example
 * ```ts
 * import { dedupePaths } from "./follow_paths.ts";
 * dedupePaths(["a", "a/b", "ab"]); // ["a", "ab"]
 * dedupePaths(["a", "."]); // undefined
 * ```
 */
export function dedupePaths(paths: readonly string[]): string[] | undefined {
  const out: string[] = [];
  let last = "";
  for (const p of paths) {
    if (p === ".") return undefined;
    if (p.startsWith(last + "/")) continue;
    out.push(p);
    last = p;
  }
  return out;
}

class SymlinkResolver {
  readonly resolved = new Set<string>();
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async append(path: string): Promise<void> {
    let rest = joinPath(".", path);
    let current = ".";
    for (;;) {
      const slash = rest.indexOf("/");
      current = joinPath(current, slash < 0 ? rest : rest.slice(0, slash));
      rest = slash < 0 ? "" : rest.slice(slash + 1);
      const targets = await this.#readSymlink(current, true);
      if ((rest === "" || targets !== undefined) && this.resolved.has(current)) return; // also ends cycles
      if (targets !== undefined) {
        this.resolved.add(current);
        for (const target of targets) await this.append(joinPath(target, rest));
        return;
      }
      if (rest === "") {
        this.resolved.add(current);
        return;
      }
    }
  }

  /** The targets of the symlink at `path` (absolute within the root), or `undefined` if it is not one. */
  async #readSymlink(path: string, allowWildcard: boolean): Promise<string[] | undefined> {
    if (path === "." || path === ".." || path.startsWith("../")) return undefined;
    const slash = path.lastIndexOf("/");
    const dir = slash < 0 ? "." : path.slice(0, slash);
    const base = path.slice(slash + 1);
    if (allowWildcard && hasWildcards(base)) {
      const names = await ifExists(readdir(`${this.#root}/${dir}`, { encoding: "buffer" }));
      if (names === undefined) return undefined;
      let out: string[] | undefined;
      for (const raw of names.sort(Buffer.compare)) {
        const name = raw.toString("utf8");
        if (!globMatchesName(base, name)) continue;
        const targets = await this.#readSymlink(joinPath(dir, name), false);
        if (targets !== undefined) (out ??= []).push(...targets);
      }
      return out;
    }
    const st = await ifExists(lstat(`${this.#root}/${path}`));
    if (st === undefined || !st.isSymbolicLink()) return undefined;
    const link = await ifExists(readlink(`${this.#root}/${path}`));
    if (link === undefined) return undefined;
    const cleaned = cleanPath(link);
    return [cleaned.startsWith("/") ? cleaned : cleanPath(`/${dir}/${cleaned}`)];
  }
}

/** Go's `filepath.Join` for two elements: joined with `/` and cleaned, empty elements ignored. */
function joinPath(a: string, b: string): string {
  if (a === "") return b === "" ? "" : cleanPath(b);
  if (b === "") return cleanPath(a);
  return cleanPath(`${a}/${b}`);
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
