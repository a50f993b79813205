import type { LossCategory, ReasonCategory } from './plant.schema.ts';

/**
 * The losses a stop can be booked to (docs/oee.md): planned time and the availability losses, and
 * minor stops. Reduced speed and the quality losses happen while the machine runs, so a reason
 * booked to them never classifies a stop.
 */
const STOP_LOSSES: ReadonlySet<LossCategory> = new Set<LossCategory>(['planned', 'breakdown', 'setup', 'minor-stop']);

/** Whether a reason of this loss may classify a stop. */
export function isStopLoss(loss: LossCategory): boolean {
  return STOP_LOSSES.has(loss);
}

/**
 * The reason tree as offered for a stop: categories and children booked to a stop loss. A category
 * whose own loss is not a stop loss still shows when a child of it is one.
 * @example stopReasons(plant.reasons).map((r) => r.id) // no "speed", no "quality"
 */
export function stopReasons(reasons: readonly ReasonCategory[]): ReasonCategory[] {
  const out: ReasonCategory[] = [];
  for (const r of reasons) {
    const children = r.children.filter((c) => isStopLoss(c.loss));
    if (isStopLoss(r.loss) || children.length > 0) out.push(children.length === r.children.length ? r : { ...r, children });
  }
  return out;
}
