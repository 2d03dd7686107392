/**
 * Number formatting that matches Go's `fmt`, so plain output is byte-for-byte what buildx prints.
 *
 * @module
 */

/**
 * Formats `x` with `digits` decimals like Go's `%.Nf`: the exact binary value is rounded, and exact ties go
 * to the even digit (`0.25` → `"0.2"`), where `Number#toFixed` would round them up.
 *
 * @example Ties round to even
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatFixed } from "./_format.ts";
 *
 * assert.equal(formatFixed(0.25, 1), "0.2");
 * assert.equal(formatFixed(0.35, 1), "0.3");
 * assert.equal(formatFixed(1.5, 0), "2");
 * ```
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const floor = halfwayFloor(x, digits);
  if (floor === undefined) return x.toFixed(digits);
  // An exact tie: toFixed would round away from zero, Go picks the even neighbour.
  const n = floor % 2n === 0n ? floor : floor + 1n;
  const text = n.toString().padStart(digits + 1, "0");
  const sign = x < 0 ? "-" : "";
  return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/**
 * If |x|·10^digits lies exactly halfway between two integers, returns the lower one; otherwise `undefined`.
 * Works on the exact binary value of `x`, so no floating-point rounding can fake or hide a tie.
 */
function halfwayFloor(x: number, digits: number): bigint | undefined {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return undefined; // an integer: never halfway
  const scaled = mantissa * 10n ** BigInt(digits); // |x|·10^d = scaled / 2^-exponent
  const denominator = 1n << BigInt(-exponent);
  if ((scaled * 2n) % denominator !== 0n || ((scaled * 2n) / denominator) % 2n !== 1n) return undefined;
  return scaled / denominator;
}

const DECIMAL_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

/**
 * Formats a byte count the way buildx does (`units.Bytes` with `%.2f`): below 1000 a plain integer with `B`,
 * otherwise two decimals with a decimal (SI) unit.
 *
 * @example Sizes as buildx prints them
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./_format.ts";
 *
 * assert.equal(formatBytes(108), "108B");
 * assert.equal(formatBytes(1_048_576), "1.05MB");
 * assert.equal(formatBytes(1500), "1.50kB");
 * ```
 */
export function formatBytes(bytes: number): string {
  let unit = 0;
  let base = 1;
  while (unit < DECIMAL_UNITS.length - 1 && Math.abs(bytes) >= base * 1000) {
    base *= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.trunc(bytes)}B`;
  return formatFixed(bytes / base, 2) + DECIMAL_UNITS[unit];
}

/**
 * Formats a log line's offset from its step's start: 3 decimals below 10 s, 2 below 100 s, then 1.
 *
 * @example Precision shrinks as time grows
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLogTime } from "./_format.ts";
 *
 * assert.equal(formatLogTime(0.2551), "0.255");
 * assert.equal(formatLogTime(12.3456), "12.35");
 * assert.equal(formatLogTime(123.456), "123.5");
 * ```
 */
export function formatLogTime(seconds: number): string {
  const digits = seconds < 10 ? 3 : seconds < 100 ? 2 : 1;
  return formatFixed(seconds, digits);
}
