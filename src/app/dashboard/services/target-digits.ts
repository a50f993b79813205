/**
 * How many decimals OEE and its target are written with, side by side: `min` (whole percents by
 * default), and one or two more only where `min` would read the same for figures that are not.
 * 79.6 % at a target of 80 % must not read "80 % · target 80 % ▼" (below target, at target). The
 * line view passes `min` 1: its headline OEE reads as the shift report's does (one decimal).
 *
 * @example
 *   targetDigits(0.796, 0.8) // 1: "79.6%" beside "80.0%"
 *   targetDigits(0.75, 0.8) // 0
 *   targetDigits(0.655, 0.8, 1) // 1: "65.5%", as the report writes it
 *   targetDigits(0.7996, 0.8, 1) // 2
 */
export function targetDigits(oee: number | null | undefined, target: number, min = 0): number {
  if (typeof oee !== 'number' || !Number.isFinite(oee) || oee === target) return min;
  for (let digits = min; digits < 2; digits++) {
    const scale = 100 * 10 ** digits;
    if (Math.round(oee * scale) !== Math.round(target * scale)) return digits;
  }
  return 2;
}
