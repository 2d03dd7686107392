/**
 * What every state is underneath: its data. {@link State} extends it; the option types, mounts and run
 * steps name this base instead of `State`, whose methods take them, so no file of the DSL imports
 * back into `state.ts`.
 *
 * @module
 */
import type { StateData } from "./state_data.ts";

let readData: (state: StateBase) => StateData;

/**
 * The data holder every {@link State} is built on. Users never make one: each StateBase they hold is a State
 * from `image()`, `local()`, `scratch()` or a State method.
 *
 * @example Any State is a StateBase
 * ```ts
 * import { image, type StateBase } from "@drydock/core";
 * const base: StateBase = image("busybox");
 * ```
 */
export abstract class StateBase {
  readonly #data: StateData;

  static {
    readData = (state) => state.#data;
  }

  /** @internal Use {@link image}, {@link scratch} or {@link local}. */
  constructor(data: StateData) {
    this.#data = data;
  }
}

/**
 * The data a state is made of, for lowering to LLB.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * stateData(scratch()).output; // null
 * ```
 */
export function stateData(state: StateBase): StateData {
  return readData(state);
}

/**
 * Whether `value` is a state (checked when a call runs, so schemas can use it at import time).
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { isState } from "./state_base.ts";
 * isState(scratch()); // true
 * ```
 */
export function isState(value: unknown): value is StateBase {
  return value instanceof StateBase;
}
