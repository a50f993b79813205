import type { Line } from '../plant.schema.ts';

/** Ideal cycle time (ms) of a product on the line: that product's, else the line's first. */
export function idealCycleMs(line: Line, productId: string | null): number {
  const p = line.products.find((x) => x.productId === productId) ?? line.products[0];
  return (p?.idealCycleTimeSec ?? 1) * 1000;
}

/**
 * Good parts expected by now: planned time so far x target OEE / ideal cycle time. The one target
 * formula of every screen (tablet, lead's view, board). It is the "simple form" of OEE
 * (good x ideal cycle / planned) solved for good, so produced-vs-target and OEE never tell
 * different stories. Null before any planned time.
 * @example targetGood(3_600_000, 0.85, 30_000) // 102
 */
export function targetGood(plannedMs: number, targetOee: number, cycleMs: number): number | null {
  if (plannedMs <= 0 || cycleMs <= 0) return null;
  return Math.floor((plannedMs * targetOee) / cycleMs);
}
