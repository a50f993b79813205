/**
 * Parts written in whole units that add up to their total as written. Rounding each part down
 * on its own gave "53 min = 45 min + 7 min" for 45 min 40 s + 7 min 40 s; here the units lost to
 * rounding go to the parts with the largest remainders (Hamilton's method), so the written parts
 * sum to the written total (`floor(total / unit)` units). The parts are in ms; so is the answer.
 *
 * @example
 *   apportion([2_740_000, 460_000], 3_200_000, 60_000) // [2_760_000, 420_000]: 46 min + 7 min = 53 min
 */
export function apportion(parts: readonly number[], total: number, unit: number): number[] {
  const out = parts.map((p) => Math.floor(Math.max(0, p) / unit));
  const rest = (i: number) => Math.max(0, parts[i]!) - out[i]! * unit;
  let missing = Math.floor(Math.max(0, total) / unit) - out.reduce((a, b) => a + b, 0);
  if (!parts.length) return [];
  // Largest remainder first; a tie goes to the larger part, then to the earlier one.
  const order = parts.map((_, i) => i).sort((a, b) => rest(b) - rest(a) || parts[b]! - parts[a]! || a - b);
  for (let k = 0; missing > 0; k++, missing--) out[order[k % order.length]!]!++;
  // More written than the total (the parts overshoot it): take from the smallest remainders, round after round.
  while (missing < 0 && out.some((u) => u > 0)) {
    for (let k = order.length - 1; k >= 0 && missing < 0; k--) {
      const i = order[k]!;
      if (out[i]! > 0) {
        out[i]!--;
        missing++;
      }
    }
  }
  return out.map((u) => u * unit);
}
