/**
 * The targets of a build: what build.ts names, checked, with each target's outputs, platforms and caches
 * resolved, and the command line's overrides applied.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { DrydockError } from "../core/errors.ts";
import type { SourceLocation } from "../core/location.ts";
import {
  defaultPlatform,
  formatPlatform,
  parsePlatform,
  type Platform,
  platformSchema,
} from "../core/platform.ts";
import { fail, type SchemaMatches, validate } from "../core/validate.ts";
import { scratch } from "../dsl/sources.ts";
import { State, stateData } from "../dsl/state.ts";
import { type BuildContext, type DynamicState, isDynamicState } from "./build_context.ts";
import { type CacheExport, cacheExportSchema, type CacheImport, cacheImportSchema } from "./cache.ts";
import { type BuildOutput, outputSchema } from "./outputs.ts";
import type { PlatformState } from "./solve_spec.ts";
import { checkOutputCollisions } from "./output_collisions.ts";

/** A named thing to build: a state and what to do with the result. */
export interface Target {
  /**
   * What to build. A function of the platform for multi-platform targets
   * (called before the build, with the platform's fields only); or an `async`
   * function of the build (a dynamic target), which may read what the engine
   * built so far before it decides.
   */
  state: State | ((ctx: BuildContext) => State | Promise<State>);
  /** Export as an image with this name (or names) into the engine's image store. */
  image?: string | string[];
  /** Where else the result goes: a local directory, a tarball, a registry ... */
  output?: BuildOutput | BuildOutput[];
  /** Build for these platforms (`linux/amd64`, `linux/arm64`) into one image index. */
  platforms?: string[];
  /** Build cache to import. */
  cacheFrom?: CacheImport | CacheImport[];
  /** Build cache to export. */
  cacheTo?: CacheExport | CacheExport[];
  /** One line for `--help` and `--list`. */
  description?: string;
}

/** Targets by name; a bare State is a target that is only built. */
export type Targets = Record<string, State | Target>;

/** What the command line adds to (or replaces in) every target it builds. */
export interface TargetOverrides {
  /** Outputs added to every target built (the CLI's `-o`). */
  outputs?: BuildOutput[];
  /** Push every image output (the CLI's `--push`). @default false */
  push?: boolean;
  /** Load every image output into Docker from a standalone BuildKit (the CLI's `--load`). @default false */
  load?: boolean;
  /** Platforms for every target built, replacing theirs (the CLI's `--platform`). */
  platforms?: string[];
  /** Cache imports added to every target (`--cache-from`). */
  cacheFrom?: CacheImport[];
  /** Cache exports added to every target (`--cache-to`). */
  cacheTo?: CacheExport[];
}

const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t)]);

const targetSchema = z.strictObject({
  state: z.union([
    z.instanceof(State),
    z.custom<Exclude<Target["state"], State>>((v) => typeof v === "function"),
  ], {
    error:
      "must be a State (from image(), local(), scratch() ...), a function of the platform, or an async " +
      "function of the build",
  }),
  image: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  output: oneOrMany(outputSchema).optional(),
  platforms: z.array(platformSchema).min(1).optional(),
  cacheFrom: oneOrMany(cacheImportSchema).optional(),
  cacheTo: oneOrMany(cacheExportSchema).optional(),
  description: z.string().optional(),
});

/** A target after validation: outputs listed, paths absolute. */
export interface ResolvedTarget {
  readonly name: string;
  /** The state at the client's platform (or the first platform). */
  readonly state: State;
  /** One state per platform, when the target has platforms. */
  readonly platformStates?: readonly PlatformState[];
  /** A dynamic target's function: its graph is known only once the engine runs it (`state` is then empty). */
  readonly dynamic?: DynamicState;
  readonly outputs: readonly BuildOutput[];
  readonly cacheFrom: readonly CacheImport[];
  readonly cacheTo: readonly CacheExport[];
  readonly description?: string;
}

/**
 * Checks the targets and lists each one's outputs.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { resolveTargets } from "./targets.ts";
 * resolveTargets({ app: { state: image("busybox"), image: "app:dev" } }, "/src")[0].outputs; // [{ type: "image", name: ["app:dev"] }]
 * ```
 */
export function resolveTargets(
  targets: Targets,
  base: string,
  location?: SourceLocation,
  overrides: TargetOverrides = {},
): ResolvedTarget[] {
  validate("build", "targets", z.record(z.string(), z.unknown()), targets, location);
  const absolute = (o: BuildOutput): BuildOutput =>
    o.type === "image" || o.dest === "-" || isAbsolute(o.dest) ? o : { ...o, dest: resolve(base, o.dest) };
  return Object.entries(targets).map(([name, value]) => {
    const t: Target = value instanceof State
      ? { state: value }
      : validate("build", `targets.${name}`, targetSchema, value, location);
    const outputs: BuildOutput[] = [];
    if (t.image) outputs.push({ type: "image", name: typeof t.image === "string" ? [t.image] : t.image });
    outputs.push(...[t.output ?? []].flat(), ...(overrides.outputs ?? []));
    const platforms = overrides.platforms ?? t.platforms;
    let state: State;
    let platformStates: PlatformState[] | undefined;
    const dynamic = isDynamicState(t.state) ? t.state : undefined;
    if (dynamic) {
      state = scratch();
      if (platforms) platformStates = platforms.map((p) => ({ platform: parsePlatform(p), state }));
    } else if (typeof t.state === "function") {
      const fn = t.state as (platform: Platform) => State | Promise<State>;
      const list = (platforms ?? [formatPlatform(defaultPlatform())]).map(parsePlatform);
      platformStates = list.map((platform) => ({ platform, state: stateOf(fn(platform), name, location) }));
      state = platformStates[0].state;
      if (!platforms) platformStates = undefined;
    } else {
      state = t.state;
      // A dockerfile() result is built by its frontend for each platform asked, as buildx --platform does.
      if (platforms && platforms.length > 1 && !isFrontendResult(state)) {
        validate(
          "build",
          `targets.${name}.state`,
          z.custom(() => false, "must be a function of the platform to build several platforms"),
          t.state,
          location,
        );
      }
      if (platforms) platformStates = platforms.map((p) => ({ platform: parsePlatform(p), state }));
    }
    return {
      name,
      state,
      platformStates,
      ...(dynamic ? { dynamic } : {}),
      outputs: outputs.map((o) =>
        absolute(
          o.type === "image" && (overrides.push || overrides.load)
            ? { ...o, ...(overrides.push ? { push: true } : {}), ...(overrides.load ? { load: true } : {}) }
            : o,
        )
      ),
      cacheFrom: [...[t.cacheFrom ?? []].flat(), ...(overrides.cacheFrom ?? [])].map((c) =>
        c.type === "local" ? { ...c, src: resolve(base, c.src) } : c
      ),
      cacheTo: [...[t.cacheTo ?? []].flat(), ...(overrides.cacheTo ?? [])].map((c) =>
        c.type === "local" ? { ...c, dest: resolve(base, c.dest) } : c
      ),
      description: t.description,
    };
  });
}

function isFrontendResult(state: State): boolean {
  return stateData(state).output?.op.kind === "frontend";
}

function stateOf(value: unknown, target: string, location: SourceLocation | undefined): State {
  if (value instanceof Promise) {
    value.catch(() => {}); // never awaited: the target is refused
    fail(
      "build",
      `targets.${target}.state`,
      "returned a Promise: declare a dynamic target's state as `async (ctx) => ...`",
      location,
    );
  }
  return validate(
    "build",
    `targets.${target}.state`,
    z.instanceof(State, { error: "must return a State for each platform" }),
    value,
    location,
  );
}

/**
 * The targets named (all of them when `names` is undefined), resolved with the
 * command line's overrides. Every target is checked; the overrides (e.g. several
 * platforms) apply to the named ones only.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { selectTargets } from "./targets.ts";
 * selectTargets({ a: image("busybox"), b: image("busybox") }, ["b"], "/src").map((t) => t.name); // ["b"]
 * ```
 */
export function selectTargets(
  targets: Targets,
  names: readonly string[] | undefined,
  base: string,
  location?: SourceLocation,
  overrides: TargetOverrides = {},
): ResolvedTarget[] {
  const all = resolveTargets(targets, base, location);
  const wanted = names ?? all.map((t) => t.name);
  for (const name of wanted) {
    if (!all.some((t) => t.name === name)) {
      throw new DrydockError(
        "E_TARGET",
        `unknown target "${name}"; targets are: ${all.map((t) => t.name).join(", ")}`,
      );
    }
  }
  const picked = Object.fromEntries(Object.entries(targets).filter(([name]) => wanted.includes(name)));
  const selected = resolveTargets(picked, base, location, overrides);
  checkOutputCollisions(selected, location);
  return selected;
}

// The schema checks exactly the Target type (checked when compiling).
const _targetSchemaMatches: SchemaMatches<typeof targetSchema, Target> = true;
