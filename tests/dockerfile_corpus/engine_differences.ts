/**
 * The one list of differences the engines force on the corpus, with their
 * reasons. A case refused by an engine's built-in Dockerfile frontend does
 * not run there; an accepted difference names the exact comparison lines
 * (see tests/support/dockerfile_corpus.ts `differences()`) it allows.
 *
 * @module
 */

/** The engines the corpus runs on. */
export type CorpusEngine = "dk26c" | "dk20" | "dk28";

/** One difference an engine forces. */
export interface EngineDifference {
  readonly case: string;
  readonly engines: readonly CorpusEngine[];
  /** `refused`: the engine's Dockerfile frontend rejects the Dockerfile, so the case does not run there. */
  readonly kind: "refused" | "differs";
  readonly reason: string;
  /** For `differs`: the comparison lines allowed (exact). */
  readonly allowed?: readonly string[];
}

export const ENGINE_DIFFERENCES: readonly EngineDifference[] = [
  {
    case: "heredoc_run",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no heredocs (parse error)",
  },
  {
    case: "heredoc_copy",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no heredocs (parse error)",
  },
  {
    case: "heredoc_shebang",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no heredocs (parse error)",
  },
  {
    case: "copy_link",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no COPY --link",
  },
  {
    case: "run_network",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no RUN --network",
  },
  {
    case: "copy_exclude",
    engines: ["dk20", "dk26c"],
    kind: "refused",
    reason: "COPY --exclude needs a newer frontend than BuildKit 0.8 and 0.13 ship",
  },
  {
    case: "mount_variables",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend refuses variables inside --mount options",
  },
  {
    case: "healthcheck",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no HEALTHCHECK --start-interval",
  },
  {
    case: "add_url_chmod",
    engines: ["dk20"],
    kind: "refused",
    reason:
      "BuildKit 0.8's frontend ignores --chmod on ADD <url> (the file stays 0600, the copy has no mode)",
  },
  {
    case: "add_git",
    engines: ["dk20"],
    kind: "refused",
    reason: "BuildKit 0.8's frontend has no ADD <git>: it downloads the repository URL as a file (and fails)",
  },
  {
    case: "add_url_checksum",
    engines: ["dk20"],
    kind: "refused",
    reason: 'BuildKit 0.8\'s frontend has no ADD --checksum ("Unknown flag: checksum")',
  },
  {
    case: "add_git_keep_dir",
    engines: ["dk20"],
    kind: "refused",
    reason: 'BuildKit 0.8\'s frontend has no ADD --keep-git-dir ("Unknown flag: keep-git-dir")',
  },
  {
    case: "run_security_insecure",
    engines: ["dk20", "dk26c", "dk28"],
    kind: "refused",
    reason:
      "no suite engine grants the security.insecure entitlement (its daemon config does not allow it; " +
      'buildx --allow security.insecure fails with "not allowed by build daemon configuration")',
  },
];

/**
 * Op fields an engine's Dockerfile frontend leaves out where drydock sets them, and that engine ignores
 * (so cache keys still match): compared without them on those engines.
 */
export const ENGINE_NORMALIZED = {
  /** BuildKit 0.8's frontend does not set it; BuildKit 0.8 drops the unknown field, so its cache keys match. */
  removeMountStubsRecursive: ["dk20"] as readonly CorpusEngine[],
  /**
   * BuildKit 0.8's frontend gives file ops a platform (Go's llb stopped in later versions); a file op's
   * cache key does not include it (the corpus's COPY steps are CACHED on dk20 all the same).
   */
  fileOpPlatform: ["dk20"] as readonly CorpusEngine[],
};

/** Why `name` does not run on `engine`, or undefined. */
export function refusal(name: string, engine: CorpusEngine): string | undefined {
  return ENGINE_DIFFERENCES.find((d) => d.case === name && d.kind === "refused" && d.engines.includes(engine))
    ?.reason;
}

/** Comparison lines an engine forces for a case. */
export function allowedDifferences(name: string, engine: CorpusEngine): readonly string[] {
  return ENGINE_DIFFERENCES.filter((d) =>
    d.case === name && d.kind === "differs" && d.engines.includes(engine)
  )
    .flatMap((d) => d.allowed ?? []);
}
