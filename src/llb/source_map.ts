/**
 * Source maps: the build.ts location of every op, in `Definition.source`, so
 * the engine can attach it to errors and progress warnings.
 *
 * @module
 */
import type { SourceLocation } from "../core/location.ts";
import type * as pb from "../proto/pb.gen.ts";
import type { Digest } from "./digest.ts";

/**
 * Collects op locations and builds `pb.Source`. Files are numbered in the
 * order they are first seen, so the same graph gives the same bytes.
 *
 * @example
 * ```ts
 * import { SourceMapBuilder } from "./source_map.ts";
 * const map = new SourceMapBuilder();
 * map.add("sha256:00", { file: "/src/build.ts", line: 3, column: 14 });
 * map.build()!.infos; // [{ filename: "/src/build.ts", language: "TypeScript" }]
 * ```
 */
export class SourceMapBuilder {
  readonly #files = new Map<string, number>();
  readonly #locations = new Map<Digest, pb.Location[]>();

  /** Adds a location of the op `digest` (an op made by several calls has several). */
  add(digest: Digest, loc: SourceLocation): void {
    let index = this.#files.get(loc.file);
    if (index === undefined) {
      index = this.#files.size;
      this.#files.set(loc.file, index);
    }
    // Lines are 1-based, characters 0-based, as BuildKit's Dockerfile frontend writes them.
    const position = { line: loc.line, character: Math.max(0, loc.column - 1) };
    const location: pb.Location = { sourceIndex: index, ranges: [{ start: position, end: position }] };
    const list = this.#locations.get(digest) ?? [];
    const dup = list.some((l) =>
      l.sourceIndex === index && l.ranges![0].start!.line === position.line &&
      l.ranges![0].start!.character === position.character
    );
    if (!dup) list.push(location);
    this.#locations.set(digest, list);
  }

  /** The `Definition.source` message, or undefined when no op has a location. */
  build(): pb.Source | undefined {
    if (this.#locations.size === 0) return undefined;
    return {
      locations: Object.fromEntries([...this.#locations].map(([d, locations]) => [d, { locations }])),
      infos: [...this.#files.keys()].map((filename) => ({ filename, language: "TypeScript" })),
    };
  }
}
