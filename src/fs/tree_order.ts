/**
 * Checks that a stream of entries follows fsutil's order: pre-order depth-first, each directory's
 * entries strictly increasing by bytewise name, every parent directory sent right before its subtree.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { splitWirePath } from "./wire_path.ts";

interface Frame {
  /** The directory this frame lists (`""` for the root). */
  readonly dir: string;
  /** The last name seen in it, as UTF-8, for the bytewise comparison. */
  lastName?: Uint8Array;
  lastPath?: string;
  lastIsDir?: boolean;
}

/**
 * Validates entry order incrementally; memory is one frame per open directory level.
 * Paths must already be known to be clean (see `wirePathProblem`).
 *
 * @example
 * ```ts
 * import { TreeOrderValidator } from "./tree_order.ts";
 * const v = new TreeOrderValidator();
 * v.problem("a", true); // undefined
 * v.problem("a/b.txt", false); // undefined
 * v.problem("a-c.txt", false); // undefined
 * v.problem("a/z", false); // an "out of order" message: "a" was already left
 * ```
 */
export class TreeOrderValidator {
  #stack: Frame[] = [{ dir: "" }];

  /** Records one entry; returns why it is not acceptable, or `undefined`. */
  problem(path: string, isDir: boolean): string | undefined {
    const [dir, base] = splitWirePath(path);
    // Leave directories whose subtree is over.
    while (this.#stack.length > 1) {
      const top = this.#stack[this.#stack.length - 1].dir;
      if (top === dir || dir.startsWith(top + "/")) break;
      this.#stack.pop();
    }
    const frame = this.#stack[this.#stack.length - 1];
    if (frame.dir !== dir) {
      const prev = frame.lastPath;
      if (prev !== undefined && !frame.lastIsDir && (dir === prev || dir.startsWith(prev + "/"))) {
        return `refusing "${path}": its parent "${prev}" is not a directory`;
      }
      return `changes out of order: "${path}" (its parent directory "${dir}" was not sent right before it` +
        (prev === undefined ? ")" : `; previous entry "${prev}")`);
    }
    const name = Buffer.from(base, "utf8");
    if (frame.lastName !== undefined && Buffer.compare(name, frame.lastName) <= 0) {
      return `changes out of order: "${path}" after "${frame.lastPath}"`;
    }
    frame.lastName = name;
    frame.lastPath = path;
    frame.lastIsDir = isDir;
    if (isDir) this.#stack.push({ dir: path });
    return undefined;
  }
}
