/**
 * The local export shape: a cached build whose result (5,000 files, 500 MiB, random content) is written to a
 * directory. The files are made by a `RUN` step in the engine, so nothing is uploaded: once the step is
 * cached, every run measures only the export (the engine reading its snapshot, the transfer, and the
 * client writing the tree).
 *
 * @module
 */
import type { Shape } from "./shapes.ts";

const MiB = 1024 * 1024;

/** 5,000 files of 100 KiB in 50 folders, 500 MiB in all (the medium upload shape's sizes). */
export const EXPORT_SHAPE: Shape = {
  name: "export",
  label: "local export of 5,000 files, 500 MiB",
  files: 5_000,
  dirs: 50,
  bytes: 500 * MiB,
};

/**
 * The busybox shell script that writes the shape's files under `out`: folders `d000`..., files of sizes
 * summing to exactly `shape.bytes`, from `/dev/urandom`. The text is fixed for a shape, so the step is
 * cached after its first run (the content is random once, then the cache's).
 *
 * @example
 * ```ts
 * import { exportScript, EXPORT_SHAPE } from "./export_shape.ts";
 * exportScript(EXPORT_SHAPE, "/out"); // "set -e; mkdir -p /out; ..."
 * ```
 */
export function exportScript(shape: Shape, out: string): string {
  const base = Math.floor(shape.bytes / shape.files);
  const extra = shape.bytes - base * shape.files; // the first `extra` files get one byte more
  const dirs = Math.max(1, shape.dirs);
  return [
    "set -e",
    `mkdir -p ${out}`,
    `d=0; while [ $d -lt ${dirs} ]; do mkdir ${out}/d$d; d=$((d+1)); done`,
    `i=0; while [ $i -lt ${shape.files} ]; do` +
    ` n=${base}; if [ $i -lt ${extra} ]; then n=${base + 1}; fi;` +
    ` head -c $n /dev/urandom > ${out}/d$((i % ${dirs}))/f$i.bin; i=$((i+1)); done`,
  ].join("; ");
}

/**
 * buildx's side: a Dockerfile whose result is the script's files at the root of a `scratch` image, exported
 * with `--output type=local,dest=DIR`.
 *
 * @example
 * ```ts
 * import { exportDockerfile, EXPORT_SHAPE } from "./export_shape.ts";
 * exportDockerfile(EXPORT_SHAPE); // "FROM busybox AS gen\nRUN ...\nFROM scratch\nCOPY --from=gen /out/ /\n"
 * ```
 */
export function exportDockerfile(shape: Shape): string {
  return [
    "FROM busybox AS gen",
    `RUN ${exportScript(shape, "/out")}`,
    "FROM scratch",
    "COPY --from=gen /out/ /",
    "",
  ].join("\n");
}
