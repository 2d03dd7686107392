/**
 * Named build contexts replaced for one build (`--build-context`, `build()`'s `contexts`): each value read
 * with the one context spec parser and made a state, each name checked against what the targets declare.
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { contextRecord, type ContextSource, parseContextSource } from "../core/context_spec.ts";
import { DrydockError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import { fail, validate } from "../core/validate.ts";
import { image, local } from "../dsl/sources.ts";
import { normalizeImageRef, ReferenceError } from "../dsl/reference.ts";
import { State } from "../dsl/state.ts";
import { declaredContexts } from "../llb/graph_walk.ts";
import { type ResolvedTarget, resolveTargets, type Targets } from "./targets.ts";

/**
 * What a named context is replaced with: a State, or a string as `--build-context` spells it
 * (a directory, relative to build.ts; `docker-image://REF`; `target:NAME`).
 */
export type ContextValue = State | string;

/** The replacements of one build, and each one described for `--print`, `--dot` and `--dry-run`. */
export interface ContextOverridesResult {
  readonly states: ReadonlyMap<string, State>;
  /** `name=value` per replaced context, values as given (a State shows as `(a State)`). */
  readonly described: readonly string[];
}

const contextsSchema = contextRecord(
  z.union([z.instanceof(State), z.string()], {
    error: 'values must be a State, a directory, "docker-image://REF" or "target:NAME"',
  }),
);

/**
 * Reads `contexts` into states for the build of `selected`: directories (relative to `base`) become
 * local sources, images image sources, `target:NAME` that target's state. Throws an `E_OPTION`
 * error for a name no selected target declares (listing the declared ones) or a value that cannot be used.
 *
 * @example
 * ```ts
 * import { context, image, local } from "@drydock/core";
 * import { resolveTargets } from "./targets.ts";
 * import { resolveContextOverrides } from "./context_overrides.ts";
 * const targets = { app: image("busybox").copy(context("src", local(".")), ".", "/app") };
 * const r = resolveContextOverrides({ src: "docker-image://busybox" }, targets, resolveTargets(targets, "/"), "/");
 * r.described; // ["src=docker-image://busybox"]
 * ```
 */
export function resolveContextOverrides(
  contexts: Readonly<Record<string, ContextValue>> | undefined,
  targets: Targets,
  selected: readonly ResolvedTarget[],
  base: string,
  location?: SourceLocation,
): ContextOverridesResult {
  const given = validate("build", "contexts", contextsSchema.optional(), contexts, location) ?? {};
  const states = new Map<string, State>();
  const described: string[] = [];
  if (Object.keys(given).length === 0) return { states, described };
  // A dynamic target's contexts are known only once it runs: then any name is taken.
  if (!selected.some((t) => t.dynamic)) {
    const declared = declaredContexts(
      selected.flatMap((t) => [t.state, ...(t.platformStates ?? []).map((p) => p.state)]),
    );
    for (const name of Object.keys(given)) {
      if (declared.includes(name)) continue;
      throw new DrydockError(
        "E_OPTION",
        `unknown build context "${name}": ${
          declared.length > 0
            ? `the targets built declare ${declared.join(", ")}`
            : "the targets built declare none"
        } (with context(name, ...) or dockerfile()'s contexts)`,
      );
    }
  }
  for (const [name, value] of Object.entries(given)) {
    if (value instanceof State) {
      states.set(name, value);
      described.push(`${name}=(a State)`);
      continue;
    }
    const source = parseContextSource(value, (why) => fail("build", `contexts.${name}`, why, location));
    states.set(name, contextState(name, source, targets, base));
    described.push(`${name}=${value}`);
  }
  return { states, described };
}

function contextState(name: string, source: ContextSource, targets: Targets, base: string): State {
  const problem = (why: string) => new DrydockError("E_OPTION", `build context ${name}: ${why}`);
  switch (source.type) {
    case "dir": {
      const dir = resolve(base, source.path);
      if (!isDirectory(dir)) throw problem(`${dir} is not a directory`);
      return local(dir);
    }
    case "image":
      try {
        normalizeImageRef(source.ref);
      } catch (err) {
        if (!(err instanceof ReferenceError)) throw err;
        throw problem(`docker-image://${source.ref} is not a valid image reference: ${err.message}`);
      }
      return image(source.ref);
    case "target": {
      const all = resolveTargets(targets, base);
      const target = all.find((t) => t.name === source.target);
      if (!target) {
        throw problem(`no target "${source.target}" (targets: ${all.map((t) => t.name).join(", ")})`);
      }
      if (target.dynamic) {
        throw problem(`target "${source.target}" is dynamic: its state exists only while it builds`);
      }
      return target.state;
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
