import type { CorrectablePayload, FloorEvent } from '../../core/events.schema.ts';

// "−1" on the first screen: kept apart from the own-entries list (own-entries.ts), which loads later.

/** An operator's undo: the only amendment a tablet makes. */
export interface VoidPayload { type: 'void'; voids: string; reason: string }
type CountPayload = Extract<CorrectablePayload, { type: 'count' }>;
/** The reason stored on the void that a "−1" correction makes (see MinusOne.svelte). */
export const MINUS_ONE_REASON = 'corrected-by-minus-one';

/**
 * The author's latest count at `stationId` since `since` with good parts that still stands: what
 * "−1" corrects. Walks back from the newest entry (a void follows what it voids), so a tap costs
 * a few steps, not a pass over the shift.
 */
export function lastGoodCount(events: readonly FloorEvent[], author: string, stationId: string, since: number): Extract<FloorEvent, { type: 'count' }> | null {
  const voided = new Set<string>();
  let best: Extract<FloorEvent, { type: 'count' }> | null = null;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'void') voided.add(e.voids);
    else if (e.type === 'count' && e.author === author && e.stationId === stationId && e.ts >= since && e.good > 0 && !voided.has(e.id) && (best === null || e.ts > best.ts)) best = e;
    // Entries are appended in time order: once one is older than the newest found, none after it is newer.
    if (best !== null && e.ts < best.ts) break;
  }
  return best;
}

/**
 * A "−1" as events: a count can't be negative and an operator may not correct (only a lead does,
 * on the corrections topic), so the latest own count is voided and, when it held more than one
 * good part, entered again with one less. The service's OEE sees exactly the parts that remain,
 * and the audit trail shows the void with its reason and the new count, both by the operator.
 */
export function minusOne(count: Extract<FloorEvent, { type: 'count' }>): { void: VoidPayload; again: CountPayload | null } {
  const again: CountPayload = { type: 'count', productId: count.productId, good: count.good - 1, reject: count.reject, ...(count.scrapReasonId ? { scrapReasonId: count.scrapReasonId } : {}) };
  return { void: { type: 'void', voids: count.id, reason: MINUS_ONE_REASON }, again: again.good + again.reject > 0 ? again : null };
}

