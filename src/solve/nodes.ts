/**
 * Which node of a multi-node builder builds each platform: the first that serves it natively (declared, or the
 * first platform its workers report), else the first that can emulate it (a platform its workers report after
 * the first: an emulator is installed). Pure: the engines were asked beforehand.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { parsePlatform, type Platform } from "../core/platform.ts";

/** What one node serves, as declared or as its workers report. */
export interface NodeServing {
  readonly name: string;
  /** The address, for messages. */
  readonly address: string;
  /** Platforms it runs natively. */
  readonly native: readonly string[];
  /** Further platforms it runs with an emulator. */
  readonly emulated: readonly string[];
}

/** The node chosen for one platform. */
export interface PlatformNode {
  /** The platform, e.g. `linux/arm64`. */
  readonly platform: string;
  /** The name of the node that builds it. */
  readonly node: string;
  /** No node runs it natively: the node emulates it. */
  readonly emulated: boolean;
  /** Later nodes that serve it too (not used: the first wins). */
  readonly alsoServedBy: readonly string[];
}

/** A builder that cannot build what was asked, found before anything runs. */
export class BuilderError extends DrydockError {
  override name = "BuilderError";
  constructor(message: string | ((cwd: string | undefined) => string)) {
    super("E_BUILDER", message);
  }
}

/**
 * Chooses a node for each platform, or throws naming every node and its platforms when one platform has none.
 *
 * @example
 * ```ts
 * import { choosePlatformNodes } from "./nodes.ts";
 * const nodes = [
 *   { name: "x86", address: "tcp://x86:1234", native: ["linux/amd64"], emulated: ["linux/arm64"] },
 *   { name: "arm", address: "tcp://arm:1234", native: ["linux/arm64"], emulated: [] },
 * ];
 * choosePlatformNodes(nodes, ["linux/amd64", "linux/arm64"]).map((c) => c.node); // ["x86", "arm"]
 * ```
 */
export function choosePlatformNodes(
  nodes: readonly NodeServing[],
  platforms: readonly string[],
  location?: SourceLocation,
): PlatformNode[] {
  const missing: string[] = [];
  const chosen = platforms.flatMap((platform): PlatformNode[] => {
    const native = nodes.filter((n) => n.native.some((p) => samePlatform(p, platform)));
    const emulating = nodes.filter((n) => n.emulated.some((p) => samePlatform(p, platform)));
    const serving = native.length > 0 ? native : emulating;
    if (serving.length === 0) return missing.push(platform), [];
    return [{
      platform,
      node: serving[0].name,
      emulated: native.length === 0,
      alsoServedBy: [...native, ...emulating].map((n) => n.name).filter((n, i, all) =>
        n !== serving[0].name && all.indexOf(n) === i
      ),
    }];
  });
  if (missing.length > 0) {
    throw new BuilderError((cwd) =>
      `no node of the builder serves ${missing.join(", ")}; its nodes serve: ${describeNodes(nodes)}` +
      (location ? ` (build at ${formatLocation(location, cwd)})` : "")
    );
  }
  return chosen;
}

/**
 * Each node with what it serves, for messages: `arm (tcp://arm:1234): linux/arm64; x86 (…): linux/amd64`.
 *
 * @example
 * ```ts
 * import { describeNodes } from "./nodes.ts";
 * describeNodes([{ name: "a", address: "unix:///a.sock", native: ["linux/amd64"], emulated: ["linux/arm64"] }]);
 * // "a (unix:///a.sock): linux/amd64, emulated linux/arm64"
 * ```
 */
export function describeNodes(nodes: readonly NodeServing[]): string {
  return nodes.map((n) => {
    const served = [...n.native, ...n.emulated.map((p) => `emulated ${p}`)].join(", ") || "no platform";
    return `${n.name} (${n.address}): ${served}`;
  }).join("; ");
}

/**
 * What a node serves: its declared platforms (all native), or else its workers' (the first native, the rest
 * through emulators, as BuildKit lists them).
 *
 * @example
 * ```ts
 * import { servingOf } from "./nodes.ts";
 * servingOf("a", "unix:///a.sock", [], [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }]);
 * // { name: "a", address: "unix:///a.sock", native: ["linux/amd64"], emulated: ["linux/arm64"] }
 * ```
 */
export function servingOf(
  name: string,
  address: string,
  declared: readonly string[],
  reported: readonly Platform[],
): NodeServing {
  if (declared.length > 0) return { name, address, native: declared, emulated: [] };
  const texts = [
    ...new Set(reported.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/"))),
  ];
  // The first is the machine's own; its other variants (amd64/v2 ... v4) are levels it runs natively too.
  const first = reported[0];
  const isNative = (t: string) =>
    first !== undefined && t.startsWith(`${first.os}/${first.architecture}`) &&
    parsePlatform(t).architecture === first.architecture;
  return { name, address, native: texts.filter(isNative), emulated: texts.filter((t) => !isNative(t)) };
}

/**
 * Whether two platform texts name one platform (`linux/arm64` is `linux/arm64/v8`, `linux/amd64` is
 * `linux/amd64/v1`).
 *
 * @example
 * ```ts
 * import { samePlatform } from "./nodes.ts";
 * samePlatform("linux/arm64", "linux/arm64/v8"); // true
 * ```
 */
export function samePlatform(a: string, b: string): boolean {
  const norm = (text: string) => {
    const p = parsePlatform(text);
    const implied = p.architecture === "arm64" ? "v8" : p.architecture === "amd64" ? "v1" : "";
    return `${p.os}/${p.architecture}/${p.variant ?? implied}`;
  };
  return norm(a) === norm(b);
}
