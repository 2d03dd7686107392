import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes, formatFixed, formatLogTime } from "./_format.ts";
import { mergeIntervals } from "./intervals.ts";

describe("formatting", () => {
  test("`formatFixed()` rounds exact ties to even like Go's %.Nf", () => {
    const cases: [number, number, string][] = [
      [0.25, 1, "0.2"],
      [0.75, 1, "0.8"],
      [1.125, 2, "1.12"],
      [1.375, 2, "1.38"],
      [0.0625, 3, "0.062"],
      [2.5, 0, "2"],
      [3.5, 0, "4"],
      [-0.25, 1, "-0.2"],
      // Not ties in binary: the nearest double decides, as in Go.
      [0.35, 1, "0.3"],
      [1.005, 2, "1.00"],
      [0.2555, 3, "0.256"],
      [0, 1, "0.0"],
      [123.456, 1, "123.5"],
    ];
    for (const [x, digits, want] of cases) assert.equal(formatFixed(x, digits), want, `${x} with ${digits}`);
  });

  test("`formatBytes()` matches units.Bytes with %.2f", () => {
    const cases: [number, string][] = [
      [0, "0B"],
      [2, "2B"],
      [999, "999B"],
      [1000, "1.00kB"],
      [1125, "1.12kB"],
      [1_048_576, "1.05MB"],
      [29_150_000, "29.15MB"],
      [2_500_000_000, "2.50GB"],
      [3e15, "3.00PB"],
    ];
    for (const [n, want] of cases) assert.equal(formatBytes(n), want, String(n));
  });

  test("`formatLogTime()` uses 3, 2 then 1 decimals", () => {
    assert.equal(formatLogTime(0), "0.000");
    assert.equal(formatLogTime(9.9994), "9.999");
    assert.equal(formatLogTime(10), "10.00");
    assert.equal(formatLogTime(99.99), "99.99");
    assert.equal(formatLogTime(100), "100.0");
  });

  test("`mergeIntervals()` lets an open interval absorb later ones", () => {
    assert.deepEqual(mergeIntervals([{ start: 5, end: 6 }, { start: 0 }, { start: 9, end: 10 }]), [{
      start: 0,
    }]);
    assert.deepEqual(mergeIntervals([{ start: 0, end: 5 }, { start: 5, end: 6 }]), [{ start: 0, end: 6 }]);
    assert.deepEqual(mergeIntervals([{ start: 0, end: 5 }, { start: 3 }]), [{ start: 0 }]);
  });
});
