/**
 * The session's HTTP/2 receive window, widened for transfers the engine sends us (exports).
 *
 * @module
 */
import type * as grpc from "@grpc/grpc-js";

/**
 * Receive window per stream and for the connection while the engine sends an export. HTTP/2's default
 * (64 KiB) lets the engine send 64 KiB and then wait for our WINDOW_UPDATE: a round trip per 64 KiB. Go's
 * gRPC servers (buildx's session) grow theirs up to 16 MiB. Measured on a 500-file, 50 MiB local export
 * on a loaded machine: 43 → 21–25 s on Deno, 18–42 → 10–22 s on Bun.
 */
export const RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;

/** The part of an HTTP/2 session this uses (node:http2's `Http2Session`). */
interface WindowedSession {
  setLocalWindowSize?(size: number): void;
  settings?(settings: { initialWindowSize?: number }): void;
}

const widened = new WeakSet<object>();

/**
 * Widens the receive window of the HTTP/2 session `call` arrived on, once per session: the connection's
 * window at once, and (by SETTINGS_INITIAL_WINDOW_SIZE, which applies to open streams too) every stream's.
 * Returns whether the session was found (grpc-js 1.14 keeps it on the call's stream; tests pin it).
 *
 * @example
 * ```ts
 * import { widenReceiveWindow } from "./receive_window.ts";
 * // in the FileSend/DiffCopy handler, before reading: widenReceiveWindow(call);
 * ```
 */
export function widenReceiveWindow(
  call: grpc.ServerDuplexStream<unknown, unknown>,
  bytes: number = RECEIVE_WINDOW_BYTES,
): boolean {
  const inner = (call as unknown as { call?: { stream?: { session?: WindowedSession } } }).call;
  const session = inner?.stream?.session;
  if (typeof session?.setLocalWindowSize !== "function" || typeof session.settings !== "function") {
    return false;
  }
  if (widened.has(session)) return true;
  widened.add(session);
  session.setLocalWindowSize(bytes);
  session.settings({ initialWindowSize: bytes });
  return true;
}
