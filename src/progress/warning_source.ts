/**
 * Where a frontend's warning points: BuildKit ≥ 0.14 sends each build check
 * (`FromAsCasing`, `# check=` directives) with the Dockerfile's name and the
 * lines it is about. The summary names the file, so a build with several
 * Dockerfiles says which one.
 *
 * @module
 */
import type { VertexWarning } from "../proto/moby_buildkit_v1.gen.ts";

/** A warning's file and first line. */
export interface WarningSource {
  /** The file's name as the frontend gave it, e.g. `Dockerfile`. */
  readonly file: string;
  /** The first line the warning is about, from 1. */
  readonly line: number;
}

/**
 * The file and first line a warning carries, if it carries them.
 *
 * @example
 * ```ts
 * import { warningSource } from "./warning_source.ts";
 * warningSource({ info: { filename: "Dockerfile" }, ranges: [{ start: { line: 3 } }] }); // { file: "Dockerfile", line: 3 }
 * ```
 */
export function warningSource(w: VertexWarning): WarningSource | undefined {
  const file = w.info?.filename;
  const line = w.ranges?.[0]?.start?.line;
  return file && line ? { file, line } : undefined;
}

/**
 * A warning's text with its file: a Dockerfile check's `(line 3)` becomes
 * `(Dockerfile:3)`; text that names its place already is left as it is.
 *
 * @example
 * ```ts
 * import { withWarningSource } from "./warning_source.ts";
 * withWarningSource("StageNameCasing: Stage name 'Build' should be lowercase (line 3)", { file: "Dockerfile", line: 3 });
 * // "StageNameCasing: Stage name 'Build' should be lowercase (Dockerfile:3)"
 * ```
 */
export function withWarningSource(short: string, source: WarningSource | undefined): string {
  if (!source || short.includes(`${source.file}:`)) return short;
  const lineNote = ` (line ${source.line})`;
  const base = short.endsWith(lineNote) ? short.slice(0, -lineNote.length) : short;
  return `${base} (${source.file}:${source.line})`;
}

/**
 * The warnings of a finished build as buildx prints them after plain progress
 * (`1 warning found:` and one ` - ` line each), with their files; empty without warnings.
 *
 * @example
 * ```ts
 * import { warningsFound } from "./warning_source.ts";
 * warningsFound([{ short: "FromAsCasing: ... (line 1)", source: { file: "Dockerfile", line: 1 } }]);
 * // "\n 1 warning found:\n - FromAsCasing: ... (Dockerfile:1)\n"
 * ```
 */
export function warningsFound(
  warnings: readonly { readonly short: string; readonly source?: WarningSource }[],
): string {
  if (warnings.length === 0) return "";
  const count = `${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"} found`;
  return `\n ${count}:\n${warnings.map((w) => ` - ${withWarningSource(w.short, w.source)}\n`).join("")}`;
}
