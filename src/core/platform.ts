/**
 * The platform rule, in one place: what an `os/arch[/variant]` text may be, how it is read and written, and the
 * platform of the machine running build.ts.
 *
 * @module
 */
import process from "node:process";
import { z } from "zod";

/** An OCI platform: `linux/amd64`, `linux/arm64/v8` ... */
export interface Platform {
  /** Operating system, as Go names it: `linux`, `windows`. */
  readonly os: string;
  /** CPU architecture, as Go names it: `amd64`, `arm64`, `arm`. */
  readonly architecture: string;
  /** CPU variant where an architecture has several: `v7` for `arm`, `v8` for `arm64`. */
  readonly variant?: string;
}

const PLATFORM_TEXT = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** What a platform text must look like, said to the user. */
export const PLATFORM_RULE = 'must look like "linux/amd64" or "linux/arm64/v8"';

/** A platform text (`os/arch[/variant]`) as an option: checked by {@link isPlatformText}. */
export const platformSchema: z.ZodString = z.string().regex(PLATFORM_TEXT, PLATFORM_RULE);

/**
 * Whether `text` is an `os/arch[/variant]` platform.
 *
 * @example
 * ```ts
 * import { isPlatformText } from "./platform.ts";
 * isPlatformText("linux/arm64/v8"); // true
 * isPlatformText("amd64"); // false
 * ```
 */
export function isPlatformText(text: string): boolean {
  return PLATFORM_TEXT.test(text);
}

/**
 * Reads `os/arch[/variant]` (checked beforehand with {@link isPlatformText} or {@link platformSchema}).
 *
 * @example
 * ```ts
 * import { parsePlatform } from "./platform.ts";
 * parsePlatform("linux/arm64/v8"); // { os: "linux", architecture: "arm64", variant: "v8" }
 * ```
 */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split("/");
  return variant ? { os, architecture, variant } : { os, architecture };
}

/**
 * Writes a platform as `os/arch[/variant]`, the key of a platform in multi-platform results.
 *
 * @example
 * ```ts
 * import { formatPlatform } from "./platform.ts";
 * formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }); // "linux/arm/v7"
 * ```
 */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

const NODE_TO_GO_ARCH: Readonly<Record<string, string>> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/**
 * The platform the client runs on, as Go's `platforms.DefaultSpec()` gives it. (It reads the machine's
 * architecture, a fact of the machine rather than configuration, so it is not passed down from the CLI.)
 *
 * @example
 * ```ts
 * import { defaultPlatform } from "./platform.ts";
 * defaultPlatform(); // { os: "linux", architecture: "amd64" } on an x64 machine
 * ```
 */
export function defaultPlatform(): Platform {
  return { os: "linux", architecture: NODE_TO_GO_ARCH[process.arch] ?? process.arch };
}
