/**
 * Secret values replaced by `***` in everything drydock shows or returns:
 * step logs, step names, errors and warnings of the engine's status stream,
 * and error messages. drydock knows every secret's value before the build
 * starts, so it masks them as CI systems do.
 *
 * @module
 */
import type { StatusResponse, VertexLog } from "../proto/moby_buildkit_v1.gen.ts";

/** What a secret value is replaced with. */
export const MASK = "***";

/** Values shorter than this are not masked: masking "a" or "1" would garble every log. */
export const MIN_MASKED_LENGTH = 4;

/**
 * Masks known secret values in text and in status updates. Log output is
 * masked across chunk boundaries: the end of a chunk that could be the start
 * of a secret is held until the next chunk (or the step's end).
 *
 * @example
 * ```ts
 * import { SecretMasker } from "./secret_mask.ts";
 * const masker = new SecretMasker(["hunter22"]);
 * masker.text("password: hunter22"); // "password: ***"
 * ```
 */
export class SecretMasker {
  readonly #pattern: RegExp | undefined;
  readonly #longest: number;
  /** Log text held per vertex and stream, not yet shown. */
  readonly #held = new Map<string, { log: VertexLog; text: string }>();

  constructor(values: Iterable<string | Uint8Array>) {
    const decoder = new TextDecoder();
    const set = new Set<string>();
    for (const v of values) {
      const text = typeof v === "string" ? v : decoder.decode(v);
      // A multi-line value also shows line by line (a key file printed by `cat`).
      for (const part of [text, text.trim(), ...text.split(/\r?\n/).map((l) => l.trim())]) {
        if (part.length >= MIN_MASKED_LENGTH) set.add(part);
      }
    }
    const list = [...set].sort((a, b) => b.length - a.length);
    this.#longest = list[0]?.length ?? 0;
    this.#pattern = list.length === 0
      ? undefined
      : new RegExp(list.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  }

  /** True when there is something to mask. */
  get active(): boolean {
    return this.#pattern !== undefined;
  }

  /** `text` with every secret value replaced by {@link MASK}. */
  text(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, MASK) : text;
  }

  /**
   * A masked copy of a status update. Log text that may continue a secret in
   * the next chunk is held back; it is released when its step completes or by
   * {@link SecretMasker.flush}.
   */
  status(status: StatusResponse): StatusResponse {
    if (!this.#pattern) return status;
    const enc = new TextEncoder();
    const bytes = (b: Uint8Array | undefined) => b && enc.encode(this.text(new TextDecoder().decode(b)));
    const logs: VertexLog[] = [];
    for (const log of status.logs ?? []) {
      const shown = this.#log(log);
      if (shown) logs.push(shown);
    }
    for (const v of status.vertexes ?? []) {
      if (v.completed || v.error) logs.push(...this.#release((key) => key.startsWith(`${v.digest}\0`)));
    }
    return {
      ...status,
      vertexes: status.vertexes?.map((v) => ({
        ...v,
        name: v.name && this.text(v.name),
        error: v.error && this.text(v.error),
      })),
      statuses: status.statuses?.map((s) => ({
        ...s,
        name: s.name && this.text(s.name),
        id: s.id && this.text(s.id),
      })),
      logs,
      warnings: status.warnings?.map((w) => ({
        ...w,
        short: bytes(w.short),
        detail: w.detail?.map((d) => bytes(d)!),
      })),
    };
  }

  /** A status update with every held log text, or `undefined` when nothing is held. */
  flush(): StatusResponse | undefined {
    const logs = this.#release(() => true);
    return logs.length === 0 ? undefined : { vertexes: [], statuses: [], logs, warnings: [] };
  }

  /**
   * Masks an error's message (and a build error's engine message and step) in place; returns it.
   *
   * @example
   * ```ts
   * import { SecretMasker } from "./secret_mask.ts";
   * new SecretMasker(["hunter22"]).error(new Error("echo hunter22 failed")).message; // "echo *** failed"
   * ```
   */
  error<E>(err: E): E {
    if (!this.#pattern || !(err instanceof Error)) return err;
    const rewritable = err as unknown as { rewriteMessage?: (rewrite: (m: string) => string) => void };
    // A DrydockError renders its message again for each working directory: mask every rendering.
    rewritable.rewriteMessage?.((m) => this.text(m));
    const fields = err as unknown as Record<string, unknown>;
    for (const key of ["message", "stack", "engineMessage", "step", "details"]) {
      const value = fields[key];
      if (typeof value === "string") {
        Object.defineProperty(err, key, { value: this.text(value), configurable: true, writable: true });
      }
    }
    return err;
  }

  #log(log: VertexLog): VertexLog | undefined {
    const key = `${log.vertex}\0${log.stream}`;
    const text = (this.#held.get(key)?.text ?? "") + new TextDecoder().decode(log.msg ?? new Uint8Array());
    // Show whole lines; of a long unfinished line, all but what could be a secret's beginning.
    const lineEnd = Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r")) + 1;
    let cut = Math.max(lineEnd, text.length - (this.#longest - 1));
    // Never cut through a secret: it would be shown as two harmless halves.
    for (const m of text.matchAll(this.#pattern!)) {
      if (m.index < cut && cut < m.index + m[0].length) cut = m.index;
    }
    if (cut < text.length) this.#held.set(key, { log, text: text.slice(cut) });
    else this.#held.delete(key);
    if (cut === 0) return undefined;
    return { ...log, msg: new TextEncoder().encode(this.text(text.slice(0, cut))) };
  }

  #release(which: (key: string) => boolean): VertexLog[] {
    const logs: VertexLog[] = [];
    for (const [key, held] of this.#held) {
      if (!which(key)) continue;
      this.#held.delete(key);
      logs.push({ ...held.log, msg: new TextEncoder().encode(this.text(held.text)) });
    }
    return logs;
  }
}
