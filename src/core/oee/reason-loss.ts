import type { LossCategory } from '../plant.schema.ts';

/** One earlier loss of a reason: stops that began before `until` (ms) are booked to `loss`. */
export interface EarlierLoss {
  until: number;
  loss: LossCategory;
}

/**
 * Reason id to the loss its stops are booked to, over both levels of the tree; `get` is the loss
 * now. A reason whose loss category was changed with an effective time (plant.schema `lossBefore`)
 * keeps its earlier loss for the stops that began before it (`lossAt`): a new configuration
 * applies from its effective time, and what came before is not rewritten (issue 13).
 */
export class ReasonLosses extends Map<string, LossCategory> {
  readonly #earlier = new Map<string, readonly EarlierLoss[]>();

  /** Earlier losses of a reason, sorted by `until`. */
  setEarlier(reasonId: string, earlier: readonly EarlierLoss[]): void {
    if (earlier.length) this.#earlier.set(reasonId, [...earlier].sort((a, b) => a.until - b.until));
  }

  /** The loss of a stop with this reason that began at `start`; undefined for a reason not in the tree. */
  lossAt(reasonId: string, start: number): LossCategory | undefined {
    const earlier = this.#earlier.get(reasonId);
    if (earlier) for (const e of earlier) if (start < e.until) return e.loss;
    return this.get(reasonId);
  }
}

/** The loss of a stop that began at `start`: by its time where the map knows earlier losses. */
export function lossAt(losses: ReadonlyMap<string, LossCategory>, reasonId: string, start: number): LossCategory | undefined {
  return losses instanceof ReasonLosses ? losses.lossAt(reasonId, start) : losses.get(reasonId);
}
