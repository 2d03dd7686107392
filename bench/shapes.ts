/**
 * The context shapes the bench uploads, and how to generate them on disk.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** One context shape: `files` regular files spread over `dirs` folders, `bytes` in total. */
export interface Shape {
  /** Short name, used in the table and for the folder on disk. */
  readonly name: string;
  /** What the row says. */
  readonly label: string;
  readonly files: number;
  readonly dirs: number;
  readonly bytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** The three shapes of issue 4: many small files, a mid-size tree, one big file. */
export const SHAPES: readonly Shape[] = [
  { name: "small", label: "50,000 files of 1 KiB", files: 50_000, dirs: 50, bytes: 50_000 * KiB },
  { name: "medium", label: "5,000 files, 500 MiB", files: 5_000, dirs: 50, bytes: 500 * MiB },
  { name: "large", label: "one 512 MiB file", files: 1, dirs: 0, bytes: 512 * MiB },
];

/** The scaling series: 1 KiB files, 1k to 200k (50k is `small`), 1,000 per folder. */
export const SCALING_SHAPES: readonly Shape[] = [1_000, 10_000, 200_000].map((files) => ({
  name: `files${files / 1000}k`,
  label: `${files.toLocaleString("en")} files of 1 KiB`,
  files,
  dirs: Math.max(1, files / 1000),
  bytes: files * KiB,
}));

/** Every upload shape by name. */
export const ALL_SHAPES: readonly Shape[] = [...SHAPES, ...SCALING_SHAPES];

/**
 * Scales a shape down (for the smoke test): `factor` 0.001 makes 50 files of the small shape.
 *
 * @example
 * ```ts
 * import { SHAPES, scaleShape } from "./shapes.ts";
 * scaleShape(SHAPES[0], 0.001).files; // 50
 * ```
 */
export function scaleShape(shape: Shape, factor: number): Shape {
  const files = Math.max(1, Math.round(shape.files * factor));
  const dirs = Math.min(shape.dirs, files);
  const bytes = Math.max(files, Math.round(shape.bytes * factor));
  return { ...shape, files, dirs, bytes };
}

/**
 * Sizes of the shape's files: as equal as possible, summing to exactly `bytes`.
 *
 * @example
 * ```ts
 * import { fileSizes } from "./shapes.ts";
 * fileSizes({ name: "x", label: "x", files: 3, dirs: 1, bytes: 10 }); // [4, 3, 3]
 * ```
 */
export function fileSizes(shape: Shape): number[] {
  const base = Math.floor(shape.bytes / shape.files);
  const extra = shape.bytes - base * shape.files;
  return Array.from({ length: shape.files }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Where file `i` of a shape goes, relative to the context root (`d007/f00042.bin`). */
export function filePath(shape: Shape, i: number): string {
  const name = `f${String(i).padStart(6, "0")}.bin`;
  if (shape.dirs === 0) return name;
  return `d${String(i % shape.dirs).padStart(3, "0")}/${name}`;
}

/**
 * Writes the shape's files under `dir` (created), with random (incompressible) content.
 * A 4 MiB random pool is reused at shifting offsets, so generating 500 MiB stays cheap.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { generateContext, SHAPES, scaleShape } from "./shapes.ts";
 * generateContext(join(mkdtempSync(join(tmpdir(), "b-")), "ctx"), scaleShape(SHAPES[0], 0.001));
 * ```
 */
export function generateContext(dir: string, shape: Shape): void {
  mkdirSync(dir, { recursive: true });
  for (let d = 0; d < shape.dirs; d++) mkdirSync(join(dir, `d${String(d).padStart(3, "0")}`));
  const pool = randomBytes(4 * MiB);
  const sizes = fileSizes(shape);
  for (let i = 0; i < sizes.length; i++) {
    const fd = openSync(join(dir, filePath(shape, i)), "w");
    try {
      let offset = (i * 65_537) % (pool.length / 2); // files differ from each other
      for (let left = sizes[i]; left > 0;) {
        const n = Math.min(left, pool.length - offset);
        writeSync(fd, pool, offset, n);
        left -= n;
        offset = 0;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Whether the `.done` file says a context of `shape`'s sizes was generated (a scaled shape is another). */
function sameSizes(done: string, shape: Shape): boolean {
  if (!existsSync(done)) return false;
  const made = JSON.parse(readFileSync(done, "utf8")) as Shape;
  return made.files === shape.files && made.dirs === shape.dirs && made.bytes === shape.bytes;
}

/**
 * A shape's context on disk, kept in one folder of `root/<shape>/` across runs (making 50,000 files costs
 * more than benchmarking them). Each {@link rotate} renames it, so the engine cannot reuse an earlier
 * upload: both buildx and the engine key earlier transfers by the context folder's name.
 */
export class ContextDir {
  readonly #parent: string;
  #current: string;

  /** Finds the shape's context under `root`, generating it when missing or incomplete. */
  constructor(root: string, shape: Shape) {
    this.#parent = join(root, shape.name);
    const done = join(root, `${shape.name}.done`);
    const existing = existsSync(this.#parent) ? readdirSync(this.#parent) : [];
    if (!sameSizes(done, shape) || existing.length !== 1) {
      rmSync(this.#parent, { recursive: true, force: true });
      rmSync(done, { force: true });
      generateContext(join(this.#parent, "ctx-0"), shape);
      writeFileSync(done, `${JSON.stringify(shape)}\n`);
      this.#current = "ctx-0";
    } else {
      this.#current = existing[0];
    }
  }

  /** The context folder, absolute. */
  get path(): string {
    return join(this.#parent, this.#current);
  }

  /** Renames the context to a never-used name and returns the new path. */
  rotate(tag: string): string {
    const next = `ctx-${Date.now().toString(36)}-${tag}`;
    renameSync(this.path, join(this.#parent, next));
    this.#current = next;
    return this.path;
  }
}

/**
 * The incremental re-upload: the `small` shape's 50,000-file context, kept under one name, with one file
 * rewritten before each run. The engine keeps the earlier transfer, so only that file's content (and the
 * listing) should cross.
 */
export const INCREMENTAL_SHAPE: Shape = {
  ...SHAPES[0],
  name: "incremental",
  label: "one changed file in 50,000",
};

/**
 * Rewrites one file of a generated context in place: new random content of the same size and a new mtime,
 * so a sender must see it changed. Always the same file, so whichever client ran last, exactly one file
 * differs from what that client sent before.
 *
 * @example
 * ```ts
 * import { changeOneFile, SHAPES } from "./shapes.ts";
 * // changeOneFile("/tmp/drydock-bench/small/ctx-0", SHAPES[0]); // "d000/f000000.bin"
 * ```
 */
export function changeOneFile(dir: string, shape: Shape): string {
  const path = filePath(shape, 0);
  const size = Math.floor(shape.bytes / shape.files) + (shape.bytes % shape.files > 0 ? 1 : 0); // fileSizes()[0]
  writeFileSync(join(dir, path), randomBytes(size));
  return path;
}
