import type { CorrectablePayload, FloorEvent } from '../../core/events.schema.ts';

/** An operator's undo: the only amendment a tablet makes. */
export interface VoidPayload { type: 'void'; voids: string; reason: string }
type CountPayload = Extract<CorrectablePayload, { type: 'count' }>;

/** Reasons an operator gives for taking back their own entry: one tap each, stored as the void's reason. */
export const undoReasons = ['entered-twice', 'wrong-station', 'mistake'] as const;
export type UndoReason = (typeof undoReasons)[number];
/** The reason stored on the void that a "−1" correction makes (see `takeBackOne`). */
export const MINUS_ONE_REASON = 'corrected-by-minus-one';

type Kind = 'count' | 'stop' | 'note';
/** One of the operator's own entries of this shift at this station, as the tablet lists it. */
export interface OwnEntry {
  event: Extract<FloorEvent, { type: 'count' | 'stop.start' | 'note' }>;
  kind: Kind;
  /** The reason of the void that took it back, or null while it stands. */
  voidedFor: string | null;
  /** A stop's end, when it ended (by this tablet's entries); null while open. */
  stopEnd: number | null;
}

/**
 * The author's own counts, stops and notes at `stationId` since `since` (the shift's start), newest
 * first, each with the void that took it back. The service allows an operator's void only on such
 * entries (src/server/ingest/amendment-rights.ts): the tablet offers undo on exactly these.
 */
export function ownEntries(events: readonly FloorEvent[], author: string, stationId: string, since: number): OwnEntry[] {
  const voids = new Map<string, string>();
  const ends = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'void') voids.set(e.voids, e.reason);
    else if (e.type === 'stop.end') ends.set(e.stopId, e.ts);
  }
  const out: OwnEntry[] = [];
  for (const e of events) {
    if (e.author !== author || e.stationId !== stationId || e.ts < since) continue;
    if (e.type !== 'count' && e.type !== 'stop.start' && e.type !== 'note') continue;
    const kind: Kind = e.type === 'stop.start' ? 'stop' : e.type;
    out.push({ event: e, kind, voidedFor: voids.get(e.id) ?? null, stopEnd: e.type === 'stop.start' ? (ends.get(e.stopId) ?? null) : null });
  }
  return out.sort((a, b) => b.event.ts - a.event.ts);
}

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

/** Length of a duration in whole seconds as "m:ss" (or "h:mm:ss"). */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  return `${hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}` : mm}:${String(ss).padStart(2, '0')}`;
}

/** Where a split of a stop from `start` to `end` falls, `afterMs` in, kept at least a second inside. */
export function splitPoint(start: number, end: number, afterMs: number): number {
  return start + Math.min(Math.max(1000, Math.round(afterMs / 1000) * 1000), end - start - 1000);
}
