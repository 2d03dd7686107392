/**
 * The one parser of named build context values, as buildx's `--build-context name=VALUE` spells them:
 * a directory, `docker-image://REF` or `target:NAME`. The CLI flag, `build()`'s `contexts` and
 * `dockerfile()`'s `contexts` all read values with it.
 *
 * @module
 */
import { z } from "zod";

/** What a named build context is replaced with. */
export type ContextSource =
  /** A directory on this machine, as written (relative paths are the caller's to resolve). */
  | { readonly type: "dir"; readonly path: string }
  /** An image, as `docker-image://busybox:latest`. */
  | { readonly type: "image"; readonly ref: string }
  /** Another target's result, as `target:app`. */
  | { readonly type: "target"; readonly target: string };

/** What a context name may be: image-name-like, as the Dockerfile frontend's `FROM name` reads it. */
export const CONTEXT_NAME: RegExp = /^[a-z0-9][a-z0-9._/:-]*$/;

/** The rule {@link CONTEXT_NAME} checks, in words. */
export const CONTEXT_NAME_RULE = "must be image-name-like (lower case, digits, . _ / : -)";

/**
 * The schema of a record of named contexts with `values`: each name must match {@link CONTEXT_NAME};
 * a bad one is reported under its own key.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { contextRecord } from "./context_spec.ts";
 * contextRecord(z.string()).safeParse({ Src: "." }).success; // false
 * ```
 */
export function contextRecord<T extends z.ZodType>(values: T) {
  return z.record(z.string(), values).superRefine((r, ctx) => {
    for (const name of Object.keys(r)) {
      if (!CONTEXT_NAME.test(name)) {
        ctx.addIssue({ code: "custom", path: [name], message: `the name ${CONTEXT_NAME_RULE}` });
      }
    }
  });
}

/**
 * Reads one context value. Calls `fail` with the reason when it cannot be used.
 *
 * @example
 * ```ts
 * import { parseContextSource } from "./context_spec.ts";
 * const fail = (why: string): never => { throw new Error(why); };
 * parseContextSource("docker-image://busybox:1.36", fail); // { type: "image", ref: "busybox:1.36" }
 * parseContextSource("target:app", fail); // { type: "target", target: "app" }
 * parseContextSource("./src", fail); // { type: "dir", path: "./src" }
 * ```
 */
export function parseContextSource(value: string, fail: (why: string) => never): ContextSource {
  if (value === "") fail("needs a value: a directory, docker-image://REF or target:NAME");
  if (value.startsWith("docker-image://")) {
    const ref = value.slice("docker-image://".length);
    if (ref === "" || /\s/.test(ref)) {
      fail("docker-image:// needs an image reference, e.g. docker-image://busybox");
    }
    return { type: "image", ref };
  }
  if (value.startsWith("target:")) {
    const target = value.slice("target:".length);
    if (target === "") fail("target: needs a target name, e.g. target:base");
    return { type: "target", target };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme) {
    fail(`${scheme}:// is not supported; use a directory, docker-image://REF or target:NAME`);
  }
  return { type: "dir", path: value };
}

/**
 * Reads one `--build-context` value, `name=VALUE`. Calls `fail` with the reason when it cannot be used.
 *
 * @example
 * ```ts
 * import { parseContextFlag } from "./context_spec.ts";
 * const fail = (why: string): never => { throw new Error(why); };
 * parseContextFlag("src=../app", fail); // { name: "src", source: { type: "dir", path: "../app" } }
 * ```
 */
export function parseContextFlag(
  text: string,
  fail: (why: string) => never,
): { name: string; source: ContextSource } {
  const eq = text.indexOf("=");
  if (eq < 0) fail("expected NAME=VALUE (a directory, docker-image://REF or target:NAME)");
  const name = text.slice(0, eq);
  if (!CONTEXT_NAME.test(name)) fail(`the name "${name}" ${CONTEXT_NAME_RULE}`);
  return { name, source: parseContextSource(text.slice(eq + 1), fail) };
}
