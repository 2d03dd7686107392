/**
 * What Ctrl-C (SIGINT), `timeout`/CI cancellation (SIGTERM) and a closed
 * terminal (SIGHUP) do to a running build: the first one cancels it at the
 * engine and lets every resource close; a second one, or a build that does
 * not end soon after, exits at once, and the exit cleanups stop what is left.
 *
 * @module
 */
import process from "node:process";
import { DrydockError } from "../core/errors.ts";
import { runExitCleanups } from "../core/exit_cleanup.ts";

/** The signals a build answers. */
export const BUILD_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** One of {@link BUILD_SIGNALS}. */
export type BuildSignal = typeof BUILD_SIGNALS[number];

/** Exit status after a signal, as shells report it (128 + its number). */
export const SIGNAL_EXIT: Readonly<Record<BuildSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** Options of {@link watchSignals}. */
export interface WatchSignalsOptions {
  /** Says the build is being cancelled (Ctrl-C's message goes through the progress display). */
  notify: (text: string) => void;
  /** Called before an immediate exit, e.g. to give the terminal its cursor back. */
  beforeExit?: () => void;
  /** After SIGTERM or SIGHUP, exit anyway if the build has not ended after this long. @default 10000 */
  graceMs?: number;
}

/** Handlers installed by {@link watchSignals}. */
export interface SignalWatch {
  /** Aborted with an `E_INTERRUPTED` error on the first signal. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: () => BuildSignal | undefined;
  /** Until the process exits, any of these signals exits at once. */
  settle(): void;
}

/**
 * Installs the build's signal handlers.
 *
 * @example
 * ```ts
 * import { watchSignals } from "./signals.ts";
 * const watch = watchSignals({ notify: (t) => console.error(t) });
 * // await buildTargets(targets, { signal: watch.signal });
 * watch.settle();
 * ```
 */
export function watchSignals(options: WatchSignalsOptions): SignalWatch {
  const abort = new AbortController();
  let received: BuildSignal | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const exitNow = (sig: BuildSignal) => {
    options.beforeExit?.();
    runExitCleanups();
    process.exit(SIGNAL_EXIT[sig]);
  };
  const handlers = new Map<BuildSignal, () => void>();
  for (const sig of BUILD_SIGNALS) {
    const handler = () => {
      if (received) return exitNow(sig);
      received = sig;
      options.notify(
        sig === "SIGINT"
          ? "Interrupted: cancelling the build (press Ctrl-C again to exit now)\n"
          : `Received ${sig}: cancelling the build\n`,
      );
      abort.abort(new DrydockError("E_INTERRUPTED", `build interrupted (${sig})`));
      // Nobody is there to press Ctrl-C twice: do not wait long for the engine.
      if (sig !== "SIGINT") {
        timer = setTimeout(() => exitNow(sig), options.graceMs ?? 10_000);
        (timer as { unref?: () => void }).unref?.();
      }
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return {
    signal: abort.signal,
    received: () => received,
    settle: () => {
      clearTimeout(timer);
      for (const [sig, handler] of handlers) {
        process.off(sig, handler);
        process.on(sig, () => exitNow(received ?? sig));
      }
    },
  };
}
