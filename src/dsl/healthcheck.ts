/**
 * `config({ healthcheck })` as an image config records it: the test as Docker writes it, durations in
 * nanoseconds.
 *
 * @module
 */
import type { Healthcheck } from "./step_settings.ts";
import type { ImageConfigOptions } from "./options.ts";

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A Go duration (`30s`, `1m30s`, `500ms`) or seconds, in nanoseconds. */
function durationNs(d: string | number): number {
  if (typeof d === "number") return Math.round(d * 1e9);
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(n) * DURATION_UNITS[unit];
  }
  return Math.round(total);
}

/** A `config({ healthcheck })` value as the image config records it. */
export function healthcheckOf(h: NonNullable<ImageConfigOptions["healthcheck"]>): Healthcheck {
  if (h === "none") return { test: ["NONE"] };
  return {
    test: typeof h.test === "string" ? ["CMD-SHELL", h.test] : ["CMD", ...h.test],
    ...(h.interval !== undefined ? { intervalNs: durationNs(h.interval) } : {}),
    ...(h.timeout !== undefined ? { timeoutNs: durationNs(h.timeout) } : {}),
    ...(h.startPeriod !== undefined ? { startPeriodNs: durationNs(h.startPeriod) } : {}),
    ...(h.startInterval !== undefined ? { startIntervalNs: durationNs(h.startInterval) } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
  };
}
