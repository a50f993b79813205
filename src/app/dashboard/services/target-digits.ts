/**
 * How many decimals OEE and its target are written with, side by side: whole percents, and one
 * or two more only where whole percents would read the same for figures that are not. 79.6 % at
 * a target of 80 % must not read "80 % · target 80 % ▼" (below target, at target).
 *
 * @example
 *   targetDigits(0.796, 0.8) // 1: "79.6%" beside "80.0%"
 *   targetDigits(0.75, 0.8) // 0
 */
export function targetDigits(oee: number | null | undefined, target: number): number {
  if (typeof oee !== 'number' || !Number.isFinite(oee) || oee === target) return 0;
  for (let digits = 0; digits < 2; digits++) {
    const scale = 100 * 10 ** digits;
    if (Math.round(oee * scale) !== Math.round(target * scale)) return digits;
  }
  return 2;
}
