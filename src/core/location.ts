/**
 * Where a DSL call was made in the user's build.ts, so errors can point at it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { relative } from "node:path";

/** A position in a source file: absolute path, 1-based line and column. */
export interface SourceLocation {
  /** Absolute path of the file. */
  readonly file: string;
  /** Line number, from 1. */
  readonly line: number;
  /** Column number, from 1. */
  readonly column: number;
}

// Frames inside drydock itself are skipped: the first frame outside is the user's call.
const OWN_ROOT = fileURLToPath(new URL("../../", import.meta.url));
// The package's entry modules at its root; everything else there (a build.ts) is the user's.
const ENTRY_POINTS = new Set(["mod.ts"]);

// The path must start the frame or follow "(": "ext:core/01_core.js:1:2" is no "/01_core.js".
const V8_FRAME = /(?:^at (?:async )?|\()((?:file:\/\/|\/)[^()]*?):(\d+):(\d+)\)?\s*$/;

// The user's call is usually the second frame (a DSL method, then build.ts): look at two frames first,
// each costs (on Deno each is wrapped for source mapping); then as many as a stack trace has by default.
const FIRST_FRAMES = 2;
const MORE_FRAMES = 10;

/** The part of V8's and JSC's structured stack frames (`CallSite`) read here. */
interface CallSite {
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

const asCallSites = (_error: Error, sites: CallSite[]): CallSite[] => sites;

/**
 * Captures the location of the first stack frame outside drydock's own sources.
 * Returns `undefined` when the stack has no such frame (e.g. drydock's own tests).
 * A public DSL method passes itself as `api`: the frame that called it is looked at first.
 *
 * Cheap enough to run on every DSL call: the runtime hands over its structured frames (no stack text
 * is formatted or parsed), and only the user's frame is asked for its line and column (on Deno, each
 * of those goes through the source map).
 *
 * @example Record where a DSL call was made
 * ```ts
 * import { callerLocation } from "./location.ts";
 * const where = callerLocation(); // { file: "/src/build.ts", line: 3, column: 14 }
 * ```
 */
export function callerLocation(api?: (...args: never[]) => unknown): SourceLocation | undefined {
  const found = (api && frameAbove(api)) ?? userFrame();
  if (found) observer?.(found);
  return found;
}

// The frame that called `api`, when that is the user's: one frame captured and wrapped instead of two
// (on Deno 6 instead of 11 µs per DSL call). Undefined when `api` is not on the stack or drydock itself
// called it; the caller then walks the stack from its own frame.
function frameAbove(api: (...args: never[]) => unknown): SourceLocation | undefined {
  const sites = captureCallSites(1, api);
  return sites && sites.length > 0 ? firstUserFrame(sites, 0) : undefined;
}

function userFrame(): SourceLocation | undefined {
  const first = captureCallSites(FIRST_FRAMES);
  if (first === undefined) return fromStackText(new Error().stack ?? "");
  const found = firstUserFrame(first, 0);
  if (found !== undefined || first.length < FIRST_FRAMES) return found;
  const more = captureCallSites(MORE_FRAMES);
  return more && firstUserFrame(more, FIRST_FRAMES);
}

function firstUserFrame(sites: readonly CallSite[], from: number): SourceLocation | undefined {
  for (let i = from; i < sites.length; i++) {
    // The script's name is not source-mapped (on Deno, getFileName costs as much as the capture).
    const name = sites[i].getScriptNameOrSourceURL?.() ?? sites[i].getFileName();
    if (!name) continue;
    const file = userFile(name);
    if (file === undefined) continue;
    return { file, line: sites[i].getLineNumber() ?? 0, column: sites[i].getColumnNumber() ?? 0 };
  }
  return undefined;
}

// A frame's file name (a path, or a file: URL on Deno) -> the user's file path, or null for library and
// runtime-internal frames. A graph's calls come from a few files, and converting a URL costs more than
// the rest of the check.
const userFiles = new Map<string, string | null>();

function userFile(name: string): string | undefined {
  let file = userFiles.get(name);
  if (file === undefined) {
    const path = name.startsWith("file://") ? fileURLToPath(name) : name;
    file = path.startsWith("/") && !isLibraryFile(path) ? path : null;
    if (userFiles.size < 10_000) userFiles.set(name, file);
  }
  return file ?? undefined;
}

// The frames above callerLocation's caller, structured; undefined when the runtime does not honour
// prepareStackTrace.
function captureCallSites(frames: number, above: unknown = callerLocation): readonly CallSite[] | undefined {
  const ErrorCtor = Error as ErrorConstructor & {
    prepareStackTrace?: unknown;
    captureStackTrace?: (target: object, ctor?: unknown) => void;
  };
  if (typeof ErrorCtor.captureStackTrace !== "function") return undefined;
  const prepare = ErrorCtor.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    ErrorCtor.prepareStackTrace = asCallSites;
    Error.stackTraceLimit = frames;
    ErrorCtor.captureStackTrace(holder, above);
    const sites = holder.stack;
    return Array.isArray(sites) ? sites : undefined;
  } finally {
    ErrorCtor.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function fromStackText(stack: string): SourceLocation | undefined {
  for (const raw of stack.split("\n").slice(1)) {
    const frame = parseStackFrame(raw);
    if (!frame || isLibraryFile(frame.file)) continue;
    return frame;
  }
  return undefined;
}

let observer: ((location: SourceLocation) => void) | undefined;

/**
 * Calls `fn` with the location of every DSL call from now on. The CLI uses it
 * to learn that a build.ts is running as a program (a call from the entry
 * file) before installing its handler for uncaught errors.
 *
 * @example
 * ```ts
 * import { callerLocation, observeCallerLocations } from "./location.ts";
 * const seen: string[] = [];
 * observeCallerLocations((loc) => seen.push(loc.file));
 * observeCallerLocations(undefined);
 * ```
 */
export function observeCallerLocations(fn: ((location: SourceLocation) => void) | undefined): void {
  observer = fn;
}

/**
 * Reads the file position of one V8/JSC stack line; runtime-internal frames give `undefined`.
 *
 * @example
 * ```ts
 * import { parseStackFrame } from "./location.ts";
 * parseStackFrame("    at main (file:///src/build.ts:3:14)"); // { file: "/src/build.ts", line: 3, column: 14 }
 * parseStackFrame("    at op (ext:core/01_core.js:12:3)"); // undefined
 * ```
 */
export function parseStackFrame(line: string): SourceLocation | undefined {
  const m = V8_FRAME.exec(line.trim());
  if (!m) return undefined;
  const file = m[1].startsWith("file://") ? fileURLToPath(m[1]) : m[1];
  return { file, line: Number(m[2]), column: Number(m[3]) };
}

/**
 * Whether a file is drydock's own library code: its `src/` (tests aside), its entry modules and its
 * dependencies. A build.ts anywhere else in the package (the root, examples/, tests/) is user code.
 *
 * @example
 * ```ts
 * import { isLibraryFile } from "./location.ts";
 * isLibraryFile(new URL("../../build.ts", import.meta.url).pathname); // false: a user's build.ts at the root
 * isLibraryFile(new URL("./location.ts", import.meta.url).pathname); // true
 * ```
 */
export function isLibraryFile(file: string): boolean {
  if (!file.startsWith(OWN_ROOT)) return false;
  const rel = file.slice(OWN_ROOT.length);
  if (ENTRY_POINTS.has(rel)) return true;
  if (rel.startsWith("node_modules/")) return true;
  return rel.startsWith("src/") && !/_test\.ts$/.test(rel);
}

/**
 * Formats a location for messages: relative to `cwd` when that is shorter, else (and with no `cwd`) absolute.
 *
 * @example
 * ```ts
 * import { formatLocation } from "./location.ts";
 * formatLocation({ file: "/work/build.ts", line: 3, column: 14 }, "/work"); // "build.ts:3:14"
 * formatLocation({ file: "/work/build.ts", line: 3, column: 14 }, undefined); // "/work/build.ts:3:14"
 * ```
 */
export function formatLocation(loc: SourceLocation, cwd: string | undefined): string {
  const rel = cwd === undefined ? loc.file : relative(cwd, loc.file);
  const shown = rel.length < loc.file.length && !rel.startsWith("../../") ? rel : loc.file;
  return `${shown}:${loc.line}:${loc.column}`;
}

/**
 * ` (used at a, b)` for the build.ts calls that use a secret or an ssh agent; empty when there are none.
 *
 * @example
 * ```ts
 * import { usedAtText } from "./location.ts";
 * usedAtText([{ file: "/w/build.ts", line: 3, column: 1 }], "/w"); // " (used at build.ts:3:1)"
 * ```
 */
export function usedAtText(usedAt: readonly SourceLocation[], cwd: string | undefined): string {
  return usedAt.length ? ` (used at ${usedAt.map((l) => formatLocation(l, cwd)).join(", ")})` : "";
}
