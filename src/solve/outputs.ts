/**
 * What a build leaves behind, and how each output maps to an engine exporter.
 *
 * @module
 */
import type { Exporter } from "../proto/moby_buildkit_v1.gen.ts";

/** An image in the engine's image store (Docker's, or buildkitd's with `image`). */
export interface ImageOutput {
  type: "image";
  /** One or more names, e.g. `app:latest`. */
  name: string | string[];
}

/** Files written into a directory on this machine. */
export interface LocalOutput {
  type: "local";
  /** Directory to write into; created if missing. */
  dest: string;
}

/** One output of a build. */
export type BuildOutput = ImageOutput | LocalOutput;

/**
 * The exporter entry for an output on the given engine.
 *
 * @example
 * ```ts
 * import { exporterFor } from "./outputs.ts";
 * exporterFor({ type: "image", name: ["a:1", "a:latest"] }, "docker"); // { type: "moby", attrs: { name: "a:1,a:latest" } }
 * ```
 */
export function exporterFor(output: BuildOutput, engine: "docker" | "buildkitd"): Exporter {
  switch (output.type) {
    case "image": {
      const names = typeof output.name === "string" ? [output.name] : output.name;
      // Docker's store is the `moby` exporter; a buildkitd has the `image` exporter.
      return { type: engine === "docker" ? "moby" : "image", attrs: { name: names.join(",") } };
    }
    case "local":
      return { type: "local", attrs: {} };
  }
}
