/**
 * Combining filesystems: `merge()` stacks states, `diff()` takes what changed.
 *
 * @module
 */
import { z } from "zod";
import type { DiffNode, MergeNode, Output } from "./graph.ts";
import { callerLocation } from "../core/location.ts";
import { stateOf } from "./sources.ts";
import { State, stateData } from "./state.ts";
import { validate } from "../core/validate.ts";

const stateSchema = z.instanceof(State, { error: "must be a State (from image(), local(), scratch() ...)" });

/**
 * Stacks filesystems: each state's files are laid over the ones before it, as a
 * `COPY --link` of each onto the previous would. With the containerd image
 * store the layers stay separate (a change to one input rebuilds nothing
 * else); on other engines drydock falls back to copies and says so.
 * The result has root settings and the first state's platform.
 *
 * @example
 * ```ts
 * import { image, merge, scratch } from "@drydock/core";
 * const base = image("busybox");
 * const config = scratch().mkfile("/etc/app.conf", "port=80\n");
 * const app = merge([base, config, scratch().mkfile("/app/VERSION", "1\n")]);
 * ```
 */
export function merge(states: State[]): State {
  const location = callerLocation();
  const list = validate(
    "merge",
    "states",
    z.array(stateSchema, { error: "must be an array of States" }).min(1, "must have at least one state"),
    states,
    location,
  );
  const outputs = list.map((s) => stateData(s).output);
  const layers = outputs.filter((o): o is Output => o !== null);
  const platform = stateData(list[0]).settings.platform;
  // Empty filesystems add nothing; one layer is itself.
  if (layers.length === 0) return stateOf(null, platform);
  if (layers.length === 1) return list[outputs.indexOf(layers[0])];
  const node: MergeNode = { kind: "merge", location, name: `merge ${layers.length} states`, inputs: layers };
  return stateOf(node, platform);
}

/**
 * The changes that turn `lower` into `upper`, deletions included: usually what
 * some steps added on top of a base, to `merge()` elsewhere. Needs the
 * containerd image store (BuildKit's `diffop`); there is no portable fallback.
 *
 * @example
 * ```ts
 * import { diff, image, merge } from "@drydock/core";
 * const base = image("busybox");
 * const built = base.run("mkdir -p /out && echo hi > /out/hi");
 * const onlyBuilt = diff(base, built);
 * const app = merge([image("busybox:1.36"), onlyBuilt]);
 * ```
 */
export function diff(lower: State, upper: State): State {
  const location = callerLocation();
  const l = validate("diff", "lower", stateSchema, lower, location);
  const u = validate("diff", "upper", stateSchema, upper, location);
  const node: DiffNode = {
    kind: "diff",
    location,
    name: "diff",
    lower: stateData(l).output,
    upper: stateData(u).output,
  };
  return stateOf(node, stateData(u).settings.platform);
}
