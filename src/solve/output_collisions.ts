/**
 * Outputs of one run that would write to the same place: refused before
 * anything is built, since the exports would race and one would lose.
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import { OptionError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import type { BuildOutput } from "./outputs.ts";

/** A target's name and its outputs, destinations absolute. */
export interface TargetOutputs {
  readonly name: string;
  readonly outputs: readonly BuildOutput[];
}

interface Destination {
  readonly target: string;
  readonly index: number;
  readonly kind: "directory" | "file";
  readonly type: string;
  readonly path: string;
}

/**
 * Throws an {@link OptionError} naming both targets (and the build() line) when two file outputs
 * write to one place: one local directory, one tar/OCI/Docker file, standard output twice, or a
 * destination inside another output's directory.
 *
 * @example
 * ```ts
 * import { checkOutputCollisions } from "./output_collisions.ts";
 * checkOutputCollisions([
 *   { name: "a", outputs: [{ type: "local", dest: "/out" }] },
 *   { name: "b", outputs: [{ type: "local", dest: "/out/b" }] },
 * ], undefined); // throws: target "b" writes inside target "a"'s local directory /out
 * ```
 */
export function checkOutputCollisions(
  targets: readonly TargetOutputs[],
  location: SourceLocation | undefined,
): void {
  const seen: Destination[] = [];
  for (const t of targets) {
    for (const [index, o] of t.outputs.entries()) {
      if (o.type === "image") continue;
      const d: Destination = {
        target: t.name,
        index,
        kind: o.type === "local" ? "directory" : "file",
        type: o.type,
        path: o.dest,
      };
      for (const other of seen) {
        const problem = clash(other, d);
        if (!problem) continue;
        const option = `targets.${d.target}.output${t.outputs.length > 1 ? `[${index}]` : ""}`;
        throw new OptionError("build", [{
          option,
          message: `${problem}; the exports would overwrite each other. Give each output its own dest ` +
            `(-o/--output on the command line applies to every target built)`,
        }], location);
      }
      seen.push(d);
    }
  }
}

function clash(a: Destination, b: Destination): string | undefined {
  const who = (d: Destination) =>
    `target "${d.target}"${d.target === b.target && a.target === b.target ? ` (output ${d.index + 1})` : ""}`;
  const what = (d: Destination) => d.kind === "directory" ? "local directory" : `${d.type} file`;
  if (a.path === "-" || b.path === "-") {
    return a.path === b.path ? `${who(b)} and ${who(a)} both write to standard output` : undefined;
  }
  if (a.path === b.path) {
    return `${who(b)} writes its ${what(b)} to ${b.path}, as ${who(a)}'s ${what(a)} does`;
  }
  if (a.kind === "directory" && inside(b.path, a.path)) {
    return `${who(b)} writes its ${what(b)} ${b.path} inside ${who(a)}'s local directory ${a.path}`;
  }
  if (b.kind === "directory" && inside(a.path, b.path)) {
    return `${who(b)}'s local directory ${b.path} contains ${who(a)}'s ${what(a)} ${a.path}`;
  }
  return undefined;
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}
