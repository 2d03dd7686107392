/**
 * The filter applied to a local context before it is sent: include patterns, exclude patterns and
 * followpaths, with the exact semantics of fsutil's `FilterFS` walk (which the engine relies on, as it does
 * not filter again).
 *
 * @module
 */
import { dedupePaths, resolveFollowPaths } from "./follow_paths.ts";
import { type ParentMatch, PatternMatcher } from "./patterns.ts";
import { PatternError } from "./pattern_error.ts";
import type { WalkFilterResult } from "./walk.ts";

/** What the engine (or a caller) asks to send of a local directory. */
export interface ContextFilterOptions {
  /** Only paths matching one of these (or below a match), plus the directories leading to them. */
  readonly include?: readonly string[];
  /** Paths matching these are left out, unless a later `!` exception re-includes them. */
  readonly exclude?: readonly string[];
  /** Paths to include through symlinks: each symlink on the way and its target are included. */
  readonly followPaths?: readonly string[];
}

/** A stateful walk filter: call it for each entry, in walk order, parents before children. */
export type ContextFilter = (path: string, isDir: boolean) => WalkFilterResult;

/** Characters that make a pattern more than a plain path prefix (fsutil's list on Unix). */
const PATTERN_CHARS = /[*[\]?^\\]/;

/**
 * Builds the filter for `root` (followpaths are resolved on disk now), or `undefined` when there is
 * nothing to filter. Directories that no pattern could reach into are pruned without being read, as
 * fsutil does when every include (or every exclude exception) is a plain path.
 *
 * Throws {@link PatternError} for malformed patterns, naming which list they came from.
 *
 * @example
 * ```ts
 * import { createContextFilter } from "./context_filter.ts";
 * import { walkTree } from "./walk.ts";
 * const filter = await createContextFilter(".", { exclude: ["node_modules", "*.log"] });
 * for await (const entry of walkTree(".", { filter })) console.log(entry.path);
 * ```
 */
export async function createContextFilter(
  root: string,
  options: ContextFilterOptions,
): Promise<ContextFilter | undefined> {
  let includes = options.include ? [...options.include] : undefined;
  if (options.followPaths !== undefined) {
    const targets = await resolveFollowPaths(root, options.followPaths);
    if (targets !== undefined) includes = dedupePaths([...(includes ?? []), ...targets]);
  }
  const include = includes?.length ? matcher(includes, "include") : undefined;
  const exclude = options.exclude?.length ? matcher(options.exclude, "exclude") : undefined;
  if (include === undefined && exclude === undefined) return undefined;
  return new FilterWalk(include, exclude).filter;
}

function matcher(patterns: readonly string[], which: "include" | "exclude"): PatternMatcher {
  try {
    return PatternMatcher.from(patterns);
  } catch (e) {
    if (e instanceof PatternError) throw new PatternError(`${which} patterns: ${e.message}`);
    throw e;
  }
}

/** A directory being walked, with its patterns' results for its children. */
interface VisitedDir {
  readonly pathWithSlash: string;
  readonly include?: ParentMatch;
  readonly exclude?: ParentMatch;
}

class FilterWalk {
  readonly #include?: PatternMatcher;
  readonly #exclude?: PatternMatcher;
  /** Every include is a plain path (maybe ending in `/*` or `/**`): non-matching dirs can be pruned. */
  readonly #prefixIncludes: boolean;
  /** Every exclude exception is a plain path: excluded dirs can be pruned unless one leads inside. */
  readonly #prefixExceptions: boolean;
  readonly #parents: VisitedDir[] = [];

  constructor(include: PatternMatcher | undefined, exclude: PatternMatcher | undefined) {
    this.#include = include;
    this.#exclude = exclude;
    this.#prefixIncludes = !include?.patterns.some((p) =>
      !p.exclusion && PATTERN_CHARS.test(p.directoryPart)
    );
    this.#prefixExceptions = !exclude?.patterns.some((p) =>
      p.exclusion && PATTERN_CHARS.test(p.directoryPart)
    );
  }

  readonly filter: ContextFilter = (path, isDir) => {
    const parents = this.#parents;
    while (parents.length > 0 && !path.startsWith(parents[parents.length - 1].pathWithSlash)) parents.pop();
    const parent = parents[parents.length - 1];
    let keep = true;
    let include: ParentMatch | undefined;
    let exclude: ParentMatch | undefined;

    if (this.#include) {
      const r = this.#include.matchesWithParent(path, parent?.include);
      include = r.parent;
      if (!r.matched) {
        if (isDir && this.#prefixIncludes && !this.#leadsInside(this.#include, path, false)) {
          return "skip-dir";
        }
        keep = false;
      }
    }
    if (this.#exclude) {
      const r = this.#exclude.matchesWithParent(path, parent?.exclude);
      exclude = r.parent;
      if (r.matched) {
        if (isDir && this.#prefixExceptions && !this.#leadsInside(this.#exclude, path, true)) {
          return "skip-dir";
        }
        keep = false;
      }
    }
    if (isDir) parents.push({ pathWithSlash: path + "/", include, exclude });
    return keep;
  };

  /** Whether a pattern of the given kind names something inside directory `dir`. */
  #leadsInside(m: PatternMatcher, dir: string, exceptions: boolean): boolean {
    const dirSlash = dir + "/";
    return m.patterns.some((p) => p.exclusion === exceptions && (p.directoryPart + "/").startsWith(dirSlash));
  }
}
