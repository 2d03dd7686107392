/**
 * Building several targets at once on one engine: one failing target cancels the others, whose results would
 * not be used, and the first failure is the one reported.
 *
 * @module
 */

/**
 * Runs `build` for every item at once and gives the results by name. The first failure aborts the signal
 * the others got and is thrown once all have settled; an abort of `signal` cancels them all.
 *
 * @example
 * ```ts
 * import { fanOut } from "./fan_out.ts";
 * const sizes = await fanOut([{ name: "a" }, { name: "bb" }], (t) => Promise.resolve(t.name.length));
 * sizes; // { a: 1, bb: 2 }
 * ```
 */
export async function fanOut<T extends { readonly name: string }, R>(
  items: readonly T[],
  build: (item: T, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<Record<string, R>> {
  const cancel = new AbortController();
  const stop = () => cancel.abort(signal?.reason);
  signal?.addEventListener("abort", stop, { once: true });
  if (signal?.aborted) stop();
  try {
    const settled = await Promise.allSettled(items.map(async (item) => {
      try {
        return [item.name, await build(item, cancel.signal)] as const;
      } catch (err) {
        if (!cancel.signal.aborted) cancel.abort(err);
        throw err;
      }
    }));
    const failures = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    // The first failure is the cause; the others are mostly "cancelled" because of it.
    if (failures.length > 0) throw cancel.signal.reason ?? failures[0];
    return Object.fromEntries(settled.map((r) => (r as PromiseFulfilledResult<readonly [string, R]>).value));
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}
