/**
 * "Did you mean …?": the closest known word to a mistyped one.
 *
 * @module
 */

/**
 * The candidate closest to `word` by edit distance, if it is close enough to
 * be a likely typo (at most 3 edits, and fewer than half the word's length).
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("--tagret", ["--target", "--list"]); // "--target"
 * closest("--zzz", ["--target"]); // undefined
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(4, Math.ceil(word.replace(/^-+/, "").length / 2) + 1);
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/**
 * Levenshtein distance, counting a swap of two neighbours as one edit.
 *
 * @example
 * ```ts
 * import { editDistance } from "./suggest.ts";
 * editDistance("target", "tagret"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
